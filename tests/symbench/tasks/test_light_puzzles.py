from __future__ import annotations

from codesteer.symbench.original import load_task
from codesteer.symbench.task import RELEASED_ANSWER
from codesteer.symbench.tasks.light_puzzles import LightPuzzles, press_all, question_text

from ..judging import assert_rejected

TASK = LightPuzzles()


def test_press_toggles_each_listed_cell_once_per_press() -> None:
    initial = [[0, 0], [0, 1]]
    buttons = {"A": [(1, 1), (2, 2)], "B": [(1, 2)]}
    assert press_all(initial, buttons, ["A"]) == [[1, 0], [0, 0]]
    assert press_all(initial, buttons, ["A", "A"]) == initial
    assert press_all(initial, buttons, ["A", "B"]) == [[1, 1], [0, 0]]
    assert initial == [[0, 0], [0, 1]]


def test_judge_accepts_the_simulated_grid_in_flat_and_nested_forms() -> None:
    inst = TASK.generate(3)
    answer = TASK.reference_answer(inst)
    assert TASK.judge(inst, answer).correct
    values = answer[3:-3].split(",")
    n = inst.data["n"]
    nested = "[" + ",".join("[" + ",".join(values[r * n:(r + 1) * n]) + "]" for r in range(n)) + "]"
    assert TASK.judge(inst, f"<<<{nested}>>>").correct
    assert TASK.judge(inst, f"<<<[{', '.join(values)}]>>>").correct


def test_near_misses_fail_with_a_reason() -> None:
    inst = TASK.generate(5)
    values = TASK.reference_answer(inst)[3:-3].split(",")
    flipped = values[:]
    flipped[7] = "1" if flipped[7] == "0" else "0"
    verdict = TASK.judge(inst, "<<<" + ",".join(flipped) + ">>>")
    assert not verdict.correct and "light (2, 3)" in verdict.reason
    assert "expected 25" in TASK.judge(inst, "<<<" + ",".join(values[:-1]) + ">>>").reason
    assert "0 or 1" in TASK.judge(inst, "<<<" + ",".join(["2", *values[1:]]) + ">>>").reason
    initial = ",".join(str(v) for row in inst.data["initial_state"] for v in row)
    if initial != ",".join(values):
        assert_rejected(TASK.judge(inst, f"<<<{initial}>>>"), r"light\(s\) wrong: light \(\d+, \d+\) ends")


def test_ladder_grows() -> None:
    top = TASK.generate(1, level="6")
    assert top.data["n"] == 20 and len(top.data["operations"]) == 40
    assert TASK.judge(top, TASK.reference_answer(top)).correct


def test_released_items_load_and_their_golds_pass(original_root) -> None:
    instances, failures = load_task(original_root, TASK)
    assert not failures and instances
    for inst in instances:
        assert inst.source.startswith("original:light_puzzles_dataset/")
        assert TASK.judge(inst, f"<<<{inst.data[RELEASED_ANSWER]}>>>").correct, inst.id
        assert TASK.reference_answer(inst) == f"<<<{inst.data[RELEASED_ANSWER]}>>>"
        d = inst.data
        buttons = {k: [tuple(c) for c in v] for k, v in d["buttons"].items()}
        assert question_text(d["initial_state"], buttons, d["operations"]) == inst.question
