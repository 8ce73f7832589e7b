"""Run an :class:`EvalSpec` into a run directory: concurrent, bounded, resumable.

``run_eval_async(spec, out)`` expands the spec into jobs (method × task model × instance ×
sample), skips those already stored, and runs the rest with ``concurrency`` jobs in flight.
Model calls are bounded per endpoint and sandbox runs globally (:mod:`.limits`). Each finished
job is stored at once (:mod:`.store`); killing the process and running the same spec again
resumes. :func:`run_jobs` is the reusable core (a queue of jobs, a worker pool, the store); the
jobs are solved by a :class:`~codesteer.eval.solver.Solver`, in this process or on a backend's
workers (:mod:`codesteer.dist`), and this process alone writes the store.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from codesteer.eval.metrics import classify
from codesteer.eval.solver import Backend, Bounds, EvalSetup, Job, ModelFactory, Solver, open_solver
from codesteer.eval.spec import EvalSpec
from codesteer.eval.store import JobKey, RunStore
from codesteer.llm.base import ChatModel
from codesteer.steer.code_runner import Executor
from codesteer.steer.config import SteerConfig
from codesteer.steer.scorer import Judge
from codesteer.steer.trajectory import Trajectory
from codesteer.symbench.task import Instance


@dataclass(frozen=True)
class JobResult:
    """A finished job as reported to progress displays."""

    job: Job
    trajectory: Trajectory
    failure: str | None

    @property
    def correct(self) -> bool:
        return self.failure is None

    @property
    def tokens(self) -> int:
        return self.trajectory.total_tokens


class Progress(Protocol):
    """What the runner tells a progress display."""

    def start(self, total: int, done: int, correct: int, notices: Sequence[str]) -> None: ...

    def advance(self, result: JobResult) -> None: ...


@dataclass
class RunSummary:
    """What a call to the runner did: totals over the whole run directory, and this call's share."""

    out: Path
    total: int
    done_before: int
    done_now: int
    correct: int
    errors: int
    tokens: int
    wall_s: float
    notices: list[str] = field(default_factory=list)

    @property
    def done(self) -> int:
        return self.done_before + self.done_now

    @property
    def accuracy(self) -> float:
        return self.correct / self.done if self.done else 0.0


def plan_jobs(spec: EvalSpec, instances: Sequence[Instance]) -> list[Job]:
    """Every job of the spec, in a stable order (instances outermost, so tasks mix in the queue)."""
    return [
        Job(JobKey(method, model, spec.steer_for(method, model), inst.task, inst.id, sample), inst)
        for inst in instances
        for method in spec.methods
        for model in spec.task_models
        for sample in range(spec.samples)
    ]


async def run_jobs(
    jobs: Sequence[Job],
    work: Callable[[Job], Awaitable[Trajectory]],
    store: RunStore,
    *,
    concurrency: int,
    run_id: int | None = None,
    on_result: Callable[[JobResult], None] | None = None,
) -> list[JobResult]:
    """Run ``work`` on every job with ``concurrency`` in flight, storing each result as it ends.

    ``work`` should not raise (``solve`` does not); if it does, the job is stored as an error
    with the exception's message, and the run goes on.
    """
    queue: asyncio.Queue[Job] = asyncio.Queue()
    for job in jobs:
        queue.put_nowait(job)
    results: list[JobResult] = []

    async def worker() -> None:
        while True:
            try:
                job = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            start = time.perf_counter()
            try:
                trajectory = await work(job)
            except Exception as exc:  # one broken job must not end the run
                trajectory = _crashed(job, exc, time.perf_counter() - start)
            failure = classify(trajectory)
            store.record(job.key, trajectory, run_id=run_id, failure=failure, level=job.instance.level,
                         complexity=job.instance.complexity)
            result = JobResult(job, trajectory, failure)
            results.append(result)
            if on_result is not None:
                on_result(result)

    await asyncio.gather(*(worker() for _ in range(max(1, min(concurrency, len(jobs))))))
    return results


def _crashed(job: Job, exc: Exception, wall_s: float) -> Trajectory:
    models = {"task": job.key.task_model, **({"steer": job.key.steer_model} if job.key.steer_model else {})}
    return Trajectory(method=job.key.method, question=job.instance.question, config=SteerConfig(), models=models,  # type: ignore[arg-type]
                      instance=job.instance, stop_reason="error", error=f"{type(exc).__name__}: {exc}",
                      wall_s=wall_s)


async def run_eval_async(
    spec: EvalSpec,
    out: str | Path,
    *,
    concurrency: int = 8,
    model_concurrency: int | None = None,
    sandbox_concurrency: int | None = None,
    models: Mapping[str, ChatModel] | None = None,
    model_factory: ModelFactory | None = None,
    cache: bool = True,
    executor: Executor | None = None,
    retry_errors: bool = False,
    progress: Progress | None = None,
    command: str | None = None,
    judge: Judge | None = None,
    backend: Backend | None = None,
) -> RunSummary:
    """Run (or resume) ``spec`` into the run directory ``out``.

    ``models`` maps spec strings to ready models (tests, custom clients); other specs are built
    by ``model_factory`` (default: :func:`codesteer.llm.spec.load_model`, cached unless ``cache``
    is False). ``model_concurrency``: in-flight calls per endpoint (default ``concurrency``);
    ``sandbox_concurrency``: programs running at once (default: the sandbox pool's size).
    ``retry_errors``: redo stored jobs that ended in an error (a model, sandbox or judge failure).
    ``judge``: how answers are judged (default: a :class:`~codesteer.eval.judging.JudgePool`, off
    the event loop within its deadline). ``backend``: solve the jobs on its workers (e.g. :class:`codesteer.dist.RayBackend`), each
    with these bounds, instead of in this process; this process still stores every result.
    Raises :class:`~codesteer.eval.spec.SpecError` for a bad spec and
    :class:`~codesteer.eval.store.RunMismatchError` when ``out`` holds another run.
    """
    setup = EvalSetup(spec, Bounds(concurrency, model_concurrency, sandbox_concurrency), cache)
    started = time.perf_counter()
    instances, notices = spec.instances()
    jobs = plan_jobs(spec, instances)
    with RunStore(out) as store:
        store.claim()
        store.ensure_same_config(spec.to_dict())
        finished = store.finished(include_errors=not retry_errors)
        pending = [j for j in jobs if j.key not in finished]
        wanted = {j.key for j in jobs}
        before = [r for r in store.jobs() if r.key in wanted and r.key in finished]
        results: list[JobResult] = []
        solver: Solver | None = None
        try:
            # models are built before the run is recorded: a bad spec leaves the directory unbound
            if pending:
                solver = await open_solver(setup, backend, models, model_factory, executor, judge)
            store.bind(spec.to_dict())
            if progress is not None:
                progress.start(len(jobs), len(before), sum(r.correct for r in before), notices)
            if solver is not None:
                run_id = store.start_run(command)
                results = await run_jobs(pending, solver.solve, store, concurrency=solver.slots, run_id=run_id,
                                         on_result=progress.advance if progress is not None else None)
                store.finish_run(run_id)
        finally:
            if solver is not None:
                await solver.aclose()
        rows = [r for r in store.jobs() if r.key in wanted]
    return RunSummary(
        out=Path(out), total=len(jobs), done_before=len(before), done_now=len(results),
        correct=sum(r.correct for r in rows), errors=sum(r.status == "error" for r in rows),
        tokens=sum(r.tokens for r in rows), wall_s=time.perf_counter() - started, notices=notices,
    )


def run_eval(spec: EvalSpec, out: str | Path, **options: object) -> RunSummary:
    """Synchronous :func:`run_eval_async` (same options)."""
    return asyncio.run(run_eval_async(spec, out, **options))  # type: ignore[arg-type]
