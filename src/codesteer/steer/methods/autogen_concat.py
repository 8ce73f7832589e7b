"""AutoGen Conca.: AutoGen-style multi-turn code execution, with the transcript concatenated.

Definition: an AutoGen assistant instruction (template ``autogen_system``) is concatenated in
front of the question in the first user turn (there is no system turn, as in the original).
A user proxy then runs the first code block of each reply and answers with the exit code and
output (``autogen_output``), until a reply says ``TERMINATE``, holds no code, or ``max_rounds``
executions have happened. The final response is the **concatenation** of every reply and every
execution report, in order; the answer is the last ``<<<...>>>`` in it (the code in it is not
run again: its outputs are already part of the text).
"""

from __future__ import annotations

from codesteer.sandbox.types import Execution
from codesteer.steer.engine import Ending, Run
from codesteer.steer.methods import Method
from codesteer.steer.methods._shared import opening, write_run_read
from codesteer.steer.prompts import Rendered, render


def _feedback(execution: Execution, text: str) -> Rendered:
    status = "execution succeeded" if execution.ok else "execution failed"
    code = "" if execution.exit_code is None else str(execution.exit_code)
    return render("autogen_output", exit_code=code, status=status, report=text)


async def run(r: Run) -> Ending:
    ending = await write_run_read(r, opening(r, "autogen_system"), _feedback, stop_word="TERMINATE")
    parts = []
    for rnd in sorted(r.trajectory.rounds, key=lambda x: x.index):
        parts.append(rnd.reply or "")
        if rnd.execution_report:
            parts.append(rnd.execution_report)
    return Ending("\n\n".join(parts), ending.stop_reason, None, run_reply_code=False)


METHOD = Method("autogen_concat", "AutoGen Conca.: AutoGen-style code execution loop, transcript concatenated.", run)
