from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from codesteer.symbench import get_task
from codesteer.symbench.errors import NoSolutionError
from codesteer.symbench.original import load_task
from codesteer.symbench.task import RELEASED_ANSWER, OriginalItem
from codesteer.symbench.tasks.date_understanding import PAPER_OFFSETS, mmddyyyy, nth_weekday, resolve, shift

from ..judging import assert_rejected

TASK = get_task("date_understanding")


def test_date_arithmetic() -> None:
    assert shift(date(1937, 12, 24), (0, 0, 1)) == date(1937, 12, 25)
    assert shift(date(2020, 3, 15), (0, -1, 0)) == date(2020, 2, 15)
    assert shift(date(2021, 1, 10), (-1, -2, -3)) == date(2019, 11, 7)
    assert shift(date(2021, 3, 31), (0, -1, 0)) == date(2021, 2, 28)  # clamped to the month's end
    assert shift(date(2016, 2, 29), (-1, 0, 0)) == date(2015, 2, 28)
    assert mmddyyyy(date(987, 1, 2)) == "01/02/0987"
    assert nth_weekday(2019, 11, 3, 4) == date(2019, 11, 28)  # US Thanksgiving 2019


@pytest.mark.parametrize(
    ("spec", "today"),
    [
        ({"kind": "shift", "date": "2019-11-12", "days": -1}, date(2019, 11, 11)),  # tomorrow is 11/12
        ({"kind": "day_first", "written": "02/01/1987"}, date(1987, 1, 2)),
        ({"kind": "month_end", "year": 1900, "month": 2}, date(1900, 2, 28)),  # not a leap year
        ({"kind": "month_end", "year": 2000, "month": 2}, date(2000, 2, 29)),
        ({"kind": "years_after", "date": "1958-01-02", "years": 5}, date(1963, 1, 2)),
        ({"kind": "monthly", "year": 2009, "month": 10, "day": 16, "count": 5}, date(2010, 2, 16)),
        ({"kind": "hours_before_new_year", "year": 2015, "hours": 36}, date(2014, 12, 30)),
        ({"kind": "hours_before_new_year", "year": 2015, "hours": 5}, date(2014, 12, 31)),
    ],
)
def test_scenarios_resolve(spec, today) -> None:
    assert resolve(spec) == today


def _generated(level: str = "paper", seed: int = 0):
    return TASK.generate(seed, level=level)


def test_right_answers_in_every_fair_form() -> None:
    inst = _generated()
    gold = inst.data["target"][1]
    text = dict(inst.data["options"])[gold]
    for reply in (f"<<<({gold})>>>", f"<<<{gold}>>>", f"<<<({gold.lower()})>>>", f"<<<({gold}) {text}>>>",
                  f"<<<{text}>>>", f"The answer: <<<({gold}).>>>"):
        assert TASK.judge(inst, reply).correct, reply


def test_near_misses_fail_with_a_reason() -> None:
    inst = _generated()
    gold = inst.data["target"][1]
    options = dict(inst.data["options"])
    other = next(letter for letter in options if letter != gold)
    wrong = TASK.judge(inst, f"<<<({other})>>>")
    assert not wrong.correct and "today is" in wrong.reason and f"true option is ({gold})" in wrong.reason
    assert_rejected(TASK.judge(inst, f"<<<{options[other]}>>>"), f"option \\({other}\\) .* is false")
    assert "not option" in TASK.judge(inst, f"<<<({gold}) {options[other]}>>>").reason
    assert "names 2 options" in TASK.judge(inst, f"<<<({gold}), ({other})>>>").reason
    assert_rejected(TASK.judge(inst, "<<<(Z)>>>"), r"\(Z\) is not one of the options")
    assert_rejected(TASK.judge(inst, f"({gold})"), r"^no <<<\.\.\.>>> answer found$")  # not wrapped


@pytest.mark.parametrize("level", list(TASK.levels))
def test_exactly_one_option_is_right(level: str) -> None:
    for seed in range(15):
        inst = _generated(level, seed)
        today = resolve(inst.data["scenario"])
        answer = mmddyyyy(shift(today, tuple(inst.data["offset"])))
        texts = [text for _, text in inst.data["options"]]
        assert texts.count(answer) == 1 and len(set(texts)) == len(texts)
        assert inst.complexity["options"] == len(texts) >= 5
        assert dict(inst.data["options"])[inst.data["target"][1]] == answer


def test_levels_reach_beyond_the_paper() -> None:
    paper_offsets = [list(offset) for _, offset in PAPER_OFFSETS]
    assert all(_generated("1", seed).data["offset"] in paper_offsets for seed in range(10))
    compound = _generated("6", 3).data["offset"]
    assert all(compound) and abs(compound[0]) >= 1


DEFECTIVE_SCENARIOS = (
    "2015 is coming in 36 hours.",
    "Jane is celebrating the last day of Jan 2012.",
    "Jane and John married on Jan 2, 1958. It is their 5-year anniversary today.",
    "In the US, Thanksgiving is on the fourth Thursday of November. Today is the US Thanksgiving of 2001.",
)


def _released(original_root):
    instances, failures = load_task(original_root, TASK)
    assert not failures and len(instances) >= 50
    return instances


def _defective(instances):
    return [i for i in instances if not TASK.judge(i, f"<<<{i.data[RELEASED_ANSWER]}>>>").correct]


def test_released_items_load_and_their_golds_pass(original_root) -> None:
    instances = _released(original_root)
    assert {len(inst.data["options"]) for inst in instances} <= {5, 6}
    defective = _defective(instances)
    assert all(inst.question.startswith(DEFECTIVE_SCENARIOS) for inst in defective)
    for inst in instances:
        if inst in defective:
            continue
        gold = inst.data[RELEASED_ANSWER]
        text = dict(inst.data["options"])[gold[1]]
        assert TASK.judge(inst, f"<<<{gold} {text}>>>").correct
        other = next(letter for letter, _ in inst.data["options"] if letter != gold[1])
        assert_rejected(TASK.judge(inst, f"<<<({other})>>>"), f"option \\({other}\\) .* is false; the true option is")
        if inst.data["scenario"]:  # the scenario was read back: the solver recomputes the gold
            assert TASK.reference_answer(inst) == f"<<<{gold}>>>", inst.id


def test_released_scenarios_are_read_back(original_root) -> None:
    instances = _released(original_root)
    assert all(inst.data["scenario"] for inst in instances)
    clamped = next(i for i in instances if i.question.startswith("Today is the last day of the first quarter of 2008")
                   and "a month ago" in i.question)
    assert TASK.reference_answer(clamped) == f"<<<{clamped.data[RELEASED_ANSWER]}>>>"  # 02/29/2008


def test_defective_released_golds_are_rejected_with_the_computation(original_root) -> None:
    defective = _defective(_released(original_root))
    by_kind = {"another option": 0, "ill-posed": 0}
    for inst in defective:
        verdict = TASK.judge(inst, f"<<<{inst.data[RELEASED_ANSWER]}>>>")
        assert "today is" in verdict.reason
        if inst.data["target"] is None:
            assert "ill-posed item" in verdict.reason and "which no option shows" in verdict.reason
            assert not any(TASK.judge(inst, f"<<<({letter})>>>").correct for letter, _ in inst.data["options"])
            with pytest.raises(NoSolutionError, match=r"ill-posed.*which no option shows"):
                TASK.reference_answer(inst)
            by_kind["ill-posed"] += 1
        else:
            assert TASK.judge(inst, TASK.reference_answer(inst)).correct
            by_kind["another option"] += 1
    jan = next(i for i in defective if "Jan 2012" in i.question)
    assert "today is 01/31/2012, so the date one week from today is 02/07/2012" in TASK.judge(
        jan, f"<<<{jan.data[RELEASED_ANSWER]}>>>").reason
    assert by_kind == {"another option": 7, "ill-posed": 13}


def test_unknown_released_wording_keeps_the_gold() -> None:
    text = "Jane met a dragon on a Tuesday. What is the date today in MM/DD/YYYY?\nOptions:\n(A) 01/01/2000\n(B) 01/02/2000"
    inst = TASK.from_original(OriginalItem("x", "x#0", Path("x"), question=text, solution="(B)"))
    assert inst.data["scenario"] is None and inst.data["target"] == "(B)"
    assert TASK.judge(inst, "<<<B>>>").correct and not TASK.judge(inst, "<<<A>>>").correct
    with pytest.raises(ValueError, match="wording the reader does not know"):
        TASK.reference_answer(inst)
