"""Mahjong (letter cards): add a card, judge Peng / Chi / Pass, remove a card; report the last judgement.

A hand starts with 13 letter cards (A–Z, repeats allowed). Each round a card is added, the round is
judged, then a card is removed (the removal is not shown for the last round, where it cannot
matter). Judgement (:func:`judge_round`): "Peng" (1) when the hand already holds two or more cards
equal to the new one; otherwise, where Chi is in play, "Chi" (2) when two held cards form three
consecutive letters with the new one (e.g. held B, C and new A, B or D); otherwise "Pass" (0).
The answer is the final round's number: ``<<<x>>>``. Chi is in play above two rounds (as released);
the question then lists rule "Chi" and allows 0/1/2, else 0/1.

Knobs: ``rounds`` (1..), ``chi`` (``None``: in play when rounds > 2, as released). Levels:
``paper`` mixes 1-5 rounds with the release's frequencies (8/8/12/12/160); the ladder ``1``..``6``
grows to 300 rounds. The generator picks added cards so that all three outcomes are common.

Judged by simulation (:func:`play`). Defects of the release fixed here: its generator's Chi test
missed runs when the hand held duplicates, answered 2 (Chi) on questions whose rules only allow
0/1 (judged here by the rules the question states: such golds are rejected), and could deal the
non-letter cards ``[`` and ``\\`` (our runs stay within A–Z).
"""

from __future__ import annotations

import random
import re
from collections import Counter
from typing import Any, ClassVar

from codesteer.symbench.answers import parse_int
from codesteer.symbench.kit.common import instance_from_folder_item, released_solution, weighted
from codesteer.symbench.task import (
    RELEASED_ANSWER,
    Instance,
    Knob,
    OriginalDataError,
    OriginalItem,
    Task,
    Verdict,
)

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
PASS, PENG, CHI = 0, 1, 2
NAMES = {PASS: "Pass", PENG: "Peng", CHI: "Chi"}
HAND_SIZE = 13


def judge_round(hand: Counter[str], new: str, chi: bool) -> int:
    """The judgement for adding ``new`` to ``hand`` (the hand before the card is added)."""
    if hand[new] >= 2:
        return PENG
    if chi and new in LETTERS:
        i = LETTERS.index(new)
        for a, b in ((i - 2, i - 1), (i - 1, i + 1), (i + 1, i + 2)):
            if a >= 0 and b < len(LETTERS) and hand[LETTERS[a]] and hand[LETTERS[b]]:
                return CHI
    return PASS


def play(initial: str, rounds: list[dict[str, str | None]], chi: bool) -> list[int]:
    """Every round's judgement: add, judge, then remove the round's ``remove`` card (if any)."""
    hand = Counter(initial)
    results = []
    for rnd in rounds:
        results.append(judge_round(hand, rnd["add"], chi))
        hand[rnd["add"]] += 1
        removed = rnd.get("remove")
        if removed is not None:
            if not hand[removed]:
                raise ValueError(f"round removes {removed!r}, which is not in the hand")
            hand[removed] -= 1
    return results


def question_text(initial: str, rounds: list[dict[str, str | None]], chi: bool) -> str:
    """The question, worded as the release worded it (Chi rule added where Chi is in play)."""
    rules = [
        "1. Initially, there are 13 cards.",
        "2. Each time, a new card is added, and a result is determined. Then, one card is removed.",
        '3. When there are two identical cards in hand, and the newly added card is the same as these two '
        'cards, the result is determined as "Peng," represented by the number 1.',
    ]
    if chi:
        rules += [
            "4. If there are two cards in hand such that the new card can form a consecutive letter sequence "
            'with these two cards, the result is determined as "Chi," represented by the number 2. For '
            "example: ABC, OPQ, etc.",
            '5. If the newly added card meets the conditions in both rule 3 and rule 4, the result is "Peng."',
            '6. If the newly added card does not meet the conditions in rules 3 and 4, the result is '
            'determined as "Pass," represented by the number 0.',
            "7. The removed card does not affect the result determination.",
        ]
        options = "x is 0 for Pass, 1 for Peng, 2 for Chi"
    else:
        rules += [
            '4. If the newly added card does not meet the condition in rule 3, the result is determined as '
            '"Pass," represented by the number 0.',
            "5. The removed card does not affect the result determination.",
        ]
        options = "x is 0 for Pass, 1 for Peng"
    lines = [f"Round {i}: Add a {r['add']} card" + (f" and remove a {r['remove']} card." if i < len(rounds) else "")
             for i, r in enumerate(rounds, 1)]
    return (
        "There are several letter cards, and the game rules are as follows:" + "\n".join(rules)
        + f"\nGiven the initial cards:{initial}\n\n" + "\n".join(lines)
        + "\n\nBased on the above information, determine the number judged in the final round.\n"
        + f"Return your answer with the format <<<x>>>, where {options}."
    )


def _draw_card(rng: random.Random, hand: Counter[str]) -> str:
    """A card to add: a third copy, a run completion or a random letter, about equally often."""
    kind = rng.randrange(3)
    pairs = sorted(c for c, k in hand.items() if k >= 2)
    if kind == 0 and pairs:
        return rng.choice(pairs)
    held = sorted(c for c, k in hand.items() if k)
    if kind == 1 and held:
        i = LETTERS.index(rng.choice(held))
        return LETTERS[max(0, min(len(LETTERS) - 1, i + rng.choice((-2, -1, 1, 2))))]
    return rng.choice(LETTERS)


class Mahjong(Task):
    name = "mahjong"
    title = "Mahjong"
    seen = True
    knobs = (
        Knob("rounds", "number of rounds (the last one is judged)", 5),
        Knob("chi", "whether Chi (2) is in play; None: when rounds > 2, as released", None),
    )
    levels: ClassVar[dict[str, dict[str, Any]]] = {
        "paper": {"rounds": weighted((1, 2), (2, 2), (3, 3), (4, 3), (5, 40))},
        "1": {"rounds": 2},
        "2": {"rounds": 5},
        "3": {"rounds": 15},
        "4": {"rounds": 40},
        "5": {"rounds": 100},
        "6": {"rounds": 300},
    }
    answer_format = "<<<x>>>: 0 (Pass), 1 (Peng) or, where Chi is in play, 2 (Chi) for the final round"
    original_dirs = ("mahjong_pattern_dataset",)

    def _generate(self, rng: random.Random, rounds: int, chi: bool | None) -> tuple[str, dict[str, Any]]:
        if rounds < 1:
            raise ValueError("mahjong needs at least one round")
        chi_on = rounds > 2 if chi is None else bool(chi)
        initial = "".join(rng.choice(LETTERS) for _ in range(HAND_SIZE))
        hand = Counter(initial)
        plan: list[dict[str, str | None]] = []
        for _ in range(rounds):
            add = _draw_card(rng, hand)
            hand[add] += 1
            remove = rng.choice(sorted(c for c, k in hand.items() if k))
            hand[remove] -= 1
            plan.append({"add": add, "remove": remove})
        data = {"initial_cards": initial, "rounds": plan, "chi": chi_on}
        return question_text(initial, plan, chi_on), data

    def _result(self, instance: Instance) -> int:
        d = instance.data
        return play(d["initial_cards"], d["rounds"], d["chi"])[-1]

    def judge_answer(self, instance: Instance, answer: str) -> Verdict:
        value = parse_int(answer)
        allowed = (PASS, PENG, CHI) if instance.data["chi"] else (PASS, PENG)
        if value not in allowed:
            return Verdict.wrong(
                f"{value} is not an allowed result: the question's rules only allow "
                + ", ".join(f"{v} ({NAMES[v]})" for v in allowed),
                answer,
            )
        expected = self._result(instance)
        if value == expected:
            return Verdict.right(answer)
        new = instance.data["rounds"][-1]["add"]
        why = {
            PENG: f"two {new} cards are already held",
            CHI: f"two held cards form a consecutive run with {new}",
            PASS: f"no two held {new} cards" + (f" and no two held cards forming a run with {new}"
                                                 if instance.data["chi"] else ""),
        }[expected]
        return Verdict.wrong(f"the final round is {NAMES[expected]} ({expected}): {why}", answer)

    def reference_answer(self, instance: Instance) -> str:
        return f"<<<{self._result(instance)}>>>"

    def from_original(self, item: OriginalItem) -> Instance:
        sol = released_solution(item)
        try:
            initial = str(sol["initial_cards"])
            rounds = [{"add": str(r["add"]), "remove": str(r["remove"])} for r in sol["rounds"]]
            gold = int(sol["solution"])
        except (KeyError, TypeError, ValueError) as exc:
            raise OriginalDataError(f"malformed mahjong solution.json: {exc}") from exc
        if not rounds or f"initial cards:{initial}" not in (item.question or ""):
            raise OriginalDataError("question and solution.json disagree on the initial cards")
        if not re.fullmatch(r"[A-Z\[\\\]^_`]{13}", initial):
            raise OriginalDataError(f"unexpected initial cards {initial!r}")
        try:
            play(initial, rounds, chi=False)
        except ValueError as exc:
            raise OriginalDataError(str(exc)) from exc
        data = {"initial_cards": initial, "rounds": rounds, "chi": "Chi" in (item.question or ""),
                RELEASED_ANSWER: str(gold)}
        return instance_from_folder_item(self, item, data)
