"""One registry of SymBench tasks: every ``Task`` subclass with a ``name`` defined in a module
under :mod:`codesteer.symbench.tasks`.

The modules are imported on first use, so adding a task is adding one module there.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from codesteer.symbench.task import Task

_CLASSES: dict[str, type[Task]] = {}
_INSTANCES: dict[str, Task] = {}
_loaded = False


def _register(cls: type[Task]) -> None:
    existing = _CLASSES.get(cls.name)
    if existing is not None and existing is not cls:
        raise ValueError(f"two tasks named {cls.name!r}: {existing} and {cls}")
    _CLASSES[cls.name] = cls


def _load_all() -> None:
    global _loaded
    if _loaded:
        return
    from codesteer.symbench import tasks

    for info in pkgutil.iter_modules(tasks.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{tasks.__name__}.{info.name}")
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, Task) and "name" in cls.__dict__ and cls.__module__ == module.__name__:
                _register(cls)
    _loaded = True


def all_tasks() -> dict[str, Task]:
    """Every registered task by name, seen tasks first, each group alphabetical."""
    _load_all()
    for name, cls in _CLASSES.items():
        if name not in _INSTANCES:
            _INSTANCES[name] = cls()
    ordered = sorted(_INSTANCES.values(), key=lambda t: (not t.seen, t.name))
    return {t.name: t for t in ordered}


def get_task(name: str) -> Task:
    """The task called ``name`` (its registry name or its title, case-insensitive)."""
    tasks = all_tasks()
    if name in tasks:
        return tasks[name]
    wanted = _normalise(name)
    for task in tasks.values():
        if wanted in (_normalise(task.name), _normalise(task.title)):
            return task
    raise KeyError(f"unknown task {name!r}; run `codesteer bench list` to see the {len(tasks)} tasks")


def select_tasks(spec: str) -> list[Task]:
    """Tasks for a selector: ``all``, ``seen``, ``unseen`` or comma-separated names."""
    tasks = all_tasks()
    key = spec.strip().lower()
    if key == "all":
        return list(tasks.values())
    if key in ("seen", "unseen"):
        return [t for t in tasks.values() if t.seen == (key == "seen")]
    return [get_task(part) for part in spec.split(",") if part.strip()]


def _normalise(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())
