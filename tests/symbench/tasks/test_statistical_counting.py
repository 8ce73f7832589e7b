from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codesteer.symbench import get_task
from codesteer.symbench.original import load_task
from codesteer.symbench.task import RELEASED_ANSWER
from codesteer.symbench.tasks.statistical_counting import question_text, run_score

TASK = get_task("statistical_counting")
RULES = [{"letter": c, "score": i + 1, "min_consecutive": 2} for i, c in enumerate("ABC")]


@pytest.mark.parametrize(
    ("sequence", "score"),
    [("BBAAB", 3), ("ABBBA", 2), ("ACCABCBACA", 3), ("CBBABAABBB", 5), ("AAAA", 1), ("ABC", 0)],
)
def test_run_score_counts_each_maximal_run_once(sequence: str, score: int) -> None:
    assert run_score(sequence, RULES) == score


def test_min_run_three() -> None:
    rules = [dict(r, min_consecutive=3) for r in RULES]
    assert run_score("AABBBCCCC", rules) == 5
    assert "three or more consecutive A's" in question_text("AAB", rules)


def test_question_matches_release_wording() -> None:
    text = question_text("BBAAB", RULES[:2])
    assert text.startswith("The initial total score is 0. Given a string consisting of letters A and B,")
    assert "What is the total score of the string BBAAB?" in text


def test_judge_near_misses() -> None:
    inst = TASK.generate(1, size=(30, 3))
    right = run_score(inst.data["sequence"], inst.data["rules"])
    assert TASK.judge(inst, f"<<<{right}>>>").correct
    assert TASK.judge(inst, f"The answer: <<< {right}. >>>").correct
    for bad in (f"<<<{right + 1}>>>", f"<<<{right} points>>>", f"{right}", f"<<<[{right}]>>>"):
        verdict = TASK.judge(inst, bad)
        assert not verdict.correct and verdict.reason


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 10**6), st.integers(1, 80), st.integers(1, 26), st.integers(1, 4))
def test_solver_passes_and_off_by_one_fails(seed: int, length: int, letters: int, min_run: int) -> None:
    inst = TASK.generate(seed, size=(length, letters), min_run=min_run)
    assert TASK.judge(inst, TASK.reference_answer(inst)).correct
    value = run_score(inst.data["sequence"], inst.data["rules"])
    assert "total score is" in TASK.judge(inst, f"<<<{value - 1}>>>").reason


def test_paper_level_reproduces_released_configs() -> None:
    sizes = {tuple(TASK.generate(s).complexity["size"]) for s in range(200)}
    assert (65, 7) in sizes and (5, 2) in sizes and len(sizes) >= 10


def test_bad_knobs_raise() -> None:
    with pytest.raises(ValueError):
        TASK.generate(0, size=(10, 27))


def test_released_items_load_and_golds_pass(original_root) -> None:
    instances, failures = load_task(original_root, TASK)
    assert not failures and instances
    for inst in instances:
        assert TASK.judge(inst, f"<<<{inst.data[RELEASED_ANSWER]}>>>").correct, inst.id
        assert question_text(inst.data["sequence"], inst.data["rules"]) == inst.question.strip()
