"""Joining or starting a Ray cluster, and what this process hands its workers.

``ADDRESS`` as the command line takes it: ``local`` (or nothing) starts a Ray instance on this
machine for the run and stops it afterwards; ``auto`` joins the cluster ``ray start`` runs here
(or ``$RAY_ADDRESS``); ``HOST:PORT`` or ``ray://HOST:PORT`` joins that one. A process already
connected to Ray (a test, a notebook) is used as it is and left connected.
"""

from __future__ import annotations

import logging
import os
from types import ModuleType
from typing import Any

from codesteer.llm.errors import MissingDependencyError

LOCAL = "local"
#: Settings the workers need from this process's environment: the response cache's switch and
#: folder, the providers' keys and URLs. A node's own environment does not reach a worker's models.
FORWARDED_ENV = ("CODESTEER_CACHE", "CODESTEER_CACHE_DIR", "OPENAI_API_KEY", "OPENAI_BASE_URL",
                 "ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL", "VLLM_API_KEY")


def import_ray() -> ModuleType:
    """The ``ray`` module, or a clear error naming the extra that brings it."""
    try:
        import ray
    except ImportError as exc:
        raise MissingDependencyError(
            "running on Ray needs the [dist] extra: pip install 'codesteer[dist]'") from exc
    return ray


def forwarded_env() -> dict[str, str]:
    """The :data:`FORWARDED_ENV` variables set here, for the workers."""
    return {name: os.environ[name] for name in FORWARDED_ENV if name in os.environ}


class Connection:
    """This process's link to a cluster; ``close()`` undoes only what ``open`` did."""

    def __init__(self, address: str | None) -> None:
        self.address = address or LOCAL
        self.ray = import_ray()
        self._owned = False

    def open(self) -> Any:
        ray = self.ray
        if not ray.is_initialized():
            options: dict[str, Any] = dict(address=self.address, log_to_driver=False, logging_level=logging.WARNING)
            if self.address == LOCAL:
                options["include_dashboard"] = False
            try:
                ray.init(**options)
            except ConnectionError as exc:
                raise ConnectionError(f"cannot join the Ray cluster at {self.address!r} ({exc}); start one with "
                                      "`ray start --head`, or give --ray without an address for a local one") from exc
            self._owned = True
        return ray

    def close(self) -> None:
        if self._owned:
            self.ray.shutdown()
            self._owned = False
