"""Number Multiply (unseen): multiply a few signed integers with given digit counts.

Question (the release's wording): ``What is the result of -4*17*7571?``. It asks for free text,
so no ``<<<...>>>`` wrapper is required (``requires_wrapper = False``).

Answer read, in this order: the inside of the last ``<<<...>>>`` when present (it must be one
integer, thousands separators allowed), else the last ``\\boxed{...}``, else the **last integer
written in the reply** (``-514,828`` and ``−514828`` read as -514828). It must equal the exact
product. This is stricter than the release, whose judge accepted any reply *containing* the
target's digits (so a longer wrong number such as ``-5148280`` passed); a reply that states the
product and then goes on to write other numbers is read by its last number.

Knob ``digits``: the digit count of each factor (each factor's sign is drawn at random, its
leading digit is non-zero). Levels: ``paper`` = the three released folders digit_1_2_4,
digit_1_3_4, digit_1_2_2_4 in equal shares; ``1``..``7`` = pairs of 2, 4, 8, 12, 16, 20 and 30
digits (the release's varied-complexity set is 4_4..20_20). Released data: both
``number_multiply`` and ``number_multiply_varied_complexity`` (every released product is right).
"""

from __future__ import annotations

import ast
import math
import random
import re
from typing import Any, ClassVar

from codesteer.symbench.answers import AnswerFormatError, parse_int, read_int
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

_BOXED = re.compile(r"\\boxed\{([^{}]*)\}")
_INTEGER = re.compile(r"(?<![\d.])[-−]?\s?\d{1,3}(?:,\d{3})+(?![\d])|(?<![\d.])[-−]?\d+(?![\d])")


def last_integer(text: str) -> int:
    """The last integer written in ``text`` (thousands separators and a Unicode minus allowed)."""
    boxed = _BOXED.findall(text)
    if boxed:
        return parse_int(boxed[-1].replace("−", "-"))
    found = _INTEGER.findall(text)
    if not found:
        raise AnswerFormatError("no integer in the reply")
    return read_int(found[-1].replace("−", "-").replace(",", "").replace(" ", ""))


class NumberMultiply(Task):
    name = "number_multiply"
    title = "Number Multiply"
    seen = False
    knobs = (Knob("digits", "digit count of each factor, e.g. [1, 2, 4]", (1, 2, 4)),)
    levels: ClassVar[dict[str, dict[str, Any]]] = {
        "paper": {"digits": OneOf((1, 2, 4), (1, 3, 4), (1, 2, 2, 4))},
        "1": {"digits": (2, 2)},
        "2": {"digits": (4, 4)},
        "3": {"digits": (8, 8)},
        "4": {"digits": (12, 12)},
        "5": {"digits": (16, 16)},
        "6": {"digits": (20, 20)},
        "7": {"digits": (30, 30)},
    }
    answer_format = (
        "free text; the product is read from <<<N>>> if present, else \\boxed{N}, else the last "
        "integer in the reply"
    )
    requires_wrapper = False
    original_dirs = ("number_multiply", "number_multiply_varied_complexity")

    def _generate(self, rng: random.Random, *, digits: Any) -> tuple[str, dict[str, Any]]:
        counts = [int(d) for d in digits]
        if not counts or any(d < 1 for d in counts):
            raise ValueError("digits must be a non-empty list of positive digit counts")
        factors = [
            rng.choice((-1, 1)) * rng.randint(10 ** (d - 1) if d > 1 else 1, 10**d - 1)
            for d in counts
        ]
        return _question(factors), {"factors": factors}

    def judge_answer(self, instance: Instance, answer: str) -> Verdict:
        target = math.prod(instance.data["factors"])
        text = answer.strip()
        value = parse_int(text) if re.fullmatch(r"[+-]?[\d,]+", text) else last_integer(text)
        if value != target:
            return Verdict.wrong(f"{value} is not the product (expected {target})", str(value))
        return Verdict.right(str(value))  # the integer read, not the whole free-text reply

    def reference_answer(self, instance: Instance) -> str:
        return f"<<<{math.prod(instance.data['factors'])}>>>"

    def from_original(self, item: OriginalItem) -> Instance:
        try:
            factors = ast.literal_eval(item.files["input_value_list.txt"].strip())
            target = int(item.files["target_answer.txt"].strip())
        except (KeyError, ValueError, SyntaxError) as exc:
            raise OriginalDataError(f"{item.item_id}: unreadable item ({exc})") from exc
        if not isinstance(factors, list) or not all(isinstance(f, int) for f in factors):
            raise OriginalDataError(f"{item.item_id}: input_value_list.txt is not a list of ints")
        question = item.question.strip() if item.question else _question(factors)
        return Instance(
            task=self.name,
            id=item.item_id,
            question=question,
            data={"factors": factors, RELEASED_ANSWER: str(target)},
            complexity={"digits": [len(str(abs(f))) for f in factors]},
            source="original:" + item.item_id,
        )


def _question(factors: list[int]) -> str:
    return f"What is the result of {'*'.join(str(f) for f in factors)}?"
