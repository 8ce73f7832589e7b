"""``Chat``: one conversation with one model; every message and call lands in the trajectory."""

from __future__ import annotations

from collections.abc import Callable

from codesteer.llm.base import ChatModel, Message
from codesteer.steer.config import Sampling
from codesteer.steer.conversation import Conversation
from codesteer.steer.prompts import Rendered
from codesteer.steer.record import Recorder

#: The grammar a round's answer must follow (GBNF), given the round; ``None``: unconstrained.
Constraint = Callable[[int], str]


class Chat:
    def __init__(self, recorder: Recorder, conversation: Conversation, model: ChatModel, sampling: Sampling,
                 constraint: Constraint | None = None) -> None:
        self.recorder, self.conversation, self.model, self.sampling = recorder, conversation, model, sampling
        self.constraint = constraint
        self.messages: list[Message] = []

    def say(self, content: str | Rendered, round: int, *, bare: str | None = None) -> None:
        """Add a user turn (a rendered template, or text passed on verbatim)."""
        text = content.text if isinstance(content, Rendered) else content
        templates = content.templates if isinstance(content, Rendered) else ()
        self.messages.append({"role": "user", "content": text})
        self.recorder.message(self.conversation, "user", text, round, templates, bare)

    async def answer(self, round: int) -> str:
        """Ask the model for the next assistant turn (under the chat's grammar, if it has one)."""
        params = self.sampling.params()
        if self.constraint is not None:
            params["grammar"] = self.constraint(round)
        completion = await self.model.complete(list(self.messages), **params)
        self.messages.append({"role": "assistant", "content": completion.text})
        self.recorder.message(self.conversation, "assistant", completion.text, round)
        if self.constraint is not None:
            params["grammar"] = "steering"  # recorded by name: the text follows from the protocol and max_tokens
        self.recorder.call(self.conversation, round, self.model.name, params, completion)
        return completion.text
