"""String Deletion and Modification: apply rewrite rules until none applies; give the final string.

The question lists rewrite rules (prefix/suffix replacements, deletions, substring swaps, length
trims; generated ones are drawn from :data:`codesteer.symbench.kit.rewriting.POOL`); the judge
reads each rule from its sentence (:func:`codesteer.symbench.kit.rewriting.parse_rule`), so
released questions with rules outside our pool are judged by their own wording. Each step applies the first rule, in
the listed order, whose condition holds, then starts again from rule 1; it stops when no rule
applies (:func:`codesteer.symbench.kit.rewriting.rewrite`). The answer is the final string, as the
question asks: ``<<< "final_string" >>>``; the same string without quotes is read too. Judged
by simulation; a wrong answer's reason says which rule still applies to it or where it differs.

Knobs: ``min_len``/``max_len`` (initial string length), ``num_rules`` (rules drawn from the pool
of 20), ``min_steps`` (fewest rewrites an instance needs). Levels: ``paper`` is the release's
generator (10-20 letters over a-c, 6 rules, at least 4 rewrites); the ladder ``1``..``6`` grows
to 150-300 letters, 14 rules and at least 40 rewrites. Instances whose rules loop are redrawn.

Deviations from the release: its golds were scored by exact match against the bare string, so
the quoted answer its own question asks for failed; here both pass. Its wording ("cycle through
the operations one at a time") was ambiguous against the code's first-applicable-rule semantics;
generated questions add one sentence stating the semantics (the released golds follow it). Our
pool holds 19 of the release's 20 rules and one of our own ("If the string contains 'cbc',
replace the first occurrence with 'b'."); the release's "If the string prefix is 'ab', replace it
with 'ca'." is read from the questions that list it.
"""

from __future__ import annotations

import random
import re
from typing import Any, ClassVar

from codesteer.symbench.kit.common import instance_from_folder_item, released_solution
from codesteer.symbench.kit.rewriting import (
    POOL,
    RewriteLimitError,
    Rule,
    RuleTextError,
    first_applicable,
    parse_rule,
    rewrite,
)
from codesteer.symbench.task import (
    RELEASED_ANSWER,
    Instance,
    Knob,
    OriginalDataError,
    OriginalItem,
    Task,
    Verdict,
)

_TRIES = 500
_STRING_RE = re.compile(r'For the string "([^"]*)"')
_RULE_LINE = re.compile(r"^\d+\.\s*(If the string .+?)\s*$", re.MULTILINE)


def question_text(rules: list[str], start: str) -> str:
    """The question, worded as the release worded it, with the rule order made explicit."""
    listed = "\n".join(f"{i}. {text}" for i, text in enumerate(rules, 1))
    return (
        "Cycle through the following operations one at a time until no further operations can be "
        "performed (each step performs the first operation, in the listed order, whose condition "
        "holds, then starts again from operation 1):\n\n"
        f"{listed}\n\n"
        f'For the string "{start}", what is the final string after performing all operations?\n\n'
        "Provide your answer as a string in the following format:\n\n"
        '<<< "some_final_string" >>>\n'
    )


def _rules(data: dict[str, Any]) -> list[Rule]:
    return [parse_rule(text) for text in data["selected_rules"]]


class StringDeletionModification(Task):
    name = "string_deletion_modification"
    title = "String Deletion and Modification"
    seen = True
    knobs = (
        Knob("min_len", "shortest initial string", 10),
        Knob("max_len", "longest initial string", 20),
        Knob("num_rules", f"rules drawn from the pool of {len(POOL)}", 6),
        Knob("min_steps", "fewest rewrites before no rule applies", 4),
    )
    levels: ClassVar[dict[str, dict[str, Any]]] = {
        "paper": {"min_len": 10, "max_len": 20, "num_rules": 6, "min_steps": 4},
        "1": {"min_len": 6, "max_len": 10, "num_rules": 4, "min_steps": 2},
        "2": {"min_len": 10, "max_len": 20, "num_rules": 6, "min_steps": 4},
        "3": {"min_len": 20, "max_len": 40, "num_rules": 8, "min_steps": 8},
        "4": {"min_len": 40, "max_len": 80, "num_rules": 10, "min_steps": 15},
        "5": {"min_len": 80, "max_len": 150, "num_rules": 12, "min_steps": 25},
        "6": {"min_len": 150, "max_len": 300, "num_rules": 14, "min_steps": 40},
    }
    answer_format = '<<< "final_string" >>>: the string once no rule applies (quotes optional)'
    original_dirs = ("string_deletion_and_modification",)

    def _generate(
        self, rng: random.Random, min_len: int, max_len: int, num_rules: int, min_steps: int
    ) -> tuple[str, dict[str, Any]]:
        if not 1 <= min_len <= max_len or not 1 <= num_rules <= len(POOL) or min_steps < 0:
            raise ValueError(
                f"string_deletion_modification needs 1 <= min_len <= max_len and 1..{len(POOL)} rules"
            )
        for _ in range(_TRIES):
            rules = rng.sample(POOL, num_rules)
            start = "".join(rng.choice("abc") for _ in range(rng.randint(min_len, max_len)))
            try:
                states = rewrite(rules, start, max_steps=20 * max_len + 100)
            except RewriteLimitError:
                continue
            if len(states) - 1 >= min_steps and states[-1]:
                texts = [r.text for r in rules]
                data = {"initial_string": start, "selected_rules": texts}
                return question_text(texts, start), data
        raise ValueError("no terminating instance found with these knobs; lower min_steps")

    def _final(self, instance: Instance) -> str:
        return rewrite(_rules(instance.data), instance.data["initial_string"])[-1]

    def judge_answer(self, instance: Instance, answer: str) -> Verdict:
        got = answer.strip()
        rules = _rules(instance.data)
        states = rewrite(rules, instance.data["initial_string"])
        expected = states[-1]
        if got == expected:
            return Verdict.right(answer)
        fires = first_applicable(rules, got)
        if fires is not None:
            return Verdict.wrong(f"not final: operation {fires[0] + 1} still applies to {got[:60]!r}", answer)
        return Verdict.wrong(
            f"wrong final string: the rules stop at a {len(expected)}-letter string after "
            f"{len(states) - 1} operations",
            answer,
        )

    def reference_answer(self, instance: Instance) -> str:
        return f'<<< "{self._final(instance)}" >>>'

    def from_original(self, item: OriginalItem) -> Instance:
        sol = released_solution(item)
        texts = sol.get("selected_rules")
        start = sol.get("initial_string")
        final = sol.get("final_string")
        if not isinstance(texts, list) or not isinstance(start, str) or not isinstance(final, str):
            raise OriginalDataError("solution.json needs selected_rules, initial_string and final_string")
        listed = _RULE_LINE.findall(item.question or "")
        if [" ".join(t.split()) for t in texts] != [" ".join(t.split()) for t in listed]:
            raise OriginalDataError("question and solution.json disagree on the rules")
        try:
            for text in listed:
                parse_rule(text)
        except RuleTextError as exc:
            raise OriginalDataError(str(exc)) from exc
        match = _STRING_RE.search(item.question or "")
        if not match or match.group(1) != start:
            raise OriginalDataError("question and solution.json disagree on the initial string")
        data = {"initial_string": start, "selected_rules": listed, RELEASED_ANSWER: f'"{final}"'}
        return instance_from_folder_item(self, item, data)
