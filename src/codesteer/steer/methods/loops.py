"""The write-run-read baselines: the task model writes code, the sandbox runs it, the model reads
the output, over several turns.

**Code Interpreter** stands in for a provider's native tool: the task model is told it has a
Python interpreter (``tool_system``); the report of each run comes back as the next user turn
(``tool_output``). Our ``ChatModel`` interface has no tool calls, so every provider gets this
loop; for OpenAI's Assistants tool it is the same protocol with the tool call written as a
fenced block.

**Symbolic Agent** (the paper names the baseline without fixing its prompt): the task model is
told to model the problem exactly in a program (objects, constraints, systematic search or exact
/ symbolic arithmetic; ``symbolic_agent``) and, after each run, to check the result against
every condition, then either write a corrected program or state the verified answer without code
(``symbolic_agent_feedback``).

**AutoGen Conca.**: an AutoGen assistant instruction (``autogen_system``) is concatenated in
front of the question (no system turn, as in the original); a user proxy answers each run with
the exit code and output (``autogen_output``) until a reply says ``TERMINATE``. The final
response is the **concatenation** of every reply and every execution report, in order; its
answer is the last ``<<<...>>>`` in it (its code is not run again).

All three stop at a reply without code or after ``max_rounds`` executions. The answer is read
from the final reply and from the last execution output (the one the model read before
answering) when the final reply has no code of its own.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from codesteer.sandbox.types import Execution
from codesteer.steer.context import Ending, Run
from codesteer.steer.extract import first_code
from codesteer.steer.methods import Method
from codesteer.steer.methods._shared import opening
from codesteer.steer.prompts import Rendered, render
from codesteer.steer.trajectory import TASK

Feedback = Callable[[Execution, str], Rendered]


async def write_run_read(run: Run, first: Rendered | str, feedback: Feedback, stop_word: str | None = None) -> Ending:
    """The model writes code, the sandbox runs it, the model reads the output; repeat.

    Stops when a reply holds no code block, when it contains ``stop_word``, or after
    ``max_rounds`` executions. The ending carries the last execution when the final reply has
    no code of its own (the model read that output before answering); otherwise the engine
    runs the final reply's code.
    """
    chat = run.chat(TASK)
    chat.say(first, 0)
    reply = await chat.answer(0)
    run.record.reply(0, reply)
    last: Execution | None = None
    for index in range(1, run.config.max_rounds + 1):
        if stop_word and stop_word in reply:
            return Ending(reply, "done", None if first_code(reply) else last)
        ran = await run.code.run_reply(index - 1, reply)
        if ran is None:
            return Ending(reply, "done", last)
        last = ran.execution
        chat.say(feedback(ran.execution, ran.report), index)
        reply = await chat.answer(index)
        run.record.reply(index, reply)
    return Ending(reply, "max_rounds", None if first_code(reply) else last)


def _loop(system: str, feedback: str) -> Callable[[Run], Awaitable[Ending]]:
    async def run(r: Run) -> Ending:
        return await write_run_read(r, opening(r, system), lambda _, text: render(feedback, report=text))

    return run


def _autogen_feedback(execution: Execution, text: str) -> Rendered:
    status = "execution succeeded" if execution.ok else "execution failed"
    code = "" if execution.exit_code is None else str(execution.exit_code)
    return render("autogen_output", exit_code=code, status=status, report=text)


async def _autogen(r: Run) -> Ending:
    ending = await write_run_read(r, opening(r, "autogen_system"), _autogen_feedback, stop_word="TERMINATE")
    parts = []
    for rnd in sorted(r.record.trajectory.rounds, key=lambda x: x.index):
        parts.append(rnd.reply or "")
        if rnd.execution_report:
            parts.append(rnd.execution_report)
    return Ending("\n\n".join(parts), ending.stop_reason, None, run_reply_code=False)


METHODS = [
    Method("code_interpreter", "Code Interpreter: multi-turn write-run-read loop with a sandboxed interpreter.",
           _loop("tool_system", "tool_output")),
    Method("symbolic_agent", "Symbolic Agent: symbolic code, run, verify and revise over several turns.",
           _loop("symbolic_agent", "symbolic_agent_feedback")),
    Method("autogen_concat", "AutoGen Conca.: AutoGen-style code execution loop, transcript concatenated.", _autogen),
]
