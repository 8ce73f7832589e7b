from __future__ import annotations

import json

import pytest

from codesteer.symbench.errors import NoSolutionError
from codesteer.symbench.kit.rewriting import POOL, RewriteLimitError, Rule, RuleTextError, parse_rule, rewrite
from codesteer.symbench.original import load_task
from codesteer.symbench.task import RELEASED_ANSWER
from codesteer.symbench.tasks.string_deletion_modification import StringDeletionModification

from ..judging import assert_rejected

TASK = StringDeletionModification()


def _rule(text: str) -> Rule:
    return parse_rule(text)


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
    assert len({rule.text for rule in POOL}) == 20


@pytest.mark.parametrize(("text", "before", "after"), [
    ("If the string prefix is 'ab', replace it with 'ca'.", "abcab", "cacab"),  # the release's rule 1
    ("If the string prefix is 'ab', replace it with 'ca'.", "bab", None),
    ("If the string ends with 'cab', remove the last two characters.", "acab", "ac"),
    ("If the string starts with 'abc', replace the first two characters with 'z'.", "abcd", "zcd"),
    ("If the string starts with 'ab', replace the first two characters with 'z'.", "acd", None),
    ("If the string contains 'bb', delete the first occurrence entirely.", "abbcbb", "acbb"),
    ("If the string contains an even number of 'c's (and at least one 'c'), append 'a' at the end.", "cac", "caca"),
])
def test_rules_are_read_from_their_wording(text: str, before: str, after: str | None) -> None:
    assert parse_rule(text).apply(before) == after


def test_a_sentence_of_no_known_family_is_refused() -> None:
    with pytest.raises(RuleTextError, match="not a rule"):
        parse_rule("If the string is long, shorten it.")


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
    assert_rejected(TASK.judge(inst, f"<<<{final}x>>>"), r"^wrong final string: the rules stop at a \d+-letter string")
    assert_rejected(TASK.judge(inst, f'<<< "{final[:-1]}" >>>'), "still applies|wrong final string")


def test_generated_rules_terminate_and_need_enough_steps() -> None:
    for level in ("paper", "6"):
        inst = TASK.generate(7, level=level)
        steps = len(rewrite([parse_rule(t) for t in inst.data["selected_rules"]], inst.data["initial_string"])) - 1
        assert steps >= TASK.levels[level]["min_steps"]


def test_released_items_pass_in_the_quoted_format_their_question_asks_for(original_root) -> None:
    instances, failures = load_task(original_root, TASK)
    assert not failures and len(instances) == 5
    for inst in instances:
        gold = inst.data[RELEASED_ANSWER]
        assert gold.startswith('"') and TASK.judge(inst, f"<<< {gold} >>>").correct, inst.id
        stored = json.loads((original_root / inst.id / "solution.json").read_text())
        assert TASK.reference_answer(inst) == f'<<< "{stored["final_string"]}" >>>'
        assert rewrite([parse_rule(t) for t in stored["selected_rules"]], stored["initial_string"]) == stored["intermediate_states"]


def test_released_items_with_rules_outside_our_pool_load_and_judge(original_root, tmp_path) -> None:
    """The release drew some rules our pool lacks ("prefix 'ab' -> 'ca'"): they are read from the question."""
    source = original_root / "string_deletion_and_modification" / "sample_0"
    folder = tmp_path / "string_deletion_and_modification" / "sample_0"
    folder.mkdir(parents=True)
    rules = ["If the string prefix is 'ab', replace it with 'ca'.",
             "If the string suffix is 'bb', delete the last two characters."]
    question = source.joinpath("question.txt").read_text()
    head, _, tail = question.partition("1. ")
    tail = tail[tail.index("\n\nFor the string"):].replace("bbccacbbbbaabccabbba", "abbabb")
    folder.joinpath("question.txt").write_text(head + "\n".join(f"{i}. {r}" for i, r in enumerate(rules, 1)) + tail)
    folder.joinpath("solution.json").write_text(json.dumps({
        "initial_string": "abbabb", "selected_rules": rules, "intermediate_states": ["abbabb", "cababb", "caba"],
        "final_string": "caba", "complexity": 2}))
    instances, failures = load_task(tmp_path, TASK)
    assert not failures and len(instances) == 1
    (inst,) = instances
    assert TASK.judge(inst, f"<<< {inst.data[RELEASED_ANSWER]} >>>").correct
    assert TASK.reference_answer(inst) == '<<< "caba" >>>'
    assert "operation 2 still applies" in TASK.judge(inst, '<<< "cababb" >>>').reason
