"""The self-answer checker: the task model writes a script that tests a reply's answer.

The script runs in the sandbox; what it prints (or how it failed) is the feedback the steering
model reads. Unlike the original, a failed script is retried with its error shown to the model
(the original resent the identical prompt), up to ``SteerConfig.self_check_attempts`` scripts.
"""

from __future__ import annotations

from codesteer.steer import events
from codesteer.steer.context import Run
from codesteer.steer.extract import first_code
from codesteer.steer.prompts import render
from codesteer.steer.trajectory import Conversation, SelfCheck


async def self_check(run: Run, index: int, response: str) -> SelfCheck:
    """Check ``response`` (a reply, with its execution result appended) in round ``index``."""
    chat = run.chat(Conversation("self_check", str(index)))
    chat.say(render("self_check", question=run.question, response=response), index)
    result = SelfCheck(feedback="The checker wrote no code.")
    for attempt in range(1, run.config.self_check_attempts + 1):
        result.attempts = attempt
        code = first_code(await chat.answer(index))
        if code is None:
            problem = "There was no ```python code block in your reply."
        else:
            execution = await run.code.execute(code)
            result.code, result.execution = code, execution
            result.feedback = run.code.report(execution)
            if execution.ok and execution.stdout.strip():
                break
            problem = result.feedback if execution.stdout.strip() or not execution.ok else "It printed nothing."
        if attempt < run.config.self_check_attempts:
            chat.say(render("self_check_retry", report=problem), index)
    run.record.round(index).self_check = result
    run.record.emit(events.CheckerNote(index, "self_answer", result.feedback))
    return result
