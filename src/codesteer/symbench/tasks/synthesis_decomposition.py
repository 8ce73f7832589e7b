"""Synthesis Decomposition (unseen): a farmer exchanges crops for products by cyclic methods.

Each method exchanges fixed amounts of crops (and sometimes products) for products; the methods
run in order, cyclically, at most once per turn, until none can run. The answer is the list the
question names, e.g. ``[remaining_A, remaining_B, obtained_X]``.

Answer: ``<<<[1, 0, 3]>>>`` (brackets optional, commas or spaces between counts, quoted counts
allowed). Judged by simulation (:mod:`codesteer.symbench.kit.item_exchange`): every count must be
the simulated one; the reason names the first wrong count.

Knobs: ``complexity`` 1-5 picks a released-style fixed method set and starting range
(1-2: crops A, B -> product X with the release's two methods; 3-4: crops A, B, C -> X; 5:
A, B, C -> X, Y; the sets for 3-5 are ours, as the sample holds only complexity 1); with
``complexity`` 0, ``crops``, ``products``, ``methods`` and ``count_range`` draw a random method
set (every method consumes at least one crop, so the cycle always ends). Levels: ``paper`` = the
release's mix {1: 10, 2: 20, 3: 30, 4: 40, 5: 100}; ``1``..``3`` = complexities 2, 4, 5; ``4``..
``6`` = random sets of 5 to 8 methods over 4 to 6 crops and 2 to 3 products with 10-120 units.

Deviations: random method sets (ladder) and wider starting ranges cut the release's duplicate
questions (97/200); released golds are all right under the rules.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from typing import Any, ClassVar

from codesteer.symbench.kit.common import and_list, instance_from_folder_item, released_solution
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

CROP_NAMES = "ABCDEF"
PRODUCT_NAMES = "XYZ"
_SET_AB_X = (Method.of({"A": 1, "B": 1}, {"X": 1}), Method.of({"A": 3}, {"X": 2}))
_SET_ABC_X = (
    Method.of({"A": 1, "B": 1}, {"X": 1}),
    Method.of({"A": 2, "C": 1}, {"X": 1}),
    Method.of({"B": 1, "C": 2}, {"X": 2}),
)
_SET_ABC_XY = (
    Method.of({"A": 1, "B": 1}, {"X": 1}),
    Method.of({"B": 1, "C": 1}, {"Y": 1}),
    Method.of({"A": 2, "C": 1}, {"X": 1, "Y": 1}),
    Method.of({"X": 2, "C": 1}, {"Y": 3}),
)
#: complexity -> (crops, products, methods, starting range)
FIXED = {
    1: ("AB", "X", _SET_AB_X, (2, 5)),
    2: ("AB", "X", _SET_AB_X, (4, 10)),
    3: ("ABC", "X", _SET_ABC_X, (2, 6)),
    4: ("ABC", "X", _SET_ABC_X, (4, 10)),
    5: ("ABC", "XY", _SET_ABC_XY, (3, 10)),
}
_METHOD = re.compile(r"Method (\d+): (.*?) can be exchanged for (.*?), and this can be done only once per cycle")
_AMOUNT = re.compile(r"(\d+) units? of (crop|product) ([A-Z])")
_INITIAL = re.compile(r"Initially there are (.*?)\.\s*\n")
_ORDER = re.compile(r"as a list showing \[(.*?)\]")


def _amount(item: str, n: int, crops: str) -> str:
    """``n`` units of ``item`` as the question words it (``1 unit of crop A``, ``3 units of product X``)."""
    return f"{n} unit{'' if n == 1 else 's'} of {'crop' if item in crops else 'product'} {item}"


def _amounts(amounts: dict[str, int], crops: str) -> str:
    return and_list([_amount(item, n, crops) for item, n in amounts.items()])


def question_text(crops: str, products: str, methods: Sequence[Method], start: dict[str, int]) -> str:
    """The released question wording filled with this instance's crops, products and methods."""
    plural = "s" if len(products) > 1 else ""
    lines = [
        f"Xiao Li is a farm owner who grows {and_list(list(crops))}. He can exchange these crops for "
        f"agricultural product{plural} {and_list(list(products))}. He has discovered the following "
        "methods to increase the farm's yield:\n"
    ]
    for i, method in enumerate(methods, start=1):
        lines.append(
            f"Method {i}: {_amounts(dict(method.consumes), crops)} can be exchanged for "
            f"{_amounts(dict(method.produces), crops)}, and this can be done only once per cycle.\n"
        )
    names = [f"remaining_{c}" for c in crops] + [f"obtained_{p}" for p in products]
    example = [1 - i % 2 for i in range(len(crops))] + [3 - i % 3 for i in range(len(products))]
    described = [_amount(item, n, crops) for item, n in zip(crops + products, example, strict=True)]
    lines.append(
        "Xiao Li continuously cycles through these methods in the given order, executing one method "
        f"at a time. After Method {len(methods)}, start again from Method 1. Continue this cycle "
        "until no method can be executed.\n"
    )
    lines.append("Initially there are " + ", ".join(_amount(c, start[c], crops) for c in crops) + ".\n")
    lines.append(
        "First output the entire reasoning process step by step, showing each synthesis step's "
        "result. Then wrap your final answer in <<<>>> format as a list showing "
        f"[{', '.join(names)}]. For example, if there are {', '.join(described[:-1])}, and "
        f"{described[-1]} remaining, output: <<<[{', '.join(map(str, example))}]>>>"
    )
    return "\n".join(lines)


def random_methods(rng: random.Random, crops: str, products: str, count: int) -> list[Method]:
    """``count`` distinct random methods; each consumes at least one crop and yields a product."""
    methods: list[Method] = []
    while len(methods) < count:
        consumes = {c: rng.randint(1, 3) for c in rng.sample(crops, rng.randint(1, min(3, len(crops))))}
        made = rng.sample(products, rng.randint(1, min(2, len(products))))
        spare = [p for p in products if p not in made]
        if spare and rng.random() < 0.3:
            consumes[rng.choice(spare)] = rng.randint(1, 2)
        method = Method.of(dict(sorted(consumes.items())), {p: rng.randint(1, 3) for p in sorted(made)})
        if method not in methods:
            methods.append(method)
    return methods


def final_counts(instance: Instance) -> list[int]:
    """The counts the answer lists, after running the instance's methods to the end."""
    data = instance.data
    methods = [Method.from_json(m) for m in data["methods"]]
    counts, _ = run_cycle(methods, data["start"])
    return [counts.get(item, 0) for item in data["order"]]


class SynthesisDecomposition(Task):
    name = "synthesis_decomposition"
    title = "Synthesis Decomposition"
    seen = False
    knobs = (
        Knob("complexity", "1-5: a released-style fixed method set; 0: random methods (knobs below)", 1),
        Knob("crops", "number of crops (random methods)", 4),
        Knob("products", "number of products (random methods)", 2),
        Knob("methods", "number of methods (random methods)", 5),
        Knob("count_range", "(low, high) starting count of each crop (random methods)", (10, 30)),
    )
    levels: ClassVar[dict[str, dict[str, Any]]] = {
        "paper": {"complexity": OneOf(1, *[2] * 2, *[3] * 3, *[4] * 4, *[5] * 10)},
        "1": {"complexity": 2},
        "2": {"complexity": 4},
        "3": {"complexity": 5},
        "4": {"complexity": 0, "crops": 4, "products": 2, "methods": 5, "count_range": (10, 30)},
        "5": {"complexity": 0, "crops": 5, "products": 3, "methods": 6, "count_range": (20, 60)},
        "6": {"complexity": 0, "crops": 6, "products": 3, "methods": 8, "count_range": (40, 120)},
    }
    answer_format = "<<<[remaining crops..., obtained products...]>>> in the order the question lists"
    original_dirs = ("synthesis_decomposition_dataset",)

    def _generate(
        self, rng: random.Random, *, complexity: int, crops: int, products: int, methods: int,
        count_range: Any,
    ) -> tuple[str, dict[str, Any]]:
        if complexity:
            if complexity not in FIXED:
                raise ValueError("complexity must be 0 (random methods) or 1..5")
            crop_names, product_names, chosen, (low, high) = FIXED[complexity]
        else:
            if not (1 <= crops <= len(CROP_NAMES) and 1 <= products <= len(PRODUCT_NAMES) and methods >= 1):
                raise ValueError(f"need 1..{len(CROP_NAMES)} crops, 1..{len(PRODUCT_NAMES)} products, >=1 method")
            crop_names, product_names = CROP_NAMES[:crops], PRODUCT_NAMES[:products]
            chosen = random_methods(rng, crop_names, product_names, methods)
            low, high = (int(v) for v in count_range)
            if not 0 <= low <= high:
                raise ValueError("count_range must be (low, high) with 0 <= low <= high")
        start = {c: rng.randint(low, high) for c in crop_names}
        data = {
            "methods": [m.to_json() for m in chosen],
            "start": start,
            "order": list(crop_names + product_names),
        }
        return question_text(crop_names, product_names, chosen, start), data

    def judge_answer(self, instance: Instance, answer: str) -> Verdict:
        expected = final_counts(instance)
        return judge_counts(instance.data["order"], expected, answer)

    def reference_answer(self, instance: Instance) -> str:
        return "<<<[" + ", ".join(map(str, final_counts(instance))) + "]>>>"

    def from_original(self, item: OriginalItem) -> Instance:
        text = item.question or ""
        methods = [
            Method.of(_parse_amounts(m.group(2)), _parse_amounts(m.group(3))) for m in _METHOD.finditer(text)
        ]
        initial, order = _INITIAL.search(text), _ORDER.search(text)
        answer = released_solution(item).get("solution", {}).get("answer")
        if not methods or not initial or not order or not isinstance(answer, list) or len(answer) != 5:
            raise OriginalDataError(f"{item.item_id}: unreadable methods, start, answer order or gold")
        names = [part.strip().split("_")[-1] for part in order.group(1).split(",")]
        released = [int(answer["ABCXY".index(name)]) for name in names]
        data = {
            "methods": [m.to_json() for m in methods],
            "start": _parse_amounts(initial.group(1)),
            "order": names,
            RELEASED_ANSWER: "[" + ", ".join(map(str, released)) + "]",
        }
        return instance_from_folder_item(self, item, data)


def _parse_amounts(text: str) -> dict[str, int]:
    return {name: int(n) for n, _, name in _AMOUNT.findall(text)}
