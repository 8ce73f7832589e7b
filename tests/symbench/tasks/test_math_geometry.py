"""MATH Geometry: loaded from the release, judged by equivalence with the last \\boxed answer."""

from __future__ import annotations

import pytest

from codesteer.symbench import get_task
from codesteer.symbench.original import load_task
from codesteer.symbench.task import RELEASED_ANSWER, OriginalItem

TASK = get_task("math_geometry")


@pytest.fixture(scope="module")
def instances(original_root):
    loaded, failures = load_task(original_root, TASK)
    assert not failures
    return {i.id: i for i in loaded}


def test_released_items_load_with_boxed_golds(instances) -> None:
    assert set(instances) == {f"MATH/train/geometry/{k}.json" for k in range(1, 6)}
    assert instances["MATH/train/geometry/1.json"].data[RELEASED_ANSWER] == "(18, -18)"
    assert instances["MATH/train/geometry/3.json"].data["level"] == "Level 1"
    for instance in instances.values():
        assert TASK.judge(instance, f"<<<{instance.data[RELEASED_ANSWER]}>>>").correct


@pytest.mark.parametrize(("item", "right", "wrong"), [
    ("1.json", r"\left(18,-18\right)", "(-18, 18)"),
    ("2.json", "0.6", r"\frac{3}{4}"),
    ("3.json", r"110^\circ", "70"),
    ("4.json", r"\boxed{280\text{ feet}}", "284"),
])
def test_equivalent_answers_pass_and_near_misses_fail(instances, item: str, right: str, wrong: str) -> None:
    instance = instances[f"MATH/train/geometry/{item}"]
    assert TASK.judge(instance, f"<<<{right}>>>").correct
    verdict = TASK.judge(instance, f"<<<{wrong}>>>")
    assert not verdict.correct and "not equivalent" in verdict.reason


def test_items_without_a_boxed_answer_are_rejected(tmp_path) -> None:
    from codesteer.symbench.task import OriginalDataError

    item = OriginalItem("geometry", "x.json", tmp_path, solution="no box", record={"problem": "p", "solution": "no box"})
    with pytest.raises(OriginalDataError, match="boxed"):
        TASK.from_original(item)
