"""String Synthesis (seen): combine blocks [A] [B] [C] into {A} {B} {C} and (A) (B) (C).

Six fixed combination methods are cycled through, starting from counts of [A], [B] and [C],
until a whole pass changes nothing; the answer is the nine final counts.

Answer: ``<<<n1 n2 ... n9>>>``, the counts of [A], [B], [C], {A}, {B}, {C}, (A), (B), (C) in that
order, separated by spaces or commas, or as a list (``[2, 0, 1, ...]``). Nine digits run
together (``201100000``), the released extractor's format, are read digit by digit.

Judged by simulation (:mod:`codesteer.symbench.kit.item_exchange`): every count must equal the
result of running the methods. Semantics: when a method's turn comes it is applied **as many
times as possible** before moving on, which is what every released gold does.

Knobs: ``max_a``, ``max_b``, ``max_c`` (starting counts are drawn from 1..max). Levels:
``paper`` = the release (5, 8, 7); ``1``..``6`` grow the maxima from 3 to 1000.

Deviations from the release: the generated question states the "as many times as possible"
reading (the released "cycle through" wording is ambiguous and the one-at-a-time reading
contradicts its golds) and asks for space-separated counts, since the ladder's counts exceed
9; its ``complexity`` label was random and is not reproduced (the knob values are recorded
instead). Released golds are all right under these rules.
"""

from __future__ import annotations

import random
import re
from typing import Any, ClassVar

from codesteer.symbench.kit.common import instance_from_folder_item, released_solution
from codesteer.symbench.kit.item_exchange import Method, judge_counts, run_cycle
from codesteer.symbench.task import (
    RELEASED_ANSWER,
    Instance,
    Knob,
    OriginalDataError,
    OriginalItem,
    Task,
    Verdict,
)

BLOCKS = ("[A]", "[B]", "[C]", "{A}", "{B}", "{C}", "(A)", "(B)", "(C)")
METHODS = (
    Method.of({"[A]": 1, "[B]": 1, "[C]": 1}, {"{A}": 1}),
    Method.of({"[A]": 1, "[B]": 1}, {"{C}": 1}),
    Method.of({"[B]": 1, "[C]": 1}, {"{B}": 1}),
    Method.of({"[C]": 2}, {"{C}": 1}),
    Method.of({"{A}": 1, "{C}": 1}, {"(A)": 1, "(B)": 1}),
    Method.of({"{B}": 2}, {"(C)": 1}),
)
_RULES = """There are nine different blocks [A], [B], [C], {A}, {B}, {C}, (A), (B), (C) that satisfy:
1. One [A], one [B], and one [C] can be combined to form one {A}.
2. One [A] and one [B] can be combined to form one {C}.
3. One [B] and one [C] can be combined to form one {B}.
4. Two [C] can be combined to form one {C}.
5. One {A} and one {C} can be combined to form one (A) and one (B).
6. Two {B} can be combined to form one (C).

Cycle through Methods 1..6 repeatedly until no more changes can be made."""
_CLARIFY = (
    " Each time a method's turn comes, apply it as many times as possible before moving on to "
    "the next method."
)
_ASK = """

Question: If we now have {a} [A], {b} [B], and {c} [C], what will the synthesized block be?

Return your final answer with the exact format:
<<<a string of the number of certain block>>>"""
_FORMAT_HINT = (
    "\n(the nine counts of [A], [B], [C], {A}, {B}, {C}, (A), (B), (C) in this order, separated "
    "by spaces, e.g. <<<1 0 2 0 0 1 0 0 0>>>)"
)
_START = re.compile(r"we now have (\d+) \[A\], (\d+) \[B\], and (\d+) \[C\]")


def final_counts(a: int, b: int, c: int) -> list[int]:
    """The nine block counts after running the methods from ``a`` [A], ``b`` [B], ``c`` [C]."""
    counts, _ = run_cycle(METHODS, {"[A]": a, "[B]": b, "[C]": c}, exhaust=True)
    return [counts.get(block, 0) for block in BLOCKS]


class StringSynthesis(Task):
    name = "string_synthesis"
    title = "String Synthesis"
    seen = True
    knobs = (
        Knob("max_a", "largest starting count of [A] (drawn from 1..max)", 5),
        Knob("max_b", "largest starting count of [B]", 8),
        Knob("max_c", "largest starting count of [C]", 7),
    )
    levels: ClassVar[dict[str, dict[str, Any]]] = {
        "paper": {"max_a": 5, "max_b": 8, "max_c": 7},
        "1": {"max_a": 3, "max_b": 3, "max_c": 3},
        "2": {"max_a": 6, "max_b": 9, "max_c": 9},
        "3": {"max_a": 20, "max_b": 20, "max_c": 20},
        "4": {"max_a": 60, "max_b": 60, "max_c": 60},
        "5": {"max_a": 200, "max_b": 200, "max_c": 200},
        "6": {"max_a": 1000, "max_b": 1000, "max_c": 1000},
    }
    answer_format = "<<<n1 n2 ... n9>>>: counts of [A] [B] [C] {A} {B} {C} (A) (B) (C), space-separated"
    original_dirs = ("string_synthesis",)

    def _generate(self, rng: random.Random, *, max_a: int, max_b: int, max_c: int) -> tuple[str, dict[str, Any]]:
        if min(max_a, max_b, max_c) < 1:
            raise ValueError("max_a, max_b and max_c must be at least 1")
        a, b, c = rng.randint(1, max_a), rng.randint(1, max_b), rng.randint(1, max_c)
        question = _RULES + _CLARIFY + _ASK.format(a=a, b=b, c=c) + _FORMAT_HINT + "\nYour answer:\n"
        return question, {"start": [a, b, c]}

    def judge_answer(self, instance: Instance, answer: str) -> Verdict:
        expected = final_counts(*instance.data["start"])
        return judge_counts(BLOCKS, expected, answer)

    def reference_answer(self, instance: Instance) -> str:
        return "<<<" + " ".join(str(n) for n in final_counts(*instance.data["start"])) + ">>>"

    def from_original(self, item: OriginalItem) -> Instance:
        found = _START.search(item.question or "")
        if not found:
            raise OriginalDataError(f"{item.item_id}: no starting counts in the question")
        sol = released_solution(item)
        if "final_counts" not in sol:
            raise OriginalDataError(f"{item.item_id}: solution.json has no final_counts")
        start = [int(g) for g in found.groups()]
        released = " ".join(str(int(n)) for n in sol["final_counts"])
        data = {"start": start, RELEASED_ANSWER: released}
        return instance_from_folder_item(self, item, data)
