"""Permutations and Combinations (unseen): shelve lettered books under position constraints.

Books A, B, C, ... go to positions 1..N. Constraints (as released): "Book X must be placed in
position k", "Book X cannot be placed in position k", "Book X must be to the left of book Y"
(anywhere left), "... to the right of book Y", "Book X must be adjacent to book Y". Wording as
released; any arrangement meeting every constraint is correct.

Answer: ``<<<["A", "B", "C"]>>>``: the books from position 1 to N (single quotes, bare
``A, B, C`` and lower-case letters are read too). Judged by the rules: the answer must use each
book exactly once, then every constraint (read from the instance's structured data, never
re-parsed from the question) must hold; the reason names the first broken constraint.

Knobs: ``size`` = [number of books, base number of constraints]; an item has that many or one
more. Levels: ``paper`` = the release's configurations in equal shares (6/7, 7/8, 8/9, 9/10);
``1``..``7`` grow to 16 books with 20-21 constraints. Constraints are drawn to hold for a
hidden arrangement, so every item is solvable; the reference solver is a backtracking search
maintaining arc consistency over the books' possible positions.

Deviations: the release's judge did not check that the answer is a permutation (a list
repeating one book could pass) and failed on single quotes; ours checks both properly. The
release could list the same constraint twice; ours draws distinct constraints.
"""

from __future__ import annotations

import random
import re
import string
from collections import Counter
from collections.abc import Sequence
from typing import Any, ClassVar

from codesteer.symbench.answers import AnswerFormatError, parse_list
from codesteer.symbench.errors import NoSolutionError
from codesteer.symbench.kit.common import (
    draw_distinct,
    instance_from_folder_item,
    released_solution,
    solve_all_different,
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

KINDS = ("at", "not_at", "left", "right", "adjacent")
_PATTERNS = {
    "at": re.compile(r"Book (\w) must be placed in position (\d+)\.?$"),
    "not_at": re.compile(r"Book (\w) cannot be placed in position (\d+)\.?$"),
    "left": re.compile(r"Book (\w) must be to the left of book (\w)\.?$"),
    "right": re.compile(r"Book (\w) must be to the right of book (\w)\.?$"),
    "adjacent": re.compile(r"Book (\w) must be adjacent to book (\w)\.?$"),
}
Constraint = list[Any]  # [kind, book, other book or 1-based position]


def describe(c: Constraint) -> str:
    kind, book, arg = c
    return {
        "at": f"Book {book} must be placed in position {arg}.",
        "not_at": f"Book {book} cannot be placed in position {arg}.",
        "left": f"Book {book} must be to the left of book {arg}.",
        "right": f"Book {book} must be to the right of book {arg}.",
        "adjacent": f"Book {book} must be adjacent to book {arg}.",
    }[kind]


def holds(c: Constraint, pos: dict[str, int]) -> bool:
    """Whether constraint ``c`` holds for the 1-based positions ``pos`` (all books placed)."""
    kind, book, arg = c
    if kind == "at":
        return pos[book] == arg
    if kind == "not_at":
        return pos[book] != arg
    if kind == "left":
        return pos[book] < pos[arg]
    if kind == "right":
        return pos[book] > pos[arg]
    return abs(pos[book] - pos[arg]) == 1


def solve_arrangement(books: Sequence[str], constraints: list[Constraint]) -> list[str] | None:
    """One arrangement meeting every constraint, or ``None`` (books take distinct positions)."""
    n = len(books)
    domains = {b: set(range(1, n + 1)) for b in books}
    binary = []
    for c in constraints:
        kind, book, arg = c
        if kind == "at":
            domains[book] &= {arg}
        elif kind == "not_at":
            domains[book] -= {arg}
        else:
            binary.append((book, arg, lambda pa, pb, c=c: holds(c, {c[1]: pa, c[2]: pb})))
    found = solve_all_different(books, domains, binary)
    if found is None:
        return None
    return sorted(books, key=found.__getitem__)


def question_text(books: Sequence[str], constraints: list[Constraint]) -> str:
    n = len(books)
    lines = "\n".join(f"{i}. {describe(c)}" for i, c in enumerate(constraints, 1))
    return (
        f"Xiao Wang is a librarian responsible for shelving {n} books labeled {', '.join(books)} on a "
        f"shelf with positions 1 to {n}.\n\nThe constraints are:\n{lines}\n\nQuestion:\n"
        f"Based on the above conditions, please arrange the {n} books from left to right on the "
        f"bookshelf, i.e. positions 1 through {n}. Return your answer with the format <<< a list of "
        'strings >>>, one solution is enough.for example:\n<<<["A", "B", "C"]>>>\nYour answer:\n'
    )


def _draw_constraint(rng: random.Random, hidden: list[str]) -> Constraint:
    n = len(hidden)
    kind = rng.choice(KINDS)
    if kind in ("at", "not_at"):
        book = rng.choice(hidden)
        place = hidden.index(book) + 1
        if kind == "not_at":
            place = rng.choice([p for p in range(1, n + 1) if p != place])
        return [kind, book, place]
    if kind == "adjacent":
        i = rng.randrange(n - 1)
        pair = [hidden[i], hidden[i + 1]]
        rng.shuffle(pair)
        return [kind, *pair]
    i, j = sorted(rng.sample(range(n), 2))
    return ["left", hidden[i], hidden[j]] if kind == "left" else ["right", hidden[j], hidden[i]]


class PermutationsCombinations(Task):
    name = "permutations_combinations"
    title = "Permutations and Combinations"
    seen = False
    knobs = (Knob("size", "[number of books (2..26), base number of constraints]", (6, 7)),)
    levels: ClassVar[dict[str, dict[str, Any]]] = {
        "paper": {"size": OneOf((6, 7), (7, 8), (8, 9), (9, 10))},
        "1": {"size": (5, 5)},
        "2": {"size": (6, 7)},
        "3": {"size": (7, 8)},
        "4": {"size": (9, 10)},
        "5": {"size": (12, 14)},
        "6": {"size": (14, 17)},
        "7": {"size": (16, 20)},
    }
    answer_format = '<<<["A", "B", "C", ...]>>>: the books in positions 1..N meeting every constraint'
    original_dirs = ("permutations_and_combinations",)

    def _generate(self, rng: random.Random, *, size: Any) -> tuple[str, dict[str, Any]]:
        n, base = int(size[0]), int(size[1])
        if not 2 <= n <= 26 or base < 0:
            raise ValueError("size needs 2..26 books and a non-negative number of constraints")
        books = list(string.ascii_uppercase[:n])
        hidden = rng.sample(books, n)
        wanted = rng.randint(base, base + 1)
        constraints = draw_distinct(lambda: _draw_constraint(rng, hidden), wanted)
        return question_text(books, constraints), {"books": books, "constraints": constraints}

    def judge_answer(self, instance: Instance, answer: str) -> Verdict:
        books = instance.data["books"]
        values = parse_list(answer)
        if not all(isinstance(v, str) for v in values):
            raise AnswerFormatError("every entry must be a book letter")
        order = [v.strip().upper() for v in values]
        unknown = sorted(set(order) - set(books))
        if unknown:
            return Verdict.wrong(f"not a book on this shelf: {', '.join(unknown)}", answer)
        repeated = sorted(b for b, times in Counter(order).items() if times > 1)
        if repeated:
            return Verdict.wrong(f"each book goes on the shelf once; repeated: {', '.join(repeated)}", answer)
        if len(order) != len(books):
            missing = sorted(set(books) - set(order))
            return Verdict.wrong(f"all {len(books)} books must be shelved; missing: {', '.join(missing)}", answer)
        pos = {b: i for i, b in enumerate(order, 1)}
        broken = [(i, c) for i, c in enumerate(instance.data["constraints"], 1) if not holds(c, pos)]
        if broken:
            i, c = broken[0]
            return Verdict.wrong(f"breaks constraint {i}: {describe(c)}", answer)
        return Verdict.right(answer)

    def reference_answer(self, instance: Instance) -> str:
        order = solve_arrangement(instance.data["books"], instance.data["constraints"])
        if order is None:
            raise NoSolutionError("no arrangement meets every constraint")
        return "<<<[" + ", ".join(f'"{b}"' for b in order) + "]>>>"

    def from_original(self, item: OriginalItem) -> Instance:
        sol = released_solution(item)
        try:
            books = [str(b) for b in sol["items"]]
            lines = str(sol["constraints_text"]).strip().splitlines()
            gold = [str(b) for b in sol["correct_solution"]]
        except (KeyError, TypeError) as exc:
            raise OriginalDataError(f"{item.item_id}: malformed solution.json ({exc})") from exc
        constraints = [_parse_line(item.item_id, line) for line in lines if line.strip()]
        data = {"books": books, "constraints": constraints, RELEASED_ANSWER: "[" + ", ".join(f'"{b}"' for b in gold) + "]"}
        return instance_from_folder_item(self, item, data, {"size": [len(books), len(constraints)]})


def _parse_line(item_id: str, line: str) -> Constraint:
    text = re.sub(r"^\s*\d+\.\s*", "", line.strip())
    for kind, pattern in _PATTERNS.items():
        match = pattern.match(text)
        if match:
            arg = int(match.group(2)) if kind in ("at", "not_at") else match.group(2)
            return [kind, match.group(1), arg]
    raise OriginalDataError(f"{item_id}: unknown constraint {line!r}")
