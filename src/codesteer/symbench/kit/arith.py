"""Exact arithmetic expressions over given numbers: reading, checking and searching.

Shared by Game 24 and Combinatorial Calculation. Expressions are read with :mod:`ast` (never
``eval``) and evaluated exactly with ``Fraction``; only integer literals, ``+ - * /`` and
parentheses are allowed.
"""

from __future__ import annotations

import ast
import functools
import itertools
import re
from collections.abc import Callable, Iterator, Sequence
from fractions import Fraction

from codesteer.symbench.answers import AnswerFormatError, parse_python

_SYMBOLS = {"×": "*", "⋅": "*", "·": "*", "÷": "/", "−": "-", "–": "-", r"\times": "*", r"\cdot": "*",
            r"\div": "/", "[": "(", "]": ")", "{": "(", "}": ")"}
_OPS: dict[type, Callable[[Fraction, Fraction], Fraction]] = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
}
MAX_EXPRESSION_CHARS = 20_000


class ExpressionError(AnswerFormatError):
    """The expression breaks a rule (the message names it)."""


def normalise_symbols(text: str) -> str:
    """Map the usual typographic and LaTeX operator symbols to ``+ - * /`` and brackets to parentheses."""
    for old, new in _SYMBOLS.items():
        text = text.replace(old, new)
    return text


def read_expression(text: str) -> tuple[Fraction, list[int]]:
    """Value of an arithmetic expression and its integer literals in reading order.

    Raises :class:`ExpressionError` naming the broken rule (a forbidden operator, a non-integer
    number, division by zero, unbalanced parentheses).
    """
    if len(text) > MAX_EXPRESSION_CHARS:
        raise ExpressionError("expression is too long")
    source = normalise_symbols(text).strip()
    if not source:
        raise ExpressionError("empty expression")
    if "**" in source or "^" in source:
        raise ExpressionError("only + - * / and parentheses are allowed (no powers)")
    if re.search(r"\d\s*\(|\)\s*[\d(]", source):
        raise ExpressionError("every two terms must be joined by an operator (no implicit multiplication)")
    try:
        tree = parse_python(source)
    except AnswerFormatError as exc:
        raise ExpressionError(f"not an arithmetic expression: {text[:80]!r}") from exc
    numbers: list[int] = []
    value = _evaluate(tree, numbers)
    return value, numbers


def _evaluate(node: ast.AST, numbers: list[int]) -> Fraction:
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, int):
            raise ExpressionError(f"only the given integers may appear, found {node.value!r}")
        numbers.append(node.value)
        return Fraction(node.value)
    if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
        left = _evaluate(node.left, numbers)
        right = _evaluate(node.right, numbers)
        if isinstance(node.op, ast.Div) and right == 0:
            raise ExpressionError("division by zero")
        return _OPS[type(node.op)](left, right)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        raise ExpressionError("a sign in front of a number is not allowed: each number is used as given")
    if isinstance(node, ast.BinOp):
        raise ExpressionError("only + - * / and parentheses are allowed")
    raise ExpressionError(f"only numbers, + - * / and parentheses are allowed, found {type(node).__name__}")


# ----- search ------------------------------------------------------------------------------------
Term = tuple[Fraction, str]


class BudgetExhausted(RuntimeError):
    """A bounded search ran out of steps before finding or ruling out an answer."""


def _combine(a: Term, b: Term) -> Iterator[Term]:
    (x, ex), (y, ey) = a, b
    yield x + y, f"({ex}+{ey})"
    yield x * y, f"({ex}*{ey})"
    yield x - y, f"({ex}-{ey})"
    yield y - x, f"({ey}-{ex})"
    if y:
        yield x / y, f"({ex}/{ey})"
    if x:
        yield y / x, f"({ey}/{ex})"


def search_any_order(numbers: list[int], target: Fraction, budget: int | None = None) -> str | None:
    """An expression using every number once (any order) equal to ``target``, or ``None`` if none exists.

    Depth-first over pairwise merges, skipping multisets of values already explored. With a
    ``budget`` (merge steps), raises :class:`BudgetExhausted` when it runs out, so ``None``
    always means a complete search found nothing.
    """
    seen: set[tuple[Fraction, ...]] = set()
    steps = 0

    def dfs(terms: list[Term]) -> str | None:
        nonlocal steps
        if len(terms) == 1:
            return _strip_outer(terms[0][1]) if terms[0][0] == target else None
        key = tuple(sorted(t[0] for t in terms))
        if key in seen:
            return None
        seen.add(key)
        for i in range(len(terms)):
            for j in range(i + 1, len(terms)):
                rest = terms[:i] + terms[i + 1:j] + terms[j + 1:]
                for merged in _combine(terms[i], terms[j]):
                    steps += 1
                    if budget is not None and steps > budget:
                        raise BudgetExhausted(f"no answer found within {budget} steps")
                    found = dfs([*rest, merged])
                    if found is not None:
                        return found
        return None

    return dfs([(Fraction(n), str(n)) for n in numbers])


def _strip_outer(expr: str) -> str:
    if expr.startswith("(") and expr.endswith(")"):
        depth = 0
        for i, ch in enumerate(expr):
            depth += ch == "("
            depth -= ch == ")"
            if depth == 0 and i < len(expr) - 1:
                return expr
        return expr[1:-1]
    return expr



def all_values(numbers: list[int]) -> dict[Fraction, str]:
    """Every value an expression over all of ``numbers`` (any order, each once) can take, with one expression.

    Exhaustive; meant for up to 4 numbers.
    """
    if len(numbers) == 1:
        return {Fraction(numbers[0]): str(numbers[0])}
    values: dict[Fraction, str] = {}
    for left, right in _splits(numbers):
        right_values = all_values(right)
        for a, ea in all_values(left).items():
            for b, eb in right_values.items():
                for value, text in _combine((a, ea), (b, eb)):
                    values.setdefault(value, text)
    return values


def _splits(numbers: list[int]) -> Iterator[tuple[list[int], list[int]]]:
    """Unordered splits of the list into two non-empty parts (each split once)."""
    n = len(numbers)
    for mask in range(1, 2 ** (n - 1)):
        left = [numbers[i] for i in range(n) if mask >> i & 1]
        right = [numbers[i] for i in range(n) if not mask >> i & 1]
        yield left, right


def search_by_root_split(numbers: list[int], target: Fraction, max_part: int = 4) -> str | None:
    """An expression whose root joins two parts of at most ``max_part`` numbers each, or ``None``.

    Each part's values are enumerated (:func:`all_values`) and matched through the value the
    other part needs. Complete only when no split is skipped (up to 2·``max_part`` numbers with
    both parts small enough), so ``None`` proves nothing by itself for larger lists.
    """
    for left, right in _splits(numbers):
        if max(len(left), len(right)) > max_part:
            continue
        small, large = sorted((left, right), key=len)
        large_values = cached_values(tuple(sorted(large)))
        for a, ea in cached_values(tuple(sorted(small))).items():
            for need, build in _needs(a, target):
                if need in large_values:
                    return _strip_outer(build(ea, large_values[need]))
    return None


def two_pairs_reaching(numbers: Sequence[int], indices: Sequence[int],
                       target: Fraction) -> tuple[tuple[int, int, int, int], str] | None:
    """Two disjoint pairs among ``numbers[indices]`` whose values combine to ``target``, or ``None``.

    Returns the four indices and the expression. Each pair value keeps its first few pairs, so
    ``None`` proves nothing; it is a fast way to reach a target with four of many numbers.
    """
    by_value: dict[Fraction, list[tuple[int, int, str]]] = {}
    for i, j in itertools.combinations(indices, 2):
        for value, text in cached_values(tuple(sorted((numbers[i], numbers[j])))).items():
            slot = by_value.setdefault(value, [])
            if len(slot) < 3:
                slot.append((i, j, text))
    for value, pairs in by_value.items():
        for need, build in _needs(value, target):
            for k, m, other in by_value.get(need, ()):
                for i, j, text in pairs:
                    if len({i, j, k, m}) == 4:
                        return (i, j, k, m), _strip_outer(build(text, other))
    return None


@functools.lru_cache(maxsize=4096)
def cached_values(numbers: tuple[int, ...]) -> dict[Fraction, str]:
    """:func:`all_values` of a sorted tuple, cached (do not mutate the result)."""
    return all_values(list(numbers))


def _needs(a: Fraction, target: Fraction) -> Iterator[tuple[Fraction, Callable[[str, str], str]]]:
    """(value b must have, how to write the root) for each way ``a`` and ``b`` can make ``target``."""
    yield target - a, lambda ea, eb: f"({ea}+{eb})"
    yield a - target, lambda ea, eb: f"({ea}-{eb})"
    yield target + a, lambda ea, eb: f"({eb}-{ea})"
    if a:
        yield target / a, lambda ea, eb: f"({ea}*{eb})"
        yield target * a, lambda ea, eb: f"({eb}/{ea})"
    if target and a:
        yield a / target, lambda ea, eb: f"({ea}/{eb})"
