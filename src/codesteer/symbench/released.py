"""Helpers shared by the task modules that read released ``sample_<i>/`` items and mix levels.

``released_solution`` checks an item has its question and ``solution.json``; ``released_instance``
builds the ``Instance`` every reader returns; ``weighted`` draws level values with the release's
frequencies.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from codesteer.symbench.task import Instance, OneOf, OriginalDataError, OriginalItem

if TYPE_CHECKING:
    from codesteer.symbench.task import Task


def released_solution(item: OriginalItem) -> dict[str, Any]:
    """The item's parsed ``solution.json`` (a dict), raising ``OriginalDataError`` when absent."""
    if item.question is None:
        raise OriginalDataError(f"{item.item_id}: no question.txt")
    if isinstance(item.solution, Exception):
        raise OriginalDataError(f"{item.item_id}: {item.solution}")
    if not isinstance(item.solution, dict):
        raise OriginalDataError(f"{item.item_id}: solution.json is missing or not an object")
    return item.solution


def released_instance(task: Task, item: OriginalItem, data: dict[str, Any]) -> Instance:
    """The ``Instance`` of a released item: its question verbatim, ``data`` and its complexity."""
    solution = item.solution if isinstance(item.solution, dict) else {}
    return Instance(
        task=task.name,
        id=item.item_id,
        question=item.question or "",
        data=data,
        complexity={"complexity": solution.get("complexity")},
        source="original:" + item.item_id,
    )


def weighted(*pairs: tuple[Any, int]) -> OneOf:
    """A ``OneOf`` drawing each value with probability proportional to its count."""
    return OneOf(*[value for value, count in pairs for _ in range(count)])
