"""Logical Puzzle (grid selection): pick k cells with different numbers under a row/column rule.

An n*n grid of integers; select k cells holding pairwise different numbers, the top-right cell
(0, n-1) among them, such that in every row and every column the selected numbers satisfy the
rule: ``sum_le_4`` (their sum is at most 4; small grids of positive numbers) or ``product_gt_0``
(their product is positive, i.e. no zero and an even count of negatives; larger grids with
negative numbers). Rows and columns without selected cells are not constrained. Answer:
``<<<0 3, 1 0, 2 4>>>`` (row column pairs, 0-based; ``(0,3), (1,0)`` and ``[[0, 3], [1, 0]]``
are read too). Judged by checking every condition; any valid selection passes, and the reason
names the first broken condition.

Reference solver (:func:`find_selection`): exhaustive over combinations for the sum rule; for the
product rule, the selected negatives must form an even subgraph of the row/column graph, so it
searches unions of cycles of negative cells with distinct values, then completes with one cell
per distinct positive value (positives never change a sign).

Knob: ``complexity`` 1-14 (:data:`CONFIGS`: side 2-20, 3-70 cells, value range, rule; 1-10 as
the release's scale, 11-14 beyond it). Levels: ``paper`` mixes complexities 1-10 with the release's
frequencies (16 each for 1-6, 26 each for 7-10); ladder ``1``..``6`` = complexity 1, 3, 5, 8, 11, 14.
Generated grids are redrawn until the solver finds a selection, so every instance has one.

Deviations from the release: its generator cached rule checks across grids, so 27/200 stored
selections break the rule (rejected here, the reason naming the row or column); its judge
skipped the distinct-values, start-cell, duplicate and in-grid checks, which are enforced here
as the question states them. Its question also described a (1,1) origin next to the 0-based
answer format; generated questions state the 0-based convention only.
"""

from __future__ import annotations

import itertools
import math
import random
import re
from collections import Counter
from typing import Any, ClassVar

from codesteer.symbench.answers import AnswerFormatError, read_int
from codesteer.symbench.errors import NoSolutionError
from codesteer.symbench.kit.common import instance_from_folder_item, released_solution, rows_text, weighted
from codesteer.symbench.task import (
    RELEASED_ANSWER,
    Instance,
    Knob,
    OriginalDataError,
    OriginalItem,
    Task,
    Verdict,
)

Cell = tuple[int, int]
SUM, PRODUCT = "sum_le_4", "product_gt_0"
#: complexity -> (side, cells to select, lowest value, highest value, rule)
CONFIGS: dict[int, tuple[int, int, int, int, str]] = {
    1: (2, 3, 1, 3, SUM),
    2: (3, 3, 1, 4, SUM),
    3: (3, 4, 1, 4, SUM),
    4: (4, 5, -5, 5, PRODUCT),
    5: (5, 7, -7, 7, PRODUCT),
    6: (6, 9, -9, 9, PRODUCT),
    7: (7, 12, -12, 12, PRODUCT),
    8: (8, 15, -15, 15, PRODUCT),
    9: (9, 20, -20, 20, PRODUCT),
    10: (10, 25, -25, 25, PRODUCT),
    11: (12, 32, -32, 32, PRODUCT),
    12: (14, 42, -42, 42, PRODUCT),
    13: (17, 55, -55, 55, PRODUCT),
    14: (20, 70, -70, 70, PRODUCT),
}
_BUDGET = 20_000  # nodes per generation try
_SOLVE_BUDGET = 2_000_000
_TRIES = 200
_PAIR_RE = re.compile(r"[\[(]\s*(-?\d+)\s*[,\s]\s*(-?\d+)\s*[\])]")


class SearchBudgetError(ValueError):
    """The solver gave up after its node budget (the generator then redraws the grid)."""


def rule_holds(rule: str, values: list[int]) -> bool:
    """Whether one row's or column's selected ``values`` satisfy ``rule`` (empty always does)."""
    if not values:
        return True
    return sum(values) <= 4 if rule == SUM else math.prod(values) > 0


def violations(grid: list[list[int]], k: int, rule: str, cells: list[Cell]) -> list[str]:
    """Every broken condition of a selection, most basic first (empty when valid)."""
    n = len(grid)
    outside = [c for c in cells if not (0 <= c[0] < n and 0 <= c[1] < n)]
    if outside:
        return [f"position {outside[0]} is outside the {n}*{n} grid"]
    problems = []
    if len(set(cells)) != len(cells):
        problems.append("a position is selected twice")
    if len(cells) != k:
        problems.append(f"{k} numbers must be selected, the answer selects {len(cells)}")
    if (0, n - 1) not in cells:
        problems.append(f"the top-right cell (0,{n - 1}) must be selected")
    values = [grid[r][c] for r, c in cells]
    repeated = sorted(v for v, times in Counter(values).items() if times > 1)
    if repeated:
        problems.append(f"the selected numbers must be different, {repeated[0]} is selected more than once")
    what = "sum is at most 4" if rule == SUM else "product is greater than 0"
    for axis, name in ((0, "row"), (1, "column")):
        for line in range(n):
            chosen = [grid[r][c] for r, c in set(cells) if (r, c)[axis] == line]
            if not rule_holds(rule, chosen):
                problems.append(f"{name} {line}: the selected numbers {sorted(chosen)} break the rule that their {what}")
    return problems


def find_selection(grid: list[list[int]], k: int, rule: str, budget: int | None = None) -> list[Cell] | None:
    """A valid selection (start cell first), ``None`` if there is none; may raise ``SearchBudgetError``."""
    if rule == SUM:
        return _sum_selection(grid, k)
    return _product_selection(grid, k, budget)


def _sum_selection(grid: list[list[int]], k: int) -> list[Cell] | None:
    n = len(grid)
    start = (0, n - 1)
    others = [(r, c) for r in range(n) for c in range(n) if (r, c) != start]
    for combo in itertools.combinations(others, k - 1):
        cells = [start, *combo]
        if not violations(grid, k, SUM, cells):
            return cells
    return None


def _product_selection(grid: list[list[int]], k: int, budget: int | None) -> list[Cell] | None:
    n = len(grid)
    start = (0, n - 1)
    first = grid[0][n - 1]
    if first == 0:
        return None
    positives: dict[int, Cell] = {}
    for r in range(n):
        for c in range(n):
            if grid[r][c] > 0:
                positives.setdefault(grid[r][c], (r, c))
    if first > 0:
        positives[first] = start
    low = max(0 if first > 0 else 4, k - len(positives))
    high = k - 1 if first > 0 else k
    negatives = sorted((r, c) for r in range(n) for c in range(n) if grid[r][c] < 0)
    cycles = _CycleSearch(grid, negatives, budget)
    chosen = cycles.union(low, high, start if first < 0 else None)
    if chosen is None:
        return None
    fill = k - len(chosen)
    pos = [start] if first > 0 else []
    pos += [cell for value, cell in sorted(positives.items()) if cell != start][: fill - len(pos)]
    return sorted(chosen + pos, key=lambda cell: cell != start)


class _CycleSearch:
    """Unions of edge-disjoint cycles of negative cells (rows and columns as vertices)."""

    def __init__(self, grid: list[list[int]], negatives: list[Cell], budget: int | None) -> None:
        self.grid = grid
        self.order = {cell: i for i, cell in enumerate(negatives)}
        self.by_row: dict[int, list[Cell]] = {}
        self.by_col: dict[int, list[Cell]] = {}
        for cell in negatives:
            self.by_row.setdefault(cell[0], []).append(cell)
            self.by_col.setdefault(cell[1], []).append(cell)
        self.budget = budget
        self.nodes = 0

    def _tick(self) -> None:
        self.nodes += 1
        if self.budget is not None and self.nodes > self.budget:
            raise SearchBudgetError("search budget exceeded")

    def union(self, low: int, high: int, must: Cell | None) -> list[Cell] | None:
        """Cells of a union of cycles with distinct values, size in ``low..high``, containing ``must``."""
        if low > high:
            return None
        return self._grow([], set(), low, high, must, -1)

    def _grow(self, cells: list[Cell], values: set[int], low: int, high: int, must: Cell | None,
              last_anchor: int) -> list[Cell] | None:
        self._tick()
        if must is None and low <= len(cells) <= high:
            return cells
        anchors = [must] if must is not None else [
            a for a in self.order if self.order[a] > last_anchor and a not in cells
        ]
        for anchor in anchors:
            minimum = -1 if must is not None else self.order[anchor]
            for length in range(4, high - len(cells) + 1, 2):
                for cycle in self._cycles(anchor, length, set(cells), values, minimum):
                    new_values = values | {self.grid[r][c] for r, c in cycle}
                    found = self._grow(cells + cycle, new_values, low, high, None,
                                       last_anchor if must is not None else self.order[anchor])
                    if found is not None:
                        return found
        return None

    def _cycles(self, anchor: Cell, length: int, taken: set[Cell], values: set[int], minimum: int):
        """Simple cycles of ``length`` cells through ``anchor`` with fresh values (cells after ``minimum``)."""
        r0, c0 = anchor
        if self.grid[r0][c0] in values:
            return

        def ok(cell: Cell, path: list[Cell], used: set[int]) -> bool:
            return (cell not in taken and self.order[cell] > minimum and self.grid[cell[0]][cell[1]] not in used
                    and cell not in path)

        def walk(path: list[Cell], rows: set[int], cols: set[int], used: set[int]):
            self._tick()
            r, c = path[-1]
            if len(path) % 2 == 0:  # reached by a column move: move along the row to a new column
                for cell in self.by_row.get(r, []):
                    if cell[1] not in cols and ok(cell, path, used):
                        yield from walk([*path, cell], rows, cols | {cell[1]}, used | {self.grid[cell[0]][cell[1]]})
            elif len(path) == length - 1:  # close the cycle: back to the anchor's row along this column
                close = (r0, c)
                if close in self.order and ok(close, path, used):
                    yield [*path, close]
            else:  # move along the column to a new row
                for cell in self.by_col.get(c, []):
                    if cell[0] not in rows and ok(cell, path, used):
                        yield from walk([*path, cell], rows | {cell[0]}, cols, used | {self.grid[cell[0]][cell[1]]})

        yield from walk([anchor], {r0}, {c0}, values | {self.grid[r0][c0]})


def read_cells(answer: str) -> list[Cell]:
    """Row-column pairs from ``0 3, 1 0``, ``(0,3), (1,0)`` or ``[[0, 3], [1, 0]]``."""
    s = answer.strip()
    if s.startswith("[") and s.endswith("]") and not re.search(r"[\[\]()]", s[1:-1]):
        s = s[1:-1]  # one bracket pair around bare "r c" pairs
    if "(" in s or "[" in s:
        pairs = _PAIR_RE.findall(s)
        rest = _PAIR_RE.sub("", s).strip(" ,[]()")
        if rest or not pairs:
            raise AnswerFormatError("expected positions like (0,3) or [0, 3]")
    else:
        parts = [p.strip() for p in s.split(",") if p.strip()]
        if len(parts) % 2 == 0 and all(re.fullmatch(r"-?\d+", p) for p in parts):  # "0,3,1,0" is ambiguous
            raise AnswerFormatError("write each position as 'row column', separated by commas")
        pairs = []
        for part in parts:
            m = re.fullmatch(r"(-?\d+)\s+(-?\d+)", part)
            if not m:
                raise AnswerFormatError(f"not a 'row column' position: {part[:40]!r}")
            pairs.append(m.groups())
    return [(read_int(r), read_int(c)) for r, c in pairs]


def question_text(grid: list[list[int]], k: int, rule: str) -> str:
    """The question, worded as the release worded it (its contradictory origin sentence fixed)."""
    n = len(grid)
    low, high = min(min(row) for row in grid), max(max(row) for row in grid)
    condition = ("The sum of the selected numbers in each row and each column should be less than or equal to 4."
                 if rule == SUM else
                 "The product of the selected numbers in each row and each column should be greater than 0.")
    rows = rows_text(grid, ", ")
    return (
        f"Given a {n}*{n} grid where each cell contains a number (between {low} to {high}), you must select {k} "
        f"different numbers from these cells. {condition} Rows and columns without selected numbers are not "
        "constrained. The numbers in the same row are separated by ',', and positions are written as row column "
        "with 0-based indices: the top-left cell is (0,0), the row index increases downwards and the column "
        "index increases to the right.\n"
        f"Using the number {grid[0][n - 1]} in the top-rightmost square (0,{n - 1}) as the first selected number\n"
        f"{rows}\n\n"
        "Return your answer with the format <<<list of selected number positions>>>, where each position is "
        "given as row column (0-based indices). For example, <<<0 3, 1 0, 2 4>>> means numbers selected are at "
        "positions (0,3), (1,0), and (2,4)."
    )


class LogicalPuzzle(Task):
    name = "logical_puzzle"
    title = "Logical Puzzle"
    seen = True
    knobs = (Knob("complexity", f"1..{len(CONFIGS)}: grid side, cells to select, value range and rule", 5),)
    levels: ClassVar[dict[str, dict[str, Any]]] = {
        "paper": {"complexity": weighted(*[(c, 16) for c in range(1, 7)], *[(c, 26) for c in range(7, 11)])},
        "1": {"complexity": 1},
        "2": {"complexity": 3},
        "3": {"complexity": 5},
        "4": {"complexity": 8},
        "5": {"complexity": 11},
        "6": {"complexity": 14},
    }
    answer_format = "<<<r c, r c, ...>>>: the selected positions, 0-based row column pairs"
    original_dirs = ("logic_puzzle_dataset",)

    def _generate(self, rng: random.Random, complexity: int) -> tuple[str, dict[str, Any]]:
        if complexity not in CONFIGS:
            raise ValueError(f"logical_puzzle complexity must be 1..{len(CONFIGS)}")
        n, k, low, high, rule = CONFIGS[complexity]
        for _ in range(_TRIES):
            grid = [[rng.randint(low, high) for _ in range(n)] for _ in range(n)]
            try:
                if find_selection(grid, k, rule, _BUDGET) is not None:
                    return question_text(grid, k, rule), {"grid": grid, "k": k, "rule": rule}
            except SearchBudgetError:
                continue
        raise ValueError("no solvable grid found for this complexity")

    def judge_answer(self, instance: Instance, answer: str) -> Verdict:
        d = instance.data
        problems = violations(d["grid"], d["k"], d["rule"], read_cells(answer))
        if problems:
            return Verdict.wrong(problems[0], answer)
        return Verdict.right(answer)

    def reference_answer(self, instance: Instance) -> str:
        d = instance.data
        cells = find_selection(d["grid"], d["k"], d["rule"], _SOLVE_BUDGET)
        if cells is None:
            raise NoSolutionError("no selection meets every condition of this puzzle")
        return "<<<" + ", ".join(f"{r} {c}" for r, c in cells) + ">>>"

    def from_original(self, item: OriginalItem) -> Instance:
        sol = released_solution(item)
        try:
            grid = [[int(v) for v in row] for row in sol["grid"]]
            rule = str(sol["constraints"]["type"])
            gold = [(int(r), int(c)) for r, c in sol["solution"]]
        except (KeyError, TypeError, ValueError) as exc:
            raise OriginalDataError(f"malformed solution.json: {exc}") from exc
        match = re.search(r"you must select (\d+) different numbers", item.question or "")
        if rule not in (SUM, PRODUCT) or not match:
            raise OriginalDataError(f"unknown rule {rule!r} or no count in the question")
        data: dict[str, Any] = {"grid": grid, "k": int(match.group(1)), "rule": rule}
        try:  # some released grids have no selection meeting the question's conditions
            data["solvable"] = find_selection(grid, data["k"], rule, _SOLVE_BUDGET) is not None
        except SearchBudgetError:
            data["solvable"] = None
        data[RELEASED_ANSWER] = ", ".join(f"{r} {c}" for r, c in gold)
        return instance_from_folder_item(self, item, data)
