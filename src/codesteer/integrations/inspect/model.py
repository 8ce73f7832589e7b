"""An inspect-ai ``Model`` as our ``ChatModel``, so the engine drives inspect's models.

Every call goes through inspect's ``Model.generate``: inspect's retries, rate limits, caching and
usage accounting apply, and each call shows in the sample's transcript. Our sampling parameters
become a per-call ``GenerateConfig`` (merged over the model's own settings).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from inspect_ai.model import (
    ChatMessage,
    ChatMessageAssistant,
    ChatMessageSystem,
    ChatMessageUser,
    GenerateConfig,
    Model,
)

from codesteer.llm.base import ChatModel, Completion, Message, ModelError

_MESSAGE_TYPES: dict[str, type[ChatMessage]] = {
    "system": ChatMessageSystem, "user": ChatMessageUser, "assistant": ChatMessageAssistant,
}


def chat_message(message: Message) -> ChatMessage:
    """Our chat message as inspect's."""
    kind = _MESSAGE_TYPES.get(message["role"])
    if kind is None:
        raise ValueError(f"unknown message role {message['role']!r}")
    return kind(content=message["content"])


def generate_config(params: dict[str, Any]) -> GenerateConfig:
    """Our ``complete`` parameters (temperature, top_p, max_tokens, stop, seed) as a GenerateConfig."""
    return GenerateConfig(temperature=params.get("temperature"), top_p=params.get("top_p"),
                          max_tokens=params.get("max_tokens"), stop_seqs=params.get("stop"),
                          seed=params.get("seed"))


class InspectChatModel(ChatModel):
    """``complete`` calls the wrapped inspect ``Model.generate`` (named ``inspect:<provider/model>``)."""

    def __init__(self, model: Model) -> None:
        self.model = model
        self.name = f"inspect:{model}"

    async def complete(self, messages: Sequence[Message], **params: Any) -> Completion:
        start = time.perf_counter()
        output = await self.model.generate([chat_message(m) for m in messages], config=generate_config(params))
        if output.error:
            raise ModelError(f"{self.model}: {output.error}")
        usage = output.usage
        return Completion(
            text=output.completion,
            prompt_tokens=usage.input_tokens if usage else 0,
            completion_tokens=usage.output_tokens if usage else 0,
            latency_s=output.time if output.time is not None else time.perf_counter() - start,
            model=self.name,
            finish_reason=output.stop_reason,
        )
