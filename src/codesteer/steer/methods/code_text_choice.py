"""Code/Text Choice: one reply in which the task model itself first chooses code or text, then answers that way.

The answer is read from the reply text and, when the reply holds a code block, from the output
of running its first block in the sandbox (either channel may carry it).
"""

from __future__ import annotations

from codesteer.steer.engine import Ending, Run
from codesteer.steer.methods import Method
from codesteer.steer.methods._shared import single_answer


async def run(r: Run) -> Ending:
    return await single_answer(r, "task_choice")


METHOD = Method("code_text_choice", "Code/Text Choice: one reply in which the task model itself first chooses code or text, then answers that way.", run)
