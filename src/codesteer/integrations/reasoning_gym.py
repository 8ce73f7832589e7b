"""Cross-checks of our judges against reasoning-gym's on the tasks both have (``pip install 'codesteer[gym]'``).

For each pair, reasoning-gym's items become our instances (their puzzle in our task's ``data``),
and each item is answered by reasoning-gym's own reference answer and by near misses derived from
it. Their verdict is ``score_answer(answer, entry) == 1.0``; ours is the task judge's on the
answer written in our format. :func:`cross_check` counts where the two agree; docs/symbench.md
explains the pairs left out and any disagreement.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from codesteer.symbench.registry import get_task
from codesteer.symbench.task import Instance

Entry = dict[str, Any]


@dataclass(frozen=True)
class Pair:
    """A reasoning-gym dataset and our task that asks the same thing."""

    theirs: str
    ours: str
    #: their item's puzzle as our instance's ``data``
    data: Callable[[Entry], dict[str, Any]]
    #: wrong answers one step from their reference answer, in their format
    near_misses: Callable[[str, Entry], list[str]]
    #: their answer text written in our format (the inside of ``<<<...>>>``)
    ours_from_theirs: Callable[[str, Entry], str] = lambda answer, entry: answer


def _bump_first_number(text: str) -> str:
    return re.sub(r"\d+", lambda m: str(int(m.group()) + 1), text, count=1)


def _swap_first_operator(text: str) -> list[str]:
    swap = {"+": "-", "-": "+", "*": "+", "/": "*"}
    match = re.search(r"[-+*/]", text)
    return [text[:match.start()] + swap[match.group()] + text[match.end():]] if match else []


def _queens(board: str) -> list[tuple[int, int]]:
    rows = [line.split() for line in board.strip().splitlines()]
    return [(r, c) for r, row in enumerate(rows) for c, cell in enumerate(row) if cell == "Q"]


def _board(n: int, queens: list[tuple[int, int]]) -> str:
    cells = [["_"] * n for _ in range(n)]
    for r, c in queens:
        cells[r][c] = "Q"
    return "\n".join(" ".join(row) for row in cells)


def _given_queens(entry: Entry) -> list[tuple[int, int]]:
    """The queens the puzzle places before the solver does."""
    return [(r, c) for r, row in enumerate(entry["metadata"]["puzzle"]) for c, cell in enumerate(row) if cell == "Q"]


def _queen_misses(answer: str, entry: Entry) -> list[str]:
    """Drop one placed queen; move one placed queen one column along its row."""
    n = len(entry["metadata"]["puzzle"])
    queens, given = _queens(answer), set(_given_queens(entry))
    placed = [q for q in queens if q not in given]
    if not placed:
        return []
    r, c = placed[0]
    others = [q for q in queens if q != (r, c)]
    return [_board(n, others), _board(n, [*others, (r, (c + 1) % n)])]


def _sudoku_misses(answer: str, entry: Entry) -> list[str]:
    """Swap two cells of one row that the puzzle left blank (the row stays valid, columns break)."""
    grid = [line.split() for line in answer.strip().splitlines()]
    for r, row in enumerate(entry["metadata"]["puzzle"]):
        blanks = [c for c, v in enumerate(row) if v == 0]
        if len(blanks) >= 2:
            a, b = blanks[:2]
            grid[r][a], grid[r][b] = grid[r][b], grid[r][a]
            return ["\n".join(" ".join(row) for row in grid)]
    return []


def _count_misses(answer: str, entry: Entry) -> list[str]:
    """One more of the first count; one fewer of the last non-zero count."""
    counts = [int(x) for x in answer.split()]
    more = [counts[0] + 1, *counts[1:]]
    out = [" ".join(map(str, more))]
    nonzero = [i for i, v in enumerate(counts) if v > 0]
    if nonzero:
        fewer = list(counts)
        fewer[nonzero[-1]] -= 1
        out.append(" ".join(map(str, fewer)))
    return out


def _string_misses(answer: str, entry: Entry) -> list[str]:
    """The last character dropped; the string left as given (when the rules change it)."""
    out = [answer[:-1]]
    if entry["metadata"]["string"] != answer:
        out.append(entry["metadata"]["string"])
    return out


PAIRS: tuple[Pair, ...] = (
    Pair("puzzle24", "game24", lambda e: {"numbers": list(e["metadata"]["numbers"]), "target": 24},
         lambda answer, e: [_bump_first_number(answer), *_swap_first_operator(answer)]),
    Pair("n_queens", "eight_queens",
         lambda e: {"n": len(e["metadata"]["puzzle"]), "blocked": [], "unique": False,
                    "placed": [list(q) for q in _given_queens(e)]},
         _queen_misses,
         lambda answer, e: ", ".join(f"{r} {c}" for r, c in _queens(answer))),
    Pair("sudoku", "standard_sudoku", lambda e: {"puzzle": e["metadata"]["puzzle"], "unique": False},
         _sudoku_misses),
    Pair("string_insertion", "string_insertion", lambda e: {"original_string": e["metadata"]["string"]},
         _string_misses),
    Pair("string_splitting", "string_splitting", lambda e: {"start": list(e["metadata"]["initial_machines"])},
         _count_misses),
    Pair("string_synthesis", "string_synthesis", lambda e: {"start": list(e["metadata"]["initial_blocks"])},
         _count_misses),
)


@dataclass(frozen=True)
class Disagreement:
    index: int
    answer: str
    theirs: bool
    ours: bool
    reason: str


@dataclass
class Agreement:
    """How often both judges reached the same verdict on one pair's answers."""

    pair: Pair
    items: int = 0
    answers: int = 0
    agree: int = 0
    accepted_by_both: int = 0
    rejected_by_both: int = 0
    disagreements: list[Disagreement] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.agree / self.answers if self.answers else 1.0


def instance_of(pair: Pair, entry: Entry, index: int) -> Instance:
    """Their item as our instance (their question text, our task's data)."""
    return Instance(task=pair.ours, id=f"{pair.theirs}-{index}", question=entry["question"], data=pair.data(entry),
                    source=f"reasoning-gym:{pair.theirs}#{index}")


def cross_check(pair: Pair, size: int, seed: int = 0) -> Agreement:
    """Judge ``size`` of their items, answered by their reference answer and its near misses."""
    import reasoning_gym

    dataset = reasoning_gym.create_dataset(pair.theirs, size=size, seed=seed)
    task = get_task(pair.ours)
    result = Agreement(pair, items=size)
    for index, entry in enumerate(dataset):
        instance = instance_of(pair, entry, index)
        for answer in [entry["answer"], *pair.near_misses(entry["answer"], entry)]:
            theirs = dataset.score_answer(answer, entry) == 1.0
            verdict = task.judge(instance, f"<<<{pair.ours_from_theirs(answer, entry)}>>>")
            result.answers += 1
            if theirs == verdict.correct:
                result.agree += 1
                result.accepted_by_both += theirs
                result.rejected_by_both += not theirs
            else:
                result.disagreements.append(Disagreement(index, answer, theirs, verdict.correct, verdict.reason))
    return result
