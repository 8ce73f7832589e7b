"""Standard Sudoku (seen): fill an n x n Sudoku (n = box**2; 9 x 9 in the release).

Answer: ``<<<[[r1c1, r1c2, ...], [...], ...]>>>`` (the question asks for "a 9*9 matrix"): a nested
list, or one row per line with cells separated by commas or spaces (a 9 x 9 row may also be
nine digits run together). Judged by the rules: the grid must be n x n, hold 1..n, keep every
given, and repeat no number in a row, column or box; any valid grid passes. The reason names the
first broken rule.

Knobs: ``box`` (3: 9 x 9, 4: 16 x 16), ``blanks`` ((low, high) number of empty cells) and
``unique`` (remove givens only while the solution stays unique; the generator then stops early
if no further given can go). Generation fills a random complete grid, then removes givens in
random order; ``data["unique"]`` records uniqueness either way. Levels: ``paper`` = 9 x 9 with
51-55 blanks, unique (the release's range for all its complexity labels); ``1``..``6`` = 9 x 9
with 30-35, 41-45, 51-55, 56-64 blanks, then 16 x 16 with 100-115 and 120-130 blanks. The
reference solver is bitmask backtracking on the most constrained cell.

Deviations: the release labelled its items complexity 5, 6 and 7 but drew all of them from the
same 51-55 range; levels here really differ. Released golds are all valid.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Iterator
from typing import Any, ClassVar

from codesteer.symbench.answers import AnswerFormatError, parse_grid, read_int
from codesteer.symbench.errors import NoSolutionError
from codesteer.symbench.kit.common import instance_from_folder_item, released_solution
from codesteer.symbench.task import (
    RELEASED_ANSWER,
    Instance,
    Knob,
    OriginalDataError,
    OriginalItem,
    Task,
    Verdict,
)

Grid = list[list[int]]


def solutions(puzzle: Grid, rng: random.Random | None = None) -> Iterator[Grid]:
    """Every completion of ``puzzle`` (0 = empty); ``rng`` shuffles the candidate order."""
    n = len(puzzle)
    box = math.isqrt(n)
    cells = [v for row in puzzle for v in row]
    rows, cols, boxes = [0] * n, [0] * n, [0] * n
    for i, v in enumerate(cells):
        if v:
            r, c, bit = i // n, i % n, 1 << v
            b = r // box * box + c // box
            if (rows[r] | cols[c] | boxes[b]) & bit:
                return
            rows[r] |= bit
            cols[c] |= bit
            boxes[b] |= bit
    empty = [i for i, v in enumerate(cells) if not v]
    full = ((1 << n) - 1) << 1

    def search() -> Iterator[Grid]:
        best, best_mask, best_count = -1, 0, n + 1
        for i in empty:
            if cells[i]:
                continue
            r, c = divmod(i, n)
            mask = full & ~(rows[r] | cols[c] | boxes[r // box * box + c // box])
            count = mask.bit_count()
            if count < best_count:
                best, best_mask, best_count = i, mask, count
                if count <= 1:
                    break
        if best < 0:
            yield [cells[r * n:(r + 1) * n] for r in range(n)]
            return
        values = [v for v in range(1, n + 1) if best_mask >> v & 1]
        if rng is not None:
            rng.shuffle(values)
        r, c = divmod(best, n)
        b = r // box * box + c // box
        for v in values:
            bit = 1 << v
            cells[best] = v
            rows[r] |= bit
            cols[c] |= bit
            boxes[b] |= bit
            yield from search()
            rows[r] &= ~bit
            cols[c] &= ~bit
            boxes[b] &= ~bit
        cells[best] = 0

    yield from search()


def count_solutions(puzzle: Grid, limit: int = 2) -> int:
    count = 0
    for _ in solutions(puzzle):
        count += 1
        if count >= limit:
            break
    return count


def random_full_grid(rng: random.Random, box: int) -> Grid:
    """A random complete grid: the shifted-rows pattern with its symmetries shuffled.

    Rows within a band, bands, columns within a stack, stacks and the digits are permuted, which
    keeps every Sudoku rule and avoids slow backtracking on large grids.
    """
    n = box * box

    def lines() -> list[int]:
        bands = rng.sample(range(box), box)
        return [b * box + i for b in bands for i in rng.sample(range(box), box)]

    rows, cols, digits = lines(), lines(), rng.sample(range(1, n + 1), n)
    return [[digits[(r % box * box + r // box + c) % n] for c in cols] for r in rows]


def make_puzzle(rng: random.Random, box: int, blanks: int, unique: bool) -> tuple[Grid, Grid]:
    """A (puzzle, solution) pair with up to ``blanks`` empty cells (fewer only if ``unique`` stops it)."""
    n = box * box
    solution = random_full_grid(rng, box)
    puzzle = [row[:] for row in solution]
    order = [(r, c) for r in range(n) for c in range(n)]
    rng.shuffle(order)
    removed = 0
    for r, c in order:
        if removed == blanks:
            break
        value, puzzle[r][c] = puzzle[r][c], 0
        if unique and count_solutions(puzzle) != 1:
            puzzle[r][c] = value
        else:
            removed += 1
    return puzzle, solution


def question_text(puzzle: Grid) -> str:
    """The released wording for an n x n puzzle."""
    n = len(puzzle)
    box = math.isqrt(n)
    rows = "\n".join(",".join(str(v) if v else " " for v in row) for row in puzzle)
    return (
        f"Given a {n}*{n} Sudoku grid, each cell must be filled with a number between 1 and {n}. "
        f"No number may appear more than once in the same row, column, or {box}*{box} subgrid. "
        "Some cells are pre-filled. Please fill the remaining empty cells.\n"
        f"{rows}\n\nReturn your answer in the format: <<<a {n}*{n} matrix>>>."
    )


def parse_sudoku(answer: str, n: int) -> Grid:
    """An n x n grid of integers; a 9 x 9 row may be nine digits run together."""
    grid = parse_grid(answer)
    if n <= 9 and len(grid) == n and all(len(row) == 1 for row in grid):
        grid = [list(str(row[0])) for row in grid]
    if len(grid) != n or any(len(row) != n for row in grid):
        raise AnswerFormatError(f"the answer is not a {n}x{n} grid")
    try:
        return [[_cell(v) for v in row] for row in grid]
    except ValueError as exc:
        raise AnswerFormatError(str(exc)) from exc


def _cell(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError(f"not a number: {value!r}")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"\s*\d+\s*", value):
        return read_int(value.strip())
    raise ValueError(f"not a number: {str(value)[:20]!r}")


def broken_rule(puzzle: Grid, grid: Grid) -> str | None:
    """The first Sudoku rule ``grid`` breaks as a completion of ``puzzle``, or ``None``."""
    n = len(puzzle)
    box = math.isqrt(n)
    for r in range(n):
        for c in range(n):
            if not 1 <= grid[r][c] <= n:
                return f"cell ({r + 1}, {c + 1}) holds {grid[r][c]}, outside 1..{n}"
            if puzzle[r][c] and grid[r][c] != puzzle[r][c]:
                return f"cell ({r + 1}, {c + 1}) is given as {puzzle[r][c]} but the answer has {grid[r][c]}"
    groups = [(f"row {r + 1}", [grid[r][c] for c in range(n)]) for r in range(n)]
    groups += [(f"column {c + 1}", [grid[r][c] for r in range(n)]) for c in range(n)]
    groups += [
        (f"subgrid {b + 1}", [grid[b // box * box + i // box][b % box * box + i % box] for i in range(n)])
        for b in range(n)
    ]
    for label, values in groups:
        seen: set[int] = set()
        for v in values:
            if v in seen:
                return f"{v} appears twice in {label}"
            seen.add(v)
    return None


class StandardSudoku(Task):
    name = "standard_sudoku"
    title = "Standard Sudoku"
    seen = True
    knobs = (
        Knob("box", "box size (3: 9x9 grid, 4: 16x16)", 3),
        Knob("blanks", "(low, high) number of empty cells", (51, 55)),
        Knob("unique", "keep the solution unique while removing givens", True),
    )
    levels: ClassVar[dict[str, dict[str, Any]]] = {
        "paper": {"box": 3, "blanks": (51, 55), "unique": True},
        "1": {"box": 3, "blanks": (30, 35), "unique": True},
        "2": {"box": 3, "blanks": (41, 45), "unique": True},
        "3": {"box": 3, "blanks": (51, 55), "unique": True},
        "4": {"box": 3, "blanks": (56, 64), "unique": False},
        "5": {"box": 4, "blanks": (100, 115), "unique": True},
        "6": {"box": 4, "blanks": (120, 130), "unique": True},
    }
    answer_format = "<<<[[...], ...]>>>: the completed n x n grid (nested list or one row per line)"
    original_dirs = ("standard_sudoku",)

    def _generate(self, rng: random.Random, *, box: int, blanks: Any, unique: bool) -> tuple[str, dict[str, Any]]:
        low, high = (int(v) for v in blanks)
        if not 2 <= box <= 5 or not 0 <= low <= high <= box**4:
            raise ValueError("box must be 2..5 and blanks a (low, high) range within the grid")
        puzzle, _ = make_puzzle(rng, box, rng.randint(low, high), bool(unique))
        data = {"puzzle": puzzle, "unique": bool(unique) or count_solutions(puzzle) == 1}
        return question_text(puzzle), data

    def judge_answer(self, instance: Instance, answer: str) -> Verdict:
        puzzle = instance.data["puzzle"]
        grid = parse_sudoku(answer, len(puzzle))
        reason = broken_rule(puzzle, grid)
        return Verdict.wrong(reason, answer) if reason else Verdict.right(answer)

    def reference_answer(self, instance: Instance) -> str:
        grid = next(solutions(instance.data["puzzle"]), None)
        if grid is None:
            raise NoSolutionError("the puzzle has no solution")
        return "<<<" + str(grid).replace(" ", "") + ">>>"

    def from_original(self, item: OriginalItem) -> Instance:
        text = item.question or ""
        rows = [line.split(",") for line in text.splitlines() if line.count(",") == 8]
        gold = released_solution(item).get("solution")
        if len(rows) != 9 or not isinstance(gold, list):
            raise OriginalDataError(f"{item.item_id}: no 9x9 grid in the question or no solution")
        try:
            puzzle = [[int(v) if v.strip() else 0 for v in row] for row in rows]
        except ValueError as exc:
            raise OriginalDataError(f"{item.item_id}: unreadable grid cell ({exc})") from exc
        data = {"puzzle": puzzle, "unique": count_solutions(puzzle) == 1, RELEASED_ANSWER: str(gold)}
        return instance_from_folder_item(self, item, data)
