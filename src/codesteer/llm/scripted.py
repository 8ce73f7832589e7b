"""A deterministic model for tests and for replaying recorded conversations."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from codesteer.llm.base import ChatModel, Completion, Message, ModelError

Responder = Callable[[Sequence[Message]], str]


class ScriptedModel(ChatModel):
    """Answers from a script: a list of replies played in order, or a function of the messages.

    Every call is recorded in ``calls`` (the messages and params it received), so tests can
    assert what a model was shown. Token counts are whitespace word counts: deterministic and
    good enough for accounting tests.
    """

    def __init__(
        self,
        replies: Iterable[str] | Responder,
        *,
        name: str = "scripted",
        repeat_last: bool = False,
    ) -> None:
        self.name = name
        self._responder: Responder | None = replies if callable(replies) else None
        self._replies: list[str] = [] if callable(replies) else list(replies)
        self._repeat_last = repeat_last
        self.calls: list[tuple[list[Message], dict[str, Any]]] = []

    async def complete(self, messages: Sequence[Message], **params: Any) -> Completion:
        index = len(self.calls)
        self.calls.append(([dict(m) for m in messages], dict(params)))  # type: ignore[misc]
        if self._responder is not None:
            text = self._responder(messages)
        elif index < len(self._replies):
            text = self._replies[index]
        elif self._repeat_last and self._replies:
            text = self._replies[-1]
        else:
            raise ModelError(
                f"scripted model {self.name!r} ran out of replies after {len(self._replies)} calls"
            )
        prompt_tokens = sum(len(m["content"].split()) for m in messages)
        return Completion(
            text=text,
            prompt_tokens=prompt_tokens,
            completion_tokens=len(text.split()),
            latency_s=0.0,
            model=self.name,
            finish_reason="stop",
        )
