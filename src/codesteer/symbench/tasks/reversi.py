"""Reversi (seen): play the stated moves on a shown Reversi position and report the board.

On an n x n board (0 = black, 1 = white, * = empty) each round places one piece; every straight
line (row, column, diagonal) of opponent pieces closed by the placed piece and another piece of
the mover's colour flips. Rounds alternate between you and the opponent, starting with you.

Answer: ``<<<*,*,0,1,...>>>``, the n*n cells row by row, as the question's example shows; spaces
or line breaks between cells, one row per line, brackets or quotes around cells are forgiven.
Judged by simulation (:func:`play`): every cell must match; the reason names the first wrong
cell.

Knobs: ``game`` = (board size n, rounds to play) and ``premoves`` = (low, high) random legal
moves played from the standard start to reach the shown position. Stated moves are legal
Reversi moves (they flip something) whenever the mover has one. Levels: ``paper`` = the
release's (n, rounds) mix (4, 1), (4, 2), (4, 3), (6, 2), (6, 3); ``1``..``6`` grow to 12 x 12
boards and 16 rounds from deeper positions.

Deviations (defect fixed): the release printed the board *after* the moves as "the previous
round" and stored that same board as the gold (200/200 items), so the question asked for the
board it showed; here the shown board is the position before the moves and the answer is
computed by playing them. Random opening moves before the shown position remove the release's
heavy duplication (83 unique of 200). Released items are read as released: playing their moves
on the shown board lands on occupied cells, so the judge reports them as unanswerable and
rejects their golds with that reason, and the solver raises ``NoSolutionError``.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from typing import Any, ClassVar

from codesteer.symbench.answers import AnswerFormatError
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

Board = list[list[str]]
EMPTY = "*"
_DIRECTIONS = [(dr, dc) for dr in (-1, 0, 1) for dc in (-1, 0, 1) if dr or dc]
_RULES = """There is a game similar to Reversi. On an n*n grid (where n is even), four pieces are placed in the center, two black and two white, arranged diagonally. Black pieces are represented by 0, white pieces by 1, and empty spaces by *.
Rules:
1. Two players take turns placing pieces, one playing black and the other playing white.
2. Each player places one piece on an empty space during their turn.
3. After placing a piece, if there are any of the opponent's pieces between two of the player's pieces (in the same row, column, or diagonal), those pieces will be flipped to the player's color. That is, 0 becomes 1, or 1 becomes 0.
All coordinates start from the first row and first column, and the coordinate (a, b) represents the cell in the a-th row and b-th column.
"""
_MOVE = re.compile(r"Round (\d+): (Your's|The opponent's) landing position is \((\d+),\s*(\d+)\)")


def start_board(n: int) -> Board:
    board = [[EMPTY] * n for _ in range(n)]
    h = n // 2
    board[h - 1][h - 1] = board[h][h] = "1"
    board[h - 1][h] = board[h][h - 1] = "0"
    return board


def flips(board: Board, r: int, c: int, colour: str) -> list[tuple[int, int]]:
    """Cells flipped by placing ``colour`` at (r, c) (0-based)."""
    n = len(board)
    other = _other(colour)
    flipped = []
    for dr, dc in _DIRECTIONS:
        line = []
        i, j = r + dr, c + dc
        while 0 <= i < n and 0 <= j < n and board[i][j] == other:
            line.append((i, j))
            i, j = i + dr, j + dc
        if line and 0 <= i < n and 0 <= j < n and board[i][j] == colour:
            flipped.extend(line)
    return flipped


def place(board: Board, r: int, c: int, colour: str) -> Board:
    """The board after ``colour`` places at (r, c), 0-based (raises ValueError if not allowed)."""
    n = len(board)
    if not (0 <= r < n and 0 <= c < n):
        raise ValueError(f"({r + 1},{c + 1}) is off the {n}x{n} board")
    if board[r][c] != EMPTY:
        raise ValueError(f"({r + 1},{c + 1}) is already occupied")
    after = [row[:] for row in board]
    after[r][c] = colour
    for i, j in flips(board, r, c, colour):
        after[i][j] = colour
    return after


def play(board: Board, moves: Sequence[Sequence[int]], you: str) -> Board:
    """Play 1-based ``moves``, alternating you and the opponent, starting with you."""
    other = _other(you)
    for k, (r, c) in enumerate(moves):
        try:
            board = place(board, r - 1, c - 1, you if k % 2 == 0 else other)
        except ValueError as exc:
            raise ValueError(f"round {k + 1}: {exc}") from exc
    return board


def legal_moves(board: Board, colour: str) -> list[tuple[int, int]]:
    n = len(board)
    return [(r, c) for r in range(n) for c in range(n) if board[r][c] == EMPTY and flips(board, r, c, colour)]


def question_text(board: Board, moves: Sequence[Sequence[int]], you: str) -> str:
    n = len(board)
    rounds = "\n".join(
        f"Round {k}: {'Your' if k % 2 else 'The opponent'}'s landing position is ({r},{c})"
        for k, (r, c) in enumerate(moves, start=1)
    )
    after = "this round" if len(moves) == 1 else f"round {len(moves)}"
    return (
        _RULES
        + f"\nGiven: n={n}, you play {'black' if you == '0' else 'white'} chess.\n\n"
        + "The previous round of the game was: \n"
        + "\n".join("".join(row) for row in board)
        + f"\n\n{rounds}\n\n"
        + f"Please write down the game situation after {after} based on the situation of the previous round.\n"
        + f"For example, <<<{','.join([EMPTY] * n * n)}>>> represents the empty grid."
    )


def parse_board(answer: str, n: int) -> Board:
    """n x n cells from comma/space separated cells, rows of n characters, or one run of n*n."""
    text = re.sub(r"[\[\]()'\"`]", " ", answer)
    tokens = [t for t in re.split(r"[\s,;]+", text) if t]
    if len(tokens) != n * n:
        tokens = list("".join(tokens))
    if len(tokens) != n * n:
        raise AnswerFormatError(f"expected {n * n} cells for a {n}x{n} board, got {len(tokens)}")
    bad = sorted({t for t in tokens if t not in ("0", "1", EMPTY)})
    if bad:
        raise AnswerFormatError(f"cells must be 0, 1 or *, got {bad[0][:10]!r}")
    return [tokens[r * n:(r + 1) * n] for r in range(n)]


def flatten(board: Board) -> str:
    return ",".join(cell for row in board for cell in row)


class Reversi(Task):
    name = "reversi"
    title = "Reversi"
    seen = True
    knobs = (
        Knob("game", "(board size n, rounds to play)", (4, 1)),
        Knob("premoves", "(low, high) random moves from the start before the shown position", (0, 4)),
    )
    levels: ClassVar[dict[str, dict[str, Any]]] = {
        "paper": {"game": OneOf((4, 1), (4, 2), (4, 3), (6, 2), (6, 3)), "premoves": (0, 4)},
        "1": {"game": (4, 1), "premoves": (0, 4)},
        "2": {"game": (6, 3), "premoves": (2, 8)},
        "3": {"game": (8, 4), "premoves": (4, 12)},
        "4": {"game": (8, 8), "premoves": (8, 20)},
        "5": {"game": (10, 10), "premoves": (10, 30)},
        "6": {"game": (12, 16), "premoves": (16, 40)},
    }
    answer_format = "<<<*,0,1,...>>>: the n*n cells row by row (0 black, 1 white, * empty)"
    original_dirs = ("reversi_dataset",)

    def _generate(self, rng: random.Random, *, game: Any, premoves: Any) -> tuple[str, dict[str, Any]]:
        n, rounds = (int(v) for v in game)
        low, high = (int(v) for v in premoves)
        if n < 4 or n % 2 or rounds < 1 or not 0 <= low <= high:
            raise ValueError("need an even board size >= 4, rounds >= 1 and a (low, high) premoves range")
        board, colour = start_board(n), "0"
        for _ in range(rng.randint(low, high)):
            options = legal_moves(board, colour)
            if not options:  # no move: the other colour plays, if it can
                options = legal_moves(board, _other(colour))
                if not options:
                    break
                colour = _other(colour)
            board = place(board, *rng.choice(options), colour)
            colour = _other(colour)
        you, moves, current, mover = colour, [], board, colour
        for _ in range(rounds):
            options = legal_moves(current, mover)
            if not options:
                options = [(r, c) for r in range(n) for c in range(n) if current[r][c] == EMPTY]
            if not options:
                break
            r, c = rng.choice(options)
            current = place(current, r, c, mover)
            moves.append([r + 1, c + 1])
            mover = _other(mover)
        data = {"board": ["".join(row) for row in board], "moves": moves, "you": you}
        return question_text(board, moves, you), data

    def judge_answer(self, instance: Instance, answer: str) -> Verdict:
        data = instance.data
        if data.get("defect"):
            return Verdict.wrong(f"this released item cannot be answered: {data['defect']}", answer)
        expected = _result(data)
        given = parse_board(answer, len(expected))
        for r, (want_row, got_row) in enumerate(zip(expected, given, strict=True)):
            for c, (want, got) in enumerate(zip(want_row, got_row, strict=True)):
                if want != got:
                    return Verdict.wrong(
                        f"cell ({r + 1},{c + 1}) should be {want}, not {got}, after playing the stated rounds",
                        answer,
                    )
        return Verdict.right(answer)

    def reference_answer(self, instance: Instance) -> str:
        if instance.data.get("defect"):
            raise NoSolutionError(f"this released item cannot be answered: {instance.data['defect']}")
        return f"<<<{flatten(_result(instance.data))}>>>"

    def from_original(self, item: OriginalItem) -> Instance:
        text = item.question or ""
        sol = released_solution(item)
        size = re.search(r"Given: n=(\d+), you play (black|white)", text)
        if not size or "solution" not in sol:
            raise OriginalDataError(f"{item.item_id}: no board size, colour or solution")
        n, you = int(size.group(1)), "0" if size.group(2) == "black" else "1"
        after = text.split("The previous round of the game was:", 1)[-1]
        rows = [line.strip() for line in after.splitlines() if re.fullmatch(r"[01*]+", line.strip())][:n]
        moves = [[int(m.group(3)), int(m.group(4))] for m in _MOVE.finditer(text)]
        if len(rows) != n or any(len(row) != n for row in rows) or not moves:
            raise OriginalDataError(f"{item.item_id}: unreadable {n}x{n} board or moves")
        data: dict[str, Any] = {"board": rows, "moves": moves, "you": you}
        try:
            _result(data)
        except ValueError as exc:
            data["defect"] = f"{exc} (the shown board is already the position after the moves)"
        data[RELEASED_ANSWER] = str(sol["solution"])
        return instance_from_folder_item(self, item, data)


def _other(colour: str) -> str:
    return "1" if colour == "0" else "0"


def _result(data: dict[str, Any]) -> Board:
    return play([list(row) for row in data["board"]], data["moves"], data["you"])
