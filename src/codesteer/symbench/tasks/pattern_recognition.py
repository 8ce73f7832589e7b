"""Pattern Recognition (seen): find the one-character square hidden in a letter matrix.

A random capital-letter matrix contains a planted square block (side >= 3) of one letter; report
its bottom-right corner, 0-based. Question wording as released.

Answer: ``<<<[row, column]>>>`` (``5, 6`` and ``(5, 6)`` are read too). Judged by the rule: the
cell must be the bottom-right corner of a *maximal* one-character square of side >= 3, i.e. one
not contained in a larger one-character square. A corner of a sub-square inside the planted
block is rejected with a reason naming the enclosing square.

Knobs: ``size`` = [min, max] rows and columns (each drawn independently), ``square`` = [min,
max] side of the planted square (capped at half the shorter side, as in the release). Levels:
``paper`` = the release's generator settings (6..15 rows/cols, side 3..half the short side);
``1``..``6`` grow to 40..60-cell sides with sides up to 20.

Deviation (defect fixed): the release's uniqueness test stopped at the first mismatch, so 39/100
released matrices have several cells that are the corner of some one-letter square of side >= 3
(mostly sub-squares of a planted square of side >= 4) although the prompt says the answer is
unique, and only the planted corner was accepted. Our generator ensures exactly one maximal
square (so the answer is unique), and the judge accepts the corner of any maximal square.
"""

from __future__ import annotations

import random
import re
import string
from typing import Any, ClassVar

from codesteer.symbench.kit.common import (
    instance_from_folder_item,
    int_item,
    parse_flat,
    released_solution,
    rows_text,
)
from codesteer.symbench.task import (
    RELEASED_ANSWER,
    Instance,
    Knob,
    OriginalDataError,
    OriginalItem,
    Task,
    Verdict,
)

_ATTEMPTS = 1000
Square = tuple[int, int, int]  # bottom-right row, bottom-right column, side


def _best_sides(grid: list[list[str]]) -> list[list[int]]:
    """For each cell, the side of the largest one-character square with its bottom-right corner there."""
    rows, cols = len(grid), len(grid[0])
    best = [[1] * cols for _ in range(rows)]
    for r in range(1, rows):
        for c in range(1, cols):
            if grid[r][c] == grid[r - 1][c] == grid[r][c - 1] == grid[r - 1][c - 1]:
                best[r][c] = 1 + min(best[r - 1][c], best[r][c - 1], best[r - 1][c - 1])
    return best


def uniform_squares(grid: list[list[str]], min_side: int = 3) -> list[Square]:
    """Every one-character square of side >= ``min_side`` as (bottom row, right column, side)."""
    return _squares(_best_sides(grid), min_side)


def _squares(best: list[list[int]], min_side: int) -> list[Square]:
    return [
        (r, c, k) for r, row in enumerate(best) for c, top in enumerate(row) for k in range(min_side, top + 1)
    ]


def _inside(inner: Square, outer: Square) -> bool:
    r, c, k = inner
    r_out, c_out, k_out = outer
    return k < k_out and r - k >= r_out - k_out and r <= r_out and c - k >= c_out - k_out and c <= c_out


def maximal_squares(grid: list[list[str]]) -> list[Square]:
    """The one-character squares of side >= 3 that no larger such square contains.

    A uniform square is contained in a larger one exactly when it is contained in one a side
    longer, whose bottom-right corner is then its own or one step down and/or right.
    """
    best = _best_sides(grid)
    rows, cols = len(grid), len(grid[0])

    def extends(r: int, c: int, k: int) -> bool:
        return any(
            rr < rows and cc < cols and best[rr][cc] > k for rr in (r, r + 1) for cc in (c, c + 1)
        )

    return [(r, c, k) for r, c, k in _squares(best, 3) if not extends(r, c, k)]


def question_text(grid: list[list[str]]) -> str:
    return (
        "Given a character matrix, your task is to identify the positions of all squares with a length of "
        "at least 3 and output the row and column numbers of the bottom-right corner of these squares. "
        "The squares are composed of the same character, and each side has a length of at least 3.\n\n"
        f"If the matrix is\n\n{rows_text(grid)}\n\n"
        "Please provide the row and column of the bottom-right vertex of the square in the character matrix "
        "with a side length of at least 3 (the answer is unique). Notice: All coordinates start from 0.  \n\n"
        "Your answer should be in the format <<<[row, column]>>>."
    )


class PatternRecognition(Task):
    name = "pattern_recognition"
    title = "Pattern Recognition"
    seen = True
    knobs = (
        Knob("size", "[min, max] number of rows and of columns", (6, 15)),
        Knob("square", "[min, max] side of the planted square (capped at half the shorter side)", (3, 7)),
    )
    levels: ClassVar[dict[str, dict[str, Any]]] = {
        "paper": {"size": (6, 15), "square": (3, 7)},
        "1": {"size": (6, 8), "square": (3, 4)},
        "2": {"size": (8, 12), "square": (3, 6)},
        "3": {"size": (10, 15), "square": (3, 7)},
        "4": {"size": (15, 25), "square": (3, 10)},
        "5": {"size": (25, 40), "square": (3, 15)},
        "6": {"size": (40, 60), "square": (3, 20)},
    }
    answer_format = "<<<[row, column]>>>: 0-based bottom-right corner of the square"
    original_dirs = ("pattern_recognition",)

    def _generate(self, rng: random.Random, *, size: Any, square: Any) -> tuple[str, dict[str, Any]]:
        lo, hi = int(size[0]), int(size[1])
        s_lo, s_hi = int(square[0]), int(square[1])
        if not 6 <= lo <= hi or not 3 <= s_lo <= s_hi or 2 * s_lo > lo:
            raise ValueError("size needs 6 <= min <= max; square needs 3 <= min <= max, min <= half of size min")
        for _ in range(_ATTEMPTS):
            rows, cols = rng.randint(lo, hi), rng.randint(lo, hi)
            side = rng.randint(s_lo, max(s_lo, min(s_hi, min(rows, cols) // 2)))
            grid = [[rng.choice(string.ascii_uppercase) for _ in range(cols)] for _ in range(rows)]
            top, left = rng.randint(0, rows - side), rng.randint(0, cols - side)
            letter = rng.choice(string.ascii_uppercase)
            for r in range(top, top + side):
                grid[r][left:left + side] = [letter] * side
            if maximal_squares(grid) == [(top + side - 1, left + side - 1, side)]:
                return question_text(grid), {"grid": grid}
        raise ValueError(f"no matrix with a unique square found in {_ATTEMPTS} draws")

    def judge_answer(self, instance: Instance, answer: str) -> Verdict:
        row, col = parse_flat(answer, 2, int_item, "integer")
        grid = instance.data["grid"]
        maximal = maximal_squares(grid)
        if any((r, c) == (row, col) for r, c, _ in maximal):
            return Verdict.right(answer)
        inner = [s for s in uniform_squares(grid) if (s[0], s[1]) == (row, col)]
        if inner:
            r, c, k = max(inner, key=lambda s: s[2])
            r_out, c_out, k_out = next(o for o in maximal if _inside((r, c, k), o))
            return Verdict.wrong(
                f"({row}, {col}) is the corner of a {k}x{k} square inside the larger {k_out}x{k_out} "
                f"square whose bottom-right corner is ({r_out}, {c_out})",
                answer,
            )
        return Verdict.wrong(
            f"no one-character square of side >= 3 has its bottom-right corner at ({row}, {col})", answer
        )

    def reference_answer(self, instance: Instance) -> str:
        r, c, _ = max(maximal_squares(instance.data["grid"]), key=lambda s: s[2])
        return f"<<<[{r}, {c}]>>>"

    def from_original(self, item: OriginalItem) -> Instance:
        sol = released_solution(item)
        block = re.search(r"If the matrix is\s*\n(.*?)\n\s*\n\s*Please provide", item.question, re.DOTALL)
        if not block:
            raise OriginalDataError(f"{item.item_id}: no matrix found in the question")
        grid = [line.split() for line in block.group(1).strip().splitlines() if line.strip()]
        if not grid or any(len(r) != len(grid[0]) for r in grid):
            raise OriginalDataError(f"{item.item_id}: matrix is not rectangular")
        try:
            gold = [int(sol["row"]), int(sol["column"])]
        except (KeyError, TypeError, ValueError) as exc:
            raise OriginalDataError(f"{item.item_id}: malformed solution.json ({exc})") from exc
        data = {"grid": grid, RELEASED_ANSWER: f"[{gold[0]}, {gold[1]}]"}
        return instance_from_folder_item(self, item, data, {"size": [len(grid), len(grid[0])]})
