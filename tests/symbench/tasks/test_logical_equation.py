from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codesteer.symbench import get_task
from codesteer.symbench.original import load_task
from codesteer.symbench.task import RELEASED_ANSWER
from codesteer.symbench.tasks.logical_equation import holds, solve_assignment

from ..judging import assert_rejected

TASK = get_task("logical_equation")
LETTERS = list("ABCD")
VALUES = [2, 5, 8, 20]


def _inst(letters, values, constraints):
    inst = TASK.generate(0)
    inst.data.update(letters=letters, values=values, constraints=constraints)
    return inst


def test_constraint_rules() -> None:
    assert holds(["mul", "A", "G", "1.6"], 32, 20)
    assert not holds(["mul", "A", "G", "1.6"], 32, 21)
    assert holds(["diff", "M", "D", "-44"], 1, 45)
    assert holds(["gt", "J", "O", None], 5, 3) and not holds(["gt", "J", "O", None], 3, 3)


def test_judge() -> None:
    inst = _inst(LETTERS, VALUES, [["mul", "A", "B", "2.5"], ["sum", "A", "C", "22"], ["gt", "D", "B", None]])
    assert_rejected(TASK.judge(inst, "<<<[20, 8, 2, 5]>>>"), r"breaks constraint 3: D > B \(with D = 5, B = 8\)")
    inst.data["constraints"][2] = ["gt", "B", "D", None]
    assert TASK.judge(inst, "<<<[20, 8, 2, 5]>>>").correct
    assert TASK.judge(inst, "<<<20, 8, 2, 5>>>").correct
    for bad, why in (
        ("<<<[20, 8, 2, 2]>>>", "used twice"),
        ("<<<[20, 8, 2, 7]>>>", "not one of the given numbers"),
        ("<<<[20, 8, 5, 2]>>>", "breaks constraint 2"),
        ("<<<[20, 8, 2]>>>", "expected 4"),
        ("<<<[20, 8, 2, 5.5]>>>", "not a integer"),
    ):
        verdict = TASK.judge(inst, bad)
        assert not verdict.correct and why in verdict.reason, verdict.reason


def test_generated_questions_say_the_values_differ_released_ones_stay_verbatim(original_root) -> None:
    inst = TASK.generate(4)
    assert "each representing one of the numbers" in inst.question
    assert "Different letters represent different numbers." in inst.question
    released, _ = load_task(original_root, TASK)
    for item in released:
        assert "Different letters" not in item.question
        assert item.question == (original_root / item.id / "question.txt").read_text()


def test_every_valid_assignment_passes() -> None:
    constraints = [["gt", "A", "B", None], ["diff", "C", "D", "3"]]
    inst = _inst(LETTERS, VALUES, constraints)
    valid = []
    for perm in itertools.permutations(VALUES):
        value = dict(zip(LETTERS, perm, strict=True))
        ok = all(holds(c, value[c[1]], value[c[2]]) for c in constraints)
        assert TASK.judge(inst, f"<<<{list(perm)}>>>").correct == ok
        valid.append(ok)
    assert sum(valid) >= 2


def test_solver_reports_unsatisfiable() -> None:
    assert solve_assignment(["A", "B"], [1, 2], [["gt", "A", "B", None], ["gt", "B", "A", None]]) is None


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 10**6), st.integers(2, 12), st.integers(0, 14))
def test_generated_items_are_solvable(seed, n, count) -> None:
    inst = TASK.generate(seed, size=(n, count))
    assert len(inst.data["constraints"]) <= count
    answer = TASK.reference_answer(inst)
    assert TASK.judge(inst, answer).correct
    values = [int(v) for v in answer[4:-4].split(",")]
    swapped = values[1:] + values[:1]
    if len(values) > 1 and inst.data["constraints"]:
        verdict = TASK.judge(inst, f"<<<{swapped}>>>")
        assert verdict.correct or "breaks constraint" in verdict.reason


def test_bad_knobs() -> None:
    with pytest.raises(ValueError):
        TASK.generate(0, size=(27, 3))
    with pytest.raises(ValueError):
        TASK.generate(0, size=(10, 3), max_value=5)


def test_released_items(original_root) -> None:
    instances, failures = load_task(original_root, TASK)
    assert not failures and instances
    for inst in instances:
        assert TASK.judge(inst, f"<<<{inst.data[RELEASED_ANSWER]}>>>").correct, inst.id
        assert TASK.judge(inst, TASK.reference_answer(inst)).correct
    # sample_9_8_2 leaves C and F open: the swapped assignment is valid too.
    item = next(i for i in instances if i.id.endswith("sample_9_8_2"))
    assert TASK.judge(item, "<<<[32, 80, 36, 3, 9, 6, 20, 120, 121]>>>").correct
