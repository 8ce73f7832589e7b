"""MATH Counting & Probability: loaded from the release, judged by equivalence (fractions, binomials)."""

from __future__ import annotations

import pytest

from codesteer.symbench import get_task
from codesteer.symbench.original import load_task
from codesteer.symbench.task import RELEASED_ANSWER

from ..judging import assert_rejected

TASK = get_task("math_counting_probability")


@pytest.fixture(scope="module")
def instances(original_root):
    loaded, failures = load_task(original_root, TASK)
    assert not failures
    return {i.id.rsplit("/", 1)[1]: i for i in loaded}


def test_released_golds_load_and_pass(instances) -> None:
    assert instances["8.json"].data[RELEASED_ANSWER] == r"\frac{7}{33}"
    assert instances["11.json"].data[RELEASED_ANSWER] == r"\frac{502}{2009}"
    for instance in instances.values():
        assert TASK.judge(instance, f"<<<{instance.data[RELEASED_ANSWER]}>>>").correct


@pytest.mark.parametrize(("item", "right", "wrong"), [
    ("8.json", "7/33", "7/32"),
    ("8.json", r"\dfrac{14}{66}", "0.2121"),
    ("9.json", r"\binom{17}{9}", "24311"),
    ("5.json", "9!", "10!"),
    ("1.json", "10^3", "1001"),
])
def test_equivalent_answers_pass_and_near_misses_fail(instances, item: str, right: str, wrong: str) -> None:
    instance = instances[item]
    assert TASK.judge(instance, f"<<<{right}>>>").correct
    assert_rejected(TASK.judge(instance, f"<<<{wrong}>>>"), "^not equivalent to the reference answer")


def test_only_the_paper_level() -> None:
    assert list(TASK.levels) == ["paper"] and not TASK.has_generator and not TASK.has_solver
