"""Counted-item exchange rules applied in a fixed cyclic order (String Synthesis, String Splitting,
Synthesis Decomposition).

A :class:`Method` consumes fixed amounts of some items and produces fixed amounts of others.
:func:`run_cycle` cycles through the methods in order until a full pass changes nothing, either
applying each method at most ``once`` when its turn comes (String Splitting, Synthesis
Decomposition) or as many times as possible (String Synthesis's released semantics). The one
simulator is used by those tasks' generators, reference solvers and judges.

:func:`parse_counts` reads a list of counts in the formats the three questions ask for, and
:func:`judge_counts` judges such an answer against the simulated counts.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from codesteer.symbench.answers import AnswerFormatError, parse_literal, read_int
from codesteer.symbench.task import Verdict

#: Safety bound on single applications in ``once`` mode (generated instances stay far below).
MAX_STEPS = 1_000_000


@dataclass(frozen=True)
class Method:
    """One exchange: ``consumes`` and ``produces`` map item names to positive amounts."""

    consumes: tuple[tuple[str, int], ...]
    produces: tuple[tuple[str, int], ...]

    @classmethod
    def of(cls, consumes: Mapping[str, int], produces: Mapping[str, int]) -> Method:
        return cls(tuple(consumes.items()), tuple(produces.items()))

    def times_possible(self, counts: Mapping[str, int]) -> int:
        """How many times in a row the method can run on ``counts``."""
        return min(counts.get(item, 0) // amount for item, amount in self.consumes)

    def apply(self, counts: dict[str, int], times: int = 1) -> None:
        for item, amount in self.consumes:
            counts[item] -= amount * times
        for item, amount in self.produces:
            counts[item] = counts.get(item, 0) + amount * times

    def to_json(self) -> dict[str, dict[str, int]]:
        return {"consumes": dict(self.consumes), "produces": dict(self.produces)}

    @classmethod
    def from_json(cls, data: Mapping[str, Mapping[str, int]]) -> Method:
        return cls.of(dict(data["consumes"]), dict(data["produces"]))


def run_cycle(
    methods: Sequence[Method], initial: Mapping[str, int], *, exhaust: bool = False
) -> tuple[dict[str, int], list[tuple[int, dict[str, int]]]]:
    """Final counts, and (method index, counts after) for each turn that changed something.

    Methods run in order, cyclically, until one full pass changes nothing. With ``exhaust`` a
    method runs as many times as it can on its turn; otherwise once.
    """
    if not methods:
        raise ValueError("no methods")
    if any(not m.consumes for m in methods):
        raise ValueError("every method must consume something")
    counts = dict(initial)
    steps: list[tuple[int, dict[str, int]]] = []
    changed = True
    applications = 0
    while changed:
        changed = False
        for index, method in enumerate(methods):
            times = method.times_possible(counts)
            if times == 0:
                continue
            times = times if exhaust else 1
            method.apply(counts, times)
            steps.append((index, dict(counts)))
            changed = True
            applications += 1
            if applications > MAX_STEPS:
                raise ValueError("the methods do not terminate within the step bound")
    return counts, steps


def parse_counts(answer: str, expected: int) -> list[int]:
    """``expected`` non-negative counts: a list (``[1, 0, 3]``, ``["1", "0", "3"]``) or bare items
    separated by commas, spaces or semicolons (``1 0 3``, ``1, 0, 3``).

    A single run of exactly ``expected`` digits (``103``) is read digit by digit: the released
    extractors wrote counts that way, and it is unambiguous only when every count is one digit
    (:func:`judge_counts` also accepts a longer run that spells the true counts).
    """
    text = answer.strip()
    if text.startswith(("[", "(")):
        value: Any = parse_literal(text)
        if not isinstance(value, list | tuple):
            raise AnswerFormatError("not a list of counts")
        items = [str(v).strip() for v in value]
    else:
        items = [p for p in re.split(r"[\s,;]+", text) if p]
        if len(items) == 1 and len(items[0]) == expected and items[0].isdigit():
            items = list(items[0])
    if len(items) != expected:
        raise AnswerFormatError(f"expected {expected} counts, got {len(items)}")
    counts = []
    for item in items:
        if not re.fullmatch(r"\d+", item):
            raise AnswerFormatError(f"not a non-negative whole count: {item[:20]!r}")
        counts.append(read_int(item))
    return counts


def judge_counts(names: Sequence[str], expected: Sequence[int], answer: str) -> Verdict:
    """Judge an answer listing one count per name against the simulated ``expected`` counts; a wrong
    verdict names the first wrong count.

    Counts written run together (``0007010``, as the release's answers are written) are right
    when they spell the true counts joined; a run of another length than one digit per count
    cannot be split, so its reason gives the true counts.
    """
    text = answer.strip()
    joined = "".join(str(n) for n in expected)
    if re.fullmatch(r"[0-9]+", text):
        if text == joined:
            return Verdict.right(answer)
        if len(text) != len(expected):
            shown = ", ".join(f"{name} {n}" for name, n in zip(names, expected, strict=True))
            return Verdict.wrong(
                f"the counts written together as {text[:60]} are not the final counts {shown} "
                f"(together {joined})", answer,
            )
    given = parse_counts(answer, len(expected))
    for name, want, got in zip(names, expected, given, strict=True):
        if want != got:
            return Verdict.wrong(f"{name} should be {want}, not {got}, after running the methods to the end", answer)
    return Verdict.right(answer)
