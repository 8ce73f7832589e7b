"""Code blocks, answers and the execution report."""

from __future__ import annotations

import pytest

from codesteer.sandbox.types import Execution
from codesteer.steer.code_runner import report
from codesteer.steer.extract import answer_in, approx_tokens, code_blocks, first_code


def test_code_blocks() -> None:
    text = "a\n```python\nprint(1)\n```\nb\n```sh\nls\n```\n```\nprint(2)\n```\n```py\n\n```\n```Python3\nx = 3\n```"
    assert code_blocks(text) == ["print(1)\n", "print(2)\n", "x = 3\n"]
    assert first_code(text) == "print(1)\n"
    assert first_code("no code, only `inline`") is None


def test_answer_in() -> None:
    assert answer_in("first <<<1>>> then <<< 2. >>>") == "2"
    assert answer_in("<<<>>>") is None and answer_in(None) is None and answer_in("none") is None


def test_report_kinds() -> None:
    ok = Execution("<<<7>>>\n", "", 0, "ok", 0.1, 0.1)
    assert report(ok, 2000) == "output:\n<<<7>>>\nerrors:\n"
    slow = Execution("partial\n", "", None, "timed_out", 10.0, 10.0)
    assert "partial" in report(slow, 2000) and "time limit after 10.0 s" in report(slow, 2000)
    big = Execution("x " * 5000, "", 0, "ok", 0.1, 0.1)
    assert "too long" in report(big, 2000) and "x x" not in report(big, 2000)
    assert "memory limit" in report(Execution("", "", None, "memory_exceeded", 1, 1), 2000)
    assert approx_tokens("abcd" * 10) == 10 and approx_tokens("a b c") == 3


@pytest.mark.parametrize(("text", "expected"), [
    ("<<<-50939616>>\n", "-50939616"),                       # a program that dropped a bracket
    ("Count then:\n<<<Count: 4, Positions: [5, 9, 17, 19]>>", "Count: 4, Positions: [5, 9, 17, 19]"),
    ("<<<7>\n", "7"),
    ("done <<<8>>> and later <<<9>>\n", "8"),                 # a whole block wins over a broken one
    ('print(f"<<<{x}>>")\nThe end.', None),                   # code, not an answer: not at a line's end
    ("<<<>>\n", None),
])
def test_an_underclosed_block_ending_a_line_is_read(text: str, expected: str | None) -> None:
    assert answer_in(text) == expected
