"""Pooling (seen): max or average pooling of an N x N integer matrix with a stride-1 window.

The question (released wording) defines the "max pooling" (or "average pooling") operation, shows
the matrix one comma-separated row per line and names the n*n window.

Answer: ``<<<v1,v2,...>>>``, the (N-n+1)^2 pooled values flattened row-major (a bracketed or
nested list is read too). Max pooling: every value must be the exact integer. Average pooling:
every value is read as a number (``12.5``, ``19/9``, ``2.11``) and must equal the exact window
mean to within 0.005, i.e. be right to two decimal places.

Knob ``pool`` = [N, n, type] with type ``max`` or ``average``; values are drawn from -10..20 as
in the release. Levels: ``paper`` = the released mixture (3/2 max 18, 4/2 max 18, 5/3 max 14,
4/2 average 18, 5/3 average 18, 6/3 average 14, of 100); ``1``..``7`` grow to 25 x 25 with a
6 x 6 window.

Deviation (defect fixed): the release judged with ``int()`` on each value, so its 100 average
pooling items, whose means are non-integers (``12.5``, ``9.0``), could never be scored correct.
Here averages are judged as numbers, so those items and their released golds are scorable.
"""

from __future__ import annotations

import random
from fractions import Fraction
from typing import Any, ClassVar

from codesteer.symbench.answers import parse_number
from codesteer.symbench.kit.common import (
    compare_flat,
    flatten,
    instance_from_folder_item,
    int_item,
    parse_flat,
    released_solution,
    rows_text,
    weighted,
    windows,
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

TYPES = {"max": "max", "average": "average", "avg": "average"}
TOLERANCE = Fraction(5, 1000)
_VALUE_RANGE = (-10, 20)


def pool(matrix: list[list[int]], k: int, kind: str) -> list[Fraction]:
    """Pooled values, row-major (exact: averages are fractions)."""
    out: list[Fraction] = []
    for row in windows(matrix, k):
        for cells in row:
            out.append(Fraction(max(cells)) if kind == "max" else Fraction(sum(cells), len(cells)))
    return out


def question_text(matrix: list[list[int]], k: int, kind: str) -> str:
    word = "maximum" if kind == "max" else "average"
    return (
        "In an N*N grid, there are N^2 numbers, with numbers in the same row separated by commas. "
        f'We define the "{kind} pooling" operation: suppose that there is an n*n (n<N) sliding window, '
        "which slides from left to right or from top to bottom in the matrix, finding the "
        f"{word} value in each sliding window. Then, the {word} values are arranged according to "
        "their original positions to form a new matrix for output.\n"
        f"Now, please perform {kind} pooling on the following matrix by using a {k}*{k} sliding window:\n"
        f"{rows_text(matrix, ', ')}\n"
        "For example, <<<0,0,0,0>>> represents a 2D array."
    )


def _number(value: Any) -> Fraction:
    if isinstance(value, bool):
        raise ValueError("boolean")
    if isinstance(value, int | float):
        return Fraction(value)
    if isinstance(value, str):
        return parse_number(value)
    raise ValueError(f"not a number: {value!r}")


def _fmt(value: Fraction) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    try:
        return repr(float(value))
    except OverflowError:  # an answer beyond floating point, shown exactly
        return str(value)


class Pooling(Task):
    name = "pooling"
    title = "Pooling"
    seen = True
    knobs = (Knob("pool", "[N (matrix side), n (window side), type: max|average]", (4, 2, "max")),)
    levels: ClassVar[dict[str, dict[str, Any]]] = {
        "paper": {
            "pool": weighted(
                ((3, 2, "max"), 18), ((4, 2, "max"), 18), ((5, 3, "max"), 14),
                ((4, 2, "average"), 18), ((5, 3, "average"), 18), ((6, 3, "average"), 14),
            )
        },
        "1": {"pool": (3, 2, "max")},
        "2": {"pool": (4, 2, "average")},
        "3": {"pool": (6, 3, "average")},
        "4": {"pool": (8, 3, "max")},
        "5": {"pool": (10, 4, "average")},
        "6": {"pool": (16, 5, "average")},
        "7": {"pool": (25, 6, "max")},
    }
    answer_format = (
        "<<<v1,v2,...>>>: pooled values row-major; max exact integers, averages right to 2 decimals"
    )
    original_dirs = ("pooling_dataset",)

    def _generate(self, rng: random.Random, *, pool: Any) -> tuple[str, dict[str, Any]]:
        size, k, kind = int(pool[0]), int(pool[1]), TYPES.get(str(pool[2]))
        if kind is None or not 1 <= k < size:
            raise ValueError("pool needs 1 <= n < N and type max or average")
        matrix = [[rng.randint(*_VALUE_RANGE) for _ in range(size)] for _ in range(size)]
        return question_text(matrix, k, kind), {"matrix": matrix, "window": k, "type": kind}

    def judge_answer(self, instance: Instance, answer: str) -> Verdict:
        data = instance.data
        expected = pool(data["matrix"], data["window"], data["type"])
        if data["type"] == "max":
            got = [Fraction(v) for v in parse_flat(answer, len(expected), int_item, "integer")]
        else:
            got = parse_flat(answer, len(expected), _number, "number")
        tolerance = 0 if data["type"] == "max" else TOLERANCE
        return compare_flat(expected, got, answer, f"{data['type']}-pooled value", where="window",
                            same=lambda e, g: abs(e - g) <= tolerance, show=_fmt)

    def reference_answer(self, instance: Instance) -> str:
        data = instance.data
        return "<<<" + ",".join(_fmt(v) for v in pool(data["matrix"], data["window"], data["type"])) + ">>>"

    def from_original(self, item: OriginalItem) -> Instance:
        sol = released_solution(item)
        try:
            matrix = [[int(v) for v in row] for row in sol["matrix"]]
            k = int(sol["window_size"])
            kind = TYPES[str(sol["pooling_type"]).lower()]
            gold = ",".join(str(v) for v in flatten(sol["solution"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise OriginalDataError(f"{item.item_id}: malformed solution.json ({exc})") from exc
        if not 1 <= k < len(matrix) or any(len(r) != len(matrix) for r in matrix):
            raise OriginalDataError(f"{item.item_id}: matrix is not square or window does not fit")
        data = {"matrix": matrix, "window": k, "type": kind, RELEASED_ANSWER: gold}
        return instance_from_folder_item(self, item, data, {"pool": [len(matrix), k, kind]})

