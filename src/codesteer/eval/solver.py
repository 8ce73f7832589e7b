"""What solves a run's jobs, wherever it runs: a :class:`Solver` built from plain, picklable settings.

A run's settings (:class:`EvalSetup` here, ``SynthSetup`` for synthesis) hold only typed data:
the spec and the concurrency bounds. ``setup.build()`` makes the :class:`Solver` that turns a
:class:`Job` into a :class:`~codesteer.steer.trajectory.Trajectory`: it builds the models from
their specs, bounds them per endpoint and the sandbox (:class:`~codesteer.eval.limits.Limits`),
and closes what it built. The runner calls it in this process; a :class:`Backend` (the Ray one in
:mod:`codesteer.dist`) sends the same settings to workers that build their own solver, and returns
a solver of the same shape that dispatches jobs to them. Either way the driver stores results.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from codesteer.eval.judging import JudgePool
from codesteer.eval.limits import Limits
from codesteer.eval.spec import EvalSpec
from codesteer.eval.store import JobKey
from codesteer.llm.base import ChatModel
from codesteer.llm.cache import CachedModel
from codesteer.steer.code_runner import Executor, default_executor
from codesteer.steer.roles import HELPER_ROLES
from codesteer.steer.scorer import Judge
from codesteer.steer.trajectory import Trajectory
from codesteer.symbench.task import Instance

ModelFactory = Callable[[str], ChatModel]


@dataclass(frozen=True)
class Job:
    """One unit of work: a key (its identity in the store) and the instance it answers."""

    key: JobKey
    instance: Instance


class Solver(Protocol):
    """Solves jobs (``slots`` of them at once at most) and releases its models when closed."""

    slots: int

    async def solve(self, job: Job) -> Trajectory: ...

    async def aclose(self) -> None: ...


class Setup(Protocol):
    """Plain settings a solver is built from (in this process, or in a worker elsewhere)."""

    @property
    def bounds(self) -> Bounds: ...

    def build(self, models: Mapping[str, ChatModel] | None = None, factory: ModelFactory | None = None,
              executor: Executor | None = None, judge: Judge | None = None) -> LocalSolver: ...


class Backend(Protocol):
    """Where jobs are solved when not in this process: ``open(setup)`` starts workers built from
    ``setup`` and returns a solver dispatching to them; its ``aclose()`` stops them."""

    async def open(self, setup: Setup) -> Solver: ...


def default_factory(cache: bool) -> ModelFactory:
    """Builds models by spec with :func:`codesteer.llm.spec.load_model` (response cache if ``cache``)."""

    def build(spec: str) -> ChatModel:
        from codesteer.llm.spec import load_model

        return load_model(spec, cache=cache)

    return build


@dataclass(frozen=True)
class Bounds:
    """How much runs at once in one solver: jobs, calls per endpoint (default: ``concurrency``),
    programs (default: the sandbox pool's size). Not part of a run's identity."""

    concurrency: int = 8
    model_concurrency: int | None = None
    sandbox_concurrency: int | None = None

    def __post_init__(self) -> None:
        if self.concurrency < 1:
            raise ValueError("concurrency must be at least 1")

    def limits(self) -> Limits:
        from codesteer.sandbox import default_pool_size

        return Limits(self.model_concurrency or self.concurrency, self.sandbox_concurrency or default_pool_size())


class LocalSolver:
    """The models a run names (given ones, or built by ``factory``), bounded by one set of limits,
    the bounded executor and the judge (default: a :class:`~codesteer.eval.judging.JudgePool` of
    its own). ``cached[name]`` may answer from the response cache; ``fresh[name]`` always asks
    the model. Closing closes only the models and the judge pool it made."""

    def __init__(self, names: Iterable[str], bounds: Bounds, given: Mapping[str, ChatModel],
                 factory: ModelFactory, executor: Executor | None, judge: Judge | None) -> None:
        limits = bounds.limits()
        self.slots = bounds.concurrency
        self.built: dict[str, ChatModel] = {}
        self.cached: dict[str, ChatModel] = {}
        self.fresh: dict[str, ChatModel] = {}
        for name in sorted(set(names)):  # a bad spec fails here; models open connections on first use
            if name not in given:
                self.built[name] = factory(name)
            model = given.get(name) or self.built[name]
            self.cached[name] = limits.wrap(model)
            self.fresh[name] = limits.wrap(model.inner) if isinstance(model, CachedModel) else self.cached[name]
        self.run_code = limits.executor(executor or default_executor())
        self._own_judge = JudgePool() if judge is None else None
        self.judge: Judge = judge or self._own_judge  # type: ignore[assignment]

    async def warm(self) -> None:
        """Start the judge pool it owns before the first job (workers take a second to start)."""
        if self._own_judge is not None:
            await self._own_judge.start()

    async def aclose(self) -> None:
        built, self.built = self.built, {}
        for model in built.values():
            await model.aclose()
        if self._own_judge is not None:
            self._own_judge.close()


@dataclass(frozen=True)
class EvalSetup:
    """What a solver of an evaluation needs: the spec, its bounds, and whether to use the response cache."""

    spec: EvalSpec
    bounds: Bounds = field(default_factory=Bounds)
    cache: bool = True

    def build(self, models: Mapping[str, ChatModel] | None = None, factory: ModelFactory | None = None,
              executor: Executor | None = None, judge: Judge | None = None) -> EvalSolver:
        return EvalSolver(self, models or {}, factory or default_factory(self.cache), executor, judge)


class EvalSolver(LocalSolver):
    """Solves evaluation jobs with ``solve()``; sample 0 may be answered from the response cache,
    later samples always ask the model."""

    def __init__(self, setup: EvalSetup, given: Mapping[str, ChatModel], factory: ModelFactory,
                 executor: Executor | None, judge: Judge | None) -> None:
        spec = setup.spec
        names = {name for m in spec.methods for t in spec.task_models for name in spec.models_for(m, t).values()}
        super().__init__(names, setup.bounds, given, factory, executor, judge)
        self.spec = spec

    async def solve(self, job: Job) -> Trajectory:
        from codesteer.steer import solve

        key = job.key
        models = self.fresh if key.sample > 0 else self.cached
        roles = self.spec.models_for(key.method, key.task_model)
        return await solve(job.instance, method=key.method, task_model=models[key.task_model],
                           steer_model=models[key.steer_model] if key.steer_model else None,
                           helpers={role: models[roles[role]] for role in HELPER_ROLES},
                           config=self.spec.steer, executor=self.run_code, judge=self.judge)


async def open_solver(setup: Setup, backend: Backend | None, models: Mapping[str, ChatModel] | None,
                      factory: ModelFactory | None, executor: Executor | None, judge: Judge | None) -> Solver:
    """``setup``'s solver in this process (with the given models, factory, executor and judge),
    or the ``backend``'s, whose workers build everything from the specs themselves."""
    if backend is None:
        solver = setup.build(models, factory, executor, judge)
        await solver.warm()
        return solver
    if models or factory or executor or judge:
        raise ValueError("on a backend the workers build the models, the executor and the judge themselves; "
                         "models=, model_factory=, executor= and judge= apply only to runs in this process")
    return await backend.open(setup)
