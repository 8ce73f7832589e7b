from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codesteer.symbench import get_task
from codesteer.symbench.answers import AnswerFormatError
from codesteer.symbench.errors import ExternalDataError
from codesteer.symbench.external import external_instances, load_bbh
from codesteer.symbench.kit.bbh import options_block, read_binary, read_choice, split_options
from codesteer.symbench.original import iter_task_items, load_task

OPTIONS = [["A", "12/11/1937"], ["B", "12/25/1937"], ["C", "01/04/1938"]]


@pytest.mark.parametrize(
    "answer", ["(B)", "B", "b", "(b)", "B)", " ( B ) ", "(B) 12/25/1937", "B. 12/25/1937", "12/25/1937",
               "(B): 12/25/1937."],
)
def test_choice_forms_a_fair_grader_accepts(answer: str) -> None:
    assert read_choice(answer, OPTIONS)[0] == "B"


@pytest.mark.parametrize(
    ("answer", "why"),
    [
        ("(B) 12/11/1937", "not option (B)"),
        ("(A), (B)", "names 2 options"),
        ("A or B", "names 2 options"),
        ("(A)(B)", "names 2 options"),
        ("A and b and C", "names 3 options"),
        ("(D)", "not one of the options"),
        ("12/26/1937", "expected one option letter"),
        ("Option B is right", "expected one option letter"),
        ("", "expected one option letter"),
    ],
)
def test_choice_near_misses(answer: str, why: str) -> None:
    with pytest.raises(AnswerFormatError, match=why.replace("(", r"\(").replace(")", r"\)")):
        read_choice(answer, OPTIONS)


def test_options_round_trip() -> None:
    block, options = options_block(["x", "y"])
    body, parsed = split_options("Intro\n" + block)
    assert body == "Intro" and parsed == options == [["A", "x"], ["B", "y"]]
    with pytest.raises(ValueError):
        split_options("no options here")


@pytest.mark.parametrize(("answer", "want"), [("Yes", "Yes"), ("yes.", "Yes"), ("NO", "No"), ("(No)", "No")])
def test_binary_reads(answer: str, want: str) -> None:
    assert read_binary(answer) == want


def test_binary_true_false() -> None:
    assert read_binary("true", ("True", "False")) == "True"
    with pytest.raises(AnswerFormatError):
        read_binary("Yes", ("True", "False"))


@pytest.mark.parametrize("answer", ["Yes/No", "Yes, No", "Yes and no", "True", "Y", "Maybe", ""])
def test_binary_near_misses(answer: str) -> None:
    with pytest.raises(AnswerFormatError, match="expected Yes or No"):
        read_binary(answer)


@pytest.mark.parametrize("name", ["web_of_lies", "navigate", "logical_deduction", "date_understanding"])
def test_external_loader_reads_the_released_items_alike(name: str, original_root) -> None:
    task = get_task(name)
    stem = Path(task.original_dirs[0]).stem
    instances = external_instances(task, load_bbh(stem, original_root), f"bbh/{stem}.json")
    released, _ = load_task(original_root, task)
    assert [i.question for i in instances] == [i.question for i in released]
    assert [i.data for i in instances] == [i.data for i in released]


def test_external_loader_explains_a_wrong_path(tmp_path) -> None:
    with pytest.raises(ExternalDataError, match="does not hold"):
        load_bbh("navigate", tmp_path)


@pytest.mark.parametrize(("name", "wrong"), [("web_of_lies", {"Yes": "No", "No": "Yes"}),
                                             ("navigate", {"Yes": "No", "No": "Yes"}),
                                             ("logical_deduction", None)])
def test_a_released_gold_breaking_the_rules_is_rejected(name: str, wrong, original_root) -> None:
    task = get_task(name)
    item = next(iter_task_items(original_root, task))
    gold = item.solution
    item.solution = wrong[gold] if wrong else ("(A)" if gold != "(A)" else "(B)")
    inst = task.from_original(item)
    assert inst.data["target"] == gold  # computed from the parsed item, not read
    verdict = task.judge(inst, f"<<<{item.solution}>>>")
    assert not verdict.correct and verdict.reason


@settings(max_examples=30, deadline=None)
@given(st.text(max_size=40))
def test_any_text_gives_one_option_or_a_reason(text: str) -> None:
    try:
        letter, _ = read_choice(text, OPTIONS)
    except AnswerFormatError as exc:
        assert str(exc)
    else:
        assert letter in {"A", "B", "C"}
