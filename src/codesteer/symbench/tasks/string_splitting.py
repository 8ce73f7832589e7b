"""String Splitting (unseen): dismantle machines A, B, C into parts X, Y, Z by five methods.

Five fixed methods (each worded by one of three paraphrases) run in a fixed cyclic order, one
application per turn, until none can run; the answer is the final counts.

Answer: the six counts in the order A, B, C, X, Y, Z. Accepted: the list the question shows
(``["1", "0", "1", "1", "1", "1"]``, quotes optional), bare counts separated by commas or spaces,
or the counts run together as the release's answers are written (``101111``, or ``0007010`` when
a count has two digits: right when it spells the true counts joined).

Judged by simulation (:mod:`codesteer.symbench.kit.item_exchange`, one application per turn).

Knob ``count_range``: (low, high) range of each starting machine count. Levels: ``paper`` = the
release's five complexities (1-3, 2-4, 3-6, 4-7, 5-10), one per instance; ``1``..``6`` go from
1-3 to 60-150 machines each.

Deviations from the release: its judge compared against the counts concatenated (``"010709"``),
so the list format its own question shows always failed; ours accepts that list (and the
concatenation, with counts of any width). Released golds are all right under the rules.
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
    OneOf,
    OriginalDataError,
    OriginalItem,
    Task,
    Verdict,
)

ITEMS = ("A", "B", "C", "X", "Y", "Z")
METHODS = (
    Method.of({"A": 1}, {"X": 2, "Y": 1}),
    Method.of({"B": 2}, {"X": 1}),
    Method.of({"C": 2}, {"Y": 1}),
    Method.of({"B": 1, "C": 1}, {"A": 1}),
    Method.of({"X": 1, "Y": 1}, {"Z": 1}),
)
#: Three wordings per method (the released paraphrases; method 3's second and third are ours).
WORDINGS = (
    (
        "Dismantling a single machine A yields two part X and one part Y each cycle.",
        "One unit of machine A can be dismantled into two units of part X and one unit of part Y per round.",
        "Each round, one machine A breaks down into two part X and one part Y.",
    ),
    (
        "Dismantling two machine B units produces one part X each cycle.",
        "Every round, dismantling two machines B results in one part X.",
        "Two units of machine B can be dismantled into one unit of part X per round.",
    ),
    (
        "Each round, two machines C break down into one part Y.",
        "Dismantling two machine C units produces one part Y each cycle.",
        "Two units of machine C can be dismantled into one unit of part Y per round.",
    ),
    (
        "One unit of machine B and one unit of machine C can be combined into one unit of machine A per round.",
        "Every round, merging one machine B with one machine C creates one machine A.",
        "Combining one machine B and one machine C results in one machine A each cycle.",
    ),
    (
        "Each round, one part X and one part Y merge to form one part Z.",
        "One unit of part X and one unit of part Y can be combined into one unit of part Z per round.",
        "Combining one part X with one part Y produces one part Z each cycle.",
    ),
)
_INTRO = (
    "There is a dismantling engineer who has old machines A, B, and C. He discovered that he can "
    "obtain a batch of new parts X, Y, and Z through the following methods:\n"
)
_BODY = """
Xiao Li continuously cycles through these methods in the given order, executing one method at a time. After Method 5, start again from Method 1. Continue this cycle until no method can be executed. Initially, there are {a} units of Machine A, {b} units of Machine B, and {c} units of Machine C. How many parts X, Y, and Z can Li ultimately obtain, and how many machines A, B, and C will remain?

Generate the answer in the format <<<a string representing the outcome in the order of machines A, B, C, parts X, Y, Z>>>. For example, if Machine A has 1 unit, Machine B has 0 units, Machine C has 1 unit, Part X has 1 unit, Part Y has 1 unit, and Part Z has 1 unit, it should be represented as ["1", "0", "1", "1", "1", "1"].
Your answer:
"""
_START = re.compile(
    r"there are (\d+) units? of Machine A, (\d+) units? of Machine B, and (\d+) units? of Machine C"
)


def final_counts(a: int, b: int, c: int) -> list[int]:
    """Counts of A, B, C, X, Y, Z after running the methods from ``a``, ``b``, ``c`` machines."""
    counts, _ = run_cycle(METHODS, {"A": a, "B": b, "C": c})
    return [counts.get(item, 0) for item in ITEMS]


class StringSplitting(Task):
    name = "string_splitting"
    title = "String Splitting"
    seen = False
    knobs = (Knob("count_range", "(low, high) range of each starting machine count", (1, 3)),)
    levels: ClassVar[dict[str, dict[str, Any]]] = {
        "paper": {"count_range": OneOf((1, 3), (2, 4), (3, 6), (4, 7), (5, 10))},
        "1": {"count_range": (1, 3)},
        "2": {"count_range": (3, 6)},
        "3": {"count_range": (5, 12)},
        "4": {"count_range": (10, 25)},
        "5": {"count_range": (25, 60)},
        "6": {"count_range": (60, 150)},
    }
    answer_format = '<<<["A", "B", "C", "X", "Y", "Z"]>>> final counts (list or comma/space separated)'
    original_dirs = ("string_splitting",)

    def _generate(self, rng: random.Random, *, count_range: Any) -> tuple[str, dict[str, Any]]:
        low, high = (int(v) for v in count_range)
        if not 0 <= low <= high:
            raise ValueError("count_range must be (low, high) with 0 <= low <= high")
        start = [rng.randint(low, high) for _ in range(3)]
        methods = "".join(
            f"Method {i}: {rng.choice(options)}\n" for i, options in enumerate(WORDINGS, start=1)
        )
        question = _INTRO + methods + _BODY.format(a=start[0], b=start[1], c=start[2])
        return question, {"start": start}

    def judge_answer(self, instance: Instance, answer: str) -> Verdict:
        expected = final_counts(*instance.data["start"])
        return judge_counts(ITEMS, expected, answer)

    def reference_answer(self, instance: Instance) -> str:
        counts = final_counts(*instance.data["start"])
        return "<<<[" + ", ".join(f'"{n}"' for n in counts) + "]>>>"

    def from_original(self, item: OriginalItem) -> Instance:
        found = _START.search(item.question or "")
        if not found:
            raise OriginalDataError(f"{item.item_id}: no starting machine counts in the question")
        gold = released_solution(item).get("expected_answer")
        if not isinstance(gold, list) or len(gold) != len(ITEMS):
            raise OriginalDataError(f"{item.item_id}: solution.json has no 6-item expected_answer")
        data = {
            "start": [int(g) for g in found.groups()],
            RELEASED_ANSWER: "[" + ", ".join(f'"{int(n)}"' for n in gold) + "]",
        }
        return instance_from_folder_item(self, item, data)
