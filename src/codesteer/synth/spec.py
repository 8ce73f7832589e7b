"""``SynthSpec``: what one synthesis run covers. It is the run's identity in its store.

A run is either ``sft`` (several CodeSteer rollouts per instance with the teacher as steerer) or
``dpo`` (rollouts branched into a tree of alternative guidances: ``tree`` mode, the paper's, or
``failed`` mode, the released scripts' cheaper scheme). Budgets and concurrency are not part of
the identity: a run resumes under a larger budget or with more workers.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, fields, replace
from typing import Any, Literal

from codesteer.eval.spec import EvalSpec, SpecError, as_names, plan_instances
from codesteer.steer.config import Sampling, SteerConfig
from codesteer.symbench.task import Instance

Kind = Literal["sft", "dpo"]
Mode = Literal["tree", "failed"]

#: Branch paths are stored as decimal digits (round, sibling), so both stay below ten.
MAX_DIGIT = 9
#: Default instance seed: evaluation defaults to seed 0, so default training data never holds
#: the default test instances.
TRAINING_SEED = 1000
#: Root sample numbers stay below the smallest branch code (100).
MAX_SAMPLES = 99


def teacher_config(max_rounds: int = 5, temperature: float = 1.0, max_tokens: int | None = None,
                   self_check: bool = True) -> SteerConfig:
    """The paper's loop with a prompted teacher steerer sampled at ``temperature`` (the released
    DPO sampler used 1.0), so that seeded samples of one prefix differ."""
    config = SteerConfig(max_rounds=max_rounds, steer_style="prompted", self_check=self_check,
                         prompted_steer_sampling=Sampling(temperature=temperature, max_tokens=2000))
    return config.capped(max_tokens)


@dataclass(frozen=True)
class SynthSpec:
    """Teacher, task model, instances and the branching shape of a synthesis run.

    Instances are planned as evaluation plans them (:func:`codesteer.eval.spec.plan_instances`)
    with ``seed``; keep it apart from the seeds you evaluate on.
    ``samples``: rollouts per instance (``sft``; ``dpo`` grows one tree per instance).
    ``width``: guidances per branch point in ``tree`` mode (the existing one included);
    ``depth``: rounds ``0 .. depth-1`` are branched; ``resamples``: alternatives per step of a
    failed rollout in ``failed`` mode.
    """

    kind: Kind = "sft"
    teacher: str = "local"
    task_model: str | None = None
    tasks: str = "seen"
    n: int = 10
    levels: tuple[str, ...] = ("paper",)
    seed: int = TRAINING_SEED
    samples: int = 1
    mode: Mode = "tree"
    width: int = 3
    depth: int = 2
    resamples: int = 4
    steer: SteerConfig = field(default_factory=teacher_config)

    def __post_init__(self) -> None:
        object.__setattr__(self, "levels", as_names(self.levels))
        if self.kind not in ("sft", "dpo"):
            raise SpecError(f"kind must be sft or dpo, not {self.kind!r}")
        if self.mode not in ("tree", "failed"):
            raise SpecError(f"mode must be tree or failed, not {self.mode!r}")
        if not 1 <= self.samples <= MAX_SAMPLES:
            raise SpecError(f"samples must be between 1 and {MAX_SAMPLES}")
        if not 2 <= self.width <= MAX_DIGIT + 1:
            raise SpecError(f"width must be between 2 and {MAX_DIGIT + 1}")
        if not 1 <= self.resamples <= MAX_DIGIT:
            raise SpecError(f"resamples must be between 1 and {MAX_DIGIT}")
        if self.depth < 1:
            raise SpecError("depth must be at least 1")
        if self.steer.max_rounds > MAX_DIGIT:
            raise SpecError(f"synthesis supports at most {MAX_DIGIT} rounds")
        if self.n < 1:
            raise SpecError("n must be at least 1")

    @property
    def task_spec(self) -> str:
        """The task model's spec (the teacher's when none is given, as in the paper)."""
        return self.task_model or self.teacher

    def eval_spec(self) -> EvalSpec:
        """The evaluation spec with the same instances (the runner plans them)."""
        return EvalSpec(methods=("codesteer",), task_models=(self.task_spec,), steer_model=self.teacher,
                        tasks=self.tasks, n=self.n, levels=self.levels, seed=self.seed, steer=self.steer)

    def instances(self) -> tuple[list[Instance], list[str]]:
        """The instances (and notices of skipped tasks or levels), planned as evaluation does."""
        return plan_instances(self.eval_spec())

    def to_dict(self) -> dict[str, Any]:
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data.update(levels=list(self.levels), steer=self.steer.to_dict())
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SynthSpec:
        values = dict(data)
        values["steer"] = SteerConfig.from_dict(values.get("steer") or {})
        return cls(**values)

    def with_(self, **changes: Any) -> SynthSpec:
        return replace(self, **changes)


def rollout_seed(spec_seed: int, instance_id: str, sample: int) -> int:
    """The steering model's sampling seed of one rollout (distinct per rollout, stable everywhere)."""
    digest = hashlib.sha256(f"codesteer-synth|{spec_seed}|{instance_id}|{sample}".encode()).digest()
    return int.from_bytes(digest[:4], "big")
