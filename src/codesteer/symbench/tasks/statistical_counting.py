"""Statistical Counting (seen): score the runs of repeated letters in a string.

Scanning a string of the letters A, B, C, ..., every maximal run of at least ``min_run`` equal
letters adds that letter's score (A=1, B=2, ...) once. Question wording as released ("The
initial total score is 0. Given a string consisting of letters A, B and C, scan from front to
back: ...").

Answer: ``<<<number>>>``, one integer (``<<<5>>>``); judged by recomputing the score from the
rules stored in the instance (exact equality).

Knobs: ``size`` = [string length, number of letters] (paired, as the release's configurations
pair them) and ``min_run`` (the run length that scores; 2 in the release). Levels: ``paper`` =
the released mixture of configurations (5x2 letters: 2 items, 10x3: 4, 15x4: 4, 20x5: 10,
25x6: 20, 35/45/55/65 x3: 20 each, 65 x4..7: 20 each, of 200); ``1``..``6`` grow to strings
of 1000 letters over 26 letters with runs of 3. No defects known in the release.
"""

from __future__ import annotations

import itertools
import json
import random
from typing import Any, ClassVar

from codesteer.symbench.answers import parse_int
from codesteer.symbench.kit.common import and_list, instance_from_folder_item, released_solution, weighted
from codesteer.symbench.task import (
    RELEASED_ANSWER,
    Instance,
    Knob,
    OriginalDataError,
    OriginalItem,
    Task,
    Verdict,
)

_COUNT_WORDS = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six"}


def run_score(sequence: str, rules: list[dict[str, Any]]) -> int:
    """Total score: each maximal run of a rule's letter at least ``min_consecutive`` long scores once."""
    by_letter = {r["letter"]: r for r in rules}
    total = 0
    for letter, run in itertools.groupby(sequence):
        rule = by_letter.get(letter)
        if rule is not None and len(list(run)) >= rule["min_consecutive"]:
            total += rule["score"]
    return total


def question_text(sequence: str, rules: list[dict[str, Any]]) -> str:
    lines = [
        f"{i}. If there are {_COUNT_WORDS.get(r['min_consecutive'], str(r['min_consecutive']))} "
        f"or more consecutive {r['letter']}'s, add {r['score']} to the total score."
        for i, r in enumerate(rules, 1)
    ]
    letters = [r["letter"] for r in rules]
    return (
        f"The initial total score is 0. Given a string consisting of letters {and_list(letters)}, "
        "scan from front to back:\n\n" + "\n".join(lines) + "\n\n"
        f"What is the total score of the string {sequence}?\n"
        "Return your answer with the format <<<number>>>, like <<<5>>> means the total score is 5."
    )


class StatisticalCounting(Task):
    name = "statistical_counting"
    title = "Statistical Counting"
    seen = True
    knobs = (
        Knob("size", "[string length, number of letters (2..26)]", (20, 5)),
        Knob("min_run", "run length that scores (the release used 2)", 2),
    )
    levels: ClassVar[dict[str, dict[str, Any]]] = {
        "paper": {
            "size": weighted(
                ((5, 2), 2), ((10, 3), 4), ((15, 4), 4), ((20, 5), 10), ((25, 6), 20),
                ((35, 3), 20), ((45, 3), 20), ((55, 3), 20), ((65, 3), 20),
                ((65, 4), 20), ((65, 5), 20), ((65, 6), 20), ((65, 7), 20),
            ),
            "min_run": 2,
        },
        "1": {"size": (10, 3), "min_run": 2},
        "2": {"size": (25, 6), "min_run": 2},
        "3": {"size": (65, 7), "min_run": 2},
        "4": {"size": (150, 10), "min_run": 2},
        "5": {"size": (400, 15), "min_run": 3},
        "6": {"size": (1000, 26), "min_run": 3},
    }
    answer_format = "<<<number>>>: the total score as one integer"
    original_dirs = ("statistical_counting_dataset",)

    def _generate(self, rng: random.Random, *, size: Any, min_run: int) -> tuple[str, dict[str, Any]]:
        length, n_letters = (int(v) for v in size)
        if length < 1 or not 1 <= n_letters <= 26 or min_run < 1:
            raise ValueError("size needs length >= 1 and 1..26 letters; min_run >= 1")
        letters = [chr(ord("A") + i) for i in range(n_letters)]
        rules = [{"letter": c, "score": i + 1, "min_consecutive": int(min_run)} for i, c in enumerate(letters)]
        sequence = "".join(rng.choice(letters) for _ in range(length))
        return question_text(sequence, rules), {"sequence": sequence, "rules": rules}

    def judge_answer(self, instance: Instance, answer: str) -> Verdict:
        value = parse_int(answer)
        expected = run_score(instance.data["sequence"], instance.data["rules"])
        if value != expected:
            return Verdict.wrong(f"total score is {expected}, not {value}", answer)
        return Verdict.right(answer)

    def reference_answer(self, instance: Instance) -> str:
        return f"<<<{run_score(instance.data['sequence'], instance.data['rules'])}>>>"

    def from_original(self, item: OriginalItem) -> Instance:
        sol = released_solution(item)
        try:
            sequence = str(sol["sequence"])
            rules = [
                {"letter": str(r["letter"]), "score": int(r["score"]),
                 "min_consecutive": int(r["min_consecutive"])}
                for r in sol["rules"]
            ]
            gold = int(sol["solution"])
        except (KeyError, TypeError, ValueError) as exc:
            raise OriginalDataError(f"{item.item_id}: malformed solution.json ({exc})") from exc
        data = {"sequence": sequence, "rules": rules, RELEASED_ANSWER: json.dumps(gold)}
        return instance_from_folder_item(self, item, data, {"size": [len(sequence), len(rules)]})
