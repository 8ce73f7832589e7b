"""Model roles: which model plays which part of a run, decided in one place.

``task`` answers the question; ``steer`` guides it (methods that steer); the helper roles are
``self_check`` (writes the self-answer checker's scripts), ``extractor`` (reads an answer out of
an unwrapped reply, when asked) and ``summariser`` (Code + Text + Sum.1). :func:`assign` is the
only place that fills in defaults: the steering model defaults to the task model (prompted as
steerer), and every helper role to the task model, as in the paper.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal, TypeVar

Role = Literal["task", "steer", "self_check", "extractor", "summariser"]
ROLES: tuple[Role, ...] = ("task", "steer", "self_check", "extractor", "summariser")
HELPER_ROLES: tuple[Role, ...] = ("self_check", "extractor", "summariser")

T = TypeVar("T")


def parse_role(name: str) -> Role:
    """A role by name (``self-check`` and ``self_check`` alike); a clear error otherwise."""
    key = name.strip().lower().replace("-", "_")
    if key not in ROLES:
        raise ValueError(f"unknown model role {name!r}; roles: {', '.join(ROLES)}")
    return key  # type: ignore[return-value]


def parse_assignments(items: list[str] | tuple[str, ...]) -> dict[Role, str]:
    """``["steer=vllm:M@URL", "self_check=openai:gpt-4o"]`` -> ``{role: spec}`` (``ROLE=SPEC`` each)."""
    out: dict[Role, str] = {}
    for item in items:
        role, sep, spec = item.partition("=")
        if not sep or not spec.strip():
            raise ValueError(f"a model role is ROLE=SPEC (e.g. self_check=openai:gpt-4o), not {item!r}")
        out[parse_role(role)] = spec.strip()
    return out


def assign(task: T, *, steer: T | None = None, helpers: Mapping[Role, T] | None = None,
           steers: bool = True) -> dict[Role, T]:
    """The model of every role a run uses.

    ``steers``: whether the method uses a steering model (when not, ``steer`` is left out
    whatever was given). Works on model specs and on model objects alike.
    """
    given = dict(helpers or {})
    for role in given:
        if role not in HELPER_ROLES:
            raise ValueError(f"{role!r} is not a helper role; helpers: {', '.join(HELPER_ROLES)}")
    out: dict[Role, T] = {"task": task}
    if steers:
        out["steer"] = steer if steer is not None else task
    for role in HELPER_ROLES:
        out[role] = given.get(role, task)
    return out
