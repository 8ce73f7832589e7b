"""Run (or resume) a synthesis spec into a run directory, within a call/token budget.

Rollouts are stored one by one in the evaluation store (:class:`codesteer.eval.store.RunStore`,
one ``results.db`` per directory, bound to the spec), each through the evaluation runner's
:func:`~codesteer.eval.runner.run_jobs` (crash handling, one transaction per rollout). Model calls
and sandbox runs are bounded by the evaluation :class:`~codesteer.eval.limits.Limits`. Unlike an
evaluation, the work is a tree that grows as rollouts finish (a branch needs its parent), so the
worker pool here takes new rollouts as their parents are stored.

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

from codesteer.eval.judging import JudgePool
from codesteer.eval.limits import Limits
from codesteer.eval.runner import Job, JobResult, ModelFactory, default_factory, run_jobs
from codesteer.eval.store import JobKey, RunStore
from codesteer.llm.base import ChatModel
from codesteer.steer.code_runner import Executor, default_executor
from codesteer.steer.scorer import Judge
from codesteer.steer.trajectory import Trajectory
from codesteer.symbench.task import Instance
from codesteer.synth.replay import SeededModel, branch_models
from codesteer.synth.spec import SynthSpec, rollout_seed
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
) -> SynthSummary:
    """Run (or resume) ``spec`` into ``out``; see the module docstring.

    ``models`` maps specs to ready models (tests); others are built by ``model_factory`` (default
    :func:`codesteer.llm.spec.load_model`, response cache on unless ``cache`` is False).
    ``retry_errors``: run again the rollouts stored with an error.
    Raises :class:`~codesteer.eval.spec.SpecError` for a bad spec and
    :class:`~codesteer.eval.store.RunMismatchError` when ``out`` holds another run.
    """
    if concurrency < 1:
        raise ValueError("concurrency must be at least 1")
    started = time.perf_counter()
    budget = budget or Budget()
    instances, notices = spec.instances()
    given, factory = models or {}, model_factory or default_factory(cache)
    built: dict[str, ChatModel] = {}
    judge = JudgePool()
    try:
        for name in sorted({spec.teacher, spec.task_spec} - set(given)):
            built[name] = factory(name)  # a bad model spec fails here, before anything is stored
        with RunStore(out) as store:
            store.claim()
            store.bind(spec.to_dict())
            done = load(store)
            if retry_errors:
                done = {k: t for k, t in done.items() if not t.errored}
            pending = _pending(spec, _roots(spec, instances), done)
            pool = _Pool(spec, store, done, budget, on_rollout, judge)
            if pending:
                from codesteer.sandbox import default_pool_size

                limits = Limits(model_concurrency or concurrency, sandbox_concurrency or default_pool_size())
                ready = {name: limits.wrap(m) for name, m in {**given, **built}.items()}
                run_id = store.start_run(command)
                await pool.run(pending, ready, limits.executor(executor or default_executor()), run_id, concurrency)
                store.finish_run(run_id)
            stored = store.count()
    finally:
        for m in built.values():
            await m.aclose()
        judge.close()
    return SynthSummary(Path(out), stored, pool.ran, pool.left, budget.reached(pool.calls, pool.tokens),
                        pool.calls, pool.tokens, time.perf_counter() - started, notices)


class _Pool:
    """Workers taking rollouts from a queue that grows as parents finish; a budget check before each."""

    def __init__(self, spec: SynthSpec, store: RunStore, done: dict[Place, Trajectory],
                 budget: Budget, on_rollout: Callable[[JobResult], None] | None, judge: Judge) -> None:
        self.spec, self.store, self.done, self.budget, self.on_rollout = spec, store, done, budget, on_rollout
        self.judge = judge
        self.calls = self.tokens = self.ran = self.left = 0
        for t in done.values():
            self._spend(t)
        self.failures: list[Exception] = []

    def _spend(self, t: Trajectory) -> None:
        c, n = spent(t)
        self.calls, self.tokens = self.calls + c, self.tokens + n

    async def run(self, pending: list[Rollout], models: Mapping[str, ChatModel], executor: Executor,
                  run_id: int, concurrency: int) -> None:
        queue: asyncio.Queue[Rollout] = asyncio.Queue()
        for r in pending:
            queue.put_nowait(r)
        workers = [asyncio.create_task(self._worker(queue, models, executor, run_id)) for _ in range(concurrency)]
        try:
            await queue.join()
        finally:
            for w in workers:
                w.cancel()
            await asyncio.gather(*workers, return_exceptions=True)
        if self.failures:
            raise self.failures[0]

    async def _worker(self, queue: asyncio.Queue[Rollout], models: Mapping[str, ChatModel], executor: Executor,
                      run_id: int) -> None:
        while True:
            r = await queue.get()
            try:
                if self.failures or self.budget.reached(self.calls, self.tokens):
                    self.left += 1
                    continue
                job = Job(r.key(self.spec), r.instance)
                [result] = await run_jobs([job], lambda _job, r=r: self._solve(r, models, executor), self.store,
                                          concurrency=1, run_id=run_id, on_result=self.on_rollout)
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

    async def _solve(self, r: Rollout, models: Mapping[str, ChatModel], executor: Executor) -> Trajectory:
        from codesteer.steer import solve

        spec = self.spec
        task = models[spec.task_spec]
        steer: ChatModel = SeededModel(models[spec.teacher], rollout_seed(spec.seed, r.instance.id, r.sample, r.path))
        if r.path:
            parent = self.done[r.parent()]
            task, steer, executor = branch_models(parent, r.path[-1][0], task, steer, executor)
        return await solve(r.instance, method="codesteer", task_model=task, steer_model=steer,
                           config=spec.steer, executor=executor, judge=self.judge)


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
