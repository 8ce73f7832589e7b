"""Reading answers out of model replies, shared by every task's judge.

The rule is the one a fair human grader applies: take the last ``<<<...>>>`` block, forgive
surrounding whitespace, a code fence, matching outer quotes and a trailing period, and nothing
more. Parsers raise :class:`AnswerFormatError` with a reason a reader understands.
"""

from __future__ import annotations

import ast
import re
from fractions import Fraction
from typing import Any

_WRAPPED = re.compile(r"<<<(.*?)>>>", re.DOTALL)
_FENCE = re.compile(r"^```[A-Za-z0-9_+-]*\s*\n?(.*?)\n?```$", re.DOTALL)
_MAX_LITERAL_CHARS = 100_000
#: Exponents beyond this are refused: exact parsing of ``1e9999999`` would take many seconds.
MAX_EXPONENT = 1000
_EXPONENT = re.compile(r"[eE]\s*([+-]?\d+)")


class AnswerFormatError(ValueError):
    """The answer text does not have the shape the task asks for."""


def extract_wrapped(text: str) -> str | None:
    """Inside of the last ``<<<...>>>`` block of ``text``, cleaned; ``None`` if there is none."""
    matches = _WRAPPED.findall(text)
    if not matches:
        return None
    return clean(matches[-1])


def clean(answer: str) -> str:
    """Strip whitespace, one code fence, matching outer quotes and a trailing period."""
    s = answer.strip()
    fenced = _FENCE.match(s)
    if fenced:
        s = fenced.group(1).strip()
    if s.endswith(".") and not _looks_numeric_ending(s):
        s = s[:-1].rstrip()
    if len(s) >= 2 and s[0] == s[-1] and s[0] in "'\"`" and s.count(s[0]) == 2:
        s = s[1:-1].strip()
    return s


def _looks_numeric_ending(s: str) -> bool:
    # "3." is a number ending in a period: still strip it; only keep a period inside "..." runs.
    return s.endswith("...")


def parse_literal(answer: str) -> Any:
    """A Python/JSON literal (numbers, strings, lists, tuples, dicts, True/False/None)."""
    if len(answer) > _MAX_LITERAL_CHARS:
        raise AnswerFormatError("answer is too long")
    text = answer.strip()
    for old, new in (("true", "True"), ("false", "False"), ("null", "None")):
        text = re.sub(rf"\b{old}\b", new, text)
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError) as exc:
        raise AnswerFormatError(f"not a literal value: {answer[:80]!r}") from exc


def parse_int(answer: str) -> int:
    """An integer, allowing a sign, thousands separators and a redundant ``.0``."""
    s = answer.strip().replace(",", "").replace("_", "")
    if re.fullmatch(r"[+-]?\d+(\.0+)?", s):
        return int(s.split(".")[0])
    raise AnswerFormatError(f"not an integer: {answer[:80]!r}")


def parse_number(answer: str) -> Fraction:
    """An exact number: integer, decimal, ``a/b`` fraction or scientific notation."""
    s = answer.strip().replace(",", "").replace("_", "")
    if re.fullmatch(r"[+-]?\d+\s*/\s*[+-]?\d+", s):
        num, den = (int(p) for p in s.split("/"))
        if den == 0:
            raise AnswerFormatError("division by zero in fraction")
        return Fraction(num, den)
    if re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", s):
        if any(abs(int(e)) > MAX_EXPONENT for e in _EXPONENT.findall(s)):
            raise AnswerFormatError(f"exponent too large: {answer[:80]!r}")
        return Fraction(s)
    raise AnswerFormatError(f"not a number: {answer[:80]!r}")


def parse_list(answer: str) -> list[Any]:
    """A list: a bracketed literal (``[1, 2]``, ``['A', 'B']``) or bare comma-separated items.

    Bare items are read as numbers where they are numbers and as stripped strings otherwise.
    """
    s = answer.strip()
    if s.startswith(("[", "(")):
        value = parse_literal(s)
        if not isinstance(value, list | tuple):
            raise AnswerFormatError(f"not a list: {answer[:80]!r}")
        return list(value)
    if not s:
        return []
    return [_bare_item(part) for part in s.split(",")]


def _bare_item(part: str) -> Any:
    p = clean(part)
    try:
        return parse_int(p)
    except AnswerFormatError:
        pass
    try:
        value = parse_number(p)
        return int(value) if value.denominator == 1 else float(value)
    except AnswerFormatError:
        return p


def parse_grid(answer: str) -> list[list[Any]]:
    """A 2-D grid: a nested list literal or one row per line with comma/space separated cells."""
    s = answer.strip()
    if s.startswith("["):
        value = parse_literal(s)
        if not isinstance(value, list | tuple) or not all(isinstance(r, list | tuple) for r in value):
            raise AnswerFormatError("not a list of rows")
        return [list(r) for r in value]
    rows = [line.strip() for line in s.splitlines() if line.strip()]
    if not rows:
        raise AnswerFormatError("empty grid")
    grid = []
    for row in rows:
        cells = [c for c in re.split(r"[,\s]+", row.strip("[](), ")) if c]
        grid.append([_bare_item(c) for c in cells])
    return grid
