"""Code Interpreter: a multi-turn write-run-read loop standing in for a provider's native tool.

Definition: the task model is told it has a Python interpreter (template ``tool_system``) and
gets the question. Whenever a reply holds a code block, the first block runs in the sandbox and
its report comes back as the next user turn (``tool_output``); the loop ends at a reply without
code or after ``max_rounds`` executions. The answer is read from the final reply and from the
last execution output (the one the model read before answering). Our ``ChatModel`` interface
has no tool calls, so every provider gets this loop; for OpenAI's Assistants tool it is the
same protocol with the tool call written as a fenced block.
"""

from __future__ import annotations

from codesteer.sandbox.types import Execution
from codesteer.steer.engine import Ending, Run
from codesteer.steer.methods import Method
from codesteer.steer.methods._shared import opening, write_run_read
from codesteer.steer.prompts import Rendered, render


def _feedback(_: Execution, text: str) -> Rendered:
    return render("tool_output", report=text)


async def run(r: Run) -> Ending:
    return await write_run_read(r, opening(r, "tool_system"), _feedback)


METHOD = Method("code_interpreter", "Code Interpreter: multi-turn write-run-read loop with a sandboxed interpreter.", run)
