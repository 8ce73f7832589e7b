"""Logical Equation (seen): find which number each letter stands for from equations between letters.

N letters A, B, ... each stand for a different one of N given numbers; numbered constraints
relate pairs of letters: ``A = 1.6G`` (a multiple, one decimal), ``E + H = 129``,
``M - D = -44`` and ``J > O``. Wording as released, plus one sentence the release lacks:
"Different letters represent different numbers." (the released questions only say each letter
represents "one of the numbers"; the intended mapping, and every released gold, is one-to-one).

Answer: ``<<<[vA, vB, ...]>>>``, the letters' values in alphabetical order (bare ``1, 2, 3`` is
read too). Judged by the rules: exactly N values, each one of the given numbers, each number
used once (the letters stand for *different* numbers), and every constraint holds exactly. Any
assignment meeting them passes (a released item can have several).

Knobs: ``size`` = [letters (2..26), constraints], ``max_value`` (numbers are distinct, drawn
from 1..max_value; the release's reach 1..121). Levels: ``paper`` = the released pairs in
equal shares (9/7, 9/8, 11/10, 11/11, 13/10, 13/11, 13/12, 15/12, 15/13, 15/14); ``1``..``7``
grow to 26 letters with 24 constraints. Constraints are drawn to hold for a hidden
assignment; the reference solver is a backtracking search maintaining arc consistency.

Deviations: the release's questions never said that the values differ and its judge did not
check it; our generated questions say it and our judge checks it (every released gold uses each
number once, so all pass; released questions are kept verbatim).
"""

from __future__ import annotations

import random
import re
import string
from fractions import Fraction
from typing import Any, ClassVar

from codesteer.symbench.answers import AnswerFormatError, parse_list
from codesteer.symbench.errors import NoSolutionError
from codesteer.symbench.kit.common import draw_distinct, int_item, parse_flat, solve_all_different
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

Constraint = list[Any]  # [kind ("mul"|"sum"|"diff"|"gt"), X, Y, number text or None]
_LINES = (
    ("mul", re.compile(r"^(\w) = (\d+(?:\.\d+)?)(\w)$")),
    ("sum", re.compile(r"^(\w) \+ (\w) = (-?\d+)$")),
    ("diff", re.compile(r"^(\w) - (\w) = (-?\d+)$")),
    ("gt", re.compile(r"^(\w) > (\w)$")),
)


def describe(c: Constraint) -> str:
    kind, x, y, k = c
    return {"mul": f"{x} = {k}{y}", "sum": f"{x} + {y} = {k}", "diff": f"{x} - {y} = {k}", "gt": f"{x} > {y}"}[kind]


def holds(c: Constraint, vx: int, vy: int) -> bool:
    kind, _, _, k = c
    if kind == "mul":
        return Fraction(vx) == Fraction(k) * vy
    if kind == "sum":
        return vx + vy == int(k)
    if kind == "diff":
        return vx - vy == int(k)
    return vx > vy


def question_text(letters: list[str], values: list[int], constraints: list[Constraint]) -> str:
    lines = "\n".join(f"{i}. {describe(c)}" for i, c in enumerate(constraints, 1))
    return (
        "Calculate the number for each letter based on the range and set of inequalities that the given "
        f"letter represents. There are {len(letters)} letters {', '.join(letters)}, each representing one "
        f"of the numbers {', '.join(map(str, values))}. Different letters represent different numbers. "
        f"The system of inequalities is satisfied as follows:\n{lines}\n\n"
        "Return the answers in alphabetical order starting with A, and each element in the list represents "
        "the value of the corresponding letter. Return your answer with the format <<<list of values>>>, "
        "like <<<[1, 2, 3]>>> means that A represents 1, B represents 2, and C represents 3."
    )


def solve_assignment(letters: list[str], values: list[int], constraints: list[Constraint]) -> dict[str, int] | None:
    """An assignment of distinct ``values`` to ``letters`` meeting every constraint, or ``None``."""
    binary = [(c[1], c[2], lambda vx, vy, c=c: holds(c, vx, vy)) for c in constraints]
    return solve_all_different(letters, {x: set(values) for x in letters}, binary)


def _draw_constraint(rng: random.Random, hidden: dict[str, int]) -> Constraint:
    letters = list(hidden)
    x, y = rng.sample(letters, 2)
    kind = rng.choice(("mul", "sum", "diff", "gt"))
    if kind == "mul":
        pairs = [
            (a, b) for a in letters for b in letters
            if hidden[a] > hidden[b] and (10 * hidden[a]) % hidden[b] == 0
        ]
        if pairs:
            a, b = rng.choice(pairs)
            return ["mul", a, b, f"{Fraction(hidden[a], hidden[b]).__float__():.1f}"]
        kind = "sum"
    if kind == "sum":
        return ["sum", x, y, str(hidden[x] + hidden[y])]
    if kind == "diff":
        return ["diff", x, y, str(hidden[x] - hidden[y])]
    if hidden[x] < hidden[y]:
        x, y = y, x
    return ["gt", x, y, None]


class LogicalEquation(Task):
    name = "logical_equation"
    title = "Logical Equation"
    seen = True
    knobs = (
        Knob("size", "[number of letters (2..26), number of constraints]", (9, 8)),
        Knob("max_value", "the numbers are distinct values from 1..max_value", 125),
    )
    levels: ClassVar[dict[str, dict[str, Any]]] = {
        "paper": {
            "size": OneOf((9, 7), (9, 8), (11, 10), (11, 11), (13, 10), (13, 11), (13, 12),
                          (15, 12), (15, 13), (15, 14)),
            "max_value": 125,
        },
        "1": {"size": (5, 5), "max_value": 50},
        "2": {"size": (9, 8), "max_value": 125},
        "3": {"size": (11, 11), "max_value": 125},
        "4": {"size": (13, 12), "max_value": 125},
        "5": {"size": (15, 14), "max_value": 125},
        "6": {"size": (20, 18), "max_value": 200},
        "7": {"size": (26, 24), "max_value": 300},
    }
    answer_format = "<<<[vA, vB, ...]>>>: each letter's number, in alphabetical order"
    original_dirs = ("logical_equation",)

    def _generate(self, rng: random.Random, *, size: Any, max_value: int) -> tuple[str, dict[str, Any]]:
        n, n_constraints = int(size[0]), int(size[1])
        if not 2 <= n <= 26 or n_constraints < 0 or int(max_value) < n:
            raise ValueError("size needs 2..26 letters and >= 0 constraints; max_value >= letters")
        letters = list(string.ascii_uppercase[:n])
        values = sorted(rng.sample(range(1, int(max_value) + 1), n))
        hidden = dict(zip(letters, rng.sample(values, n), strict=True))
        constraints = draw_distinct(lambda: _draw_constraint(rng, hidden), n_constraints)
        data = {"letters": letters, "values": values, "constraints": constraints}
        return question_text(letters, values, constraints), data

    def judge_answer(self, instance: Instance, answer: str) -> Verdict:
        letters, values = instance.data["letters"], instance.data["values"]
        if not parse_list(answer):
            raise AnswerFormatError("empty list")
        got = parse_flat(answer, len(letters), int_item, "integer")
        outside = [v for v in got if v not in values]
        if outside:
            return Verdict.wrong(f"{outside[0]} is not one of the given numbers", answer)
        repeated = sorted({v for v in got if got.count(v) > 1})
        if repeated:
            return Verdict.wrong(f"each letter stands for a different number; {repeated[0]} is used twice", answer)
        value = dict(zip(letters, got, strict=True))
        for i, c in enumerate(instance.data["constraints"], 1):
            if not holds(c, value[c[1]], value[c[2]]):
                return Verdict.wrong(
                    f"breaks constraint {i}: {describe(c)} (with {c[1]} = {value[c[1]]}, {c[2]} = {value[c[2]]})",
                    answer,
                )
        return Verdict.right(answer)

    def reference_answer(self, instance: Instance) -> str:
        data = instance.data
        found = solve_assignment(data["letters"], data["values"], data["constraints"])
        if found is None:
            raise NoSolutionError("no assignment meets every constraint")
        return "<<<[" + ", ".join(str(found[x]) for x in data["letters"]) + "]>>>"

    def from_original(self, item: OriginalItem) -> Instance:
        text = item.question or ""
        head = re.search(r"There are (\d+) letters ([A-Z, ]+), each representing one of the numbers ([\d, ]+)\.",
                         text)
        if not head or not isinstance(item.solution, list):
            raise OriginalDataError(f"{item.item_id}: needs question.txt with letters/numbers and a list solution")
        letters = [x.strip() for x in head.group(2).split(",")]
        values = [int(v) for v in head.group(3).split(",")]
        constraints = []
        for line in re.findall(r"^\d+\.\s*(.+?)\s*$", text, re.MULTILINE):
            constraints.append(_parse_line(item.item_id, line, letters))
        if len(letters) != int(head.group(1)) or len(values) != len(letters):
            raise OriginalDataError(f"{item.item_id}: letter and number counts disagree")
        return Instance(
            task=self.name,
            id=item.item_id,
            question=text,
            data={"letters": letters, "values": values, "constraints": constraints,
                  RELEASED_ANSWER: "[" + ", ".join(str(v) for v in item.solution) + "]"},
            complexity={"size": [len(letters), len(constraints)]},
            source="original:" + item.item_id,
        )


def _parse_line(item_id: str, line: str, letters: list[str]) -> Constraint:
    for kind, pattern in _LINES:
        match = pattern.match(line)
        if not match:
            continue
        if kind == "mul":
            x, k, y = match.groups()
            c = ["mul", x, y, k]
        elif kind == "gt":
            c = ["gt", match.group(1), match.group(2), None]
        else:
            c = [kind, match.group(1), match.group(2), match.group(3)]
        if c[1] in letters and c[2] in letters:
            return c
    raise OriginalDataError(f"{item_id}: unreadable constraint {line!r}")
