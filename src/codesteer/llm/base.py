"""The one interface every chat model meets: ``await model.complete(messages, **params)``.

Nothing above ``codesteer.llm`` knows which provider answers. Messages are plain dicts with a
``role`` ("system", "user" or "assistant") and a ``content`` string, the shape every provider
and every training library understands.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Literal, TypedDict

if TYPE_CHECKING:
    from codesteer.llm.card import ModelCard

Role = Literal["system", "user", "assistant"]


class Message(TypedDict):
    role: Role
    content: str


def message(role: Role, content: str) -> Message:
    """Build a message dict (a typed shorthand)."""
    return {"role": role, "content": content}


@dataclass
class Completion:
    """One model reply with its cost.

    ``latency_s`` is the wall time of the call that produced the text (for a cache hit, the
    latency of the original call; ``cached`` tells them apart).
    """

    text: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    latency_s: float = 0.0
    model: str = ""
    finish_reason: str | None = None
    cached: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Completion:
        return cls(**data)


class ModelError(RuntimeError):
    """A model call failed in a way the user must act on (bad key, unreachable server, ...).

    The message is written for a person: the CLI prints it without a traceback.
    """


class ChatModel(ABC):
    """An asynchronous chat model.

    ``name`` identifies the model for caching and reports (for example ``openai:gpt-4o``).
    ``params`` accepted by every backend: ``temperature``, ``top_p``, ``max_tokens``, ``stop``
    and ``seed``; backends ignore what their provider cannot honour and say so in their docs.
    """

    name: str = "model"
    #: What the model declares about itself (a checkpoint's ``codesteer.json``), if anything.
    card: ModelCard | None = None
    #: The grammar language a ``grammar`` parameter may use (``"gbnf"``), ``None`` if it cannot
    #: constrain decoding; ``grammar_by_default``: constrain steering without being asked.
    grammar: str | None = None
    grammar_by_default: bool = False

    @abstractmethod
    async def complete(self, messages: Sequence[Message], **params: Any) -> Completion:
        """Return the model's reply to ``messages``."""

    async def aclose(self) -> None:  # noqa: B027 - optional hook, most models hold nothing
        """Release connections or weights held by the model."""

    def added_system_turn(self) -> str | None:
        """The system turn this model's chat template puts before a conversation that has none
        (``None``: it adds none, or the model cannot tell, as for a remote server)."""
        return None


#: Stands for the user's text when a chat template is rendered to see what it adds.
PROBE = "\u2063codesteer-probe\u2063"


def system_turn_in(rendered: str) -> str | None:
    """What a template rendered before the probe user message, when it holds a system turn."""
    before = rendered.split(PROBE, 1)[0]
    return before if "system" in before.lower() else None


class ModelWrapper(ChatModel):
    """A model that adds behaviour around ``inner`` (a cache, a limit, a seed, a replay table).

    It answers to the inner model's name and card, and closing it closes the inner model.
    """

    def __init__(self, inner: ChatModel) -> None:
        self.inner = inner
        self.name = inner.name

    @property
    def card(self) -> ModelCard | None:  # type: ignore[override]
        return self.inner.card

    @property
    def grammar(self) -> str | None:  # type: ignore[override]
        return self.inner.grammar

    @property
    def grammar_by_default(self) -> bool:  # type: ignore[override]
        return self.inner.grammar_by_default

    async def complete(self, messages: Sequence[Message], **params: Any) -> Completion:
        return await self.inner.complete(messages, **params)

    async def aclose(self) -> None:
        await self.inner.aclose()

    def added_system_turn(self) -> str | None:
        return self.inner.added_system_turn()

def innermost(model: ChatModel) -> ChatModel:
    """The model under every wrapper (cache, limit, seed...)."""
    while isinstance(model, ModelWrapper):
        model = model.inner
    return model
