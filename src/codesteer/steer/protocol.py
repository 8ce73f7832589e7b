"""The steering model's control protocol, parsed strictly.

The steering output's **last** ``<<<...>>>`` block decides. Its inside, with case and runs of
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
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Action = Literal["code", "text", "return_answer", "terminate", "guidance"]

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
    blocks = _BLOCK.findall(text)
    if not blocks:
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
    inside = blocks[-1].strip()
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
