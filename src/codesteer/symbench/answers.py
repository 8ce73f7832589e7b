"""Reading answers out of model replies, shared by every task's judge.

The rule is the one a fair human grader applies: take the last ``<<<...>>>`` block, forgive
surrounding whitespace, a code fence, matching outer quotes and a trailing period, and nothing
more. Parsers raise :class:`AnswerFormatError` with a reason a reader understands.

Judging is bounded by the answer's size: ``Task.judge`` refuses an unwrapped answer longer than
:data:`MAX_ANSWER_CHARS` unread, and every reader here works in time linear in its input.
"""

from __future__ import annotations

import ast
import re
import warnings
from fractions import Fraction
from typing import Any

#: The longest unwrapped answer a judge reads (characters). The largest reference answers of any
#: generated level are about 9,000 characters (BoxNet's plans at its top level); longer answers
#: are refused with the reason "answer too long", so that no reply can stall an evaluation.
MAX_ANSWER_CHARS = 20_000
_OPEN, _CLOSE = "<<<", ">>>"
_FENCE = re.compile(r"^```[A-Za-z0-9_+-]*\s*\n?(.*?)\n?```$", re.DOTALL)
#: Exponents beyond this are refused: exact parsing of ``1e9999999`` would take many seconds.
MAX_EXPONENT = 1000
#: Numbers with more digits than this are refused (Python refuses to convert > 4300 by default).
MAX_DIGITS = 4000
#: Deepest expression tree read (each level costs the evaluators one stack frame).
MAX_NESTING = 200
_EXPONENT = re.compile(r"[eE]\s*([+-]?\d+)")


class AnswerFormatError(ValueError):
    """The answer text does not have the shape the task asks for."""


def last_block(text: str) -> str | None:
    """The raw inside of the last ``<<<...>>>`` block of ``text``; ``None`` if there is none.

    Blocks are read left to right, each ending at the first ``>>>`` after a ``<<<`` and starting
    at the last ``<<<`` before that ``>>>``: an answer never holds ``<<<``, so an unclosed one
    earlier (``print(f"<<<{x}>>")`` in code, then ``<<<42>>>``) is text, not the block's start.
    One pass over the text: a reply full of unclosed ``<<<`` costs no more than its length.
    """
    last = None
    start = text.find(_OPEN)
    while start >= 0:
        end = text.find(_CLOSE, start + len(_OPEN))
        if end < 0:
            break
        last = (text.rfind(_OPEN, start, end) + len(_OPEN), end)
        start = text.find(_OPEN, end + len(_CLOSE))
    return None if last is None else text[last[0]:last[1]]


def extract_wrapped(text: str) -> str | None:
    """Inside of the last ``<<<...>>>`` block of ``text`` (:func:`last_block`), cleaned; ``None``
    if there is none."""
    inside = last_block(text)
    return None if inside is None else clean(inside)


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


def parse_python(text: str, what: str = "an expression") -> ast.expr:
    """The syntax tree of one Python expression, never run (``AnswerFormatError`` when unreadable
    or nested deeper than :data:`MAX_NESTING`).

    The parser's complaints about odd literals (``SyntaxWarning``) are not printed: the text is an
    answer, not code.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SyntaxWarning)
            tree = ast.parse(text, mode="eval").body
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        raise AnswerFormatError(f"not {what}: {text[:80]!r}") from exc
    pending = [(tree, 1)]
    while pending:
        node, depth = pending.pop()
        if depth > MAX_NESTING:
            raise AnswerFormatError(f"nested too deeply (more than {MAX_NESTING} levels)")
        pending.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return tree


def parse_literal(answer: str) -> Any:
    """A Python/JSON literal (numbers, strings, lists, tuples, dicts, True/False/None)."""
    text = answer.strip()
    for old, new in (("true", "True"), ("false", "False"), ("null", "None")):
        text = re.sub(rf"\b{old}\b", new, text)
    tree = parse_python(text, "a literal value")
    try:
        return ast.literal_eval(tree)
    except (ValueError, TypeError, MemoryError, RecursionError) as exc:
        raise AnswerFormatError(f"not a literal value: {answer[:80]!r}") from exc


def parse_int(answer: str) -> int:
    """An integer, allowing a sign, thousands separators and a redundant ``.0``."""
    s = answer.strip().replace(",", "").replace("_", "")
    if re.fullmatch(r"[+-]?\d+(\.0+)?", s):
        return read_int(s.split(".")[0])
    raise AnswerFormatError(f"not an integer: {answer[:80]!r}")


def read_int(numeral: str) -> int:
    """The integer a reader's pattern matched (decimal digits, optionally signed); more than
    :data:`MAX_DIGITS` digits or anything else raises ``AnswerFormatError``."""
    try:
        return int(_bounded_digits(numeral))
    except ValueError as exc:
        if isinstance(exc, AnswerFormatError):
            raise
        raise AnswerFormatError(f"not an integer: {numeral[:80]!r}") from exc


def _bounded_digits(number: str) -> str:
    """``number`` unchanged, or ``AnswerFormatError`` when it has more than ``MAX_DIGITS`` digits."""
    if sum(ch.isdigit() for ch in number) > MAX_DIGITS:
        raise AnswerFormatError(f"number too long (more than {MAX_DIGITS} digits)")
    return number


def parse_number(answer: str) -> Fraction:
    """An exact number: integer, decimal, ``a/b`` fraction or scientific notation."""
    s = answer.strip().replace(",", "").replace("_", "")
    if re.fullmatch(r"[+-]?\d+\s*/\s*[+-]?\d+", s):
        num, den = (int(_bounded_digits(p)) for p in s.split("/"))
        if den == 0:
            raise AnswerFormatError("division by zero in fraction")
        return Fraction(num, den)
    if re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", s):
        if any(abs(int(e)) > MAX_EXPONENT for e in _EXPONENT.findall(s)):
            raise AnswerFormatError(f"exponent too large: {answer[:80]!r}")
        return Fraction(_bounded_digits(s))
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
