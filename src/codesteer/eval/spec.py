"""``EvalSpec``: what one evaluation run covers, and the instances it expands to.

The spec is the run's identity: it is recorded in the run's store, and rerunning into the same
directory with a different spec is refused. How fast it runs (concurrency) is not part of it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, fields
from typing import Any

from codesteer.steer.config import SteerConfig
from codesteer.steer.roles import HELPER_ROLES, Role, assign, parse_role
from codesteer.symbench.plan import Selection, SelectionError
from codesteer.symbench.task import Instance


class SpecError(ValueError):
    """An evaluation or synthesis spec that cannot run (unknown method, task or level, bad source...)."""


def as_names(value: Any) -> tuple[str, ...]:
    """``"a,b"`` or ``["a", "b"]`` -> ``("a", "b")`` (blank parts dropped)."""
    parts = value.split(",") if isinstance(value, str) else list(value)
    return tuple(str(p).strip() for p in parts if str(p).strip())


@dataclass(frozen=True)
class EvalSpec:
    """Methods × task models × tasks × instances × samples, the model roles and the steering settings.

    ``steer_model``: the steering model for methods that steer; ``None`` lets them prompt the task
    model as steerer. ``helpers``: models of the helper roles (``self_check``, ``extractor``,
    ``summariser``; default: the task model). ``levels``: complexity levels of generated
    instances (``paper`` or a ladder step ``"1"``...); ``source``: ``"original:PATH"`` to take the
    first ``n`` released items of each task instead (see :class:`~codesteer.symbench.plan.Selection`).
    """

    methods: tuple[str, ...] = ("codesteer",)
    task_models: tuple[str, ...] = ("local",)
    steer_model: str | None = None
    helpers: dict[str, str] = field(default_factory=dict)
    tasks: str = "all"
    n: int = 10
    levels: tuple[str, ...] = ("paper",)
    seed: int = 0
    samples: int = 1
    source: str | None = None
    steer: SteerConfig = field(default_factory=SteerConfig)

    def __post_init__(self) -> None:
        object.__setattr__(self, "methods", as_names(self.methods))
        object.__setattr__(self, "task_models", as_names(self.task_models))
        object.__setattr__(self, "levels", as_names(self.levels))
        if not self.methods:
            raise SpecError("name at least one method")
        if not self.task_models:
            raise SpecError("name at least one task model")
        if not self.levels:
            raise SpecError("name at least one level")
        if not self.tasks.strip(" ,"):
            raise SpecError("name at least one task (all, seen, unseen or task names)")
        if self.n < 1 or self.samples < 1:
            raise SpecError("n and samples must be at least 1")
        if self.source is not None and not self.source.startswith("original:"):
            raise SpecError(f"unknown source {self.source!r}; expected original:PATH")
        try:
            helpers = {parse_role(r): m for r, m in self.helpers.items()}
        except ValueError as exc:
            raise SpecError(str(exc)) from exc
        if set(helpers) - set(HELPER_ROLES):
            raise SpecError(f"helpers are the roles {', '.join(HELPER_ROLES)}; the task and steering models "
                            "have their own options")
        object.__setattr__(self, "helpers", dict(sorted(helpers.items())))
        from codesteer.steer.methods import get_method
        from codesteer.steer.prompt_sets import load_prompt_set

        try:
            for method in self.methods:
                get_method(method)
            load_prompt_set(self.steer.prompts)  # a release that cannot be read fails here, not in every job
        except ValueError as exc:
            raise SpecError(str(exc)) from exc

    def models_for(self, method: str, task_model: str) -> dict[Role, str]:
        """The model spec of every role a job of ``method`` with ``task_model`` uses."""
        from codesteer.steer.methods import get_method

        return assign(task_model, steer=self.steer_model, helpers=self.helpers,  # type: ignore[arg-type]
                      steers=get_method(method).uses_steer)

    def steer_for(self, method: str, task_model: str) -> str:
        """The steering model spec a job of ``method`` uses ('' for methods that do not steer)."""
        return self.models_for(method, task_model).get("steer", "")

    def selection(self) -> Selection:
        return Selection(self.tasks, self.n, self.levels, self.seed, self.source)

    def instances(self) -> tuple[list[Instance], list[str]]:
        """Every instance the spec covers, and notices for tasks (or levels) that were skipped."""
        try:
            return self.selection().instances()
        except SelectionError as exc:
            raise SpecError(str(exc)) from exc

    def to_dict(self) -> dict[str, Any]:
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data.update(methods=list(self.methods), task_models=list(self.task_models), levels=list(self.levels),
                    steer=self.steer.to_dict())
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EvalSpec:
        values = dict(data)
        values["steer"] = SteerConfig.from_dict(values.get("steer") or {})
        return cls(**values)

    def fingerprint(self) -> str:
        return hashlib.sha256(json.dumps(self.to_dict(), sort_keys=True).encode()).hexdigest()[:16]
