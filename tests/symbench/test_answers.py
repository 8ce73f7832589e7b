"""Answer reading shared by every judge: as tolerant as a fair grader, and no more."""

from __future__ import annotations

from fractions import Fraction

import pytest

from codesteer.symbench.answers import (
    AnswerFormatError,
    clean,
    extract_wrapped,
    parse_grid,
    parse_int,
    parse_list,
    parse_literal,
    parse_number,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The answer is <<<42>>>", "42"),
        ("<<<1>>> then corrected: <<< 2 >>>", "2"),
        ("<<<'abc'>>>", "abc"),
        ('<<<"abc">>>', "abc"),
        ("<<<7.>>>", "7"),
        ("<<<```\n[1, 2]\n```>>>", "[1, 2]"),
        ("<<<```python\nx\n```>>>", "x"),
        ("no wrapper here", None),
        ("<<<unterminated", None),
        # an unclosed <<< before a block is text: the block starts at the last <<< before its >>>
        ('print(f"<<<{x}>>")\n```\nThe answer is <<<42>>>.', "42"),
        ("<<<a <<<b>>>", "b"),
        ("<<<<7>>>>", "7"),
        ("<<<1>>> <<<x <<<2>>> <<<3", "2"),
    ],
)
def test_extract_wrapped(text: str, expected: str | None) -> None:
    assert extract_wrapped(text) == expected


def test_clean_keeps_inner_quotes_and_ellipses() -> None:
    assert clean("'a', 'b'") == "'a', 'b'"
    assert clean("wait...") == "wait..."


@pytest.mark.parametrize(("text", "value"), [("12", 12), ("-3", -3), ("1,234", 1234), ("5.0", 5)])
def test_parse_int(text: str, value: int) -> None:
    assert parse_int(text) == value


@pytest.mark.parametrize("text", ["5.5", "five", "", "1e3", "--1"])
def test_parse_int_rejects(text: str) -> None:
    with pytest.raises(AnswerFormatError):
        parse_int(text)


@pytest.mark.parametrize(
    ("text", "value"),
    [("3/4", Fraction(3, 4)), ("0.75", Fraction(3, 4)), ("-2", Fraction(-2)), ("1.5e3", Fraction(1500))],
)
def test_parse_number(text: str, value: Fraction) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["1/0", "abc", "1e9999999", "3E+5000", "1..2"])
def test_parse_number_rejects(text: str) -> None:
    with pytest.raises(AnswerFormatError):
        parse_number(text)


def test_parse_list_and_grid() -> None:
    assert parse_list("[1, 'a']") == [1, "a"]
    assert parse_list("1, 2.5, x") == [1, 2.5, "x"]
    assert parse_list("") == []
    assert parse_grid("[[1, 2], [3, 4]]") == [[1, 2], [3, 4]]
    assert parse_grid("1 2\n3 4") == [[1, 2], [3, 4]]
    assert parse_literal("[true, null]") == [True, None]
    for bad in ("[1, 2", "(1,"):
        with pytest.raises(AnswerFormatError):
            parse_list(bad)
    with pytest.raises(AnswerFormatError):
        parse_grid("[1, 2]")  # a flat list is not a grid
    # A bare item that is not a readable number stays text (and fails the task's type check) fast.
    assert parse_list("3, 4E+5000") == [3, "4E+5000"]
    with pytest.raises(AnswerFormatError):
        parse_literal("x" * 200_000)
