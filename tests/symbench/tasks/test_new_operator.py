from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codesteer.symbench import get_task
from codesteer.symbench.original import load_task
from codesteer.symbench.task import RELEASED_ANSWER
from codesteer.symbench.tasks.new_operator import (
    eval_formula,
    evaluate,
    parse_expression,
    render,
    sub_expressions,
)

from ..judging import assert_rejected

TASK = get_task("new_operator")
OPS = {"~": "1*a*b", "&": "5*a+5*b", "@": "3*a*b", "#": "(a + b)/b"}


def _inst(ops, expression):
    inst = TASK.generate(0)
    inst.data.update(operators=ops, expression=expression)
    return inst


def test_formulas_and_evaluation_orders() -> None:
    assert eval_formula("(a + b)/b", Fraction(1), Fraction(3)) == Fraction(4, 3)
    tree = parse_expression("(3~4)&5@6")
    assert evaluate(tree, OPS) == 3 * (5 * 12 + 25) * 6
    assert evaluate(tree, OPS, right_first=True) == 5 * 12 + 5 * 90
    assert render(tree) == "(3~4)&5@6"
    assert ("5@6", 90) in sub_expressions(tree, OPS)
    with pytest.raises(ValueError):
        eval_formula("__import__('os')", Fraction(1), Fraction(1))
    with pytest.raises(ValueError):
        parse_expression("(3~4")


def test_judge_accepts_number_forms() -> None:
    inst = _inst({"#": "(a + b)/b"}, "(1#3)#5")  # (4/3 + 5) / 5 = 19/15
    for ok in ("<<<19/15>>>", "<<<1.2667>>>", "<<<1.27>>>", "<<<[1.2666666666666666]>>>"):
        assert TASK.judge(inst, ok).correct, ok
    for bad, reason in (("<<<1.2>>>", "= 19/15, not 6/5"), ("<<<1.3>>>", "= 19/15, not 13/10"),
                        ("<<<19/16>>>", "= 19/15, not 19/16"), ("<<<[1.27, 2]>>>", "expected one number, got 2"),
                        ("<<<1.27 or so>>>", "not a number")):
        assert_rejected(TASK.judge(inst, bad), reason)


def test_a_fraction_must_be_exact_a_decimal_may_be_rounded() -> None:
    inst = _inst({"#": "(a + b)/b"}, "59#405")  # (59 + 405) / 405 = 464/405 = 1.14567...
    for ok in ("<<<464/405>>>", "<<<928/810>>>", "<<<1.15>>>", "<<<1.1457>>>", "<<<1.145679012345679>>>"):
        assert TASK.judge(inst, ok).correct, ok
    for near in ("462/405", "463/405", "465/405", "1"):  # within 0.005 of the value, but exact forms
        assert_rejected(TASK.judge(inst, f"<<<{near}>>>"), r"59#405 = 464/405, not ")
    assert_rejected(TASK.judge(inst, "<<<1.14>>>"), r"= 464/405, not 57/50")


def test_judge_names_a_partial_evaluation() -> None:
    inst = _inst({"&": "4*a+2*b"}, "(5&3)&6")
    assert TASK.judge(inst, "<<<116>>>").correct
    verdict = TASK.judge(inst, "<<<26>>>")
    assert not verdict.correct and "part 5&3 alone" in verdict.reason
    verdict = TASK.judge(inst, "<<<117>>>")
    assert not verdict.correct and "= 116, not 117" in verdict.reason


def test_generated_expressions_are_fully_bracketed() -> None:
    for seed in range(20):
        inst = TASK.generate(seed, level="5")
        tree = parse_expression(inst.data["expression"])
        ops = inst.data["operators"]
        assert evaluate(tree, ops) == evaluate(tree, ops, right_first=True)
        for symbol, formula in ops.items():
            assert f"Define a{symbol}b to be {formula}." in inst.question


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 10**6), st.sampled_from([(1, 1), (1, 2), (3, 3), (2, 6), (6, 9)]))
def test_solver_passes_and_off_values_fail(seed, size) -> None:
    inst = TASK.generate(seed, size=size)
    answer = TASK.reference_answer(inst)
    assert TASK.judge(inst, answer).correct
    value = Fraction(answer[3:-3])
    off = value + Fraction(1, 50) + abs(value) / 10**6
    assert_rejected(TASK.judge(inst, f"<<<{off}>>>"), rf" = {value}, not {off}$|is the value of the part")


def test_bad_knobs() -> None:
    with pytest.raises(ValueError):
        TASK.generate(0, size=(3, 2))


def test_released_items(original_root) -> None:
    instances, failures = load_task(original_root, TASK)
    assert not failures and instances
    for inst in instances:
        verdict = TASK.judge(inst, f"<<<{inst.data[RELEASED_ANSWER]}>>>")
        if inst.complexity["complexity"] == 2:
            assert verdict.correct, inst.id
        else:  # the release's complexity-5 golds are the value of one part only
            assert not verdict.correct and "alone, not of the whole expression" in verdict.reason, inst.id
        assert TASK.judge(inst, TASK.reference_answer(inst)).correct
    sample0 = next(i for i in instances if i.id.endswith("sample_0"))
    assert TASK.judge(sample0, "<<<1530>>>").correct and TASK.judge(sample0, "<<<510>>>").correct
