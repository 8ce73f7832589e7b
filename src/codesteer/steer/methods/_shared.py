"""Building blocks several methods share: the opening turn and a one-shot answer."""

from __future__ import annotations

from codesteer.steer.chat import Chat
from codesteer.steer.context import Run
from codesteer.steer.prompts import Rendered, render
from codesteer.steer.trajectory import TASK


def opening(run: Run, instruction: str | None) -> Rendered | str:
    """The first user turn: an instruction template followed by the question (or the bare question)."""
    if instruction is None:
        return run.question
    return render("task_opening", instruction=render(instruction), question=run.question)


async def one_shot(run: Run, instruction: str | None, chat: Chat | None = None, index: int = 0) -> str:
    """Ask once: ``instruction`` (a template name, or ``None`` for the bare question)."""
    chat = chat or run.chat(TASK)
    chat.say(opening(run, instruction), index)
    reply = await chat.answer(index)
    run.record.reply(index, reply, chat.conversation)
    return reply
