"""Combinatorial Calculation (unseen): insert + - * / and parentheses between ordered digits to hit a target.

Answer: ``<<<[n, op, (, n, ...]>>>``, a list of single tokens in reading order, e.g.
``<<<[6, /, 2, +, 7]>>>`` for ``6/2+7``; tokens may be quoted (``['6', '/', '2']``), and a bare
expression (``<<<6/2+7>>>``) is read the same way. Judged by the rules, so every valid answer
passes: only integers, ``+ - * /`` and parentheses; the numbers must be exactly the given ones
in the given order (none reordered, joined or added, no sign in front of a number); parentheses
balance; the exact value (``Fraction`` arithmetic, read with ``ast``) equals the target.

Knobs: ``count`` (how many numbers), ``target`` (default: the release's target for that count:
3 → 10, 4 → 24, 5 → 69 or 78, 6 → 100, 15 → 300, 20 → 500, else 10·count), ``min_value``,
``max_value`` (1..9 as released). Levels: ``paper`` = the five released configurations in equal
shares (3/10, 4/24, 5/78, 5/69, 6/100); ladder ``1``..``7`` = 3/10, 4/24, 6/100, 10/200, 15/300
(the release's varied-complexity 9), 20/500 (its complexity 10) and 30/1000.

Solver: first a fast search over sums of products of consecutive numbers (bitsets of reachable
sums); if it finds nothing, exact dynamic programming over spans with every reachable value, up
to 6 numbers (complete: it proves unsolvability). Every generated instance is solvable (redrawn
until the solver finds an answer).

Deviations from the release: its judge did not enforce the order of the numbers although the
question forbids reordering (ours does); it compared within 1e-9 (ours is exact). The release
filtered expressions by a complexity score (operators, brackets); our generator does not, and
the ``complexity`` label of released items is kept as metadata only. The question text keeps
the release's wording, including its garbled format example.
"""

from __future__ import annotations

import itertools
import random
import re
from fractions import Fraction
from typing import Any, ClassVar

from codesteer.symbench.answers import AnswerFormatError, read_int
from codesteer.symbench.errors import NoSolutionError
from codesteer.symbench.kit.arith import ExpressionError, normalise_symbols, read_expression
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

QUESTION = (
    "Given {count} integers between {low} and {high}, perform arithmetic operations (addition, "
    "subtraction, multiplication, division, and parentheses) between these integers. Each number "
    "must be used exactly once and only once, and the final result should be {target}. Note: The "
    "order of the numbers is determined by the input, and you cannot change the order of the "
    "numbers. You can only insert arithmetic operations or parentheses between the numbers.\n"
    "Return the answer with a list of values and calculation symbols. Return your answer with the "
    "format <<<list of values and symbols>>>, like <<<[1, +, 3]>>> means 1+3, <<<[4, -, (, 6, , 9, )]>>> "
    "means 4-69*.Now the input numbers are: {numbers}, the target values is: {target}\n Your answer:"
)
_RELEASED_TARGETS: dict[int, Any] = {3: 10, 4: 24, 5: OneOf(78, 69), 6: 100, 15: 300, 20: 500}
_EXACT_UP_TO = 6
_TOKEN = re.compile(r"\s*(\d+|[-+*/()])\s*")
_MAX_BLOCK = 4
_VALUE_CAP_FACTOR = 4


# ----- reading answers ---------------------------------------------------------------------------
def tokens_of(answer: str) -> list[str]:
    """The answer's tokens: a bracketed list of (optionally quoted) tokens or a bare expression."""
    text = normalise_symbols(answer.strip()) if not answer.strip().startswith("[") else answer.strip()
    if text.startswith("[") and text.endswith("]"):
        parts = text[1:-1].split(",")
    else:
        parts = [text]
    tokens: list[str] = []
    for part in parts:
        piece = normalise_symbols(part.strip().strip("'\"").strip())
        if not piece:
            raise AnswerFormatError("the list has an empty token")
        found = _TOKEN.findall(piece)
        if "".join(found) != re.sub(r"\s+", "", piece):
            raise AnswerFormatError(f"{piece!r} is not a number, an operator or a parenthesis")
        tokens.extend(found)
    return tokens


def check_tokens(tokens: list[str], numbers: list[int], target: int, answer: str) -> Verdict:
    """Judge a token list against the ordered numbers and the target."""
    used = [read_int(t) for t in tokens if t.isdigit()]
    if used != numbers:
        return Verdict.wrong(
            f"the numbers must be exactly {numbers} in this order, each once; the answer uses {used}", answer
        )
    for left, right in itertools.pairwise(tokens):
        if left.isdigit() and right.isdigit():
            return Verdict.wrong(f"numbers {left} and {right} are not joined by an operator", answer)
    if tokens.count("(") != tokens.count(")"):
        return Verdict.wrong("parentheses do not balance", answer)
    try:
        value, _ = read_expression(" ".join(tokens))
    except ExpressionError as exc:
        return Verdict.wrong(str(exc), answer)
    if value != target:
        shown = value if value.denominator == 1 else f"{value} (≈{float(value):.4g})"
        return Verdict.wrong(f"the expression equals {shown}, not {target}", answer)
    return Verdict.right(answer)


# ----- solving -----------------------------------------------------------------------------------
def solve_ordered(numbers: list[int], target: int) -> str:
    """An expression over ``numbers`` in order equal to ``target``.

    Raises ``NoSolutionError`` when the complete search (up to 6 numbers) finds none, and
    ``ValueError`` when the bounded search for longer lists finds none.
    """
    goal = Fraction(target)
    found = _sum_of_blocks(numbers, goal)
    if found is None and len(numbers) <= _EXACT_UP_TO:
        found = _span_values(numbers).get(goal)
        if found is None:
            raise NoSolutionError(f"no expression of {numbers} (in this order) equals {target}")
    if found is None:
        raise ValueError(f"the bounded search found no expression of {numbers} equal to {target}")
    return found


def _span_values(numbers: list[int]) -> dict[Fraction, str]:
    """Every value of the whole list (in order) with one expression for it."""
    n = len(numbers)
    table: dict[tuple[int, int], dict[Fraction, tuple[str, int]]] = {
        (i, i): {Fraction(x): (str(x), 0)} for i, x in enumerate(numbers)
    }
    for width in range(1, n):
        for i in range(n - width):
            cell: dict[Fraction, tuple[str, int]] = {}
            for k in range(i, i + width):
                left, right = table[(i, k)], table[(k + 1, i + width)]
                for a, ta in left.items():
                    for b, tb in right.items():
                        cell.setdefault(a + b, _join(ta, "+", tb))
                        cell.setdefault(a - b, _join(ta, "-", tb))
                        cell.setdefault(a * b, _join(ta, "*", tb))
                        if b:
                            cell.setdefault(a / b, _join(ta, "/", tb))
            table[(i, i + width)] = cell
    return {v: text for v, (text, _) in table[(0, n - 1)].items()}


def _join(left: tuple[str, int], op: str, right: tuple[str, int]) -> tuple[str, int]:
    """Join two sub-expressions (text, precedence: 0 atom, 1 product, 2 sum) with minimal parentheses."""
    (lt, lp), (rt, rp) = left, right
    if op in "*/" and lp == 2:
        lt = f"({lt})"
    if (op == "-" and rp == 2) or (op == "*" and rp == 2) or (op == "/" and rp >= 1):
        rt = f"({rt})"
    return f"{lt}{op}{rt}", 2 if op in "+-" else 1


def _sum_of_blocks(numbers: list[int], goal: Fraction) -> str | None:
    """``b1 ± b2 ± ...`` where each block is an integer product/quotient chain of consecutive numbers.

    Reachable sums after each position are kept as bitsets (values within ±cap), then one
    expression is rebuilt backwards from the goal.
    """
    if goal.denominator != 1:
        return None
    cap = _VALUE_CAP_FACTOR * abs(int(goal)) + 100
    mask = (1 << (2 * cap + 1)) - 1
    n = len(numbers)
    blocks = [list(_blocks(numbers, start)) for start in range(n)]
    reach = [0] * (n + 1)
    for end, value, _ in blocks[0]:
        if abs(value) <= cap:
            reach[end] |= 1 << (value + cap)
    for start in range(1, n):
        if reach[start]:
            for end, value, _ in blocks[start]:
                reach[end] |= ((reach[start] << value) | (reach[start] >> value)) & mask
    target = int(goal)
    if abs(target) > cap or not reach[n] >> (target + cap) & 1:
        return None
    pieces: list[str] = []
    pos, value = n, target
    while pos > 0:
        pos, value, piece = _step_back(blocks, reach, pos, value, cap)
        pieces.append(piece)
    return "".join(reversed(pieces))


def _step_back(blocks, reach, pos: int, value: int, cap: int) -> tuple[int, int, str]:
    for start in range(pos - 1, max(-1, pos - 1 - _MAX_BLOCK), -1):
        for end, block, text in blocks[start]:
            if end != pos:
                continue
            if start == 0:
                if block == value:
                    return 0, 0, text
                continue
            for sign, prev in (("+", value - block), ("-", value + block)):
                if abs(prev) <= cap and reach[start] >> (prev + cap) & 1:
                    return start, prev, sign + text
    raise AssertionError("reachable sum without a predecessor")


def _blocks(numbers: list[int], start: int) -> list[tuple[int, int, str]]:
    """(end, value, text) for each integer-valued product/quotient chain starting at ``start``."""
    chains: dict[Fraction, str] = {Fraction(numbers[start]): str(numbers[start])}
    out = [(start + 1, numbers[start], str(numbers[start]))]
    for end in range(start + 1, min(start + _MAX_BLOCK, len(numbers))):
        x = numbers[end]
        grown: dict[Fraction, str] = {}
        for value, text in chains.items():
            grown.setdefault(value * x, f"{text}*{x}")
            if x:
                grown.setdefault(value / x, f"{text}/{x}")
        chains = grown
        out.extend((end + 1, int(v), t) for v, t in chains.items() if v.denominator == 1)
    return out


def target_for(count: int, rng: random.Random) -> int:
    """The release's target for a count of numbers (10·count where the release has none)."""
    target = _RELEASED_TARGETS.get(count, 10 * count)
    return rng.choice(target.values) if isinstance(target, OneOf) else target


class CombinatorialCalculation(Task):
    name = "combinatorial_calculation"
    title = "Combinatorial Calculation"
    seen = False
    knobs = (
        Knob("count", "how many numbers are given (their order is fixed)", 3),
        Knob("target", "the value to reach (None: the release's target for the count)", None),
        Knob("min_value", "smallest number", 1),
        Knob("max_value", "largest number", 9),
    )
    levels: ClassVar[dict[str, dict[str, Any]]] = {
        "paper": {"count": OneOf(3, 4, 5, 5, 6)},
        "1": {"count": 3, "target": 10},
        "2": {"count": 4, "target": 24},
        "3": {"count": 6, "target": 100},
        "4": {"count": 10, "target": 200},
        "5": {"count": 15, "target": 300},
        "6": {"count": 20, "target": 500},
        "7": {"count": 30, "target": 1000},
    }
    answer_format = "<<<[n, op, (, n, ...]>>>: the given numbers in order with + - * / and parentheses between them"
    original_dirs = ("combinatorial_calculation", "combinatorial_calculation_varied_complexity")

    def _generate(self, rng: random.Random, *, count: int, target: int | None, min_value: int,
                  max_value: int) -> tuple[str, dict[str, Any]]:
        if count < 1 or min_value < 0 or max_value < min_value:
            raise ValueError("combinatorial_calculation needs count >= 1 and 0 <= min_value <= max_value")
        goal = target_for(count, rng) if target is None else int(target)
        for _ in range(1000):
            numbers = [rng.randint(min_value, max_value) for _ in range(count)]
            try:
                solve_ordered(numbers, goal)
            except ValueError:
                continue
            question = QUESTION.format(count=count, low=min_value, high=max_value, target=goal,
                                       numbers=", ".join(map(str, numbers)))
            return question, {"numbers": numbers, "target": goal}
        raise ValueError(f"could not draw a solvable list of {count} numbers for target {goal}")

    def judge_answer(self, instance: Instance, answer: str) -> Verdict:
        if not answer:
            raise AnswerFormatError("empty answer")
        return check_tokens(tokens_of(answer), instance.data["numbers"], instance.data["target"], answer)

    def reference_answer(self, instance: Instance) -> str:
        expr = solve_ordered(instance.data["numbers"], instance.data["target"])
        return "<<<[" + ", ".join(_TOKEN.findall(expr)) + "]>>>"

    def from_original(self, item: OriginalItem) -> Instance:
        solution = released_solution(item)
        try:
            numbers = [int(x) for x in solution["numbers"]]
            target = int(solution["target"])
            tokens = [str(t).strip() for t in solution["solution"]]
        except (KeyError, TypeError, ValueError) as exc:
            raise OriginalDataError(f"{item.item_id}: solution.json lacks numbers/target/solution") from exc
        data = {"numbers": numbers, "target": target, RELEASED_ANSWER: "[" + ", ".join(tokens) + "]"}
        return instance_from_folder_item(self, item, data)
