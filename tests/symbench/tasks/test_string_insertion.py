from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from codesteer.symbench.original import load_task
from codesteer.symbench.task import RELEASED_ANSWER
from codesteer.symbench.tasks.string_insertion import RULES, StringInsertion, apply_t, question_text

from ..judging import assert_rejected

TASK = StringInsertion()


def test_t_operation_inserts_after_every_trigger_of_the_original() -> None:
    assert apply_t("DBCDEDCDEAECDEA") == "DBCDEBDCDEACECDEAC"
    # overlapping triggers are all found in the original string
    assert apply_t("ABCDE") == "ABCDAEB"
    assert apply_t("EABCDE") == "EABCEDAEB"
    assert apply_t("AAAA") == "AAAA"


@settings(max_examples=30)
@given(st.text(alphabet="ABCDE", max_size=40))
def test_t_operation_adds_one_letter_per_occurrence(text: str) -> None:
    occurrences = sum(
        text.startswith(p, i) for p in RULES for i in range(len(text))
    )
    result = apply_t(text)
    assert len(result) == len(text) + occurrences


def test_judge_right_and_near_misses() -> None:
    inst = TASK.generate(11)
    answer = TASK.reference_answer(inst)[3:-3]
    assert TASK.judge(inst, f"<<<{answer}>>>").correct
    assert TASK.judge(inst, f'<<<"{answer.lower()}">>>').correct
    original = inst.data["original_string"]
    assert "missing or extra" in TASK.judge(inst, f"<<<{answer[:-1]}>>>").reason
    assert_rejected(TASK.judge(inst, f"<<<{original}>>>"), "a missing or extra insertion|position \\d+ should be")
    swapped = answer[:2] + ("A" if answer[2] != "A" else "B") + answer[3:]
    assert "position 3" in TASK.judge(inst, f"<<<{swapped}>>>").reason
    assert "letters A-E" in TASK.judge(inst, "<<<ABCX>>>").reason


def test_released_items_load_and_their_golds_pass(original_root) -> None:
    instances, failures = load_task(original_root, TASK)
    assert not failures and len(instances) == 5
    for inst in instances:
        assert TASK.judge(inst, f"<<<{inst.data[RELEASED_ANSWER]}>>>").correct, inst.id
        assert TASK.reference_answer(inst) == f"<<<{inst.data[RELEASED_ANSWER]}>>>"
        assert question_text(inst.data["original_string"]) == inst.question
