"""Building blocks several methods share: one-shot answers and the write-run-read loop."""

from __future__ import annotations

from collections.abc import Callable

from codesteer.sandbox.types import Execution
from codesteer.steer import events, protocol
from codesteer.steer.engine import Chat, Ending, Run
from codesteer.steer.extract import first_code
from codesteer.steer.prompts import Rendered, render


def opening(run: Run, instruction: str | None) -> Rendered | str:
    """The first user turn: an instruction template followed by the question (or the bare question)."""
    if instruction is None:
        return run.question
    return render("task_opening", instruction=render(instruction), question=run.question)


async def one_shot(run: Run, instruction: str | None, chat: Chat | None = None, index: int = 0) -> str:
    """Ask once: ``instruction`` (a template name, or ``None`` for the bare question)."""
    chat = chat or run.task_chat()
    chat.say(opening(run, instruction), index)
    reply = await chat.answer(index)
    run.record_reply(index, reply, chat.name)
    return reply


async def single_answer(run: Run, instruction: str | None) -> Ending:
    """A one-shot method: one reply, whose code (if any) the engine runs to read the answer."""
    return Ending(await one_shot(run, instruction))


def record_decision(run: Run, index: int, output: str, decision: protocol.Decision) -> None:
    """Record a steering output and its decision in round ``index``; count it if malformed; emit it."""
    rnd = run.round(index)
    rnd.steer_output, rnd.action = output, decision.action
    if decision.malformed:
        rnd.malformed = decision.reason
        run.trajectory.malformed_steer_outputs += 1
    run.emit(events.Guidance(index, decision.action, output, rnd.malformed))


Feedback = Callable[[Execution, str], Rendered]


async def write_run_read(run: Run, first: Rendered | str, feedback: Feedback, stop_word: str | None = None) -> Ending:
    """The model writes code, the sandbox runs it, the model reads the output; repeat.

    Stops when a reply holds no code block, when it contains ``stop_word``, or after
    ``max_rounds`` executions. The ending carries the last execution when the final reply has
    no code of its own (the model read that output before answering); otherwise the engine
    runs the final reply's code.
    """
    chat = run.task_chat()
    chat.say(first, 0)
    reply = await chat.answer(0)
    run.record_reply(0, reply)
    last: Execution | None = None
    for index in range(1, run.config.max_rounds + 1):
        if stop_word and stop_word in reply:
            return Ending(reply, "done", None if first_code(reply) else last)
        ran = await run.run_code(index - 1, reply)
        if ran is None:
            return Ending(reply, "done", last)
        last, text = ran
        chat.say(feedback(last, text), index)
        reply = await chat.answer(index)
        run.record_reply(index, reply)
    return Ending(reply, "max_rounds", None if first_code(reply) else last)


async def both_answers(run: Run) -> tuple[dict[str, str], Execution | None]:
    """A text answer (round 0) and a code answer (round 1, its program run), as template values."""
    text_reply = await one_shot(run, "task_text", run.task_chat("task:text"), 0)
    code_reply = await one_shot(run, "task_code", run.task_chat("task:code"), 1)
    ran = await run.run_code(1, code_reply)
    values = {
        "question": run.question,
        "text_reply": text_reply,
        "code_reply": code_reply,
        "code_output": ran[1] if ran else "(the code answer held no code block)",
    }
    return values, ran[0] if ran else None
