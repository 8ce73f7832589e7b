"""Letter Logic Diagram: complete a Latin square of letters whose minor diagonal is one letter.

An n*n grid over the first n letters (7 and a..g as released) has some cells filled. Fill the
rest so each row and each column holds each letter once and every cell of the minor diagonal
(top-right to bottom-left) holds the same letter. Answer, as the question asks::

    <<<
    c,g,e,f,b,a,d
    ...
    >>>

one row per line, letters separated by commas (``[[c,g,...],...]`` with or without quotes, and
space-separated rows, are read too; letter case is forgiven). Judged by checking every rule and
every given cell, so any valid completion passes; ``data["unique"]`` records whether the
completion is unique. The reference solver is a depth-first search over bitmasks choosing the
cell with fewest candidates (:func:`complete`).

Knobs: ``n`` (side, 2..26), ``blanks`` (empty cells). Levels: ``paper`` is 7x7 with 15-30 blanks at
the release's frequencies; the ladder ``1``..``6`` grows to 13x13 with 110 blanks. The generator
permutes and relabels a cyclic square (rows and columns in paired orders that keep the minor
diagonal), so every instance has a solution.

Deviation from the release: it compared answers with one stored grid, while 84/200 of its
puzzles have several valid completions; we judge by the rules. Its judge also failed on spaces
after commas and on quoted letters; ours reads both.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from typing import Any, ClassVar

from codesteer.symbench.answers import AnswerFormatError
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

Grid = list[list[str | None]]
_ROW_RE = re.compile(r"\[([^\[\]]*)\]")


def letters(n: int) -> str:
    return "abcdefghijklmnopqrstuvwxyz"[:n]


def complete(grid: Grid, limit: int = 1) -> list[list[list[str]]]:
    """Up to ``limit`` completions of ``grid`` (``None`` = blank) obeying every rule."""
    n = len(grid)
    alphabet = letters(n)
    full = (1 << n) - 1
    diag_given = {grid[i][n - 1 - i] for i in range(n)} - {None}
    found: list[list[list[str]]] = []
    if len(diag_given) > 1:
        return found
    for diag in sorted(diag_given) or list(alphabet):
        cells = [[None if v is None else alphabet.index(v) for v in row] for row in grid]
        for i in range(n):
            cells[i][n - 1 - i] = alphabet.index(diag)
        rows, cols = [0] * n, [0] * n
        ok = True
        for r in range(n):
            for c in range(n):
                v = cells[r][c]
                if v is not None:
                    bit = 1 << v
                    ok = ok and not (rows[r] & bit or cols[c] & bit)
                    rows[r] |= bit
                    cols[c] |= bit
        if not ok:
            continue
        empty = [(r, c) for r in range(n) for c in range(n) if cells[r][c] is None]
        _search(_State(cells, rows, cols, full, alphabet, found, limit), empty)
        if len(found) >= limit:
            break
    return found


@dataclass
class _State:
    """The mutable search state of :func:`complete` (cells as letter indexes, row/column bitmasks)."""

    cells: list[list[int | None]]
    rows: list[int]
    cols: list[int]
    full: int
    alphabet: str
    found: list[list[list[str]]]
    limit: int


def _search(st: _State, left: list[tuple[int, int]]) -> None:
    if not left:
        st.found.append([[st.alphabet[v] for v in row] for row in st.cells])  # type: ignore[index]
        return
    options = _branching(left, st.rows, st.cols, st.full)
    if options is None:
        return
    for (r, c), bit in options:
        st.cells[r][c] = bit.bit_length() - 1
        st.rows[r] |= bit
        st.cols[c] |= bit
        _search(st, [cell for cell in left if cell != (r, c)])
        st.rows[r] ^= bit
        st.cols[c] ^= bit
        st.cells[r][c] = None
        if len(st.found) >= st.limit:
            return


def _branching(
    left: list[tuple[int, int]], rows: list[int], cols: list[int], full: int
) -> list[tuple[tuple[int, int], int]] | None:
    """The (cell, letter bit) choices of the most constrained cell, row-letter or column-letter.

    ``None`` when some cell has no letter left or some row/column cannot place a missing letter.
    """
    masks = {(r, c): full & ~(rows[r] | cols[c]) for r, c in left}
    best: list[tuple[tuple[int, int], int]] | None = None
    for cell, mask in masks.items():
        count = mask.bit_count()
        if count == 0:
            return None
        if best is None or count < len(best):
            best = [(cell, 1 << b) for b in range(mask.bit_length()) if mask >> b & 1]
            if count == 1:
                return best
    for axis in (0, 1):
        lines: dict[int, list[tuple[int, int]]] = {}
        for cell in masks:
            lines.setdefault(cell[axis], []).append(cell)
        for line_cells in lines.values():
            missing = 0
            for cell in line_cells:
                missing |= masks[cell]
            needed = full & ~(rows[line_cells[0][0]] if axis == 0 else cols[line_cells[0][1]])
            if needed & ~missing:
                return None
            while needed:
                bit = needed & -needed
                needed ^= bit
                spots = [cell for cell in line_cells if masks[cell] & bit]
                if best is None or len(spots) < len(best):
                    best = [(cell, bit) for cell in spots]
    return best


def violations(grid: list[list[str]], given: Grid) -> list[str]:
    """Every broken rule of a filled grid, in reading order (empty when valid)."""
    n = len(given)
    alphabet = set(letters(n))
    problems = [
        f"cell ({r + 1}, {c + 1}) is given as {given[r][c]!r}, answer has {grid[r][c]!r}"
        for r in range(n) for c in range(n) if given[r][c] is not None and grid[r][c] != given[r][c]
    ]
    problems += [f"row {r + 1} does not hold each letter once" for r in range(n) if set(grid[r]) != alphabet]
    problems += [
        f"column {c + 1} does not hold each letter once" for c in range(n) if {row[c] for row in grid} != alphabet
    ]
    if len({grid[i][n - 1 - i] for i in range(n)}) != 1:
        problems.append("the minor diagonal holds more than one letter")
    return problems


def read_grid(answer: str, n: int) -> list[list[str]]:
    """An n*n letter grid from rows on lines or a nested list (quotes, spaces and case forgiven)."""
    s = answer.strip()
    inner = _ROW_RE.findall(s)
    lines = inner if inner else [line for line in s.splitlines() if line.strip()]
    grid = []
    for line in lines:
        cells = [c.strip(" '\"").lower() for c in re.split(r"[,\s]+", line.strip()) if c.strip(" '\"")]
        if len(cells) == 1 and len(cells[0]) == n:
            cells = list(cells[0])
        grid.append(cells)
    if len(grid) != n or any(len(row) != n for row in grid):
        raise AnswerFormatError(f"expected {n} rows of {n} letters")
    if bad := sorted({c for row in grid for c in row} - set(letters(n))):
        raise AnswerFormatError(f"{bad[0]!r} is not one of the letters {letters(n)}")
    return grid


def question_text(grid: Grid) -> str:
    """The question, worded as the release worded it (its 7 generalised to n)."""
    n = len(grid)
    span = f"{{a..{letters(n)[-1]}}}"
    puzzle = "\n".join(",".join(v or "" for v in row) for row in grid)
    return (
        f"Given a {n}x{n} grid of letters {span}, some cells are pre-filled. Fill the rest so that:\n"
        f"1) Each row has exactly one of each letter {span}.\n"
        f"2) Each column has exactly one of each letter {span}.\n"
        "3) All cells on the minor diagonal (top-right to bottom-left) contain the same letter.\n\n"
        "Here is the puzzle (each row on its own line, cells separated by commas, empty cells blank):\n\n"
        f"{puzzle}\n\nReturn the answer with the format:\n<<<\nrow1\nrow2\n...  ({n} rows total)\n>>>\n\n"
        f"where each row has {n} letters separated by commas.\n"
    )


def random_square(rng: random.Random, n: int) -> list[list[str]]:
    """A random Latin square whose minor diagonal is one letter (a permuted, relabelled cyclic one)."""
    rows = list(range(n))
    rng.shuffle(rows)
    cols = [n - 1 - rows[n - 1 - j] for j in range(n)]
    labels = list(letters(n))
    rng.shuffle(labels)
    square = [[""] * n for _ in range(n)]
    for i in range(n):
        for j in range(n):
            square[rows[i]][cols[j]] = labels[(i + j) % n]
    return square


class LetterLogicDiagram(Task):
    name = "letter_logic_diagram"
    title = "Letter Logic Diagram"
    seen = True
    knobs = (Knob("n", "grid side (letters a.. of that many)", 7), Knob("blanks", "empty cells", 30))
    levels: ClassVar[dict[str, dict[str, Any]]] = {
        "paper": {"n": 7, "blanks": weighted((15, 32), (20, 41), (25, 30), (30, 97))},
        "1": {"n": 5, "blanks": 10},
        "2": {"n": 7, "blanks": 20},
        "3": {"n": 7, "blanks": 32},
        "4": {"n": 9, "blanks": 50},
        "5": {"n": 11, "blanks": 75},
        "6": {"n": 13, "blanks": 110},
    }
    answer_format = "<<< then n lines of n comma-separated letters, then >>>"
    original_dirs = ("letter_logic_diagram",)

    def _generate(self, rng: random.Random, n: int, blanks: int) -> tuple[str, dict[str, Any]]:
        if not 2 <= n <= 26 or not 1 <= blanks <= n * n:
            raise ValueError("letter_logic_diagram needs 2 <= n <= 26 and 1 <= blanks <= n*n")
        square = random_square(rng, n)
        grid: Grid = [row[:] for row in square]
        for k in rng.sample(range(n * n), blanks):
            grid[k // n][k % n] = None
        data = {"grid": grid, "unique": len(complete(grid, 2)) == 1}
        return question_text(grid), data

    def judge_answer(self, instance: Instance, answer: str) -> Verdict:
        given = instance.data["grid"]
        grid = read_grid(answer, len(given))
        problems = violations(grid, given)
        if problems:
            more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
            return Verdict.wrong(problems[0] + more, answer)
        return Verdict.right(answer)

    def reference_answer(self, instance: Instance) -> str:
        found = complete(instance.data["grid"])
        if not found:
            raise NoSolutionError("the puzzle has no completion")
        return "<<<\n" + rows_text(found[0], ",") + "\n>>>"

    def from_original(self, item: OriginalItem) -> Instance:
        sol = released_solution(item)
        grid, gold = sol.get("grid"), sol.get("solution")
        if not isinstance(grid, list) or not isinstance(gold, list):
            raise OriginalDataError("solution.json needs grid and solution")
        if not all(isinstance(row, list) and len(row) == len(grid) for row in [*grid, *gold]):
            raise OriginalDataError("grid and solution must be square")
        if question_text(grid).split("Here is the puzzle")[1] not in (item.question or ""):
            raise OriginalDataError("question and solution.json disagree on the puzzle")
        data = {
            "grid": grid,
            "unique": len(complete(grid, 2)) == 1,
            RELEASED_ANSWER: rows_text(gold, ","),
        }
        return instance_from_folder_item(self, item, data)
