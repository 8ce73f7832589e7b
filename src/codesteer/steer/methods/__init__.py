"""One registry of methods: a module here defining ``METHODS = [Method(...), ...]`` adds methods.

Every module not starting with ``_`` is imported on first use; helpers shared by several
methods live in ``_shared.py``. A method sees only the :class:`~codesteer.steer.context.Run`
it is given and returns an :class:`~codesteer.steer.context.Ending`.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from codesteer.steer.context import Ending, Run


@dataclass(frozen=True)
class Method:
    """A way of answering: ``run`` drives the models and returns how it ended."""

    name: str
    summary: str
    run: Callable[[Run], Awaitable[Ending]]
    #: Whether it uses a steering model (defaulting to the task model prompted as steerer).
    uses_steer: bool = False


_METHODS: dict[str, Method] = {}


def _load() -> dict[str, Method]:
    if not _METHODS:
        for module in pkgutil.iter_modules(__path__):
            if not module.name.startswith("_"):
                for method in importlib.import_module(f"{__name__}.{module.name}").METHODS:
                    if method.name in _METHODS:
                        raise ValueError(f"two methods named {method.name!r}")
                    _METHODS[method.name] = method
    return _METHODS


def all_methods() -> dict[str, Method]:
    """Every method by name, alphabetical."""
    return dict(sorted(_load().items()))


def get_method(name: str) -> Method:
    """The method called ``name`` (a clear error listing the known ones otherwise)."""
    methods = _load()
    key = name.strip().lower().replace("-", "_")
    if key not in methods:
        raise ValueError(f"unknown method {name!r}; known: {', '.join(sorted(methods))}")
    return methods[key]
