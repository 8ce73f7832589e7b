"""A Ray instance on this machine (2 CPUs, loopback) for the scale-out tests, and what they compare."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from codesteer.eval import RunStore
from codesteer.eval.store import JobKey
from codesteer.steer import trajectory_json

ray = pytest.importorskip("ray", reason="the Ray tests need the [dist] extra (pip install 'codesteer[dist]')")


@pytest.fixture(scope="module")
def ray_cluster() -> Iterator[Any]:
    """A local Ray instance with 2 CPUs for the module's tests; workers inherit this environment."""
    ray.init(address="local", num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        yield ray
    finally:
        ray.shutdown()


def _untimed(value: Any) -> Any:
    """A stored trajectory without its clock readings (every key ending in ``_s``)."""
    if isinstance(value, dict):
        return {k: _untimed(v) for k, v in value.items() if not k.endswith("_s")}
    if isinstance(value, list):
        return [_untimed(v) for v in value]
    return value


def stored(out: Path) -> dict[JobKey, tuple]:
    """Every stored job: status, verdict, failure, calls, tokens and the whole trajectory (untimed)."""
    with RunStore(out) as store:
        return {row.key: (row.status, row.correct, row.failure, row.calls, row.tokens,
                          _untimed(json.loads(trajectory_json.dumps(store.trajectory(row.id)))))
                for row in store.jobs()}
