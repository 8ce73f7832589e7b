"""The symbolic checker on a table of code snippets, both scorings."""

from __future__ import annotations

import pytest

from codesteer.steer.symbolic import LOW_NOTE, analyze

SEARCH_EVAL = """import itertools
for p in itertools.permutations([1, 2, 3]):
    if eval(f"{p[0]}+{p[1]}") == 3:
        print(p)
"""
FROM_IMPORT = """from itertools import permutations
for p in permutations("abc"):
    print(p)
"""
RECURSIVE = """def fact(n):
    return 1 if n < 2 else n * fact(n - 1)
print(fact(5))
"""
NESTED = """best = None
for a in range(10):
    for b in range(10):
        if a * b == 24 and a + b == 10:
            best = (a, b)
print(best)
"""
SYMPY = """from sympy import symbols, solve
x = symbols('x')
print(solve(x**2 - 4, x))
"""
CONSTANT_VARS = """answer = [1, 4, 20, 6]
label = 'final'
print(label, answer)
"""
COMMENT_TRAP = """# verify the geometry of the entry, retry if different
print(42)
"""

CASES = [
    # code, codesteer score, original score, literal answer, low
    ('print("<<<24>>>")', 0.0, 0.0, True, True),
    ("x = (6 - 1) * (3 + 4)\nprint(x)", 0.0, 0.75, True, True),
    (CONSTANT_VARS, 0.0, 0.0, True, True),
    (COMMENT_TRAP, 0.0, 6.0, True, True),  # the released rule counts words inside comments
    (SEARCH_EVAL, 5.0, 2.0, False, False),  # a real search the released rule flags as too simple
    (FROM_IMPORT, 3.0, 1.0, False, False),
    (RECURSIVE, 3.0, 2.5, False, False),
    (NESTED, 4.0, 3.5, False, False),
    (SYMPY, 2.5, 0.5, False, False),
    ("print(sum(range(10)))", 0.0, 0.0, False, True),  # computes, trivially
    ("def broken(:\n    pass", 0.0, 0.0, False, True),
]


@pytest.mark.parametrize(("code", "ours", "theirs", "literal", "low"), CASES)
def test_scores(code: str, ours: float, theirs: float, literal: bool, low: bool) -> None:
    report = analyze(code)
    assert (report.codesteer_score, report.original_score) == (ours, theirs)
    assert report.literal_answer is literal and report.low is low
    assert report.score == ours
    assert (LOW_NOTE in report.summary) is low
    assert f"Complexity score: {ours:g}" in report.summary


@pytest.mark.parametrize(("code", "ours", "theirs", "literal", "low"), CASES)
def test_original_variant_uses_the_released_rule(code: str, ours: float, theirs: float, literal: bool, low: bool) -> None:
    report = analyze(code, variant="original")
    assert report.score == theirs and report.low is (theirs <= 2.0)


def test_summary_lists_each_finding_once() -> None:
    summary = analyze(NESTED).summary
    assert summary.count("loop") == 1 and "nested 2 deep" in summary
    assert "does not parse" in analyze("def broken(:").summary
    assert "literal" in analyze('print("<<<24>>>")').summary


def test_threshold_is_configurable() -> None:
    assert analyze(FROM_IMPORT, threshold=3.0).low and not analyze(FROM_IMPORT).low
