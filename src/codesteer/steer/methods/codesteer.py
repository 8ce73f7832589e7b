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

The words are the prompt set's (``SteerConfig.prompts``: ours, with the template names above, or
``original:PATH``, the release's, see :mod:`codesteer.steer.prompt_sets`) and steering outputs
are read by ``SteerConfig.protocol`` (``strict`` or the release's ``original`` rule).
"""

from __future__ import annotations

from codesteer.steer import protocol
from codesteer.steer.chat import Chat
from codesteer.steer.context import Ending, Run
from codesteer.steer.methods import Method
from codesteer.steer.prompt_sets import PromptSet
from codesteer.steer.prompts import Text, render, text_of
from codesteer.steer.trajectory import STEER, TASK


async def _steer(r: Run, chat: Chat, index: int) -> protocol.Decision:
    """Ask the steering model for round ``index``'s decision; record it."""
    out = await chat.answer(index)
    finetuned = r.profile is not None and r.profile.style == "finetuned"
    decision = protocol.decide(out, r.config.protocol, opening=index == 0, finetuned=finetuned)
    r.record.decision(index, out, decision)
    return decision


async def _review(r: Run, prompts: PromptSet, index: int, reply: str) -> tuple[Text, str | None]:
    """Run and check round ``index``'s reply; the steering turn body and the execution report."""
    ran = await r.code.run_reply(index, reply)
    rnd = r.record.round(index)
    seen = prompts.seen_reply(reply, ran)
    checker = (await prompts.self_check(r, index, seen)).feedback if r.config.self_check else "(checker disabled)"
    notes = prompts.code_notes(rnd.code, rnd.symbolic) if ran and rnd.code and rnd.symbolic else None
    return prompts.round_body(seen, checker, notes), ran.report if ran else None


async def run(r: Run) -> Ending:
    prompts = r.prompts
    assert prompts is not None  # the engine loads the prompt set of every steering method
    steer, task = r.chat(STEER), r.chat(TASK)
    prompted = r.profile is None or r.profile.style == "prompted"
    steer.say(prompts.choice(r.question), 0)
    decision = await _steer(r, steer, 0)
    instruction = prompts.instruction(decision)
    r.record.round(0).guidance = text_of(instruction)
    task.say(prompts.opening(instruction, r.question), 0)
    reply = await task.answer(0)
    r.record.reply(0, reply)
    for index in range(1, r.config.max_rounds + 1):
        body, executed = await _review(r, prompts, index - 1, reply)
        if prompted:
            steer.say(prompts.prompted_turn(r.question, body), index, bare=text_of(body))
        else:
            steer.say(body, index)
        decision = await _steer(r, steer, index)
        if decision.action in protocol.STOP_ACTIONS:
            return Ending(reply, decision.action)  # type: ignore[arg-type]
        instruction = prompts.instruction(decision)
        r.record.round(index).guidance = text_of(instruction)
        if r.config.show_execution_to_task_model and executed is not None:
            instruction = render("task_execution", report=executed, instruction=instruction)
        task.say(instruction, index)
        reply = await task.answer(index)
        r.record.reply(index, reply)
    return Ending(reply, "max_rounds")


METHODS = [Method("codesteer", "CodeSteer: a steering model guides code/text choices over several rounds.", run,
                  uses_steer=True)]
