"""Run (or resume) a synthesis spec into a run directory, within a call/token budget.

Rollouts are stored one by one in the evaluation store (:class:`codesteer.eval.store.RunStore`,
one ``results.db`` per directory, bound to the spec), each through the evaluation runner's
:func:`~codesteer.eval.runner.run_jobs` (crash handling, one transaction per rollout). A
:class:`~codesteer.synth.solver.RolloutSolver` runs them, in this process or on a backend's
workers, with model calls and sandbox runs bounded as in evaluation. Unlike an evaluation, the
work is a tree that grows as rollouts finish (a branch needs its parent), so the pool here plans
new rollouts as their parents are stored and sends each branch with its parent's trajectory.

Killing a run at any moment loses only the rollouts in flight; running the same spec into the same
directory again walks the stored rollouts, re-plans the missing ones and runs only those.
The budget counts model calls that were really made (not cached, not replayed) by every rollout
in the store; it is checked before each rollout starts, so a run may pass it by the rollouts in
flight. A run stopped by its budget resumes when given a larger one.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from codesteer.eval.runner import JobResult, run_jobs
from codesteer.eval.solver import Backend, Bounds, ModelFactory, Solver, open_solver
from codesteer.eval.store import JobKey, RunStore
from codesteer.llm.base import ChatModel
from codesteer.steer.code_runner import Executor
from codesteer.steer.trajectory import Trajectory
from codesteer.symbench.task import Instance
from codesteer.synth.solver import RolloutJob, SynthSetup
from codesteer.synth.spec import SynthSpec
from codesteer.synth.tree import BranchPath, branch_text, branches, rollout_of

#: A stored rollout's place: task, instance id, root sample, branch path.
Place = tuple[str, str, int, BranchPath]


@dataclass(frozen=True)
class Budget:
    """Most model calls and tokens (prompt + completion) the run directory may have spent in all."""

    calls: int | None = None
    tokens: int | None = None

    def reached(self, calls: int, tokens: int) -> bool:
        return (self.calls is not None and calls >= self.calls) or (self.tokens is not None and tokens >= self.tokens)


def spent(t: Trajectory) -> tuple[int, int]:
    """Calls really made by a rollout (not cached, not replayed) and their tokens."""
    paid = [c for c in t.calls if not c.cached]
    return len(paid), sum(c.prompt_tokens + c.completion_tokens for c in paid)


@dataclass(frozen=True)
class Rollout:
    """One planned rollout: its instance, root sample and branch path."""

    instance: Instance
    sample: int
    path: BranchPath = ()

    @property
    def place(self) -> Place:
        return self.instance.task, self.instance.id, self.sample, self.path

    def parent(self) -> Place:
        return self.instance.task, self.instance.id, self.sample, self.path[:-1]

    def key(self, spec: SynthSpec) -> JobKey:
        return JobKey("codesteer", spec.task_spec, spec.teacher, self.instance.task, self.instance.id, self.sample,
                      branch_text(self.path))


@dataclass
class SynthSummary:
    """What a call did, and where the directory stands.

    ``stored``: rollouts in the directory; ``ran_now``: run by this call; ``left``: planned
    rollouts not started because the budget was reached (their branches are not planned yet);
    ``calls``/``tokens``: spent by the whole directory.
    """

    out: Path
    stored: int
    ran_now: int
    left: int
    budget_reached: bool
    calls: int
    tokens: int
    wall_s: float
    notices: list[str] = field(default_factory=list)


def _children(spec: SynthSpec, r: Rollout, t: Trajectory) -> list[Rollout]:
    if spec.kind == "sft":
        return []
    paths = branches(r.path, t, mode=spec.mode, width=spec.width, depth=spec.depth, resamples=spec.resamples)
    return [Rollout(r.instance, r.sample, p) for p in paths]


def _roots(spec: SynthSpec, instances: list[Instance]) -> list[Rollout]:
    samples = spec.samples if spec.kind == "sft" else 1
    return [Rollout(inst, s) for inst in instances for s in range(samples)]


def load(store: RunStore) -> dict[Place, Trajectory]:
    """Every stored rollout by its place."""
    return {(row.key.task, row.key.instance_id, *rollout_of(row.key.sample, row.key.branch)): t
            for row, t in store.iter_trajectories()}


async def run_synth_async(
    spec: SynthSpec,
    out: str | Path,
    *,
    concurrency: int = 4,
    model_concurrency: int | None = None,
    sandbox_concurrency: int | None = None,
    budget: Budget | None = None,
    models: Mapping[str, ChatModel] | None = None,
    model_factory: ModelFactory | None = None,
    cache: bool = True,
    executor: Executor | None = None,
    retry_errors: bool = False,
    on_rollout: Callable[[JobResult], None] | None = None,
    command: str | None = None,
    backend: Backend | None = None,
) -> SynthSummary:
    """Run (or resume) ``spec`` into ``out``; see the module docstring.

    ``models`` maps specs to ready models (tests); others are built by ``model_factory`` (default
    :func:`codesteer.llm.spec.load_model`, response cache on unless ``cache`` is False).
    ``retry_errors``: run again the rollouts stored with an error. ``backend``: run the rollouts
    on its workers (e.g. :class:`codesteer.dist.RayBackend`), each with these bounds; this process
    still plans the tree and stores every rollout.
    Raises :class:`~codesteer.eval.spec.SpecError` for a bad spec and
    :class:`~codesteer.eval.store.RunMismatchError` when ``out`` holds another run.
    """
    setup = SynthSetup(spec, Bounds(concurrency, model_concurrency, sandbox_concurrency), cache)
    started = time.perf_counter()
    budget = budget or Budget()
    instances, notices = spec.instances()
    with RunStore(out) as store:
        store.claim()
        store.ensure_same_config(spec.to_dict())
        done = load(store)
        if retry_errors:
            done = {k: t for k, t in done.items() if not t.errored}
        pending = _pending(spec, _roots(spec, instances), done)
        pool = _Pool(spec, store, done, budget, on_rollout)
        solver: Solver | None = None
        try:
            if pending:  # a bad model spec fails here, before anything is stored
                solver = await open_solver(setup, backend, models, model_factory, executor, None)
            store.bind(spec.to_dict())
            if solver is not None:
                run_id = store.start_run(command)
                await pool.run(pending, solver, run_id)
                store.finish_run(run_id)
        finally:
            if solver is not None:
                await solver.aclose()
        stored = store.count()
    return SynthSummary(Path(out), stored, pool.ran, pool.left, budget.reached(pool.calls, pool.tokens),
                        pool.calls, pool.tokens, time.perf_counter() - started, notices)


class _Pool:
    """Workers taking rollouts from a queue that grows as parents finish; a budget check before each."""

    def __init__(self, spec: SynthSpec, store: RunStore, done: dict[Place, Trajectory],
                 budget: Budget, on_rollout: Callable[[JobResult], None] | None) -> None:
        self.spec, self.store, self.done, self.budget, self.on_rollout = spec, store, done, budget, on_rollout
        self.calls = self.tokens = self.ran = self.left = 0
        for t in done.values():
            self._spend(t)
        self.failures: list[Exception] = []

    def _spend(self, t: Trajectory) -> None:
        c, n = spent(t)
        self.calls, self.tokens = self.calls + c, self.tokens + n

    async def run(self, pending: list[Rollout], solver: Solver, run_id: int) -> None:
        queue: asyncio.Queue[Rollout] = asyncio.Queue()
        for r in pending:
            queue.put_nowait(r)
        workers = [asyncio.create_task(self._worker(queue, solver, run_id)) for _ in range(solver.slots)]
        try:
            await queue.join()
        finally:
            for w in workers:
                w.cancel()
            await asyncio.gather(*workers, return_exceptions=True)
        if self.failures:
            raise self.failures[0]

    async def _worker(self, queue: asyncio.Queue[Rollout], solver: Solver, run_id: int) -> None:
        while True:
            r = await queue.get()
            try:
                if self.failures or self.budget.reached(self.calls, self.tokens):
                    self.left += 1
                    continue
                job = RolloutJob(r.key(self.spec), r.instance, r.path, self.done[r.parent()] if r.path else None)
                [result] = await run_jobs([job], solver.solve, self.store, concurrency=1, run_id=run_id,
                                          on_result=self.on_rollout)
                t = result.trajectory
                self.done[r.place] = t
                self._spend(t)
                self.ran += 1
                for child in _children(self.spec, r, t):
                    queue.put_nowait(child)
            except Exception as exc:  # the store failed: start nothing more, report it
                self.failures.append(exc)
            finally:
                queue.task_done()


def _pending(spec: SynthSpec, roots: list[Rollout], done: Mapping[Place, Trajectory]) -> list[Rollout]:
    """Planned rollouts not stored yet: roots, and branches of stored rollouts (breadth first)."""
    out: list[Rollout] = []
    todo = deque(roots)
    while todo:
        r = todo.popleft()
        t = done.get(r.place)
        if t is None:
            out.append(r)
        else:
            todo.extend(_children(spec, r, t))
    return out


def run_synth(spec: SynthSpec, out: str | Path, **options: object) -> SynthSummary:
    """Synchronous :func:`run_synth_async` (same options)."""
    return asyncio.run(run_synth_async(spec, out, **options))  # type: ignore[arg-type]
