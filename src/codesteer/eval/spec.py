"""``EvalSpec``: what one evaluation run covers, and the instances it expands to.

The spec is the run's identity: it is recorded in the run's store, and rerunning into the same
directory with a different spec is refused. How fast it runs (concurrency) is not part of it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from codesteer.steer.config import SteerConfig
from codesteer.symbench.task import Instance, Task


class SpecError(ValueError):
    """An evaluation spec that cannot run (unknown method, task or level, bad source...)."""


def as_names(value: Any) -> tuple[str, ...]:
    """``"a,b"`` or ``["a", "b"]`` -> ``("a", "b")`` (blank parts dropped)."""
    parts = value.split(",") if isinstance(value, str) else list(value)
    return tuple(str(p).strip() for p in parts if str(p).strip())


@dataclass(frozen=True)
class EvalSpec:
    """Methods × task models × tasks × instances × samples, and the steering settings.

    ``steer_model``: the steering model for methods that steer; ``None`` lets them prompt the task
    model as steerer. ``levels``: complexity levels of generated instances (``paper`` or a ladder
    step ``"1"``...); ``source``: ``"original:PATH"`` to take the first ``n`` released items of each
    task instead. Instance ``i`` of a generated task uses seed :func:`instance_seed` (seed, i).
    """

    methods: tuple[str, ...] = ("codesteer",)
    task_models: tuple[str, ...] = ("local",)
    steer_model: str | None = None
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
        from codesteer.steer.methods import get_method

        for method in self.methods:
            try:
                get_method(method)
            except ValueError as exc:
                raise SpecError(str(exc)) from exc

    def steer_for(self, method: str, task_model: str) -> str:
        """The steering model spec a job of ``method`` uses ('' for methods that do not steer)."""
        from codesteer.steer.methods import get_method

        return (self.steer_model or task_model) if get_method(method).uses_steer else ""

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


def instance_seed(seed: int, index: int) -> int:
    """The generator seed of instance ``index`` of a run seeded ``seed`` (stable everywhere)."""
    digest = hashlib.sha256(f"codesteer-eval|{seed}|{index}".encode()).digest()
    return int.from_bytes(digest[:4], "big")


def select(spec: EvalSpec) -> list[Task]:
    from codesteer.symbench.registry import select_tasks

    try:
        return select_tasks(spec.tasks)
    except KeyError as exc:
        raise SpecError(str(exc.args[0])) from exc


def plan_instances(spec: EvalSpec) -> tuple[list[Instance], list[str]]:
    """Every instance the spec covers, and notices for tasks (or levels) that were skipped."""
    instances: list[Instance] = []
    notices: list[str] = []
    root = Path(spec.source.partition(":")[2]).expanduser() if spec.source else None
    if root is not None and not root.is_dir():
        raise SpecError(f"released data not found: {root} is not a folder")
    for task in select(spec):
        if root is not None:
            got, note = _released(task, root, spec.n)
        else:
            got, note = _generated(task, spec)
        instances.extend(got)
        notices.extend(note)
    return instances, notices


def _released(task: Task, root: Path, n: int) -> tuple[list[Instance], list[str]]:
    from codesteer.symbench.original import load_task

    try:
        found, failures = load_task(root, task)
    except NotImplementedError:
        return [], [f"skipped {task.name}: it has no reader for the released data"]
    notes = [f"{task.name}: {len(failures)} released item(s) could not be read"] if failures else []
    if not found:
        notes.append(f"skipped {task.name}: no released items under {root}")
    return found[:n], notes


def _generated(task: Task, spec: EvalSpec) -> tuple[list[Instance], list[str]]:
    if not task.has_generator:
        return [], [f"skipped {task.name}: it has no generator; give --source original:PATH to evaluate it"]
    out: list[Instance] = []
    notes: list[str] = []
    for level in spec.levels:
        if level not in task.levels:
            notes.append(f"skipped {task.name} at level {level}: its levels are {', '.join(task.levels)}")
            continue
        out.extend(task.generate(instance_seed(spec.seed, i), level=level) for i in range(spec.n))
    return out, notes
