"""The steering model's control protocol: ours (``strict``, the default) and the original's.

**strict.**
The steering output's **last** ``<<<...>>>`` block decides (read as answers are:
:func:`codesteer.symbench.answers.last_block`). Its inside, with case and runs of
whitespace ignored (and a trailing period forgiven), is an action when it is exactly one of:
``Code``, ``Text``, ``Return Answer``, ``Terminate``. Any other non-empty inside is free-form
guidance sent to the task model as is. (The original ended the loop whenever the word
"Terminate" appeared anywhere.)

Malformed outputs (no ``<<<...>>>`` block, an empty block, or a stop action in round 0, where
there is nothing to return yet) are counted, and fall back as follows:

* no block, but an opening ``<<<`` followed by exactly an action word and an incomplete
  closing (``<<<Code>>``, ``<<<Return Answer`` at a line's end: small models drop a bracket):
  that action, whatever text follows;
* no block but some text: the whole text is used as free-form guidance (what a fine-tuned
  steerer that forgot the wrapper meant);
* round 0, empty or a stop action: the standard "answer with code" instruction;
* later rounds, empty: stop with ``return_answer`` (keep the latest reply).

**original** (the released loop's rule, kept to reproduce it): in round 0 a fine-tuned
steerer's whole output is the guidance (the release prepended it to the question as it was); a
prompted one is asked for ``<<<Code>>>`` or ``<<<Text>>>`` anywhere in its output. Later, the
substring ``<<<Code>>>`` anywhere means code, else ``<<<Text>>>`` text, else the substring
``Return Answer`` or ``Terminate`` anywhere stops (so guidance that merely mentions "Terminate"
ends the loop); anything else is guidance: the whole output from a fine-tuned steerer, the
inside of the last ``<<<...>>>`` (or the whole output) from a prompted one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from codesteer.symbench.answers import last_block

Action = Literal["code", "text", "return_answer", "terminate", "guidance"]
Rule = Literal["strict", "original"]
RULES: tuple[Rule, ...] = ("strict", "original")

_BLOCK = re.compile(r"<<<(.*?)>>>", re.DOTALL)
_BROKEN_BLOCK = re.compile(r"<<<[ \t]*([A-Za-z][A-Za-z ]*?)[ \t]*\.?[ \t]*(?:>{1,2}|\n|$)")
_WORDS: dict[str, Action] = {
    "code": "code",
    "text": "text",
    "return answer": "return_answer",
    "terminate": "terminate",
}
STOP_ACTIONS = ("return_answer", "terminate")


@dataclass(frozen=True)
class Decision:
    """A parsed steering output. ``guidance`` is set for the ``guidance`` action."""

    action: Action
    guidance: str = ""
    malformed: bool = False
    reason: str = ""


def parse(text: str, *, opening: bool = False) -> Decision:
    """Decide what a steering output asks for; ``opening`` marks round 0."""
    inside = last_block(text)
    if inside is None:
        stripped = text.strip()
        broken = _BROKEN_BLOCK.findall(stripped)
        if broken:
            action = _WORDS.get(" ".join(broken[-1].lower().split()))
            if action is not None:
                if opening and action in STOP_ACTIONS:
                    return Decision("code", malformed=True, reason=f"{action} in round 0: nothing to return yet")
                return Decision(action, malformed=True, reason="incomplete <<<...>>> wrapper around an action")
        if stripped:
            return Decision("guidance", stripped, True, "no <<<...>>> block: whole text used as guidance")
        return _empty(opening, "empty steering output")
    inside = inside.strip()
    word = " ".join(inside.lower().split()).rstrip(".")
    action = _WORDS.get(word)
    if action is None:
        if inside:
            return Decision("guidance", inside)
        return _empty(opening, "empty <<<>>> block")
    if opening and action in STOP_ACTIONS:
        return Decision("code", malformed=True, reason=f"{action} in round 0: nothing to return yet")
    return Decision(action)


def _empty(opening: bool, reason: str) -> Decision:
    if opening:
        return Decision("code", malformed=True, reason=f"{reason}: defaulting to code")
    return Decision("return_answer", malformed=True, reason=f"{reason}: keeping the latest answer")


def parse_original(text: str, *, opening: bool = False, finetuned: bool = True) -> Decision:
    """Decide what a steering output asks for by the released loop's rule (see the module doc)."""
    if opening and finetuned:
        return Decision("guidance", text)
    if "<<<Code>>>" in text:
        return Decision("code")
    if "<<<Text>>>" in text:
        return Decision("text")
    if opening:
        return Decision("code", malformed=True, reason="no <<<Code>>>/<<<Text>>> choice: defaulting to code")
    if "Return Answer" in text:
        return Decision("return_answer")
    if "Terminate" in text:
        return Decision("terminate")
    blocks = _BLOCK.findall(text)
    return Decision("guidance", text if finetuned or not blocks else blocks[-1])


def decide(text: str, rule: Rule, *, opening: bool = False, finetuned: bool = True) -> Decision:
    """A steering output's decision under ``rule``."""
    if rule == "original":
        return parse_original(text, opening=opening, finetuned=finetuned)
    return parse(text, opening=opening)
