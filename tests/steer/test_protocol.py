"""Strict parsing of the steering model's control protocol."""

from __future__ import annotations

import pytest

from codesteer.steer.protocol import parse


@pytest.mark.parametrize(
    ("text", "opening", "action", "guidance", "malformed"),
    [
        ("Code is better here. <<<Code>>>", True, "code", "", False),
        ("<<<text>>>", True, "text", "", False),
        ("<<<  Return   Answer >>>", False, "return_answer", "", False),
        ("<<<TERMINATE.>>>", False, "terminate", "", False),
        ("first <<<Code>>> then <<<Text>>>", True, "text", "", False),  # the last block decides
        # an unclosed <<< before a block is text: the block starts at the last <<< before its >>>
        ("print(f'<<<{x}>>') fails, so: <<<Text>>>", False, "text", "", False),
        ("<<<Write code that searches all orders.>>>", False, "guidance", "Write code that searches all orders.", False),
        ("<<<Terminate the search at depth 3>>>", False, "guidance", "Terminate the search at depth 3", False),
        ("<<<Return Answers>>>", False, "guidance", "Return Answers", False),
        ("You should Terminate now", False, "guidance", "You should Terminate now", True),
        ("Return Answer", False, "guidance", "Return Answer", True),
        ("", False, "return_answer", "", True),
        ("<<< >>>", False, "return_answer", "", True),
        ("", True, "code", "", True),
        ("<<<Return Answer>>>", True, "code", "", True),
        ("<<<Terminate>>>", True, "code", "", True),
        ("Use words, step by step.", True, "guidance", "Use words, step by step.", True),
        # A dropped closing bracket around exactly an action word: the action, counted malformed.
        ("<<<Code>>", True, "code", "", True),
        ("Better in words. <<<Text>>", False, "text", "", True),
        ("<<<Return Answer", False, "return_answer", "", True),
        ("<<<Terminate>>", True, "code", "", True),
        ("<<<Return Answer>>\ndef f():\n    pass", False, "return_answer", "", True),
        ("<<<Code and more", False, "guidance", "<<<Code and more", True),
        ("<<<Write a loop>>", False, "guidance", "<<<Write a loop>>", True),
    ],
)
def test_parse(text: str, opening: bool, action: str, guidance: str, malformed: bool) -> None:
    decision = parse(text, opening=opening)
    assert (decision.action, decision.guidance, decision.malformed) == (action, guidance, malformed)
    assert bool(decision.reason) == malformed


def test_the_steering_grammar_bounds_its_parts_by_the_token_budget() -> None:
    from codesteer.steer.grammar import steering_grammar

    opening, later = steering_grammar(48, opening=True), steering_grammar(48)
    assert 'root ::= reasoning "<<<" decision ">>>"' in opening
    assert '"Return Answer"' not in opening and '"Return Answer" | "Terminate"' in later
    assert "[^<]{0,20}" in later and "[^<>]{1,20}" in later  # 48 tokens: 8 kept for brackets and a word
