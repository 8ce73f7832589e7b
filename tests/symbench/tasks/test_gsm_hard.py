"""GSM-Hard: loaded from the release, judged numerically (relative 1e-3), no generator or solver."""

from __future__ import annotations

import pytest

from codesteer.symbench import get_task
from codesteer.symbench.original import load_task
from codesteer.symbench.task import RELEASED_ANSWER

from ..judging import assert_rejected

TASK = get_task("gsm_hard")


@pytest.fixture(scope="module")
def instances(original_root):
    loaded, failures = load_task(original_root, TASK)
    assert not failures
    return loaded


def test_released_items_load_with_the_answer_instruction(instances) -> None:
    assert len(instances) == 50
    first = instances[0]
    assert first.id == "gsmhardv2.jsonl#0" and first.source == "original:gsmhardv2.jsonl#0"
    assert first.question.startswith("Janet")
    assert first.question.rstrip().endswith("<<<-9867>>>.")
    assert first.data["target"] == -9867630.0 and first.data[RELEASED_ANSWER] == "-9867630"


def test_golds_pass_and_near_misses_fail(instances) -> None:
    for instance in instances:
        assert TASK.judge(instance, f"<<<{instance.data[RELEASED_ANSWER]}>>>").correct
    first = instances[0]
    assert TASK.judge(first, "The answer is <<<-9,867,630.0>>>").correct
    for wrong in ("<<<9867630>>>", "<<<-9887630>>>", "<<<about ten million>>>", "<<<>>>", "-9867630"):
        verdict = TASK.judge(first, wrong)
        assert not verdict.correct and verdict.reason


def test_fractional_targets_use_the_relative_tolerance(instances) -> None:
    item = next(i for i in instances if i.data["target"] == 14053029.666666666)
    assert TASK.judge(item, "<<<14053029.67>>>").correct
    assert TASK.judge(item, "<<<14053029>>>").correct  # within 1e-3 relative, as the original
    assert_rejected(TASK.judge(item, "<<<14073029>>>"), "^14073029 is not within a relative 1e-3 of 14053029.666666666$")


def test_no_generator_and_no_solver() -> None:
    assert not TASK.has_generator and not TASK.has_solver and list(TASK.levels) == ["paper"]
    with pytest.raises(NotImplementedError):
        TASK.generate(0)
