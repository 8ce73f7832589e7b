"""Cryptanalysis (unseen): deduce a lock's password (distinct digits, then distinct letters) from
guesses with Mastermind-like feedback.

Feedback rule, per group (numbers, letters) of a guess: each guessed symbol is correct and in the
correct position, correct but in the wrong position, or incorrect; an incorrect symbol is "too
small" / "too large" (letters: "too early" / "too late in the alphabet") when it is below /
above every symbol of that group in the password. Incorrect symbols are described together:
the direction is stated only when all of them share it (the release's "both numbers are
incorrect" covers mixed or no direction). One simulator (:func:`feedback`) writes the
feedback, filters candidates for the generator and solver, and checks answers.

Answer: ``<<< ["X", "Y", "Z", "W"] >>>`` (digits first, then letters), as the question asks;
also read without quotes or brackets (``5, 3, F, A``), space-separated or run together
(``53FA``, the released extractor's format, or ``53 FA``); letters are case-insensitive. Judged by the rules:
the password must have the right shape and reproduce every condition's feedback, so any
password consistent with all conditions passes (the generator makes it unique; the reason
names the first condition a wrong answer contradicts).

Knobs: ``digits`` and ``letters`` (password shape), ``choices`` (random guesses compared per
step; the most informative one is kept, so higher values mean fewer conditions). The generator
adds guesses until exactly one password fits (``data["unique"]``, also computed for released
items). Levels: ``paper`` = 2 digits + 2 letters with plain random guesses (the release);
``1``..``5`` = shapes 2+2, 3+2, 3+3 and 4+3 with informative guesses, then 4+3 with plain random
guesses (more conditions).

Deviations: generated questions spell out the meaning of too small / too large and write
"one number is incorrect" where the release wrote "incorrect and incorrect" (its wording is
still read); the released judge compared the joined string only, so the list format its own
question asks for could fail; ours reads both. Released golds are all consistent.
"""

from __future__ import annotations

import random
import re
import string
from collections.abc import Sequence
from itertools import permutations
from typing import Any, ClassVar

from codesteer.symbench.answers import AnswerFormatError
from codesteer.symbench.errors import NoSolutionError
from codesteer.symbench.kit.common import and_list, instance_from_folder_item, released_solution
from codesteer.symbench.task import (
    RELEASED_ANSWER,
    Instance,
    Knob,
    OriginalDataError,
    OriginalItem,
    Task,
    Verdict,
)

#: One group's feedback: (right place, wrong place, incorrect count, shared direction or "").
GroupFeedback = tuple[int, int, int, str]
_WORDS = ("zero", "one", "two", "three", "four", "five", "six")
_DIRECTION_WORDS = {
    ("number", "small"): "too small",
    ("number", "large"): "too large",
    ("letter", "small"): "too early in the alphabet",
    ("letter", "large"): "too late in the alphabet",
}
_DIRECTION_OF = {text: word for (_, word), text in _DIRECTION_WORDS.items()}
_PHRASE = re.compile(
    r"(one|two|three|four|five|six|both|all \w+) (number|letter)s? (?:is|are) "
    r"(correct and in the correct positions?|correct but in the wrong positions?|incorrect"
    r"(?: and (too small|too large|too early in the alphabet|too late in the alphabet|incorrect))?)"
)
_CONDITION = re.compile(r"^\s*(\d+)\. Guess: (\w+), Feedback: (.*?)\s*$", re.MULTILINE)
_PLACEHOLDERS = "XYZWVUTS"
#: Remaining codes sampled to score a candidate guess while generating.
_SCORE_SAMPLE = 300


def group_feedback(guess: Sequence[str], secret: Sequence[str]) -> GroupFeedback:
    """Feedback for one group of symbols of a guess against the password's group."""
    right = wrong = 0
    low, high = min(secret), max(secret)
    direction = None
    for g, s in zip(guess, secret, strict=True):
        if g == s:
            right += 1
        elif g not in secret:
            wrong += 1
            side = "small" if g < low else "large" if g > high else ""
            direction = side if direction is None or direction == side else ""
    return right, len(guess) - right - wrong, wrong, direction or ""


def feedback(guess: str, secret: str, digits: int) -> tuple[GroupFeedback, GroupFeedback]:
    """(numbers feedback, letters feedback) of ``guess`` for the password ``secret``."""
    return (
        group_feedback(guess[:digits], secret[:digits]),
        group_feedback(guess[digits:], secret[digits:]),
    )


def describe(fb: GroupFeedback, size: int, noun: str) -> list[str]:
    """Feedback phrases for one group, in the release's wording."""

    def count(n: int) -> str:
        if n == size:
            return "both" if n == 2 else f"all {_WORDS[n]}"
        return _WORDS[n]

    right, misplaced, wrong, direction = fb
    parts = []
    for n, status in ((right, "correct and in the correct position"), (misplaced, "correct but in the wrong position")):
        if n:
            parts.append(f"{count(n)} {noun}{'s' if n > 1 else ''} {'are' if n > 1 else 'is'} {status}")
    if wrong:
        status = "incorrect" + (f" and {_DIRECTION_WORDS[noun, direction]}" if direction else "")
        parts.append(f"{count(wrong)} {noun}{'s' if wrong > 1 else ''} {'are' if wrong > 1 else 'is'} {status}")
    return parts


def parse_feedback(text: str, digits: int, letters: int) -> tuple[GroupFeedback, GroupFeedback]:
    """Read released or generated feedback text back into (numbers, letters) feedback."""
    counts = {"number": [0, 0, 0], "letter": [0, 0, 0]}
    directions: dict[str, set[str]] = {"number": set(), "letter": set()}
    sizes = {"number": digits, "letter": letters}
    for quantity, noun, status, direction in _PHRASE.findall(text):
        if quantity in ("both", "one") or quantity.startswith("all"):
            n = 1 if quantity == "one" else sizes[noun]
        else:
            n = _WORDS.index(quantity)
        if status.startswith("correct and"):
            counts[noun][0] += n
        elif status.startswith("correct but"):
            counts[noun][1] += n
        else:
            counts[noun][2] += n
            directions[noun].add(_DIRECTION_OF.get(direction, ""))
    result = []
    for noun in ("number", "letter"):
        right, misplaced, wrong = counts[noun]
        if right + misplaced + wrong != sizes[noun]:
            raise ValueError(f"feedback does not describe all {sizes[noun]} {noun}s: {text!r}")
        shared = directions[noun].pop() if len(directions[noun]) == 1 else ""
        result.append((right, misplaced, wrong, shared))
    return result[0], result[1]


def _codes(alphabet: str, size: int) -> list[str]:
    return ["".join(p) for p in permutations(alphabet, size)]


def consistent(conditions: Sequence[tuple[str, Any]], digits: int, letters: int) -> list[str]:
    """Every password consistent with all ``(guess, feedback)`` conditions (the solver)."""
    number_codes = _codes(string.digits, digits)
    letter_codes = _codes(string.ascii_uppercase, letters)
    for guess, (numbers_fb, letters_fb) in conditions:
        number_codes = [c for c in number_codes if group_feedback(guess[:digits], c) == tuple(numbers_fb)]
        letter_codes = [c for c in letter_codes if group_feedback(guess[digits:], c) == tuple(letters_fb)]
    return [n + letter for n in number_codes for letter in letter_codes]


def question_text(conditions: Sequence[tuple[str, Any]], digits: int, letters: int, *, explain: bool) -> str:
    noun_d = f"{_WORDS[digits]} numbers"
    noun_l = f"{_WORDS[letters]} letters"
    lines = [
        f"Please deduce the correct password based on the following {len(conditions)} known conditions:",
        f"A certain combination lock consists of {noun_d} and {noun_l}, with neither the numbers "
        "nor the letters repeating.",
    ]
    if explain:
        lines.append(
            "An incorrect number is too small (too large) when it is smaller (larger) than every "
            "number of the password, and an incorrect letter is too early (too late) in the "
            "alphabet when it comes before (after) every letter of the password; when several "
            "are incorrect, the direction is given only if it holds for all of them."
        )
    for i, (guess, (numbers_fb, letters_fb)) in enumerate(conditions, start=1):
        parts = describe(tuple(numbers_fb), digits, "number") + describe(tuple(letters_fb), letters, "letter")
        lines.append(f"{i}. Guess: {guess}, Feedback: {'; '.join(parts)}.")
    names = _PLACEHOLDERS[: digits + letters]
    shown = ", ".join(f'"{c}"' for c in names)
    lines.append(
        f"Please provide your answer in the format <<< [{shown}] >>> where {and_list(names[:digits])} "
        f"are the numbers and {and_list(names[digits:])} are the letters of the password."
    )
    return "\n".join(lines) + "\n"


def parse_password(answer: str, size: int) -> str:
    """The password's symbols from a list, separated symbols, or runs adding up to ``size`` symbols."""
    text = re.sub(r"[\[\]()'\"`]", " ", answer)
    tokens = [t for t in re.split(r"[\s,;]+", text) if t]
    if len(tokens) != size and len("".join(tokens)) == size:
        tokens = list("".join(tokens))
    if len(tokens) != size or any(len(t) != 1 or not (t.isascii() and t.isalnum()) for t in tokens):
        raise AnswerFormatError(f"expected {size} single digits (0-9) or letters (A-Z), got {answer[:60]!r}")
    return "".join(tokens).upper()


class Cryptanalysis(Task):
    name = "cryptanalysis"
    title = "Cryptanalysis"
    seen = False
    knobs = (
        Knob("digits", "distinct digits at the start of the password", 2),
        Knob("letters", "distinct letters at the end of the password", 2),
        Knob("choices", "random guesses compared per step (1 = plain random guesses)", 1),
    )
    levels: ClassVar[dict[str, dict[str, Any]]] = {
        "paper": {"digits": 2, "letters": 2, "choices": 1},
        "1": {"digits": 2, "letters": 2, "choices": 4},
        "2": {"digits": 3, "letters": 2, "choices": 4},
        "3": {"digits": 3, "letters": 3, "choices": 4},
        "4": {"digits": 4, "letters": 3, "choices": 4},
        "5": {"digits": 4, "letters": 3, "choices": 1},
    }
    answer_format = '<<< ["X", "Y", "Z", "W"] >>>: the password\'s digits, then its letters'
    original_dirs = ("cryptanalysis",)

    def _generate(self, rng: random.Random, *, digits: int, letters: int, choices: int) -> tuple[str, dict[str, Any]]:
        if not (1 <= digits <= 5 and 1 <= letters <= 3 and choices >= 1):
            raise ValueError("need 1..5 digits, 1..3 letters and choices >= 1")
        secret = "".join(rng.sample(string.digits, digits) + rng.sample(string.ascii_uppercase, letters))
        number_codes = _codes(string.digits, digits)
        letter_codes = _codes(string.ascii_uppercase, letters)
        conditions: list[tuple[str, Any]] = []
        while len(number_codes) > 1 or len(letter_codes) > 1:
            # score candidate guesses on a sample of the remaining codes (cheap), keep the best
            sample_n = rng.sample(number_codes, min(len(number_codes), _SCORE_SAMPLE))
            sample_l = rng.sample(letter_codes, min(len(letter_codes), _SCORE_SAMPLE))
            best: tuple[float, str] | None = None
            for _ in range(choices):
                guess = "".join(rng.sample(string.digits, digits) + rng.sample(string.ascii_uppercase, letters))
                if guess == secret:
                    continue
                fb = feedback(guess, secret, digits)
                kept_n = sum(group_feedback(guess[:digits], c) == fb[0] for c in sample_n) / len(sample_n)
                kept_l = sum(group_feedback(guess[digits:], c) == fb[1] for c in sample_l) / len(sample_l)
                if best is None or kept_n * kept_l < best[0]:
                    best = (kept_n * kept_l, guess)
            if best is None:
                continue
            guess = best[1]
            fb = feedback(guess, secret, digits)
            left_n = [c for c in number_codes if group_feedback(guess[:digits], c) == fb[0]]
            left_l = [c for c in letter_codes if group_feedback(guess[digits:], c) == fb[1]]
            if len(left_n) * len(left_l) == len(number_codes) * len(letter_codes):
                continue
            number_codes, letter_codes = left_n, left_l
            conditions.append((guess, [list(fb[0]), list(fb[1])]))
        data = {"digits": digits, "letters": letters, "conditions": conditions, "unique": True}
        return question_text(conditions, digits, letters, explain=True), data

    def judge_answer(self, instance: Instance, answer: str) -> Verdict:
        digits, letters = instance.data["digits"], instance.data["letters"]
        code = parse_password(answer, digits + letters)
        if not code[:digits].isdigit() or not code[digits:].isalpha():
            return Verdict.wrong(f"the password is {digits} digits followed by {letters} letters", answer)
        if len(set(code[:digits])) < digits or len(set(code[digits:])) < letters:
            return Verdict.wrong("numbers and letters must not repeat", answer)
        for i, (guess, expected) in enumerate(instance.data["conditions"], start=1):
            got = feedback(guess, code, digits)
            if [list(got[0]), list(got[1])] != [list(e) for e in expected]:
                said = "; ".join(describe(got[0], digits, "number") + describe(got[1], letters, "letter"))
                return Verdict.wrong(f"condition {i} (guess {guess}) would get the feedback: {said}", answer)
        return Verdict.right(answer)

    def reference_answer(self, instance: Instance) -> str:
        data = instance.data
        found = consistent(data["conditions"], data["digits"], data["letters"])
        if not found:
            raise NoSolutionError("no password fits every condition")
        return "<<< [" + ", ".join(f'"{c}"' for c in found[0]) + "] >>>"

    def from_original(self, item: OriginalItem) -> Instance:
        gold = released_solution(item).get("answer")
        text = item.question or ""
        found = _CONDITION.findall(text)
        if not found or not isinstance(gold, list) or len(gold) != 4:
            raise OriginalDataError(f"{item.item_id}: no conditions in the question or no 4-symbol answer")
        conditions = []
        for _, guess, said in found:
            if len(guess) != 4:
                raise OriginalDataError(f"{item.item_id}: guess {guess!r} is not 2 digits + 2 letters")
            fb = parse_feedback(said, 2, 2)
            conditions.append((guess, [list(fb[0]), list(fb[1])]))
        data = {
            "digits": 2,
            "letters": 2,
            "conditions": conditions,
            "unique": len(consistent(conditions, 2, 2)) == 1,
            RELEASED_ANSWER: "[" + ", ".join(f'"{c}"' for c in gold) + "]",
        }
        return instance_from_folder_item(self, item, data)
