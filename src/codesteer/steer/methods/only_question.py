"""The task model gets the question alone (no instruction added): one reply.

The answer is read from the reply text and, when the reply holds a code block, from the output
of running its first block in the sandbox (either channel may carry it).
"""

from __future__ import annotations

from codesteer.steer.engine import Ending, Run
from codesteer.steer.methods import Method
from codesteer.steer.methods._shared import single_answer


async def run(r: Run) -> Ending:
    return await single_answer(r, None)


METHOD = Method("only_question", "The task model gets the question alone (no instruction added): one reply.", run)
