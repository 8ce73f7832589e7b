"""``run_synth`` on Ray workers grows the same guidance tree as a local run: the driver plans the
branches, the workers run the rollouts (a branch replays its parent, which it carries)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from codesteer.dist import RayBackend
from codesteer.synth import open_run, pairs, run_synth_async
from tests.llm.conftest import FakeServer, Reply, openai_body
from tests.synth.helpers import TREE, Teacher, task_reply, tree_spec

from .conftest import stored

pytestmark = pytest.mark.slow


class SynthServer(FakeServer):
    """The scripted teacher (model ``teacher``, by the seed of each call) and task model over HTTP."""

    def __init__(self) -> None:
        super().__init__()
        self.teacher = Teacher(tree_spec(), TREE)

    def _next(self, method: str, path: str, headers: dict[str, str], raw: bytes) -> Reply:
        payload: dict[str, Any] = json.loads(raw)
        messages = payload["messages"]
        with self._lock:
            self.requests.append(payload)
            text = (self.teacher.reply(messages, payload["seed"]) if payload["model"] == "teacher"
                    else task_reply(messages))
        return Reply(body=openai_body(text, prompt_tokens=10, completion_tokens=len(text.split())))


@pytest.fixture
def server() -> Iterator[SynthServer]:
    running = SynthServer().start()
    yield running
    running.stop()


async def test_ray_grows_the_tree_a_local_run_grows(ray_cluster: Any, server: SynthServer, tmp_path: Path) -> None:
    spec = tree_spec().with_(teacher=f"openai:teacher@{server.url}", task_model=f"openai:task@{server.url}")
    local = await run_synth_async(spec, tmp_path / "local", cache=False, concurrency=2)
    calls_local = len(server.requests)
    on_ray = await run_synth_async(spec, tmp_path / "ray", cache=False, concurrency=2,
                                   backend=RayBackend(workers=2, worker_cpus=1))
    assert local.stored == on_ray.stored == on_ray.ran_now == 4 and on_ray.calls == local.calls
    assert len(server.requests) == 2 * calls_local  # branches replayed their prefix on the workers too
    assert stored(tmp_path / "ray") == stored(tmp_path / "local")
    found = pairs(*open_run(tmp_path / "ray"))
    assert found == pairs(*open_run(tmp_path / "local")) and len(found) == 2
