from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from codesteer.symbench import get_task
from codesteer.symbench.original import load_task
from codesteer.symbench.task import RELEASED_ANSWER
from codesteer.symbench.tasks.string_splitting import METHODS, final_counts

from ..judging import assert_rejected

TASK = get_task("string_splitting")


def test_simulator_runs_one_method_per_turn() -> None:
    # released sample_0: 2 A, 2 B, 3 C -> A0 B0 C1 X2 Y0 Z3
    assert final_counts(2, 2, 3) == [0, 0, 1, 2, 0, 3]
    assert final_counts(0, 0, 0) == [0, 0, 0, 0, 0, 0]
    assert final_counts(0, 1, 1) == [0, 0, 0, 1, 0, 1]  # B+C -> A -> 2X+Y -> X, Z


def test_judge_accepts_every_fair_format() -> None:
    instance = TASK.generate(5, level="4")
    counts = final_counts(*instance.data["start"])
    as_text = [str(n) for n in counts]
    for body in (
        "[" + ", ".join(f'"{n}"' for n in as_text) + "]",
        "[" + ", ".join(as_text) + "]",
        ", ".join(as_text),
        " ".join(as_text),
    ):
        assert TASK.judge(instance, f"<<<{body}>>>").correct, body


def test_judge_rejects_near_misses() -> None:
    instance = TASK.generate(2, level="3")
    counts = final_counts(*instance.data["start"])
    for i in range(6):
        wrong = list(counts)
        wrong[i] = wrong[i] + 1
        verdict = TASK.judge(instance, "<<<" + str([str(n) for n in wrong]) + ">>>")
        assert_rejected(verdict, rf"^{'ABCXYZ'[i]} should be {counts[i]}, not {wrong[i]}")
    assert "expected 6 counts" in TASK.judge(instance, f"<<<{counts[:5]}>>>").reason
    assert_rejected(TASK.judge(instance, "<<<[" + ", ".join(str(-n - 1) for n in counts) + "]>>>"),
                    "not a non-negative whole count")


def test_counts_run_together_pass_when_they_spell_the_true_counts() -> None:
    """As the release writes its answers: 0, 0, 0, 7, 0, 10 is "00070010"; a two-digit count once
    made the joined form unreadable."""
    instance = next(i for i in (TASK.generate(s, level="4") for s in range(40))
                    if any(n >= 10 for n in final_counts(*i.data["start"])))
    counts = final_counts(*instance.data["start"])
    joined = "".join(map(str, counts))
    assert len(joined) > 6 and TASK.judge(instance, f"<<<{joined}>>>").correct
    assert_rejected(TASK.judge(instance, f"<<<{joined}0>>>"),
                    rf"the counts written together as {joined}0 are not the final counts A {counts[0]}, ")
    assert_rejected(TASK.judge(instance, f"<<<{joined[:-1]}>>>"), f"together {joined}")
    one_digit = next(i for i in (TASK.generate(s) for s in range(40)) if max(final_counts(*i.data["start"])) < 10)
    counts = final_counts(*one_digit.data["start"])
    wrong = "".join(str((n + 1) % 10) if k == 5 else str(n) for k, n in enumerate(counts))
    assert_rejected(TASK.judge(one_digit, f"<<<{wrong}>>>"), rf"Z should be {counts[5]}, not ")


def test_generated_wording_varies_but_rules_do_not() -> None:
    questions = {TASK.generate(seed).question.split("Xiao Li")[0] for seed in range(30)}
    assert len(questions) > 3


def test_released_golds_pass_in_the_format_the_question_asks(original_root) -> None:
    instances, failures = load_task(original_root, TASK)
    assert instances and not failures
    for instance in instances:
        gold = instance.data[RELEASED_ANSWER]
        assert gold.startswith('["')
        assert TASK.judge(instance, f"<<<{gold}>>>").correct
        concatenated = "".join(c for c in gold if c.isdigit())
        assert TASK.judge(instance, f"<<<{concatenated}>>>").correct


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 40), st.integers(0, 40), st.integers(0, 40))
def test_final_counts_are_a_fixed_point_and_conserve_machines(a: int, b: int, c: int) -> None:
    final = dict(zip("ABCXYZ", final_counts(a, b, c), strict=True))
    assert all(method.times_possible(final) == 0 for method in METHODS)
    assert final["A"] <= a + min(b, c)  # A is only made from B + C pairs
