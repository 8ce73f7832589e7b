"""Small helpers shared by several SymBench task modules (released items, mixtures, flat lists, grids).

``and_list`` writes an English list; ``draw_distinct`` collects distinct random draws;
``released_solution`` / ``instance_from_folder_item`` read a released ``sample_<i>/`` item and build the
``Instance`` its reader returns; ``weighted`` builds a per-instance mixture with the released
frequencies; ``parse_flat`` reads a row-major comma list answer; ``rows_text`` / ``rotate_cw`` /
``windows`` are the grid operations the grid tasks use for their questions, solvers and judges;
``solve_all_different`` is the constraint search of the assignment puzzles.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from codesteer.symbench.answers import AnswerFormatError, parse_list
from codesteer.symbench.task import Instance, OneOf, OriginalDataError, OriginalItem, Verdict

if TYPE_CHECKING:
    from codesteer.symbench.task import Task

T = TypeVar("T")


def weighted(*pairs: tuple[Any, int]) -> OneOf:
    """A ``OneOf`` drawing each value with probability proportional to its count."""
    return OneOf(*[value for value, count in pairs for _ in range(count)])


def draw_distinct(draw: Callable[[], T], count: int, tries_per_item: int = 50) -> list[T]:
    """``count`` distinct values from repeated ``draw()`` calls, in drawing order; fewer when
    ``tries_per_item * (count + 1)`` draws do not find that many."""
    out: list[T] = []
    for _ in range(tries_per_item * (count + 1)):
        if len(out) == count:
            break
        value = draw()
        if value not in out:
            out.append(value)
    return out


def and_list(parts: Sequence[str], *, serial_comma: bool = False) -> str:
    """``parts`` as an English list: ``a``, ``a and b``, ``a, b and c`` (``a, b, and c`` with
    ``serial_comma``)."""
    if len(parts) <= 2:
        return " and ".join(parts)
    return ", ".join(parts[:-1]) + ("," if serial_comma else "") + " and " + parts[-1]


def released_solution(item: OriginalItem) -> dict[str, Any]:
    """The item's parsed ``solution.json`` (a dict), raising ``OriginalDataError`` when absent."""
    if item.question is None:
        raise OriginalDataError(f"{item.item_id}: no question.txt")
    if isinstance(item.solution, Exception):
        raise OriginalDataError(f"{item.item_id}: {item.solution}")
    if not isinstance(item.solution, dict):
        raise OriginalDataError(f"{item.item_id}: solution.json is missing or not an object")
    return item.solution


def instance_from_folder_item(task: Task, item: OriginalItem, data: dict[str, Any],
                      complexity: dict[str, Any] | None = None) -> Instance:
    """The ``Instance`` of a released item: its question verbatim, ``data``, and ``complexity``
    (what the task measured) plus the release's own ``complexity`` figure."""
    solution = item.solution if isinstance(item.solution, dict) else {}
    return Instance(
        task=task.name,
        id=item.item_id,
        question=item.question or "",
        data=data,
        complexity={**(complexity or {}), "complexity": solution.get("complexity")},
        source="original:" + item.item_id,
    )


def parse_flat(answer: str, length: int, item: Callable[[Any], T], what: str) -> list[T]:
    """A flat list of exactly ``length`` items (bare ``a,b,c`` or bracketed, nesting flattened).

    ``item`` converts one element and raises ``ValueError``/``AnswerFormatError`` when it is not
    an acceptable ``what``.
    """
    return convert_flat(parse_list(answer), length, item, what)


def convert_flat(values: Sequence[Any], length: int, item: Callable[[Any], T], what: str) -> list[T]:
    """:func:`parse_flat` on already parsed ``values`` (nesting flattened)."""
    values = flatten(values)
    if len(values) != length:
        raise AnswerFormatError(f"expected {length} {what}s, got {len(values)}")
    out = []
    for value in values:
        try:
            out.append(item(value))
        except (ValueError, TypeError) as exc:
            raise AnswerFormatError(f"{value!r} is not a {what}") from exc
    return out


def flatten(values: Sequence[Any]) -> list[Any]:
    """Nested lists/tuples flattened row-major."""
    out: list[Any] = []
    for value in values:
        if isinstance(value, list | tuple):
            out.extend(flatten(value))
        else:
            out.append(value)
    return out


def compare_flat(expected: Sequence[Any], got: Sequence[Any], answer: str, what: str, *,
                 same: Callable[[Any, Any], bool] = operator.eq, show: Callable[[Any], str] = repr,
                 where: str = "position") -> Verdict:
    """Right when every item is ``same`` as expected; otherwise wrong, naming how many differ and
    the first one (its 1-based ``where``, both values written by ``show``)."""
    wrong = [i for i, (a, b) in enumerate(zip(expected, got, strict=True)) if not same(a, b)]
    if not wrong:
        return Verdict.right(answer)
    first = wrong[0]
    return Verdict.wrong(
        f"{len(wrong)} of {len(expected)} {what}s wrong; first at {where} {first + 1}: "
        f"expected {show(expected[first])}, got {show(got[first])}",
        answer,
    )


def rows_text(grid: Sequence[Sequence[Any]], sep: str = " ") -> str:
    """One line per row, cells joined by ``sep``."""
    return "\n".join(sep.join(str(c) for c in row) for row in grid)


def rotate_cw(grid: Sequence[Sequence[T]]) -> list[list[T]]:
    """The grid rotated 90 degrees clockwise."""
    return [list(col) for col in zip(*reversed([list(r) for r in grid]), strict=True)]


def windows(grid: Sequence[Sequence[T]], k: int) -> list[list[list[T]]]:
    """For each stride-1 ``k x k`` window (row-major), the flat list of its cells."""
    n_rows, n_cols = len(grid), len(grid[0])
    return [
        [
            [grid[r + i][c + j] for i in range(k) for j in range(k)]
            for c in range(n_cols - k + 1)
        ]
        for r in range(n_rows - k + 1)
    ]


def int_item(value: Any) -> int:
    """An integer cell value (``3``, ``"3"``, ``3.0``), else ``ValueError``."""
    if isinstance(value, bool):
        raise ValueError("boolean")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("+-").isdigit():
        return int(value.strip())
    raise ValueError(f"not an integer: {value!r}")


#: A binary constraint for :func:`solve_all_different`: (first variable, second variable, test).
Binary = tuple[str, str, Callable[[Any, Any], bool]]


def solve_all_different(
    variables: Sequence[str],
    domains: dict[str, set[Any]],
    constraints: Sequence[Binary],
) -> dict[str, Any] | None:
    """Distinct values for ``variables`` from their ``domains`` meeting every binary constraint.

    Backtracking that maintains arc consistency: after each choice every remaining variable keeps
    only values that each of its constraints can still pair with some other remaining value; the
    variable with the fewest candidates is filled next, and one left with none cuts the branch.
    Returns ``None`` when no assignment exists.
    """
    links: dict[str, list[tuple[str, Callable[[Any, Any], bool]]]] = {x: [] for x in variables}
    for x, y, test in constraints:
        links[x].append((y, test))
        links[y].append((x, lambda vy, vx, test=test: test(vx, vy)))

    def consistent(doms: dict[str, set[Any]], queue: list[str]) -> bool:
        pending = set(queue)
        while queue:
            x = queue.pop()
            pending.discard(x)
            for y, test in links[x]:
                if y not in doms:
                    continue
                keep = {w for w in doms[y] if any(test(v, w) for v in doms[x] if v != w)}
                if keep != doms[y]:
                    if not keep:
                        return False
                    doms[y] = keep
                    if y not in pending:
                        pending.add(y)
                        queue.append(y)
        return all(doms.values())

    start = {x: set(domains[x]) for x in variables}
    if not consistent(start, list(variables)):
        return None
    assigned: dict[str, Any] = {}

    def extend(doms: dict[str, set[Any]]) -> bool:
        if not doms:
            return True
        x = min(doms, key=lambda y: (len(doms[y]), -len(links[y]), y))
        for v in sorted(doms[x]):
            narrowed = {y: d - {v} for y, d in doms.items() if y != x}
            for y, test in links[x]:
                if y in narrowed:
                    narrowed[y] = {w for w in narrowed[y] if test(v, w)}
            changed = [y for y in narrowed if narrowed[y] != doms[y]]
            if all(narrowed.values()) and consistent(narrowed, changed):
                assigned[x] = v
                if extend(narrowed):
                    return True
                del assigned[x]
        return False

    return dict(assigned) if extend(start) else None
