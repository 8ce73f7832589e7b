"""Judging off the event loop, in worker processes, within a deadline.

A judge is our code, but it reads answers a model (or a model's program) wrote, so one answer
must never stall a whole evaluation. :class:`JudgePool` judges in a small pool of worker
processes (``concurrent.futures``, forkserver start): the event loop keeps serving other jobs while
a judge works, and a judge that has not answered within ``deadline_s`` — or that crashes, or
runs out of its memory limit — becomes a :class:`~codesteer.symbench.errors.JudgeError` of that
job (stored as a ``judge_error``, redone by ``--retry-errors``), never a wrong answer. A worker
stuck past its deadline is killed with the pool, and the jobs that were judging in that pool at
the time are judged again in a fresh one.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import resource
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from codesteer.symbench.errors import JudgeError
from codesteer.symbench.task import Instance, Verdict

#: How long one judgement may take (judges take milliseconds; this only catches runaways).
DEADLINE_S = 30.0
#: Address space of a judge worker: a judge that needs more has met an answer built to explode.
MEMORY_LIMIT_BYTES = 2 << 30
#: Imported by the forkserver the workers fork from.
PRELOAD_MODULE = "codesteer.eval.judge_preload"

Outcome = tuple[bool, Verdict | str]


def judge_in_worker(instance: Instance, text: str) -> Outcome:
    """Runs in a worker: the verdict, or the failure as text (exceptions need not pickle)."""
    from codesteer.symbench.registry import get_task

    try:
        return True, get_task(instance.task).judge(instance, text)
    except JudgeError as exc:
        return False, exc.detail
    except (Exception, MemoryError, RecursionError) as exc:  # reported to the host as the job's judge error
        return False, f"{type(exc).__name__}: {exc}"


def _ready() -> None:
    """A no-op judged in each new worker by :meth:`JudgePool.start`."""


def _prepare_worker() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT_BYTES, MEMORY_LIMIT_BYTES))
    from codesteer.symbench.registry import all_tasks

    all_tasks()  # every task, before the first judgement (done already where the forkserver preloaded them)


class JudgePool:
    """An async judge (``await pool(instance, text) -> Verdict``) for the engine's ``judge=``."""

    def __init__(self, workers: int = 2, deadline_s: float = DEADLINE_S,
                 function: Callable[[Instance, str], Outcome] = judge_in_worker) -> None:
        if workers < 1 or deadline_s <= 0:
            raise ValueError("a judge pool needs at least one worker and a positive deadline")
        self.workers, self.deadline_s, self.function = workers, deadline_s, function
        self._executor: ProcessPoolExecutor | None = None
        self._free: asyncio.Semaphore | None = None

    def _pool(self) -> ProcessPoolExecutor:
        if self._executor is None:
            context = multiprocessing.get_context("forkserver")
            # Workers fork from a server that has imported every task: a fresh pool starts in
            # milliseconds. Applies where this process starts its forkserver (once per process);
            # a worker imports the tasks itself otherwise.
            context.set_forkserver_preload([PRELOAD_MODULE])
            self._executor = ProcessPoolExecutor(self.workers, mp_context=context, initializer=_prepare_worker)
        return self._executor

    def _kill(self, executor: ProcessPoolExecutor) -> None:
        """Stop a pool whose worker is stuck (the standard executor cannot stop one task)."""
        if self._executor is executor:
            self._executor = None
        for process in list((executor._processes or {}).values()):  # no public way to stop a running task
            process.kill()
        executor.shutdown(wait=False)  # its other judgements end with BrokenProcessPool and are retried

    async def start(self) -> None:
        """Start the workers and wait until they have imported the tasks, so that a run's first
        judgements do not pay for it (a call does this itself when needed)."""
        loop = asyncio.get_running_loop()
        executor = self._pool()
        try:
            await asyncio.gather(*(loop.run_in_executor(executor, _ready) for _ in range(self.workers)))
        except BrokenProcessPool as exc:
            self._kill(executor)
            raise RuntimeError(
                "the judge pool's worker processes died while starting; a script that runs an evaluation "
                "must do so under `if __name__ == \"__main__\":` (the workers import the script again)") from exc

    async def __call__(self, instance: Instance, text: str) -> Verdict:
        if self._free is None:
            self._free = asyncio.Semaphore(self.workers)
        async with self._free:  # a judgement waits here, so its deadline counts only its own work
            return await self._judge(instance, text)

    async def _judge(self, instance: Instance, text: str) -> Verdict:
        for attempt in range(2):
            executor = self._pool()
            future = asyncio.get_running_loop().run_in_executor(executor, self.function, instance, text)
            try:
                ok, value = await asyncio.wait_for(future, self.deadline_s)
            except TimeoutError:
                self._kill(executor)
                raise JudgeError.about(instance.task, instance.id, text, f"did not finish within {self.deadline_s:g} s") from None
            except BrokenProcessPool:
                self._kill(executor)
                if attempt:
                    raise JudgeError.about(instance.task, instance.id, text, "its worker process died") from None
                continue  # another judgement took the pool down: once more on a fresh one
            if not ok:
                raise JudgeError.about(instance.task, instance.id, text, str(value))
            return value  # type: ignore[return-value]
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
