"""``Chat``: one conversation with one model; every message and call lands in the trajectory."""

from __future__ import annotations

from codesteer.llm.base import ChatModel, Message
from codesteer.steer.config import Sampling
from codesteer.steer.prompts import Rendered
from codesteer.steer.record import Recorder
from codesteer.steer.trajectory import Conversation


class Chat:
    def __init__(self, recorder: Recorder, conversation: Conversation, model: ChatModel, sampling: Sampling) -> None:
        self.recorder, self.conversation, self.model, self.sampling = recorder, conversation, model, sampling
        self.messages: list[Message] = []

    def say(self, content: str | Rendered, round: int, *, bare: str | None = None) -> None:
        """Add a user turn (a rendered template, or text passed on verbatim)."""
        text = content.text if isinstance(content, Rendered) else content
        templates = content.templates if isinstance(content, Rendered) else ()
        self.messages.append({"role": "user", "content": text})
        self.recorder.message(self.conversation, "user", text, round, templates, bare)

    async def answer(self, round: int) -> str:
        """Ask the model for the next assistant turn."""
        params = self.sampling.params()
        completion = await self.model.complete(list(self.messages), **params)
        self.messages.append({"role": "assistant", "content": completion.text})
        self.recorder.message(self.conversation, "assistant", completion.text, round)
        self.recorder.call(self.conversation, round, self.model.name, params, completion)
        return completion.text
