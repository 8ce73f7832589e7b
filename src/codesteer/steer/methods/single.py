"""The one-shot baselines: one reply to the question, behind an instruction (or none).

Each differs only by the instruction template put before the question. The answer is read
from the reply text and, when the reply holds a code block, from the output of running its
first block in the sandbox (either channel may carry it).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from codesteer.steer.context import Ending, Run
from codesteer.steer.methods import Method
from codesteer.steer.methods._shared import one_shot


def single(instruction: str | None) -> Callable[[Run], Awaitable[Ending]]:
    """A method asking once with ``instruction`` (a template name; ``None``: the bare question)."""

    async def run(r: Run) -> Ending:
        return Ending(await one_shot(r, instruction))

    return run


METHODS = [
    Method("only_question", "The task model gets the question alone (no instruction added): one reply.",
           single(None)),
    Method("all_text_cot", "All Text + CoT: one reply, asked to reason step by step in text without code.",
           single("task_text")),
    Method("all_code", "All Code: one reply, asked for a program only (no explanation); its output gives the answer.",
           single("task_code_only")),
    Method("all_code_cot", "All Code + CoT: one reply, asked to explain the plan and then write one program that "
           "prints the answer.", single("task_code")),
    Method("code_text_choice", "Code/Text Choice: one reply in which the task model itself first chooses code or "
           "text, then answers that way.", single("task_choice")),
]
