"""Code + Text + Sum.2: a text answer and a code answer, then the steering model picks one.

Definition (the paper groups Sum.2 with the trained methods; the release has no code for it):
the same two independent answers as Sum.1 (``task:text`` round 0, ``task:code`` round 1, the
program run in the sandbox). The *steering model* (the task model prompted as selector when no
steering model is given) reads both (template ``select``, conversation ``select``, round 2)
and ends with ``<<<Text>>>`` or ``<<<Code>>>``; the chosen reply is the final one (for the code
answer, with its execution). The selector's output is parsed like a steering output; anything
else is counted as malformed and the code answer is kept.
"""

from __future__ import annotations

from codesteer.steer import protocol
from codesteer.steer.engine import Ending, Run
from codesteer.steer.methods import Method
from codesteer.steer.methods._shared import both_answers, record_decision
from codesteer.steer.prompts import render


async def run(r: Run) -> Ending:
    values, execution = await both_answers(r)
    chat = r.steer_chat("select")
    chat.say(render("select", **values), 2)
    out = await chat.answer(2)
    decision = protocol.parse(out, opening=True)
    if decision.action not in ("code", "text"):
        decision = protocol.Decision("code", malformed=True, reason="no <<<Code>>>/<<<Text>>> choice: keeping the code answer")
    record_decision(r, 2, out, decision)
    if decision.action == "text":
        return Ending(values["text_reply"], run_reply_code=False)
    return Ending(values["code_reply"], executed=execution)


METHOD = Method("code_text_sum2", "Code + Text + Sum.2: text and code answers, the steering model picks one.", run, uses_steer=True)
