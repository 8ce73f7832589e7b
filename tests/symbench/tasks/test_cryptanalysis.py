from __future__ import annotations

import pytest

from codesteer.symbench import get_task
from codesteer.symbench.answers import AnswerFormatError
from codesteer.symbench.original import load_task
from codesteer.symbench.task import RELEASED_ANSWER
from codesteer.symbench.tasks.cryptanalysis import (
    consistent,
    describe,
    feedback,
    parse_feedback,
    parse_password,
)

TASK = get_task("cryptanalysis")


def test_feedback_rules_on_a_released_example() -> None:
    # password 53FA, released sample_0 conditions
    assert feedback("38TA", "53FA", 2) == ((0, 1, 1, "large"), (1, 0, 1, "large"))
    assert feedback("19QH", "53FA", 2) == ((0, 0, 2, ""), (0, 0, 2, "large"))  # 1 small, 9 large: mixed
    assert feedback("12EF", "53FA", 2) == ((0, 0, 2, "small"), (0, 1, 1, ""))  # E is between A and F


def test_describe_and_parse_round_trip() -> None:
    for fb, size in (((0, 1, 1, "large"), 2), ((2, 0, 0, ""), 2), ((1, 1, 1, "small"), 3), ((0, 0, 3, ""), 3)):
        numbers = describe(fb, size, "number")
        letters = describe((0, 0, size, "large"), size, "letter")
        assert parse_feedback("; ".join(numbers + letters), size, size) == (fb, (0, 0, size, "large"))
    released = "one number is correct but in the wrong position; one number is incorrect and incorrect; " \
               "both letters are incorrect and too early in the alphabet."
    assert parse_feedback(released, 2, 2) == ((0, 1, 1, ""), (0, 0, 2, "small"))
    with pytest.raises(ValueError):
        parse_feedback("both numbers are incorrect.", 2, 2)


def test_parse_password_formats() -> None:
    for text in ('["5", "3", "F", "A"]', "['5','3','F','A']", "[5, 3, F, A]", "5, 3, F, A", "5 3 F A", "53FA", "53fa", "53 FA"):
        assert parse_password(text, 4) == "53FA", text
    for bad in ("53F", "5, 3, FA, B", "53FA!", "[5, 3, F, A, 1]", "5-3-F-A"):
        with pytest.raises(AnswerFormatError):
            parse_password(bad, 4)


def test_generated_password_is_unique_and_judged_by_the_conditions() -> None:
    instance = TASK.generate(7, level="2")
    data = instance.data
    found = consistent(data["conditions"], data["digits"], data["letters"])
    assert len(found) == 1 and data["unique"]
    secret = found[0]
    assert TASK.judge(instance, "<<<" + ", ".join(secret) + ">>>").correct
    # a near miss: swap the two last letters, or change one digit
    for wrong in (secret[:-2] + secret[-1] + secret[-2], str((int(secret[0]) + 1) % 10) + secret[1:]):
        if len(set(wrong[: data["digits"]])) < data["digits"]:
            assert "must not repeat" in TASK.judge(instance, f"<<<{wrong}>>>").reason
        else:
            assert "condition" in TASK.judge(instance, f"<<<{wrong}>>>").reason
    assert "must not repeat" in TASK.judge(instance, "<<<" + "1" * data["digits"] + "AB"[: 1] * data["letters"] + ">>>").reason
    assert "followed by" in TASK.judge(instance, "<<<" + "A" * (data["digits"] + data["letters"]) + ">>>").reason


def test_every_consistent_password_passes() -> None:
    instance = TASK.generate(1)
    data = instance.data
    partial = data["conditions"][:1]  # with fewer conditions several passwords fit; all must pass
    instance.data["conditions"] = partial
    fitting = consistent(partial, 2, 2)
    assert len(fitting) > 1
    for code in fitting[:: max(1, len(fitting) // 20)]:
        assert TASK.judge(instance, f"<<<{code}>>>").correct


def test_released_items_load_and_their_golds_pass(original_root) -> None:
    instances, failures = load_task(original_root, TASK)
    assert instances and not failures
    for instance in instances:
        assert TASK.judge(instance, f"<<< {instance.data[RELEASED_ANSWER]} >>>").correct
        assert instance.data["unique"]
