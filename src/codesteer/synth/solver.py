"""Running one synthesis rollout, wherever it runs: a :class:`RolloutJob` in, a trajectory out.

The driver (:mod:`codesteer.synth.runner`) plans the tree and hands out rollouts as their
parents are stored; a branch carries its parent's trajectory, so the solver that runs it (in this
process or on a worker, see :mod:`codesteer.eval.solver`) needs nothing else to replay the prefix.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from codesteer.eval.solver import Bounds, Job, LocalSolver, ModelFactory, default_factory
from codesteer.llm.base import ChatModel
from codesteer.steer.code_runner import Executor
from codesteer.steer.scorer import Judge
from codesteer.steer.trajectory import Trajectory
from codesteer.synth.replay import SeededModel, branch_models
from codesteer.synth.spec import SynthSpec, rollout_seed
from codesteer.synth.tree import BranchPath


@dataclass(frozen=True)
class RolloutJob(Job):
    """A rollout to run: its key and instance, its branch path, and (for a branch) the parent
    rollout whose rounds before the branch point it replays."""

    path: BranchPath = ()
    parent: Trajectory | None = None


@dataclass(frozen=True)
class SynthSetup:
    """What a rollout solver needs: the spec, its bounds, and whether to use the response cache."""

    spec: SynthSpec
    bounds: Bounds = field(default_factory=lambda: Bounds(concurrency=4))
    cache: bool = True

    def build(self, models: Mapping[str, ChatModel] | None = None, factory: ModelFactory | None = None,
              executor: Executor | None = None, judge: Judge | None = None) -> RolloutSolver:
        return RolloutSolver(self, models or {}, factory or default_factory(self.cache), executor, judge)


class RolloutSolver(LocalSolver):
    """Runs rollouts: the teacher steers with the rollout's own seed, a branch replays its prefix."""

    def __init__(self, setup: SynthSetup, given: Mapping[str, ChatModel], factory: ModelFactory,
                 executor: Executor | None, judge: Judge | None) -> None:
        super().__init__({setup.spec.teacher, setup.spec.task_spec}, setup.bounds, given, factory, executor, judge)
        self.spec = setup.spec

    async def solve(self, job: Job) -> Trajectory:
        from codesteer.steer import solve

        if not isinstance(job, RolloutJob):
            raise TypeError(f"a rollout solver runs RolloutJobs, not {type(job).__name__}")
        spec, key = self.spec, job.key
        task = self.cached[spec.task_spec]
        steer: ChatModel = SeededModel(self.cached[spec.teacher],
                                       rollout_seed(spec.seed, job.instance.id, key.sample, job.path))
        executor = self.run_code
        if job.path:
            if job.parent is None:
                raise ValueError(f"branch {key.branch} of {key.instance_id} came without its parent rollout")
            task, steer, executor = branch_models(job.parent, job.path[-1][0], task, steer, executor)
        return await solve(job.instance, method="codesteer", task_model=task, steer_model=steer,
                           config=spec.steer, executor=executor, judge=self.judge)
