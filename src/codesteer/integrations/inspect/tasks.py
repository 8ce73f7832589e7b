"""Every SymBench task, and the seen / unseen / all suites, as inspect tasks (``codesteer/symbench_<name>``).

Task parameters (``-T name=value``): ``level`` (default ``paper``), ``n`` (instances per task,
default 10; with ``original``, the first n released items, ``n=null`` for all), ``seed`` (first
seed), ``original`` (the released data's root: its items instead of generated ones), ``method``
(answer with one of the engine's methods instead of a plain ``generate()``) and ``config``
(``SteerConfig`` fields for that method). The scorer is always the task's judge.
"""

from __future__ import annotations

from typing import Any

from inspect_ai import Task, task
from inspect_ai.solver import generate

from codesteer import __version__
from codesteer.integrations.inspect.dataset import symbench_dataset
from codesteer.integrations.inspect.scorer import symbench_judge
from codesteer.integrations.inspect.solvers import method_solver
from codesteer.symbench.registry import all_tasks

SUITES = ("seen", "unseen", "all")


def symbench_task(selector: str, *, level: str | None = None, n: int | None = 10, seed: int = 0,
                  original: str | None = None, method: str | None = None,
                  config: dict[str, Any] | None = None) -> Task:
    """An inspect task over the SymBench tasks ``selector`` names (a suite or comma-separated names)."""
    dataset = symbench_dataset(selector, level=level, n=n, seed=seed, original=original)
    return Task(
        dataset=dataset,
        solver=generate() if method is None else method_solver(method, config),
        scorer=symbench_judge(),
        metadata={"codesteer_version": __version__, "symbench": selector, "level": level or "paper",
                  "seed": seed, "source": original or "generated"},
    )


def _register(selector: str) -> None:
    def factory(level: str | None = None, n: int | None = 10, seed: int = 0, original: str | None = None,
                method: str | None = None, config: dict[str, Any] | None = None) -> Task:
        return symbench_task(selector, level=level, n=n, seed=seed, original=original, method=method, config=config)

    factory.__doc__ = f"SymBench {selector}, judged by codesteer's rule-checking judges."
    task(name=f"symbench_{selector}")(factory)


for _selector in (*all_tasks(), *SUITES):
    _register(_selector)
