"""A deterministic toy world for the GRPO tests (and the mask helper they share).

The task model answers correctly only when the latest instruction is the right one: the code
instruction (what ``<<<Code>>>`` maps to) on Number Multiply, the text instruction (``<<<Text>>>``)
on Web of Lies. Right in code mode it writes a program printing the product (run in the
sandbox); right in text mode it reasons to the answer; otherwise it gives a wrong answer. It
works the answers out from the question text itself.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from codesteer.llm.base import Message
from codesteer.llm.scripted import ScriptedModel
from codesteer.steer.prompts import render

ARITHMETIC, TEXTUAL = "number_multiply", "web_of_lies"
TASKS = f"{ARITHMETIC},{TEXTUAL}"
CODE, TEXT = render("task_code").text, render("task_text").text

_PRODUCT = re.compile(r"What is the result of ([-\d*]+)\?")
_FIRST = re.compile(r"Question: (\w+) (lies|tells the truth)\.")
_CLAIM = re.compile(r"(\w+) says (\w+) (lies|tells the truth)\.")
_ASKED = re.compile(r"Does (\w+) tell the truth\?")


def product(question: str) -> int | None:
    match = _PRODUCT.search(question)
    return math.prod(int(f) for f in re.findall(r"-?\d+", match.group(1))) if match else None


def web_of_lies(question: str) -> str:
    first = _FIRST.search(question)
    assert first is not None, question
    honest = {first.group(1): first.group(2) == "tells the truth"}
    for speaker, subject, claim in _CLAIM.findall(question):
        honest[speaker] = honest[subject] == (claim == "tells the truth")
    asked = _ASKED.search(question)
    assert asked is not None, question
    return "Yes" if honest[asked.group(1)] else "No"


def reply(question: str, instruction: str) -> str:
    """The toy's reply to ``question`` under ``instruction`` (the latest one it was given)."""
    value = product(question)
    if value is not None:
        if CODE in instruction:
            factors = _PRODUCT.search(question).group(1)  # type: ignore[union-attr]
            return f"The program multiplies the factors.\n```python\nprint(f'<<<{{{factors}}}>>>')\n```"
        return f"Multiplying in my head gives <<<{value + 1}>>>."
    truth = web_of_lies(question)
    if TEXT in instruction:
        return f"Following the statements one by one, the answer is <<<{truth}>>>."
    return f"<<<{'No' if truth == 'Yes' else 'Yes'}>>>"


def toy_task_model() -> ScriptedModel:
    def respond(messages: Sequence[Message]) -> str:
        users = [m["content"] for m in messages if m["role"] == "user"]
        return reply(users[0], users[-1])

    return ScriptedModel(respond, name="toy-task")


def mask_runs(ids: list[int], mask: list[int], bit: int) -> list[list[int]]:
    """The consecutive runs of ``ids`` whose mask is ``bit`` (1: the policy's tokens, 0: what it was shown)."""
    runs: list[list[int]] = []
    previous = None
    for token, m in zip(ids, mask, strict=True):
        if m == bit:
            if previous != bit:
                runs.append([])
            runs[-1].append(token)
        previous = m
    return runs
