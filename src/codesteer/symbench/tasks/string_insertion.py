"""String Insertion: one "T operation" inserts a letter after every trigger substring of a string.

The string is over A–E. The triggers ABCD, BCDE, CDEA, DEAB and EABC get A, B, C, D and E
inserted right after them. Occurrences (overlapping ones included) are all found in the original
string and the insertions applied left to right (:func:`apply_t`). The answer is the new string:
``<<<ABCDAE>>>`` (quotes around it are forgiven, as is letter case). Judged by comparing with the
simulated result; the reason names the first differing position.

Knobs: ``triggers`` (trigger substrings planted) and ``noise`` (at most this many random letters
before each planted trigger and at the end). Levels: ``paper`` is the release's generator
(3 planted triggers, 0-2 noise letters, 12-20 letters); the ladder ``1``..``6`` goes up to
80 triggers in strings of several hundred letters. Random letters may form extra triggers;
they count like planted ones. No defects known in the release (exact match with its stored string,
which equals the simulation).
"""

from __future__ import annotations

import random
import re
from typing import Any, ClassVar

from codesteer.symbench.answers import AnswerFormatError
from codesteer.symbench.kit.common import instance_from_folder_item, released_solution
from codesteer.symbench.task import (
    RELEASED_ANSWER,
    Instance,
    Knob,
    OriginalDataError,
    OriginalItem,
    Task,
    Verdict,
)

ALPHABET = "ABCDE"
#: Trigger substring -> letter inserted after it, in the order the question lists them.
RULES: dict[str, str] = {"ABCD": "A", "BCDE": "B", "CDEA": "C", "DEAB": "D", "EABC": "E"}
_QUESTION_RE = re.compile(r"Given the string ([A-E]+), what will the string be")


def apply_t(text: str) -> str:
    """One T operation: insert each rule's letter after every occurrence in the original string."""
    inserts: dict[int, str] = {}
    for pattern, letter in RULES.items():
        start = text.find(pattern)
        while start != -1:
            inserts[start + len(pattern)] = letter
            start = text.find(pattern, start + 1)
    out: list[str] = []
    for i, ch in enumerate(text):
        out.append(ch)
        out.append(inserts.get(i + 1, ""))
    return "".join(out)


def question_text(text: str) -> str:
    """The question, worded as the release worded it."""
    rules = "\n".join(
        f"{i}. If there is a substring {p} in the string, insert the character {c} after that substring."
        for i, (p, c) in enumerate(RULES.items(), 1)
    )
    return (
        "Given the string consisting of characters A, B, C, D, and E, define the T operation as follows:\n\n"
        f"{rules}\n\n"
        f"Question: Given the string {text}, what will the string be after one operation T? "
        "String insertion from left to right.\nReturn the answer with the format <<<a string>>>."
    )


class StringInsertion(Task):
    name = "string_insertion"
    title = "String Insertion"
    seen = True
    knobs = (
        Knob("triggers", "number of trigger substrings planted in the string", 3),
        Knob("noise", "most random letters placed before each trigger and at the end", 2),
    )
    levels: ClassVar[dict[str, dict[str, Any]]] = {
        "paper": {"triggers": 3, "noise": 2},
        "1": {"triggers": 1, "noise": 2},
        "2": {"triggers": 3, "noise": 2},
        "3": {"triggers": 6, "noise": 3},
        "4": {"triggers": 12, "noise": 4},
        "5": {"triggers": 30, "noise": 5},
        "6": {"triggers": 80, "noise": 6},
    }
    answer_format = "<<<string>>>: the string after one T operation"
    original_dirs = ("string_insertion",)

    def _generate(self, rng: random.Random, triggers: int, noise: int) -> tuple[str, dict[str, Any]]:
        if triggers < 0 or noise < 0 or triggers + noise == 0:
            raise ValueError("string_insertion needs triggers >= 0 and noise >= 0, not both 0")
        patterns = list(RULES)
        parts = []
        for _ in range(triggers):
            parts.append("".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, noise))))
            parts.append(rng.choice(patterns))
        parts.append("".join(rng.choice(ALPHABET) for _ in range(rng.randint(1 if not triggers else 0, noise))))
        text = "".join(parts)
        return question_text(text), {"original_string": text}

    def judge_answer(self, instance: Instance, answer: str) -> Verdict:
        got = answer.strip().upper()
        if not re.fullmatch(r"[A-E]+", got):
            raise AnswerFormatError("the answer must be one string of the letters A-E")
        expected = apply_t(instance.data["original_string"])
        if got == expected:
            return Verdict.right(answer)
        at = next((i for i, (a, b) in enumerate(zip(got, expected, strict=False)) if a != b), None)
        if at is None:
            return Verdict.wrong(
                f"the result has {len(expected)} letters, the answer {len(got)} (a missing or extra insertion)",
                answer,
            )
        return Verdict.wrong(
            f"position {at + 1} should be {expected[at]!r} after one T operation, answer has {got[at]!r}", answer
        )

    def reference_answer(self, instance: Instance) -> str:
        return f"<<<{apply_t(instance.data['original_string'])}>>>"

    def from_original(self, item: OriginalItem) -> Instance:
        sol = released_solution(item)
        match = _QUESTION_RE.search(item.question or "")
        text = sol.get("original_string")
        if not match or match.group(1) != text:
            raise OriginalDataError("question and solution.json disagree on the original string")
        if not isinstance(sol.get("modified_string"), str):
            raise OriginalDataError("solution.json has no modified_string")
        return instance_from_folder_item(
            self, item, {"original_string": text, RELEASED_ANSWER: sol["modified_string"]}
        )
