"""Code + Text + Sum.1: a text answer and a code answer, then a summariser writes the answer.

Definition: two independent one-shot answers to the same question, one with the All Text + CoT
instruction (conversation ``task:text``, round 0) and one with All Code + CoT
(``task:code``, round 1), whose program runs in the sandbox. The task model, as summariser
(``summarise``, round 2), reads both replies and the program's output and writes the final
answer; it may include one code block, which is run to read the answer. Unlike the original,
both answers are produced within the same run, so they always concern the same question.
"""

from __future__ import annotations

from codesteer.steer.engine import Ending, Run
from codesteer.steer.methods import Method
from codesteer.steer.methods._shared import both_answers
from codesteer.steer.prompts import render


async def run(r: Run) -> Ending:
    values, _ = await both_answers(r)
    chat = r.helper_chat("summarise")
    chat.say(render("summarise", **values), 2)
    reply = await chat.answer(2)
    r.record_reply(2, reply, chat.name)
    return Ending(reply)


METHOD = Method("code_text_sum1", "Code + Text + Sum.1: text and code answers, the task model summarises.", run)
