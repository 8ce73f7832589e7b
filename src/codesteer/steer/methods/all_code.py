"""All Code: one reply, asked for a program only (no explanation); its output gives the answer.

The answer is read from the reply text and, when the reply holds a code block, from the output
of running its first block in the sandbox (either channel may carry it).
"""

from __future__ import annotations

from codesteer.steer.engine import Ending, Run
from codesteer.steer.methods import Method
from codesteer.steer.methods._shared import single_answer


async def run(r: Run) -> Ending:
    return await single_answer(r, "task_code_only")


METHOD = Method("all_code", "All Code: one reply, asked for a program only (no explanation); its output gives the answer.", run)
