"""The Code + Text + Sum. baselines: a text answer and a code answer, then one is made final.

Both ask two independent one-shot answers to the same question: All Text + CoT (conversation
``task:text``, round 0) and All Code + CoT (``task:code``, round 1), whose program runs in the
sandbox. Unlike the original, both answers come from the same run, so they always concern the
same question.

**Sum.1**: the summariser role (the task model by default) reads both replies and the program's
output (``summarise``, round 2) and writes the final answer; it may include one code block,
which is run to read the answer.

**Sum.2** (the paper groups it with the trained methods; the release has no code for it): the
*steering model* (the task model prompted as selector when none is given) reads both (template
``select``, conversation ``select``, round 2) and ends with ``<<<Text>>>`` or ``<<<Code>>>``; the
chosen reply is final (for the code answer, with its execution). The selector's output is parsed
like a steering output; anything else is counted as malformed and the code answer is kept.
"""

from __future__ import annotations

from codesteer.sandbox.types import Execution
from codesteer.steer import protocol
from codesteer.steer.context import Ending, Run
from codesteer.steer.methods import Method
from codesteer.steer.methods._shared import one_shot
from codesteer.steer.prompts import render
from codesteer.steer.trajectory import Conversation


async def both_answers(run: Run) -> tuple[dict[str, str], Execution | None]:
    """A text answer (round 0) and a code answer (round 1, its program run), as template values."""
    text_reply = await one_shot(run, "task_text", run.chat(Conversation("task", "text")), 0)
    code_reply = await one_shot(run, "task_code", run.chat(Conversation("task", "code")), 1)
    ran = await run.code.run_reply(1, code_reply)
    values = {
        "question": run.question,
        "text_reply": text_reply,
        "code_reply": code_reply,
        "code_output": ran.report if ran else "(the code answer held no code block)",
    }
    return values, ran.execution if ran else None


async def _summarise(r: Run) -> Ending:
    values, _ = await both_answers(r)
    chat = r.chat(Conversation("summarise"))
    chat.say(render("summarise", **values), 2)
    reply = await chat.answer(2)
    r.record.reply(2, reply, chat.conversation)
    return Ending(reply)


async def _select(r: Run) -> Ending:
    values, execution = await both_answers(r)
    chat = r.chat(Conversation("select"))
    chat.say(render("select", **values), 2)
    out = await chat.answer(2)
    decision = protocol.parse(out, opening=True)
    if decision.action not in ("code", "text"):
        decision = protocol.Decision("code", malformed=True, reason="no <<<Code>>>/<<<Text>>> choice: keeping the code answer")
    r.record.decision(2, out, decision)
    if decision.action == "text":
        return Ending(values["text_reply"], run_reply_code=False)
    return Ending(values["code_reply"], executed=execution)


METHODS = [
    Method("code_text_sum1", "Code + Text + Sum.1: text and code answers, the task model summarises.", _summarise),
    Method("code_text_sum2", "Code + Text + Sum.2: text and code answers, the steering model picks one.", _select,
           uses_steer=True),
]
