"""Ray workers that solve jobs, and the driver's side of them: least-busy dispatch, bounded, fault-tolerant.

A :class:`Worker` is the body of one Ray actor. It builds a solver from the run's settings
(:mod:`codesteer.eval.solver`) in its own process, warms its own sandbox pool, and solves up to
``per_worker`` jobs at once on its own event loop, with the same per-endpoint and sandbox bounds
as a run in one process. :class:`RayWorkers` is the driver's solver: it sends each job to the
live worker with the fewest jobs in flight, never more than ``per_worker`` to one worker, and
returns the worker's trajectory, so the driver stays the only writer of the store.

A worker that dies (its process killed, its node lost) fails the calls it had in flight with
Ray's actor error: those jobs are sent again to another worker, and a replacement worker is
started. A job is stored only once the driver has its trajectory, so nothing is lost and nothing
is stored twice. A job whose worker dies ``max_losses`` times ends as an error of that job
(``--retry-errors`` redoes it).
"""

from __future__ import annotations

import asyncio
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from codesteer.eval.solver import Job, Setup, Solver
from codesteer.steer.trajectory import Trajectory


class WorkerLostError(RuntimeError):
    """A job's worker died too often, or no worker is left to run it."""


@dataclass(frozen=True)
class WorkerInfo:
    """Where a worker runs."""

    pid: int
    host: str


class Worker:
    """The body of a Ray actor: one solver, one sandbox pool, one event loop."""

    def __init__(self, env: dict[str, str]) -> None:
        os.environ.update(env)
        self.solver: Solver | None = None

    async def start(self, setup: Setup, sandbox_workers: int) -> WorkerInfo:
        from codesteer.sandbox import default_pool

        os.environ.setdefault("CODESTEER_SANDBOX_WORKERS", str(sandbox_workers))
        self.solver = setup.build()
        await asyncio.gather(self.solver.warm(), asyncio.to_thread(default_pool().start))  # warm, as a long local run is
        return WorkerInfo(os.getpid(), socket.gethostname())

    async def solve(self, job: Job) -> Trajectory:
        if self.solver is None:
            raise RuntimeError("the worker was not started")
        return await self.solver.solve(job)

    async def stop(self) -> None:
        if self.solver is not None:
            await self.solver.aclose()


@dataclass(eq=False)
class LiveWorker:
    """A started worker as the driver sees it."""

    handle: Any
    info: WorkerInfo
    in_flight: int = 0


def _cause(ray: Any, exc: BaseException) -> BaseException:
    """The worker-side exception a Ray task error carries (its message without Ray's traceback)."""
    cause = getattr(exc, "cause", None) if isinstance(exc, ray.exceptions.RayTaskError) else None
    return cause if isinstance(cause, Exception) else exc


class RayWorkers:
    """The driver's :class:`~codesteer.eval.solver.Solver` over ``count`` Ray workers.

    ``slots`` (jobs the runner keeps in flight) is ``count * per_worker``; ``on_close`` runs
    after the workers are stopped (the backend disconnects there). ``reruns``: jobs sent again
    because their worker died; ``replaced``: workers started in place of dead ones.
    """

    def __init__(self, ray: Any, setup: Setup, *, count: int, per_worker: int, cpus: float,
                 sandbox_workers: int, env: dict[str, str], max_losses: int = 3,
                 on_close: Callable[[], None] | None = None) -> None:
        if count < 1 or per_worker < 1:
            raise ValueError("a Ray run needs at least one worker and one job per worker")
        self.ray, self.setup, self.count, self.per_worker = ray, setup, count, per_worker
        self.sandbox_workers, self.env, self.max_losses, self.on_close = sandbox_workers, env, max_losses, on_close
        self.slots = count * per_worker
        self.live: list[LiveWorker] = []
        self.reruns = self.replaced = 0
        self._starting = 0
        self._changed = asyncio.Condition()
        self._tasks: set[asyncio.Task[None]] = set()
        self._first_failure: BaseException | None = None
        self._last_failure: BaseException | None = None
        self._actor = ray.remote(Worker).options(num_cpus=cpus, max_concurrency=per_worker + 2, max_restarts=0,
                                                 scheduling_strategy="SPREAD")

    async def start(self) -> None:
        """Start the workers and return once one is ready (the others join as they start, e.g. when
        the cluster frees CPUs). When every worker fails to start, the first worker-side error (a
        bad model spec...) is raised here."""
        for _ in range(self.count):
            self._spawn()
        async with self._changed:
            await self._changed.wait_for(lambda: bool(self.live) or not self._starting)
        if not self.live:
            failure = self._first_failure or WorkerLostError("no Ray worker started")
            await self.aclose()
            raise failure

    def _spawn(self) -> None:
        """Start one more worker in the background; it joins the live ones when ready."""
        self._starting += 1
        task = asyncio.create_task(self._start_one())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _start_one(self) -> None:
        handle = self._actor.remote(self.env)
        info: WorkerInfo | None = None
        try:
            info = await handle.start.remote(self.setup, self.sandbox_workers)
        except BaseException as exc:  # failed, or cancelled by aclose(): the actor must not stay behind
            self.ray.kill(handle)
            if not isinstance(exc, Exception):
                raise
            self._last_failure = _cause(self.ray, exc)
            self._first_failure = self._first_failure or self._last_failure
        finally:
            async with self._changed:
                self._starting -= 1
                if info is not None:
                    self.live.append(LiveWorker(handle, info))
                self._changed.notify_all()

    def _least_busy(self) -> LiveWorker | None:
        free = [w for w in self.live if w.in_flight < self.per_worker]
        return min(free, key=lambda w: w.in_flight) if free else None

    async def _acquire(self) -> LiveWorker:
        async with self._changed:
            await self._changed.wait_for(lambda: self._least_busy() is not None or not (self.live or self._starting))
            worker = self._least_busy()
            if worker is None:
                raise WorkerLostError(f"no Ray worker is left and none could be started again "
                                      f"(last failure: {self._last_failure})")
            worker.in_flight += 1
            return worker

    async def _release(self, worker: LiveWorker) -> None:
        async with self._changed:
            worker.in_flight -= 1
            self._changed.notify_all()

    def _lose(self, worker: LiveWorker) -> None:
        """Drop a dead worker (once, however many of its calls report it) and start a replacement."""
        if worker not in self.live:
            return
        self.live.remove(worker)
        self.ray.kill(worker.handle)  # one that is only unreachable must not go on with jobs run elsewhere
        self.replaced += 1
        self._spawn()

    async def solve(self, job: Job) -> Trajectory:
        dead = self.ray.exceptions.RayActorError, self.ray.exceptions.ObjectLostError
        for attempt in range(1, self.max_losses + 1):
            worker = await self._acquire()
            try:
                return await worker.handle.solve.remote(job)
            except self.ray.exceptions.RayTaskError as exc:
                raise _cause(self.ray, exc) from None
            except dead as exc:
                self._last_failure = exc
                self._lose(worker)
            finally:
                await self._release(worker)
            self.reruns += attempt < self.max_losses
        raise WorkerLostError(f"{job.key.task} {job.key.instance_id} lost its Ray worker {self.max_losses} time(s) "
                              f"(last: {self._last_failure})")

    async def aclose(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        live, self.live = self.live, []
        await asyncio.gather(*(w.handle.stop.remote() for w in live), return_exceptions=True)
        for worker in live:
            self.ray.kill(worker.handle)
        if self.on_close is not None:
            self.on_close()
