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

from codesteer.eval.spec import SpecError, as_names
from codesteer.steer.config import Sampling, SteerConfig
from codesteer.symbench.plan import Selection, SelectionError
from codesteer.symbench.task import Instance
from codesteer.synth.tree import BranchPath, branch_text

Kind = Literal["sft", "dpo"]
Mode = Literal["tree", "failed"]

#: Default instance seed: evaluation defaults to seed 0, so default training data never holds
#: the default test instances.
TRAINING_SEED = 1000


def teacher_config(max_rounds: int = 5, temperature: float = 1.0, max_tokens: int | None = None,
                   self_check: bool = True, prompts: str = "codesteer", protocol: str = "strict") -> SteerConfig:
    """The paper's loop with a prompted teacher steerer sampled at ``temperature`` (the released
    DPO sampler used 1.0), so that seeded samples of one prefix differ. ``prompts`` and
    ``protocol`` as in :class:`SteerConfig` (``original:PATH`` writes data in the release's format)."""
    config = SteerConfig(max_rounds=max_rounds, steer_style="prompted", self_check=self_check, prompts=prompts,
                         protocol=protocol, prompted_steer_sampling=Sampling(temperature=temperature, max_tokens=2000))
    return config.capped(max_tokens)


@dataclass(frozen=True)
class SynthSpec:
    """Teacher, task model, instances and the branching shape of a synthesis run.

    Instances are planned as evaluation plans them (:class:`~codesteer.symbench.plan.Selection`)
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
        if self.samples < 1:
            raise SpecError("samples must be at least 1")
        if self.width < 2:
            raise SpecError("width must be at least 2 (the existing guidance and one alternative)")
        if self.resamples < 1:
            raise SpecError("resamples must be at least 1")
        if self.depth < 1:
            raise SpecError("depth must be at least 1")
        if self.n < 1:
            raise SpecError("n must be at least 1")

    @property
    def task_spec(self) -> str:
        """The task model's spec (the teacher's when none is given, as in the paper)."""
        return self.task_model or self.teacher

    def instances(self) -> tuple[list[Instance], list[str]]:
        """The instances (and notices of skipped tasks or levels), planned as evaluation does."""
        try:
            return Selection(self.tasks, self.n, self.levels, self.seed).instances()
        except SelectionError as exc:
            raise SpecError(str(exc)) from exc

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


def rollout_seed(spec_seed: int, instance_id: str, sample: int, path: BranchPath = ()) -> int:
    """The steering model's sampling seed of one rollout (distinct per rollout, stable everywhere)."""
    where = f"{sample}|{branch_text(path)}" if path else str(sample)
    digest = hashlib.sha256(f"codesteer-synth|{spec_seed}|{instance_id}|{where}".encode()).digest()
    return int.from_bytes(digest[:4], "big")
