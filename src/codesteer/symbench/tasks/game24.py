"""Game 24 (seen): combine the given numbers with + - * / and parentheses to reach the target.

Answer: ``<<<expression>>>``, e.g. ``<<<(10-9)*(11+13)>>>``; a trailing ``= 24`` (or a leading
``24 =``) is allowed, as are ``×``/``÷``/``\\times``/``\\div`` and square brackets for parentheses.
Judged by the rules, so every valid expression passes: the expression is read with ``ast``
(never evaluated as code), only integer literals, ``+ - * /`` and parentheses may appear, the
multiset of its numbers must equal the given numbers (each used exactly once, none added, no
sign in front of a number), and its exact value (``Fraction`` arithmetic) must equal the target.

Knobs: ``count`` (how many numbers), ``target``, ``min_value``/``max_value`` (range of the
numbers). Every generated puzzle is solvable: the multiset is drawn uniformly among all
multisets of the range and redrawn until the reference solver finds an answer.
Levels: ``paper`` = the released ``24.csv``: 4 numbers from 1..13, target 24 (its 1362 rows are
the solvable 4-multisets of 1..13, each equally likely here); ladder ``1``..``7`` grows the count
of numbers (4 to 40) and the target (24 to 960), as the paper's complexity study did with the
variant CSVs (targets up to 122880, 2 to 80 numbers).

Solver: an exhaustive search over pairwise merges (complete up to 5 numbers, so it proves
unsolvability there); for 6 to 8 numbers, every root split into two parts of at most 4 numbers
(each part's values enumerated); then a bounded search; then a constructive split: a small subset
(up to three numbers, or two disjoint pairs) reaching the target, or ``x*(...)`` reaching
``target / x`` for a few levels of numbers ``x``, plus a zero-valued pair, triple or two pairs
absorbing the rest, bounded in steps (it solves every released row, 80 numbers included).

Released data: ``game24_dataset/24/24.csv`` (no gold answer: our solver shows each is solvable)
and the variant files ``<target>/<target>_<n>_number.csv`` whose ``Solutions`` column is judged.
Deviations: the release's judge compared floats exactly (so ``8/(3-8/3)`` could fail on rounding)
and allowed extra numbers on the right of ``=``; ours is exact and reads only the given numbers.
The original prompt was a 5-shot preamble; ours keeps its examples and answer format.
"""

from __future__ import annotations

import itertools
import random
from fractions import Fraction
from typing import Any, ClassVar

from codesteer.symbench.answers import AnswerFormatError
from codesteer.symbench.errors import NoSolutionError
from codesteer.symbench.kit.arith import (
    BudgetExhausted,
    ExpressionError,
    cached_values,
    read_expression,
    search_any_order,
    search_by_root_split,
    two_pairs_reaching,
)
from codesteer.symbench.original import iter_csv_items, register_layout
from codesteer.symbench.task import (
    RELEASED_ANSWER,
    Instance,
    Knob,
    OriginalDataError,
    OriginalItem,
    Task,
    Verdict,
)

_EXAMPLES = (
    ("4 4 6 8", "(4 + 8) * (6 - 4) = 24"),
    ("2 9 10 12", "2 * 12 * (10 - 9) = 24"),
    ("4 9 10 13", "(13 - 9) * (10 - 4) = 24"),
    ("1 4 8 8", "(8 / 4 + 1) * 8 = 24"),
    ("5 5 5 9", "5 + 5 + 5 + 9 = 24"),
)
QUESTION = (
    "Use numbers and basic arithmetic operations (+ - * /) to obtain {target}. Each number should "
    "be used exactly once, and no other number may be used. Examples with the target 24:\n"
    + "".join(f"Input: {i}\nAnswer: {a}\n" for i, a in _EXAMPLES)
    + "Output final answer with the format <<<answer>>>.\nInput: {numbers}\nAnswer:"
)
_COMPLETE_UP_TO = 5
_ROOT_SPLIT_UP_TO = 8
_SEARCH_BUDGET = 5_000
_SPLIT_TRIES = 400
_SCALE_DEPTH = 6
_SCALE_WIDTH = 2


def solve_numbers(numbers: list[int], target: int) -> str:
    """An expression over ``numbers`` equal to ``target``.

    Raises ``NoSolutionError`` when a complete search proves there is none and
    ``BudgetExhausted`` when the bounded search for many numbers gives up.
    """
    goal = Fraction(target)
    if len(numbers) <= _COMPLETE_UP_TO:
        found = search_any_order(numbers, goal)
        if found is None:
            raise NoSolutionError(f"no expression of {numbers} equals {target}")
        return found
    found = search_by_root_split(numbers, goal) if len(numbers) <= _ROOT_SPLIT_UP_TO else None
    if found is None:
        try:
            found = search_any_order(numbers, goal, budget=_SEARCH_BUDGET)
        except BudgetExhausted:
            found = None
    return found if found is not None else _split_solve(numbers, goal)


def _split_solve(numbers: list[int], goal: Fraction) -> str:
    """``A + Z*(rest)``, where a subset A reaches the goal and a subset Z is zero, possibly scaled:
    ``x*(...)`` with the same shape reaching ``goal / x`` for a number ``x`` (a few levels deep)."""
    zero = _zero_subset(numbers)
    if zero is None:
        raise BudgetExhausted("no pair, triple or two pairs of the numbers make zero to absorb the others")
    zero_idx, zero_text = zero
    left = [i for i in range(len(numbers)) if i not in zero_idx]
    found = _scaled_absorb(numbers, left, goal, zero_text, _SCALE_DEPTH)
    if found is None:
        raise BudgetExhausted("no small subset of the numbers reaches the target or a quotient of it")
    return found


def _scaled_absorb(numbers: list[int], left: list[int], goal: Fraction, zero_text: str,
                   depth: int) -> str | None:
    """:func:`_absorb`, else ``x*(...)`` reaching ``goal / x`` for one of the few largest divisors ``x``
    of the goal among ``left`` (recursively, ``depth`` levels)."""
    found = _absorb(numbers, left, goal, zero_text)
    if found is not None or depth == 0:
        return found
    divisors = [i for i in sorted({numbers[i]: i for i in left}.values(), key=lambda i: -numbers[i])
                if numbers[i] > 1 and (goal / numbers[i]).denominator == 1]
    for i in divisors[:_SCALE_WIDTH]:
        found = _scaled_absorb(numbers, [j for j in left if j != i], goal / numbers[i], zero_text, depth - 1)
        if found is not None:
            return f"{numbers[i]}*({found})"
    return None


def _absorb(numbers: list[int], left: list[int], goal: Fraction, zero_text: str) -> str | None:
    """``A+(Z)*rest`` with A a subset of ``left`` reaching the goal: one or two numbers
    exhaustively, three up to a limit, then two disjoint pairs."""
    found = None
    for size in (1, 2, 3):
        for idx in itertools.islice(itertools.combinations(left, size), None if size <= 2 else _SPLIT_TRIES):
            reach = _reach(numbers, idx, goal)
            if reach is not None:
                found = idx, reach
                break
        if found:
            break
    else:
        found = two_pairs_reaching(numbers, left, goal)
    if found is None:
        return None
    idx, reach = found
    rest = [str(numbers[i]) for i in left if i not in idx]
    tail = f"*{'*'.join(rest)}" if rest else ""
    return f"{reach}+({zero_text}){tail}"


def _zero_subset(numbers: list[int]) -> tuple[tuple[int, ...], str] | None:
    """Indices and text of numbers worth zero: a pair ``a-a``, a triple ``a+b-c`` / ``a*b-c``, or
    two pairs of equal value (``a+b-(c+d)``)."""
    first: dict[int, int] = {}
    for i, x in enumerate(numbers):
        if x in first:
            return (first[x], i), f"{x}-{x}"
        first[x] = i
    for i, j in itertools.combinations(range(len(numbers)), 2):
        a, b = numbers[i], numbers[j]
        for total, text in ((a + b, f"{a}+{b}"), (a * b, f"{a}*{b}")):
            k = first.get(total)
            if k is not None and k not in (i, j):
                return (i, j, k), f"{text}-{total}"
    return two_pairs_reaching(numbers, range(len(numbers)), Fraction(0))


def _reach(numbers: list[int], idx: tuple[int, ...], goal: Fraction) -> str | None:
    return cached_values(tuple(sorted(numbers[i] for i in idx))).get(goal)


def check_expression(text: str, numbers: list[int], target: int) -> Verdict:
    """Judge an answer expression (``= target`` allowed) against the numbers and the target."""
    sides = [s.strip() for s in text.split("=")]
    if len(sides) > 2:
        return Verdict.wrong("more than one '=' in the answer", text)
    expr = sides[0]
    if len(sides) == 2:
        expr, stated = sides
        if _is_number(expr) and not _is_number(stated):
            expr, stated = stated, expr
        stated_value, _ = read_expression(stated)
        if stated_value != target:
            return Verdict.wrong(f"the answer states the result {stated}, not {target}", text)
    try:
        value, used = read_expression(expr)
    except ExpressionError as exc:
        return Verdict.wrong(str(exc), text)
    if sorted(used) != sorted(numbers):
        return Verdict.wrong(_usage_reason(used, numbers), text)
    if value != target:
        shown = value if value.denominator == 1 else f"{value} (≈{float(value):.4g})"
        return Verdict.wrong(f"the expression equals {shown}, not {target}", text)
    return Verdict.right(text)


def _is_number(text: str) -> bool:
    return text.strip().lstrip("-").isdigit()


def _usage_reason(used: list[int], numbers: list[int]) -> str:
    missing = _multiset_minus(numbers, used)
    extra = _multiset_minus(used, numbers)
    parts = []
    if missing:
        parts.append(f"does not use {missing}")
    if extra:
        parts.append(f"uses {extra} beyond the given numbers")
    return f"each given number must be used exactly once: the expression {' and '.join(parts)}"


def _multiset_minus(a: list[int], b: list[int]) -> list[int]:
    rest = list(b)
    out = []
    for x in a:
        if x in rest:
            rest.remove(x)
        else:
            out.append(x)
    return out


def draw_multiset(rng: random.Random, count: int, low: int, high: int) -> list[int]:
    """A multiset of ``count`` values in ``low..high``, uniform over all such multisets."""
    picks = sorted(rng.sample(range(high - low + count), count))
    return [low + p - i for i, p in enumerate(picks)]


class Game24(Task):
    name = "game24"
    title = "Game 24"
    seen = True
    knobs = (
        Knob("count", "how many numbers are given", 4),
        Knob("target", "the value to reach", 24),
        Knob("min_value", "smallest number", 1),
        Knob("max_value", "largest number", 13),
    )
    levels: ClassVar[dict[str, dict[str, Any]]] = {
        "paper": {"count": 4, "target": 24, "min_value": 1, "max_value": 13},
        "1": {"count": 4, "target": 24, "max_value": 13},
        "2": {"count": 5, "target": 24, "max_value": 13},
        "3": {"count": 6, "target": 48, "max_value": 20},
        "4": {"count": 8, "target": 100, "max_value": 20},
        "5": {"count": 12, "target": 240, "max_value": 40},
        "6": {"count": 20, "target": 480, "max_value": 40},
        "7": {"count": 30, "target": 960, "max_value": 100},
    }
    answer_format = "<<<expression>>> using every given number once with + - * / and parentheses (\"= 24\" optional)"
    original_dirs = ("game24_dataset",)

    def _generate(self, rng: random.Random, *, count: int, target: int, min_value: int,
                  max_value: int) -> tuple[str, dict[str, Any]]:
        if count < 1 or min_value < 0 or max_value < min_value:
            raise ValueError("game24 needs count >= 1 and 0 <= min_value <= max_value")
        for _ in range(1000):
            numbers = draw_multiset(rng, count, min_value, max_value)
            try:
                solve_numbers(numbers, target)
            except (NoSolutionError, BudgetExhausted):
                continue
            rng.shuffle(numbers)
            return self._question(numbers, target), {"numbers": numbers, "target": target}
        raise ValueError(f"could not draw a solvable puzzle for {count} numbers and target {target}")

    @staticmethod
    def _question(numbers: list[int], target: int) -> str:
        return QUESTION.format(target=target, numbers=" ".join(map(str, numbers)))

    def judge_answer(self, instance: Instance, answer: str) -> Verdict:
        if not answer:
            raise AnswerFormatError("empty answer")
        return check_expression(answer, instance.data["numbers"], instance.data["target"])

    def reference_answer(self, instance: Instance) -> str:
        return f"<<<{solve_numbers(instance.data['numbers'], instance.data['target'])}>>>"

    def from_original(self, item: OriginalItem) -> Instance:
        if isinstance(item.solution, Exception):
            raise OriginalDataError(f"{item.item_id}: {item.solution}")
        try:
            numbers = [int(x) for x in item.record["Puzzles"].split()]
        except (KeyError, AttributeError, ValueError) as exc:
            raise OriginalDataError(f"{item.item_id}: no readable 'Puzzles' column") from exc
        target = int(item.complexity.get("target", 24))
        data: dict[str, Any] = {"numbers": numbers, "target": target}
        if item.solution:
            data[RELEASED_ANSWER] = str(item.solution).strip()
        return Instance(
            task=self.name,
            id=item.item_id,
            question=self._question(numbers, target),
            data=data,
            complexity={"count": len(numbers), "target": target},
            source="original:" + item.item_id,
        )


register_layout(Game24.name, iter_csv_items)
