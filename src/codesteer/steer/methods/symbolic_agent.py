"""Symbolic Agent: symbolic computing in code, then self-verification over several turns.

Definition (the paper names the baseline without fixing its prompt): the task model is told to
model the problem exactly in a program (objects, constraints, systematic search or exact /
symbolic arithmetic; template ``symbolic_agent``). Each program runs in the sandbox and the
model is shown the result and asked to check it against every condition of the problem, then
either write a corrected program or state the verified answer without code
(``symbolic_agent_feedback``). It differs from ``code_interpreter`` in insisting on symbolic
code and in asking for verification after each run; the loop is the same, at most
``max_rounds`` executions.
"""

from __future__ import annotations

from codesteer.sandbox.types import Execution
from codesteer.steer.engine import Ending, Run
from codesteer.steer.methods import Method
from codesteer.steer.methods._shared import opening, write_run_read
from codesteer.steer.prompts import Rendered, render


def _feedback(_: Execution, text: str) -> Rendered:
    return render("symbolic_agent_feedback", report=text)


async def run(r: Run) -> Ending:
    return await write_run_read(r, opening(r, "symbolic_agent"), _feedback)


METHOD = Method("symbolic_agent", "Symbolic Agent: symbolic code, run, verify and revise over several turns.", run)
