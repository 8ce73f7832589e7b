from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codesteer.symbench import get_task
from codesteer.symbench.original import load_task
from codesteer.symbench.task import RELEASED_ANSWER
from codesteer.symbench.tasks.permutations_combinations import holds, solve_arrangement

TASK = get_task("permutations_combinations")
CONSTRAINTS = [
    ["adjacent", "C", "A"],
    ["left", "E", "F"],
    ["not_at", "A", 4],
    ["at", "F", 4],
    ["right", "D", "B"],
]


def _inst(books, constraints):
    inst = TASK.generate(0)
    inst.data.update(books=books, constraints=constraints)
    return inst


def _valid(books, constraints):
    out = []
    for perm in itertools.permutations(books):
        pos = {b: i for i, b in enumerate(perm, 1)}
        if all(holds(c, pos) for c in constraints):
            out.append(list(perm))
    return out


def test_all_valid_arrangements_pass_and_others_fail() -> None:
    books = list("ABCDEF")
    inst = _inst(books, CONSTRAINTS)
    valid = _valid(books, CONSTRAINTS)
    assert len(valid) > 1
    for perm in valid[:10]:
        assert TASK.judge(inst, "<<<" + str(perm) + ">>>").correct
    invalid = next(p for p in itertools.permutations(books) if list(p) not in valid)
    verdict = TASK.judge(inst, "<<<" + str(list(invalid)) + ">>>")
    assert not verdict.correct and "breaks constraint" in verdict.reason


@pytest.mark.parametrize(
    ("reply", "why"),
    [
        ('<<<["A", "C", "E", "F", "B"]>>>', "missing: D"),
        ('<<<["A", "C", "E", "F", "B", "B"]>>>', "repeated: B"),
        ('<<<["A", "C", "E", "F", "B", "G"]>>>', "not a book"),
        ('<<<["C", "A", "E", "F", "D", "B"]>>>', "constraint 5"),  # D left of B
        ('<<<["A", "E", "C", "F", "B", "D"]>>>', "constraint 1"),  # C not adjacent to A
        ("<<<[1, 2, 3, 4, 5, 6]>>>", "book letter"),
    ],
)
def test_near_misses(reply: str, why: str) -> None:
    verdict = TASK.judge(_inst(list("ABCDEF"), CONSTRAINTS), reply)
    assert not verdict.correct and why in verdict.reason, verdict.reason


@pytest.mark.parametrize(
    "reply", ["<<<['A', 'C', 'E', 'F', 'B', 'D']>>>", "<<<A, C, E, F, B, D>>>", '<<<["a","c","e","f","b","d"]>>>']
)
def test_accepted_spellings(reply: str) -> None:
    assert TASK.judge(_inst(list("ABCDEF"), CONSTRAINTS), reply).correct


def test_solver_agrees_with_brute_force_on_unsatisfiable() -> None:
    assert solve_arrangement(list("ABC"), [["left", "A", "B"], ["left", "B", "C"], ["left", "C", "A"]]) is None
    assert solve_arrangement(list("ABC"), [["at", "A", 2], ["adjacent", "B", "C"]]) is None


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10**6), st.integers(2, 7), st.integers(0, 9))
def test_solver_is_complete(seed, n, base) -> None:
    inst = TASK.generate(seed, size=(n, base))
    books, constraints = inst.data["books"], inst.data["constraints"]
    assert _valid(books, constraints)  # drawn to be solvable
    assert TASK.judge(inst, TASK.reference_answer(inst)).correct
    assert len(constraints) <= base + 1


def test_bad_knobs() -> None:
    with pytest.raises(ValueError):
        TASK.generate(0, size=(27, 3))


def test_released_items(original_root) -> None:
    instances, failures = load_task(original_root, TASK)
    assert not failures and instances
    for inst in instances:
        assert TASK.judge(inst, f"<<<{inst.data[RELEASED_ANSWER]}>>>").correct, inst.id
        assert TASK.judge(inst, TASK.reference_answer(inst)).correct
