"""Game 24: judge rules both ways, the solver, the generator's distribution and the released CSVs."""

from __future__ import annotations

from collections import Counter
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codesteer.symbench import get_task
from codesteer.symbench.errors import NoSolutionError
from codesteer.symbench.kit.arith import read_expression, two_pairs_reaching
from codesteer.symbench.original import load_task
from codesteer.symbench.task import RELEASED_ANSWER, Instance
from codesteer.symbench.tasks.game24 import draw_multiset, solve_numbers

from ..judging import assert_rejected

TASK = get_task("game24")


def puzzle(numbers: list[int], target: int = 24) -> Instance:
    return Instance(task="game24", id="t", question="q", data={"numbers": numbers, "target": target})


@pytest.mark.parametrize("answer", [
    "(4+8)*(6-4)",
    "(6-4)*(8+4)",
    "4*(8-(6-4))",
    "(4 + 8) * (6 - 4) = 24",
    "24 = (4+8)*(6-4)",
    "(4+8)×(6−4)",
    "[4+8]*[6-4]",
    "((8+4))*(6-4).",
])
def test_every_valid_expression_passes(answer: str) -> None:
    verdict = TASK.judge(puzzle([4, 4, 6, 8]), f"The answer is <<<{answer}>>>")
    assert verdict.correct, verdict.reason


def test_exact_arithmetic_accepts_fraction_tricks() -> None:
    assert TASK.judge(puzzle([3, 3, 8, 8]), "<<<8/(3-8/3)>>>").correct


@pytest.mark.parametrize(("answer", "reason"), [
    ("4+4+6+8", "equals 22"),
    ("(4+8)*(6-4)+1", "beyond the given numbers"),
    ("(4+8)*2", "does not use"),
    ("(4+8)*(6-4)*(4/4)", "beyond the given numbers"),
    ("-4+4+6*8/2", "sign in front"),
    ("4**2+8+4-6+2", "no powers"),
    ("4.0*6*(8-4)/4", "only the given integers"),
    ("4/(4-4)+6+8", "division by zero"),
    ("(4+8)*(6-4) = 25", "states the result"),
    ("(4+8)*(6-4) = 24 = 24", "more than one"),
    ("4(6)+8-8", "operator"),
    ("__import__('os').system('x')", "only numbers"),
    ("", "empty"),
])
def test_near_misses_fail_with_the_broken_rule(answer: str, reason: str) -> None:
    verdict = TASK.judge(puzzle([4, 4, 6, 8]), f"<<<{answer}>>>")
    assert not verdict.correct
    assert reason in verdict.reason


def test_solver_proves_unsolvable_puzzles() -> None:
    with pytest.raises(NoSolutionError):
        solve_numbers([1, 1, 1, 1], 24)


def test_paper_level_draws_solvable_puzzles_from_1_to_13() -> None:
    for seed in range(30):
        instance = TASK.generate(seed)
        assert len(instance.data["numbers"]) == 4 and instance.data["target"] == 24
        assert all(1 <= x <= 13 for x in instance.data["numbers"])
        assert TASK.judge(instance, TASK.reference_answer(instance)).correct


def test_ladder_grows_count_and_target() -> None:
    ladder = [TASK.levels[str(i)] for i in range(1, len(TASK.levels))]
    counts = [level["count"] for level in ladder]
    targets = [level["target"] for level in ladder]
    assert counts == sorted(counts) and targets == sorted(targets)
    assert counts[-1] > 20 and targets[-1] > 24


def test_multisets_are_drawn_uniformly() -> None:
    import random

    rng = random.Random(0)
    counts = Counter(tuple(draw_multiset(rng, 2, 1, 3)) for _ in range(6000))
    assert set(counts) == {(1, 1), (1, 2), (1, 3), (2, 2), (2, 3), (3, 3)}
    assert max(counts.values()) / min(counts.values()) < 1.25


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10**6), level=st.sampled_from(["paper", "2", "3"]))
def test_solver_answer_passes_and_a_changed_number_fails(seed: int, level: str) -> None:
    instance = TASK.generate(seed, level=level)
    answer = TASK.reference_answer(instance)
    assert TASK.judge(instance, answer).correct
    first = str(instance.data["numbers"][0])
    broken = answer.replace(first, str(int(first) + 100), 1)
    assert_rejected(TASK.judge(instance, broken),  # (the first digits equal to it may sit inside a longer number)
                    r"each given number must be used exactly once: the expression does not use \[\d+\] and uses \[\d+\]")


def test_released_csvs_load_and_golds_are_judged(original_root) -> None:
    instances, failures = load_task(original_root, TASK)
    assert not failures
    main = [i for i in instances if i.id.startswith("game24_dataset/24/24.csv#")]
    assert len(main) == 1362
    assert RELEASED_ANSWER not in main[0].data and main[0].data["numbers"] == [1, 1, 4, 6]
    assert TASK.judge(main[0], TASK.reference_answer(main[0])).correct
    by_file: dict[str, list[bool]] = {}
    for instance in instances:
        if RELEASED_ANSWER in instance.data:
            verdict = TASK.judge(instance, f"<<<{instance.data[RELEASED_ANSWER]}>>>")
            by_file.setdefault(instance.id.split("#")[0], []).append(verdict.correct)
    assert all(by_file["game24_dataset/24/24_4_number.csv"])
    assert all(by_file["game24_dataset/1920/1920_20_number.csv"])
    # The 80-number golds were found with floats: they only come close to 24.
    assert not any(by_file["game24_dataset/24/24_80_number.csv"])
    sample = next(i for i in instances if i.id == "game24_dataset/24/24_80_number.csv#0")
    assert "not 24" in TASK.judge(sample, f"<<<{sample.data[RELEASED_ANSWER]}>>>").reason
    assert sample.complexity == {"count": 80, "target": 24}


def test_solver_solves_the_large_released_rows(original_root) -> None:
    """Rows of 20 to 80 numbers that need two pairs (for the zero or the target) or several
    scaling numbers; the solver used to give up on them."""
    instances, _ = load_task(original_root, TASK)
    wanted = {"game24_dataset/24/24_40_number.csv#1", "game24_dataset/24/24_80_number.csv#6",
              "game24_dataset/61440/61440_20_number.csv#0", "game24_dataset/122880/122880_20_number.csv#1"}
    chosen = [i for i in instances if i.id in wanted]
    assert len(chosen) == len(wanted)
    for instance in chosen:
        assert TASK.judge(instance, TASK.reference_answer(instance)).correct, instance.id


def test_two_pairs_reaching() -> None:
    numbers = [100, 3, 107, 7, 1000]
    found = two_pairs_reaching(numbers, range(len(numbers)), Fraction(0))
    assert found is not None and len(set(found[0])) == 4  # e.g. (3+7)-(1000/100)
    value, used = read_expression(found[1])
    assert value == 0 and sorted(used) == sorted(numbers[i] for i in found[0])
    assert two_pairs_reaching([1, 2, 3], range(3), Fraction(24)) is None


def test_unreadable_rows_are_load_failures(tmp_path) -> None:
    folder = tmp_path / "game24_dataset/24"
    folder.mkdir(parents=True)
    (folder / "24_4_number.csv").write_text("Rank,Puzzles,Solutions\n1,4 4 x 8,\n2,1 2 3 4,(1+2+3)*4\n")
    instances, failures = load_task(tmp_path, TASK)
    assert [i.id for i in instances] == ["game24_dataset/24/24_4_number.csv#1"]
    assert failures[0][0] == "game24_dataset/24/24_4_number.csv#0" and "Puzzles" in failures[0][1]
    assert TASK.judge(instances[0], f"<<<{instances[0].data[RELEASED_ANSWER]}>>>").correct
