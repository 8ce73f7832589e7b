"""``run_eval`` on Ray workers: the stored results of a local run, and a worker killed mid-run
costs nothing (its jobs run again elsewhere, none is stored twice)."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from codesteer.dist import RayBackend, WorkerLostError
from codesteer.eval import EvalSpec, RunStore, run_eval_async
from codesteer.eval.runner import JobResult
from codesteer.steer import SteerConfig
from tests.eval.canned_server import CannedServer
from tests.eval.world import reference_answers

from .conftest import stored

pytestmark = pytest.mark.slow
SELECTION = dict(methods="codesteer,all_code_cot", tasks="game24,number_multiply", n=3, seed=1)


@pytest.fixture(scope="module")
def server() -> Iterator[CannedServer]:
    """The scripted models behind a real HTTP server, each reply 50 ms late (jobs overlap)."""
    instances, _ = EvalSpec(**SELECTION).instances()  # type: ignore[arg-type]
    canned = CannedServer(reference_answers(instances), delay=0.05).start()
    yield canned
    canned.stop()


@pytest.fixture(scope="module")
def spec(server: CannedServer) -> EvalSpec:
    return EvalSpec(**SELECTION, task_models=f"openai:task@{server.url}",  # type: ignore[arg-type]
                    steer_model=f"openai:steer@{server.url}", steer=SteerConfig(self_check=False))


@pytest.fixture(scope="module")
def reference(spec: EvalSpec, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """What the local path stores for the spec (real sandbox, the same server)."""
    out = tmp_path_factory.mktemp("local")
    asyncio.run(run_eval_async(spec, out, cache=False, concurrency=4))
    return stored(out)


async def test_ray_stores_what_the_local_path_stores(ray_cluster: Any, spec: EvalSpec, reference: dict,
                                                     tmp_path: Path) -> None:
    backend = RayBackend(workers=2, worker_cpus=1)
    summary = await run_eval_async(spec, tmp_path / "ray", cache=False, concurrency=2, backend=backend)
    assert summary.done == summary.total == len(reference) == 12 and summary.errors == 0
    assert stored(tmp_path / "ray") == reference
    pool = backend.workers_now
    assert pool is not None and pool.slots == 4 and pool.reruns == 0 and pool.live == []  # stopped at the end
    assert ray_cluster.is_initialized()  # a cluster the caller joined is left as it was

    again = await run_eval_async(spec, tmp_path / "ray", cache=False, concurrency=2, backend=RayBackend(workers=1))
    assert again.done_now == 0 and again.done_before == 12  # resume: nothing left, no worker started


class KillBusiestWorker:
    """Progress hook: when the first job is stored, SIGKILL the worker with the most jobs in flight."""

    def __init__(self, backend: RayBackend) -> None:
        self.backend = backend
        self.killed_in_flight = 0

    def start(self, total: int, done: int, correct: int, notices: Sequence[str]) -> None:
        pass

    def advance(self, result: JobResult) -> None:
        pool = self.backend.workers_now
        if self.killed_in_flight or pool is None:
            return
        busiest = max(pool.live, key=lambda w: w.in_flight)
        self.killed_in_flight = busiest.in_flight
        os.kill(busiest.info.pid, signal.SIGKILL)


async def test_a_worker_killed_mid_run_loses_and_duplicates_nothing(ray_cluster: Any, spec: EvalSpec,
                                                                     reference: dict, tmp_path: Path) -> None:
    backend = RayBackend(workers=2, worker_cpus=1)
    killer = KillBusiestWorker(backend)
    out = tmp_path / "killed-worker"
    summary = await run_eval_async(spec, out, cache=False, concurrency=2, backend=backend, progress=killer)
    pool = backend.workers_now
    assert pool is not None and killer.killed_in_flight >= 1
    assert pool.replaced == 1 and pool.reruns >= killer.killed_in_flight  # its jobs ran again elsewhere
    assert summary.done == 12 and summary.errors == 0
    assert stored(out) == reference
    with RunStore(out) as store:
        [run] = store.runs()
        assert run.jobs_done == 12  # every job was stored exactly once


async def test_a_job_whose_workers_keep_dying_is_an_error_of_that_job(ray_cluster: Any, spec: EvalSpec,
                                                                      tmp_path: Path) -> None:
    """``max_losses=1``: the jobs of the killed worker end as errors, the others are done;
    ``--retry-errors`` then redoes exactly those."""
    backend = RayBackend(workers=2, worker_cpus=1, max_losses=1)
    killer = KillBusiestWorker(backend)
    out = tmp_path / "lost"
    summary = await run_eval_async(spec, out, cache=False, concurrency=2, backend=backend, progress=killer)
    assert summary.errors >= killer.killed_in_flight >= 1 and summary.done == 12
    with RunStore(out) as store:
        errors = [store.trajectory(r.id).error for r in store.jobs() if r.status == "error"]
    assert all(e is not None and e.startswith(WorkerLostError.__name__) for e in errors)
    assert all("lost its Ray worker 1 time(s)" in str(e) for e in errors)
    # three workers asked of a 2-CPU cluster: the run starts with those that fit, and the one
    # still waiting for a CPU is stopped with the others at the end
    retried = await run_eval_async(spec, out, cache=False, concurrency=2, retry_errors=True,
                                   backend=RayBackend(workers=3, worker_cpus=1))
    assert retried.done_now == len(errors) and retried.errors == 0
    deadline = time.monotonic() + 60
    while ray_cluster.available_resources().get("CPU") != 2:  # every worker's CPU comes back
        assert time.monotonic() < deadline, ray_cluster.available_resources()
        await asyncio.sleep(0.05)
