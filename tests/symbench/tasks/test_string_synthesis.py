from __future__ import annotations

import pytest

from codesteer.symbench import get_task
from codesteer.symbench.kit.item_exchange import Method, parse_counts, run_cycle
from codesteer.symbench.original import load_task
from codesteer.symbench.task import RELEASED_ANSWER
from codesteer.symbench.tasks.string_synthesis import final_counts

TASK = get_task("string_synthesis")


def test_simulator_applies_each_method_as_often_as_possible() -> None:
    # 2 [A], 8 [B], 7 [C]: method 1 twice, method 3 five times, method 6 twice.
    assert final_counts(2, 8, 7) == [0, 1, 0, 2, 1, 0, 0, 0, 2]
    assert final_counts(3, 1, 2) == [2, 0, 1, 1, 0, 0, 0, 0, 0]


def test_run_cycle_once_mode_and_step_log() -> None:
    methods = [Method.of({"a": 1}, {"x": 2}), Method.of({"x": 3}, {"y": 1})]
    final, steps = run_cycle(methods, {"a": 2})
    assert final == {"a": 0, "x": 1, "y": 1}
    assert [i for i, _ in steps] == [0, 0, 1]
    with pytest.raises(ValueError):
        run_cycle([Method.of({}, {"x": 1})], {})


def test_parse_counts_formats() -> None:
    assert parse_counts("2 0 1", 3) == [2, 0, 1]
    assert parse_counts("[2, 0, 1]", 3) == [2, 0, 1]
    assert parse_counts('["2", "0", "1"]', 3) == [2, 0, 1]
    assert parse_counts("201", 3) == [2, 0, 1]
    for bad in ("2 0", "2 0 -1", "2 0 1.5", "2010", "{1: 2}"):
        with pytest.raises(ValueError):
            parse_counts(bad, 3)


def test_judge_accepts_right_counts_in_every_format() -> None:
    instance = TASK.generate(3)
    body = TASK.reference_answer(instance)[3:-3]
    counts = body.split()
    for reply in (f"<<<{body}>>>", f"<<<{', '.join(counts)}>>>", f"<<<[{', '.join(counts)}]>>>"):
        assert TASK.judge(instance, reply).correct, reply


def test_judge_rejects_near_misses() -> None:
    instance = TASK.generate(11, level="3")
    counts = [int(n) for n in TASK.reference_answer(instance)[3:-3].split()]
    for i in (0, 4, 8):
        wrong = list(counts)
        wrong[i] += 1
        verdict = TASK.judge(instance, "<<<" + " ".join(map(str, wrong)) + ">>>")
        assert not verdict.correct and "should be" in verdict.reason
    short = TASK.judge(instance, "<<<" + " ".join(map(str, counts[:8])) + ">>>")
    assert not short.correct and "expected 9 counts" in short.reason


def test_generated_question_states_the_rule_and_format() -> None:
    question = TASK.generate(0).question
    assert "as many times as possible" in question and "separated by spaces" in question


def test_released_items_load_and_their_golds_pass(original_root) -> None:
    instances, failures = load_task(original_root, TASK)
    assert instances and not failures
    for instance in instances:
        assert TASK.judge(instance, f"<<<{instance.data[RELEASED_ANSWER]}>>>").correct
        assert TASK.judge(instance, TASK.reference_answer(instance)).correct
        # the extractor's run-together digits format
        assert TASK.judge(instance, "<<<" + instance.data[RELEASED_ANSWER].replace(" ", "") + ">>>").correct
