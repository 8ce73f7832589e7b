from __future__ import annotations

import json

import pytest

from codesteer.symbench.errors import NoSolutionError
from codesteer.symbench.kit.rewriting import BY_TEXT, POOL, RewriteLimitError, Rule, rewrite
from codesteer.symbench.original import load_task
from codesteer.symbench.task import RELEASED_ANSWER
from codesteer.symbench.tasks.string_deletion_modification import StringDeletionModification

TASK = StringDeletionModification()


def _rule(text: str) -> Rule:
    return BY_TEXT[text]


def test_pool_rules_do_what_they_say() -> None:
    cases = {
        "If the string suffix is 'ac', replace it with 'cb'.": ("bbac", "bbcb"),
        "If the string contains 'ca' (not at the start), remove the first occurrence found after the "
        "first character.": ("cacab", "cab"),
        "If the string length is greater than 15, remove the middle character.": ("a" * 8 + "b" + "c" * 7, "a" * 8 + "c" * 7),
        "If the string prefix is 'cb', replace it with 'aa' and delete the last character.": ("cbabc", "aaab"),
        "If the string suffix is 'cc', replace it with 'b' and prepend 'a' to the start.": ("bcc", "abb"),
        "If the string contains an even number of 'b's (and at least one 'b'), append 'ab' at the end.": ("bab", "babab"),
    }
    for text, (before, after) in cases.items():
        assert _rule(text).apply(before) == after, text
    assert _rule("If the string contains an even number of 'b's (and at least one 'b'), append 'ab' at the end.").apply("ac") is None
    assert len(POOL) == len(BY_TEXT) == 20


def test_rewrite_uses_the_first_applicable_rule_and_detects_loops() -> None:
    rules = [_rule("If the string ends with 'ba', replace it with 'ab'."), _rule("If the string starts with 'cc', remove the first two characters.")]
    assert rewrite(rules, "ccba") == ["ccba", "ccab", "ab"]
    with pytest.raises(NoSolutionError, match="do not terminate"):  # a cycle proves there is no end
        rewrite([Rule("reverse", lambda s: s[::-1] if s != s[::-1] else None)], "ab")
    with pytest.raises(RewriteLimitError, match="within 50 steps") as limit:
        rewrite([Rule("grow", lambda s: s + "a")], "b", max_steps=50)
    assert not isinstance(limit.value, NoSolutionError)  # running out of steps proves nothing


def test_judge_accepts_quoted_and_bare_and_rejects_near_misses() -> None:
    inst = TASK.generate(2)
    final = TASK.reference_answer(inst).split('"')[1]
    assert TASK.judge(inst, f'<<< "{final}" >>>').correct
    assert TASK.judge(inst, f"<<<{final}>>>").correct
    assert TASK.judge(inst, f"<<<'{final}'>>>").correct
    assert "still applies" in TASK.judge(inst, f"<<<{inst.data['initial_string']}>>>").reason
    wrong = TASK.judge(inst, f"<<<{final}x>>>")
    assert not wrong.correct
    assert not TASK.judge(inst, f'<<< "{final[:-1]}" >>>').correct


def test_generated_rules_terminate_and_need_enough_steps() -> None:
    for level in ("paper", "6"):
        inst = TASK.generate(7, level=level)
        steps = len(rewrite([BY_TEXT[t] for t in inst.data["selected_rules"]], inst.data["initial_string"])) - 1
        assert steps >= TASK.levels[level]["min_steps"]


def test_released_items_pass_in_the_quoted_format_their_question_asks_for(original_root) -> None:
    instances, failures = load_task(original_root, TASK)
    assert not failures and len(instances) == 5
    for inst in instances:
        gold = inst.data[RELEASED_ANSWER]
        assert gold.startswith('"') and TASK.judge(inst, f"<<< {gold} >>>").correct, inst.id
        stored = json.loads((original_root / inst.id / "solution.json").read_text())
        assert TASK.reference_answer(inst) == f'<<< "{stored["final_string"]}" >>>'
        assert rewrite([BY_TEXT[t] for t in stored["selected_rules"]], stored["initial_string"]) == stored["intermediate_states"]
