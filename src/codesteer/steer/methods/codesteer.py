"""CodeSteer: a steering model guides the task model between code and text, round by round.

Round 0: the steering model gets the choice instruction and the question (``steer_choice``);
its output, parsed by :mod:`codesteer.steer.protocol`, becomes the task model's first
instruction: ``<<<Code>>>``/``<<<Text>>>`` map to the standard code/text instructions
(``task_code``/``task_text``), anything else is passed on verbatim; the question follows it.

Rounds 1..``max_rounds``: the previous reply's first code block runs in the sandbox, its report
is appended to the reply as the steerer sees it, and the symbolic checker reads the code; the
self-answer checker tests the reply; the steering model then gets the reply, the checker
feedback and the code analysis (``steer_round``; a prompted steerer also gets the instruction
header ``steer_decision`` and the question on every turn, a fine-tuned one only the body) and
answers with ``<<<Return Answer>>>``/``<<<Terminate>>>`` (stop: the latest reply is final),
``<<<Code>>>``/``<<<Text>>>`` or free-form guidance, which becomes the task model's next user
turn. The task model keeps its whole conversation; it sees execution output only when
``show_execution_to_task_model`` is on. After the last round's reply the loop stops
(``max_rounds``) and that reply is final.
"""

from __future__ import annotations

from codesteer.steer import protocol
from codesteer.steer.chat import Chat
from codesteer.steer.context import Ending, Run
from codesteer.steer.methods import Method
from codesteer.steer.prompts import Rendered, render
from codesteer.steer.self_check import self_check
from codesteer.steer.trajectory import STEER, TASK


async def _steer(r: Run, chat: Chat, index: int) -> protocol.Decision:
    """Ask the steering model for round ``index``'s decision; record it."""
    out = await chat.answer(index)
    decision = protocol.parse(out, opening=index == 0)
    r.record.decision(index, out, decision)
    return decision


def _instruction(decision: protocol.Decision) -> Rendered | str:
    if decision.action == "code":
        return render("task_code")
    if decision.action == "text":
        return render("task_text")
    return decision.guidance


def _text(instruction: Rendered | str) -> str:
    return instruction.text if isinstance(instruction, Rendered) else instruction


async def _review(r: Run, index: int, reply: str) -> tuple[Rendered, str | None]:
    """Run and check round ``index``'s reply; the steering turn body and the execution report."""
    ran = await r.code.run_reply(index, reply)
    rnd = r.record.round(index)
    seen = render("execution_note", report=ran.report) if ran else None
    augmented = f"{reply}\n\n{seen.text}" if seen else reply
    checker = (await self_check(r, index, augmented)).feedback if r.config.self_check else "(checker disabled)"
    notes = render("steer_code_notes", summary=rnd.symbolic.summary) if rnd.symbolic else ""
    body = render("steer_round", reply=augmented, checker=checker, code_notes=notes)
    return body, ran.report if ran else None


async def run(r: Run) -> Ending:
    steer, task = r.chat(STEER), r.chat(TASK)
    prompted = r.profile is None or r.profile.style == "prompted"
    steer.say(render("steer_choice", question=r.question), 0)
    decision = await _steer(r, steer, 0)
    instruction = _instruction(decision)
    r.record.round(0).guidance = _text(instruction)
    task.say(render("task_opening", instruction=instruction, question=r.question), 0)
    reply = await task.answer(0)
    r.record.reply(0, reply)
    for index in range(1, r.config.max_rounds + 1):
        body, executed = await _review(r, index - 1, reply)
        if prompted:
            header = render("steer_decision", question=r.question)
            steer.say(Rendered(f"{header.text}\n\n{body.text}", header.templates + body.templates), index, bare=body.text)
        else:
            steer.say(body, index)
        decision = await _steer(r, steer, index)
        if decision.action in protocol.STOP_ACTIONS:
            return Ending(reply, decision.action)  # type: ignore[arg-type]
        instruction = _instruction(decision)
        r.record.round(index).guidance = _text(instruction)
        if r.config.show_execution_to_task_model and executed is not None:
            instruction = render("task_execution", report=executed, instruction=instruction)
        task.say(instruction, index)
        reply = await task.answer(index)
        r.record.reply(index, reply)
    return Ending(reply, "max_rounds")


METHODS = [Method("codesteer", "CodeSteer: a steering model guides code/text choices over several rounds.", run,
                  uses_steer=True)]
