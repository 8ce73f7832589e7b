from __future__ import annotations

from codesteer.symbench import get_task
from codesteer.symbench.original import load_task
from codesteer.symbench.task import RELEASED_ANSWER
from codesteer.symbench.tasks.synthesis_decomposition import FIXED, final_counts, question_text

TASK = get_task("synthesis_decomposition")


def test_question_template_reproduces_the_released_wording(original_root) -> None:
    released = (original_root / "synthesis_decomposition_dataset/sample_0/question.txt").read_text()
    crops, products, methods, _ = FIXED[1]
    assert question_text(crops, products, methods, {"A": 3, "B": 2}).strip() == released.strip()


def test_simulation_runs_each_method_once_per_turn() -> None:
    instance = TASK.generate(0, level="1")
    instance.data["start"] = {"A": 4, "B": 2}
    # A+B->X leaves 3 A, so 3A->2X runs on the same pass (released sample_1)
    assert final_counts(instance) == [0, 1, 3]


def test_judge_accepts_fair_formats_and_rejects_near_misses() -> None:
    instance = TASK.generate(4, level="5")
    counts = final_counts(instance)
    for body in (str(counts), ", ".join(map(str, counts)), " ".join(map(str, counts)), str([str(c) for c in counts])):
        assert TASK.judge(instance, f"<<<{body}>>>").correct, body
    for i in (0, len(counts) - 1):
        wrong = list(counts)
        wrong[i] += 2
        verdict = TASK.judge(instance, f"<<<{wrong}>>>")
        assert not verdict.correct and instance.data["order"][i] in verdict.reason
    assert "expected" in TASK.judge(instance, f"<<<{[*counts, 0]}>>>").reason


def test_random_method_sets_always_terminate_and_differ() -> None:
    questions = {TASK.generate(seed, level="4").question for seed in range(20)}
    assert len(questions) == 20
    for seed in range(20):
        instance = TASK.generate(seed, level="6")
        assert all(m["consumes"].keys() & set("ABCDEF") for m in instance.data["methods"])
        final_counts(instance)


def test_released_items_load_and_their_golds_pass(original_root) -> None:
    instances, failures = load_task(original_root, TASK)
    assert instances and not failures
    for instance in instances:
        assert instance.data["order"] == ["A", "B", "X"]
        assert TASK.judge(instance, f"<<<{instance.data[RELEASED_ANSWER]}>>>").correct
        assert TASK.judge(instance, TASK.reference_answer(instance)).correct
