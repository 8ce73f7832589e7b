"""Our judges against reasoning-gym's on the tasks both have: they agree, except where the two
tasks' rules differ (explained in docs/symbench.md); those items are recognised here by
reproducing reasoning-gym's answer with its rule on top of ours."""

from __future__ import annotations

import pytest
import reasoning_gym

from codesteer.integrations.reasoning_gym import PAIRS, Pair, cross_check
from codesteer.symbench.tasks.string_splitting import ITEMS, METHODS

INSERTIONS = {"ABCD": "A", "BCDE": "B", "CDEA": "C", "DEAB": "D", "EABC": "E"}


def insert_skipping(text: str) -> str:
    """reasoning-gym's rule: after an insertion the search goes on past the trigger, so a trigger
    overlapping it gets nothing (ours, the original's, inserts after every occurrence)."""
    out, i = [], 0
    while i < len(text):
        trigger = text[i:i + 4]
        if trigger in INSERTIONS:
            out += [trigger, INSERTIONS[trigger]]
            i += 4
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def split_restarting(start: list[int]) -> str:
    """reasoning-gym's rule: after each application, start again from method 1 (ours, the
    original's, goes on cyclically to the next method)."""
    counts = dict(zip(ITEMS, [*start, 0, 0, 0], strict=True))
    for _ in range(1000):
        method = next((m for m in METHODS if m.times_possible(counts)), None)
        if method is None:
            break
        method.apply(counts)
    return " ".join(str(counts[item]) for item in ITEMS)


#: How reasoning-gym's answer follows from its own rule where the rules differ.
THEIR_RULE = {
    "string_insertion": lambda entry: insert_skipping(entry["metadata"]["string"]),
    "string_splitting": lambda entry: split_restarting(list(entry["metadata"]["initial_machines"])),
}


@pytest.mark.parametrize("pair", PAIRS, ids=lambda p: p.theirs)
def test_judges_agree_or_the_rules_differ(pair: Pair) -> None:
    result = cross_check(pair, size=30, seed=0)
    assert result.accepted_by_both >= 1 and result.rejected_by_both >= result.items  # near misses rejected
    dataset = reasoning_gym.create_dataset(pair.theirs, size=30, seed=0)
    for d in result.disagreements:
        entry = dataset[d.index]
        assert d.answer == entry["answer"] and d.theirs and not d.ours, d  # only their reference answers
        assert pair.theirs in THEIR_RULE and THEIR_RULE[pair.theirs](entry) == entry["answer"], d
    if pair.theirs not in THEIR_RULE:
        assert result.rate == 1.0, result.disagreements


def test_the_differing_rules_do_differ_from_ours() -> None:
    assert insert_skipping("CDEAB") == "CDEACB"  # ours: CDEACBD (DEAB overlaps CDEA)
    from codesteer.symbench import get_task
    from codesteer.symbench.task import Instance

    ours = get_task("string_insertion").reference_answer(Instance("string_insertion", "x", "", {"original_string": "CDEAB"}))
    assert ours == "<<<CDEACBD>>>"
