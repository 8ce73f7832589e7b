"""Eight Queens (unseen): complete an N-queens placement around given queens and blocked cells.

An N x N board shows some queens already placed (``1``) and forbidden cells (``X``); place N
mutually non-attacking queens (no shared row, column or diagonal), keeping the given queens and
avoiding X cells.

Answer: ``<<<r c, r c, ...>>>`` with 0-based row and column, as the question's example shows;
``(r, c)`` pairs and ``[[r, c], ...]`` lists are read too. Either all N queens or only the
missing ones may be listed (the given queens are added back). Judged by the rules, so every
valid placement passes; the reason names the broken rule (range, X cell, count, attack,
a given queen moved).

Knobs: ``n`` (board size), ``queens`` (given queens), ``blocked`` (X cells). The generator first
draws a random solution, takes the given queens from it and blocks cells off it, so at least one
solution exists; ``data["unique"]`` says whether it is the only one. Levels: ``paper`` = 8 x 8
with 0-3 queens and 0-4 X cells (the release's knobs); ``1``..``6`` = boards 8 to 40 with more X
cells. The reference solver is bitmask backtracking choosing the most constrained row first.

Deviations: the released judge ignored the given queens (any X-free solution passed); ours
requires them, as the question asks to complete the board. Released data: the main set and its
``_2``, ``_hard`` and ``_varied_complexity`` side sets (boards up to 12); every gold is valid.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator, Sequence
from typing import Any, ClassVar

from codesteer.symbench.answers import AnswerFormatError, read_int
from codesteer.symbench.errors import NoSolutionError
from codesteer.symbench.kit.common import instance_from_folder_item, released_solution
from codesteer.symbench.task import (
    RELEASED_ANSWER,
    Instance,
    Knob,
    OneOf,
    OriginalDataError,
    OriginalItem,
    Task,
    Verdict,
)

Cell = tuple[int, int]
_SIZE = re.compile(r"Given an? (\d+)\*(\d+) grid")


def solutions(
    n: int, placed: Sequence[Cell], blocked: Sequence[Cell], rng: random.Random | None = None
) -> Iterator[list[Cell]]:
    """Every completion of ``placed`` to n non-attacking queens off ``blocked`` (sorted by row).

    Rows are filled most-constrained first; ``rng`` shuffles the column order (random solutions).
    """
    full = (1 << n) - 1
    cols = diag = anti = 0
    queen_at: dict[int, int] = {}
    for r, c in placed:
        if r in queen_at or cols >> c & 1 or diag >> (r + c) & 1 or anti >> (c - r + n - 1) & 1:
            return
        queen_at[r] = c
        cols, diag, anti = cols | 1 << c, diag | 1 << (r + c), anti | 1 << (c - r + n - 1)
    row_block = [0] * n
    for r, c in blocked:
        row_block[r] |= 1 << c

    def free(r: int) -> int:
        return full & ~(cols | (diag >> r) | (anti >> (n - 1 - r)) | row_block[r])

    def search() -> Iterator[list[Cell]]:
        nonlocal cols, diag, anti
        open_rows = [r for r in range(n) if r not in queen_at]
        if not open_rows:
            yield sorted(queen_at.items())
            return
        row = min(open_rows, key=lambda r: free(r).bit_count())
        mask = free(row)
        choices = [c for c in range(n) if mask >> c & 1]
        if rng is not None:
            rng.shuffle(choices)
        for c in choices:
            saved = cols, diag, anti
            cols, diag, anti = cols | 1 << c, diag | 1 << (row + c), anti | 1 << (c - row + n - 1)
            queen_at[row] = c
            yield from search()
            del queen_at[row]
            cols, diag, anti = saved

    yield from search()


def count_solutions(n: int, placed: Sequence[Cell], blocked: Sequence[Cell], limit: int = 2) -> int:
    """Number of completions, counting no further than ``limit``."""
    count = 0
    for _ in solutions(n, placed, blocked):
        count += 1
        if count >= limit:
            break
    return count


def parse_positions(answer: str) -> list[Cell]:
    """Queen cells from ``r c, r c``, ``(r, c), ...`` or ``[[r, c], ...]``."""
    if not re.fullmatch(r"[\d\s,;()\[\]]*", answer):
        raise AnswerFormatError("positions must be 'row column' pairs of numbers, e.g. '0 3, 1 0'")
    numbers = [read_int(x) for x in re.findall(r"\d+", answer)]
    if not numbers or len(numbers) % 2:
        raise AnswerFormatError("positions must come in (row, column) pairs")
    return list(zip(numbers[::2], numbers[1::2], strict=True))


def attack(a: Cell, b: Cell) -> str | None:
    """How two queens attack each other, or ``None``."""
    if a[0] == b[0]:
        return "row"
    if a[1] == b[1]:
        return "column"
    if abs(a[0] - b[0]) == abs(a[1] - b[1]):
        return "diagonal"
    return None


def board_rows(n: int, placed: Sequence[Cell], blocked: Sequence[Cell]) -> list[str]:
    rows = [["0"] * n for _ in range(n)]
    for r, c in placed:
        rows[r][c] = "1"
    for r, c in blocked:
        rows[r][c] = "X"
    return ["".join(row) for row in rows]


def question_text(n: int, placed: Sequence[Cell], blocked: Sequence[Cell]) -> str:
    """The released wording for an n x n board."""
    total = "eight" if n == 8 else str(n)
    return (
        f"Given an {n}*{n} grid, cells marked with 1 have a queen placed, and cells marked with 0 "
        f"are empty. A total of {total} queens need to be placed such that no two queens can attack "
        "each other, meaning no two queens can be in the same row, column, or diagonal. "
        "Additionally, positions marked with X are not allowed for placing queens. Please help me "
        "complete the placement of the remaining queens on the partially filled board.\n\n"
        + "\n".join(board_rows(n, placed, blocked))
        + "\n\nReturn your answer with the format <<<list of queen positions>>>, where each position "
        "is given as row column (0-based indices). For example, <<<0 3, 1 0, 2 4>>> means queens "
        "are placed at positions (0,3), (1,0), and (2,4)."
    )


def format_positions(cells: Sequence[Cell]) -> str:
    return ", ".join(f"{r} {c}" for r, c in cells)


class EightQueens(Task):
    name = "eight_queens"
    title = "Eight Queens"
    seen = False
    knobs = (
        Knob("n", "board size (n queens on an n x n board)", 8),
        Knob("queens", "number of queens already placed", 1),
        Knob("blocked", "number of X (forbidden) cells", 2),
    )
    levels: ClassVar[dict[str, dict[str, Any]]] = {
        "paper": {"n": 8, "queens": OneOf(0, 1, 2, 3), "blocked": OneOf(0, 1, 2, 3, 4)},
        "1": {"n": 8, "queens": 2, "blocked": 2},
        "2": {"n": 10, "queens": 2, "blocked": 6},
        "3": {"n": 12, "queens": 3, "blocked": 12},
        "4": {"n": 16, "queens": 3, "blocked": 24},
        "5": {"n": 24, "queens": 4, "blocked": 48},
        "6": {"n": 40, "queens": 5, "blocked": 100},
    }
    answer_format = "<<<r c, r c, ...>>>: 0-based (row column) of the queens (all n, or the missing ones)"
    original_dirs = (
        "eight_queens_dataset",
        "eight_queens_dataset_2",
        "eight_queens_dataset_hard",
        "eight_queens_dataset_varied_complexity",
    )

    def _generate(self, rng: random.Random, *, n: int, queens: int, blocked: int) -> tuple[str, dict[str, Any]]:
        if n < 4 or not 0 <= queens <= n or not 0 <= blocked <= n * n - n:
            raise ValueError("need n >= 4, 0 <= queens <= n and 0 <= blocked <= n*n - n")
        solution = next(solutions(n, [], [], rng))
        placed = sorted(rng.sample(solution, queens))
        taken = set(solution)
        free_cells = [(r, c) for r in range(n) for c in range(n) if (r, c) not in taken]
        cells = sorted(rng.sample(free_cells, blocked))
        data = {
            "n": n,
            "placed": [list(q) for q in placed],
            "blocked": [list(b) for b in cells],
            "unique": count_solutions(n, placed, cells) == 1,
        }
        return question_text(n, placed, cells), data

    def judge_answer(self, instance: Instance, answer: str) -> Verdict:
        n = instance.data["n"]
        placed = {tuple(q) for q in instance.data["placed"]}
        blocked = {tuple(b) for b in instance.data["blocked"]}
        given = parse_positions(answer)
        for r, c in given:
            if not (0 <= r < n and 0 <= c < n):
                return Verdict.wrong(f"position ({r}, {c}) is off the {n}x{n} board", answer)
        queens = set(given)
        if len(queens) != len(given):
            return Verdict.wrong("a position is listed twice", answer)
        if len(queens) == n - len(placed) and placed:
            queens |= placed
        elif not placed <= queens:
            moved = sorted(placed - queens)
            return Verdict.wrong(f"the given queen at {moved[0]} must stay on the board", answer)
        if len(queens) != n:
            return Verdict.wrong(f"{n} queens are needed, the answer has {len(queens)}", answer)
        on_x = sorted(queens & blocked)
        if on_x:
            return Verdict.wrong(f"a queen stands on the X cell {on_x[0]}", answer)
        ordered = sorted(queens)
        for i, a in enumerate(ordered):
            for b in ordered[i + 1:]:
                how = attack(a, b)
                if how:
                    return Verdict.wrong(f"queens {a} and {b} attack each other along a {how}", answer)
        return Verdict.right(answer)

    def reference_answer(self, instance: Instance) -> str:
        data = instance.data
        placed = [tuple(q) for q in data["placed"]]
        found = next(solutions(data["n"], placed, [tuple(b) for b in data["blocked"]]), None)
        if found is None:
            raise NoSolutionError("the board has no solution")
        return f"<<<{format_positions(found)}>>>"

    def from_original(self, item: OriginalItem) -> Instance:
        text = item.question or ""
        size = _SIZE.search(text)
        if not size or size.group(1) != size.group(2):
            raise OriginalDataError(f"{item.item_id}: no square board size in the question")
        n = int(size.group(1))
        rows = [line.strip() for line in text.splitlines() if re.fullmatch(r"[01X]+", line.strip())]
        if len(rows) != n or any(len(row) != n for row in rows):
            raise OriginalDataError(f"{item.item_id}: the board is not {n}x{n}")
        placed = [(r, c) for r, row in enumerate(rows) for c, ch in enumerate(row) if ch == "1"]
        blocked = [(r, c) for r, row in enumerate(rows) for c, ch in enumerate(row) if ch == "X"]
        gold = released_solution(item).get("solution")
        if not isinstance(gold, list):
            raise OriginalDataError(f"{item.item_id}: solution.json has no solution list")
        data = {
            "n": n,
            "placed": [list(q) for q in placed],
            "blocked": [list(b) for b in blocked],
            "unique": count_solutions(n, placed, blocked) == 1,
            RELEASED_ANSWER: format_positions([tuple(q) for q in gold]),
        }
        return instance_from_folder_item(self, item, data)
