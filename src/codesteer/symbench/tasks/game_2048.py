"""2048 (unseen): move one tile of a power-of-2 grid step by step along a move string.

Not the full 2048 game: the tile at a given cell (shown 1-based) moves one cell per letter of
``u``/``d``/``l``/``r``. Onto an empty cell it slides; onto an equal tile the two combine into
the next power of 2 (at the target cell, which the moving tile then is); onto a different tile
or off the grid it stays. Wording as released.

Answer: ``<<<matrix>>>``: the grid after the moves, one row per line with comma-separated
values (``16, 0\\n4, 2`` as the release stores it), a nested list, or all n*n values row-major
on one line. Judged cell by cell against the simulation.

Knob ``size`` = [grid side, number of moves]; ``grid side`` to ``2 * grid side`` tiles valued
2..32 are placed. Levels: ``paper`` = the released configurations in equal shares (2x2/2
moves, 3x3/3, 4x4/4, 5x5/5, 5x5/6); ``1``..``7`` grow to 10x10 grids with 30 moves.

Deviations (defects fixed): in 101/200 released items the start cell is empty, so there is no
number to move; our generator always starts on a tile, and on such released items the judge
rejects every answer (released gold included) with a reason naming the empty start cell. The
release's golds equalled the input grid in 147/200 items; we redraw (up to a bound) until the
moves change the grid, so the question tests the rules.
"""

from __future__ import annotations

import random
import re
from typing import Any, ClassVar

from codesteer.symbench.answers import parse_grid, parse_list
from codesteer.symbench.errors import NoSolutionError
from codesteer.symbench.kit.common import (
    compare_flat,
    convert_flat,
    flatten,
    instance_from_folder_item,
    int_item,
    released_solution,
    rows_text,
)
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

STEPS = {"u": (-1, 0), "d": (1, 0), "l": (0, -1), "r": (0, 1)}
_REDRAWS = 50


def simulate(grid: list[list[int]], start: tuple[int, int], moves: str) -> list[list[int]]:
    """The grid after moving the tile at ``start`` (0-based) along ``moves``."""
    out = [list(row) for row in grid]
    n_rows, n_cols = len(out), len(out[0])
    r, c = start
    for move in moves:
        dr, dc = STEPS[move]
        nr, nc = r + dr, c + dc
        if not (0 <= nr < n_rows and 0 <= nc < n_cols) or out[r][c] == 0:
            continue
        if out[nr][nc] == 0:
            out[nr][nc], out[r][c] = out[r][c], 0
        elif out[nr][nc] == out[r][c]:
            out[nr][nc], out[r][c] = 2 * out[r][c], 0
        else:
            continue
        r, c = nr, nc
    return out


def question_text(grid: list[list[int]], start: tuple[int, int], moves: str) -> str:
    n = len(grid)
    return (
        f"In an {n}x{n} grid, there are several squares containing powers of 2. We define the '2048' "
        "game: The numbers in the grid can move in any direction. When they encounter a number that is "
        "the same power of 2, they can combine to form a larger number that is the next power of 2. "
        "For example: 2 meets 2 -> 4; 4 meets 4 -> 8; 16 meets 16 -> 32. When they encounter a "
        "different number, they remain unchanged.\n"
        "u: represents moving up one step\nd: represents moving down one step\n"
        "l: represents moving left one step\nr: represents moving right one step\n\n"
        f"Now, in the following matrix, move the number in position ({start[0] + 1}, {start[1] + 1}) "
        f"using the sequence '{moves}':\n{rows_text(grid, ', ')}\n\n"
        "What is the matrix after moving?\nReturn your answer with format <<<matrix>>>."
    )


def read_matrix(answer: str, count: int) -> list[int]:
    text = answer.strip()
    values = parse_grid(text) if "\n" in text and not text.startswith("[") else parse_list(text)
    return convert_flat(values, count, int_item, "integer")


class Game2048(Task):
    name = "game_2048"
    title = "2048"
    seen = False
    knobs = (Knob("size", "[grid side, number of moves]", (3, 3)),)
    levels: ClassVar[dict[str, dict[str, Any]]] = {
        "paper": {"size": OneOf((2, 2), (3, 3), (4, 4), (5, 5), (5, 6))},
        "1": {"size": (2, 2)},
        "2": {"size": (3, 3)},
        "3": {"size": (4, 4)},
        "4": {"size": (5, 6)},
        "5": {"size": (6, 10)},
        "6": {"size": (8, 16)},
        "7": {"size": (10, 30)},
    }
    answer_format = "<<<matrix>>>: the grid after moving, rows on lines with comma-separated values"
    original_dirs = ("2048_dataset",)

    def _generate(self, rng: random.Random, *, size: Any) -> tuple[str, dict[str, Any]]:
        n, n_moves = int(size[0]), int(size[1])
        if n < 2 or n_moves < 1:
            raise ValueError("size needs a grid side >= 2 and at least one move")
        for _ in range(_REDRAWS):
            grid = [[0] * n for _ in range(n)]
            cells = rng.sample(range(n * n), rng.randint(n, min(2 * n, n * n)))
            for cell in cells:
                grid[cell // n][cell % n] = 2 ** rng.randint(1, 5)
            start = divmod(rng.choice(cells), n)
            moves = "".join(rng.choice("udlr") for _ in range(n_moves))
            if simulate(grid, start, moves) != grid:
                break
        data = {"grid": grid, "start": list(start), "moves": moves}
        return question_text(grid, start, moves), data

    def judge_answer(self, instance: Instance, answer: str) -> Verdict:
        grid, (r, c) = instance.data["grid"], instance.data["start"]
        if grid[r][c] == 0:
            return Verdict.wrong(
                f"ill-posed item: the start position ({r + 1}, {c + 1}) is empty, so there is no number "
                "to move", answer,
            )
        expected = flatten(simulate(grid, (r, c), instance.data["moves"]))
        return compare_flat(expected, read_matrix(answer, len(expected)), answer, "cell")

    def reference_answer(self, instance: Instance) -> str:
        grid, (r, c) = instance.data["grid"], instance.data["start"]
        if grid[r][c] == 0:
            raise NoSolutionError(f"ill-posed item: the start position ({r + 1}, {c + 1}) is empty")
        result = simulate(instance.data["grid"], tuple(instance.data["start"]), instance.data["moves"])
        return f"<<<{rows_text(result, ', ')}>>>"

    def from_original(self, item: OriginalItem) -> Instance:
        sol = released_solution(item)
        try:
            grid = [[int(v) for v in row] for row in sol["grid"]]
            start = [int(v) for v in sol["start_pos"]]
            moves = str(sol["moves"])
            gold = str(sol["solution"])
        except (KeyError, TypeError, ValueError) as exc:
            raise OriginalDataError(f"{item.item_id}: malformed solution.json ({exc})") from exc
        n = len(grid)
        if any(len(row) != n for row in grid) or not all(0 <= v < n for v in start) or len(start) != 2:
            raise OriginalDataError(f"{item.item_id}: grid not square or start outside it")
        if not re.fullmatch(r"[udlr]*", moves):
            raise OriginalDataError(f"{item.item_id}: moves {moves!r} use letters other than u/d/l/r")
        data = {"grid": grid, "start": start, "moves": moves, RELEASED_ANSWER: gold}
        return instance_from_folder_item(self, item, data, {"size": [n, len(moves)]})
