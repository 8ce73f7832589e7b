from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codesteer.symbench import get_task
from codesteer.symbench.original import load_task
from codesteer.symbench.tasks.letters import positions, question_text

TASK = get_task("letters")


def _inst(word: str, letter: str):
    inst = TASK.generate(0)
    inst.data.update(word=word, letter=letter)
    return inst


def test_positions() -> None:
    assert positions("strawberry", "r") == [3, 8, 9]
    assert positions("abc", "z") == []


@pytest.mark.parametrize(
    "reply",
    [
        "<<<Count: 3, Positions: [3, 8, 9]>>>",
        "<<<count: 3, positions: [9, 3, 8]>>>",
        "<<<Count=3; Positions=(3, 8, 9)>>>",
        "Reasoning... <<< Count: 3, Positions: [3,8,9] >>>",
    ],
)
def test_valid_answers(reply: str) -> None:
    assert TASK.judge(_inst("strawberry", "r"), reply).correct


@pytest.mark.parametrize(
    ("reply", "why"),
    [
        ("<<<Count: 2, Positions: [3, 8]>>>", "occurs 3 times"),
        ("<<<Count: 3, Positions: [2, 7, 8]>>>", "wrong positions"),  # 0-based
        ("<<<Count: 3, Positions: [3, 8, 8]>>>", "listed twice"),
        ("<<<Count: 3, Positions: [3, 8, 10]>>>", "is not at [10]"),
        ("<<<3, [3, 8, 9]>>>", "expected 'Count"),
        ("<<<Count: 3, Positions: [three]>>>", "whole numbers"),
        ("Count: 3, Positions: [3, 8, 9]", "no <<<"),
    ],
)
def test_near_misses(reply: str, why: str) -> None:
    verdict = TASK.judge(_inst("strawberry", "r"), reply)
    assert not verdict.correct and why in verdict.reason, verdict.reason


def test_zero_occurrences() -> None:
    assert TASK.judge(_inst("abc", "z"), "<<<Count: 0, Positions: []>>>").correct


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 10**6), st.integers(1, 60), st.integers(0, 60), st.integers(0, 20))
def test_generator_hits_knobs(seed: int, lo: int, width: int, freq: int) -> None:
    hi = lo + width
    if freq > hi:
        return
    inst = TASK.generate(seed, length=(lo, hi), frequency=freq)
    word, letter = inst.data["word"], inst.data["letter"]
    assert lo <= len(word) <= hi or len(word) == freq
    assert word.count(letter) == freq
    assert inst.question == question_text(word, letter)
    assert TASK.judge(inst, TASK.reference_answer(inst)).correct


def test_bad_knobs() -> None:
    with pytest.raises(ValueError):
        TASK.generate(0, length=(5, 10), frequency=11)
    with pytest.raises(ValueError):
        TASK.generate(0, letter="ab")


def test_released_words(original_root) -> None:
    instances, failures = load_task(original_root, TASK)
    assert not failures and len(instances) >= 100
    for inst in instances:
        assert inst.data["word"].count(inst.data["letter"]) == inst.complexity["frequency"]
        assert TASK.judge(inst, TASK.reference_answer(inst)).correct
    longest = max(instances, key=lambda i: len(i.data["word"]))
    assert len(longest.data["word"]) >= 750
