"""Hostile and malformed answers, to exercise judges: what a careless or adversarial model may write.

A judge must give each of them a verdict (a wrong one with a reason, unless the text happens to
be right) and never fail, in time that grows at most linearly with the answer's size. The tests
run every task's judge over :func:`hostile_answers` and the benchmark (``benchmarks/symbench.py``)
prints the slowest of them per task.

- :data:`GENERIC`: empty and blank texts, wrong types (``None``, dicts, sets, nested lists),
  unicode digits and letters, NaN, infinities, negative zero, huge exponents and numbers,
  powers and factorials that would take minutes to compute, unbalanced and deeply nested
  brackets, code;
- :data:`LONG`: repetitive texts just under :data:`~codesteer.symbench.answers.MAX_ANSWER_CHARS`
  (many items, long numbers, deep nesting, unclosed blocks), where a quadratic reader shows;
- :func:`variants` of a reference answer: each number or word replaced by a hostile token, the
  answer repeated, cut, stripped of separators, wrapped in brackets.
"""

from __future__ import annotations

import random
import re

from codesteer.symbench.answers import MAX_ANSWER_CHARS

_NEAR = MAX_ANSWER_CHARS - 10

GENERIC: tuple[str, ...] = (
    "", " ", "\n\n", "[]", "[[]]", "()", "{}", "[,]", ",,,", "[1,,2]", "None", "True", "null", "[None]",
    "[True, False]", "{'a': 1}", "{1, 2}", "(1,)", "[[1, 2], [3, [4]]]", "[1, [2, 3]]", "[[], []]",
    "['a', 1]", "[{}]", "[{'a': 1}]", "[1.5, 2.5]", "[...]", "[1j]", "[1+2j]", "b'1'",
    "0", "-0", "-0.0", "+1", "--1", "1.", ".5", "1e", "0x10", "0b1", "1_000", "1e309", "-1e309", "[1e400]",
    "1e-400", "1e5000", "0e99999", "nan", "NaN", "[nan]", "inf", "-inf", "Infinity", "[-0.0]",
    "١٢٣", "²", "½", "１２", "𝟙", "é", "ß", "İ", "\x00", "\u202e12", "😀", "a\u0301",
    "9" * 5000, "-" + "9" * 4400, "1/0", "3/0", "0/0", "-3/-4", "10**400", "2**10000", "9**9**9",
    "((((2**200)**200)**200)**200)", "2^{2^{2^{2^{2}}}}", "(2^{20})!", "100000!", "\\binom{10^9}{10^6}",
    "\\frac{1}{0}", "\\sqrt{-1}", "\\boxed{", "\\frac{", "{", "}", "'", '"', "'''", "\\", "`",
    "[" * 300 + "]" * 300, "(" * 300 + "1" + ")" * 300, "[(" * 100, "-" * 300 + "1",
    "__import__('os').system('true')", "exec('1')", "lambda: 1", "[x for x in range(10**9)]",
    "Step 1:", "Step 1: [(", "Step 0: []", "Step 1: [(1e308, [0])]", "Step 1: [(nan, [0])]",
    '[{"Agent[0.5, 0.5]": 5}]', '[{"Agent[1e999, 0.5]": "move(box_red, square[0.5, 1.5])"}]',
    "Move A from 1 to 99", "Move A from 0 to -1", "Move  from  to ", "Count: -1, Positions: [-1]",
    "Count: 1, Positions: [²]", "[(1e308, 1e308)]", "[(nan, 0)]", "[(0, 0), (0, 0)]", "0 0, 0 0",
    "-1 -1", "99999999999999999999 0", "[99999999999999999999, 0]", "[-1, -1]", "a\nb\nc", "1,2\n3",
    "x", "x=", "=", "==", "1 = 2 = 3", "<<<", ">>>", "<<<>>>", "A" * 100, "*" * 50,
)

LONG: tuple[str, ...] = (
    "1," * (_NEAR // 2),
    "0 1, " * (_NEAR // 5),
    "9" * _NEAR,
    "1+" * (_NEAR // 2) + "1",
    "[" * (_NEAR // 2) + "]" * (_NEAR // 2),
    "(" * (_NEAR // 2),
    "[(" * (_NEAR // 2),
    " " * _NEAR + "x",
    "\n" * _NEAR,
    "<" * _NEAR,
    "count: 1 positions: [" * (_NEAR // 22),
    "Step 1: " * (_NEAR // 8),
    "Move A from 1 to 2\n" * (_NEAR // 19),
    "[(0.1, 0.2), " * (_NEAR // 13) + "(0.3, 0.4)]",
    '[{"Agent[0.5, 0.5]": "move(box_red, square[0.5, 1.5])"}, ' * (_NEAR // 56) + "{}]",
    "\\frac{" * (_NEAR // 6),
    "\\sqrt{" * (_NEAR // 6),
    "x^" * (_NEAR // 2) + "x",
)

_TOKEN = re.compile(r"-?\d+(?:\.\d+)?|[A-Za-z]+")
_SUBSTITUTES = ("nan", "inf", "-0", "1e999", "１", "²", "None", "[]", "'a'", "9" * 5000, "-1", "999999", "0",
                "", "1.5", "ZZ", "é", "(", "]")


def variants(reference: str, seed: int = 0) -> list[str]:
    """Hostile variants of a reference answer (some may happen to be right: a number replaced by
    the same value)."""
    tokens = list(_TOKEN.finditer(reference))
    picked = tokens[:4] + random.Random(seed).sample(tokens, min(4, len(tokens)))
    substituted = [reference[:m.start()] + sub + reference[m.end():] for m in picked for sub in _SUBSTITUTES]
    return [
        *substituted,
        reference + reference, reference[: len(reference) // 2], reference.replace(",", ""),
        re.sub(r"\s+", "", reference), "[" + reference + "]", "(" + reference + ")",
        (reference + "\n") * max(1, _NEAR // (len(reference) + 1)),
    ]


def hostile_answers(reference: str | None = None) -> list[str]:
    """:data:`GENERIC`, :data:`LONG` and, given a reference answer (unwrapped), its :func:`variants`."""
    return [*GENERIC, *LONG, *(variants(reference) if reference else ())]
