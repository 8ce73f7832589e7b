"""Conversations of a run as a type: which kind, which role speaks, and how they are stored."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from codesteer.steer.roles import Role

ConversationKind = Literal["task", "steer", "select", "self_check", "extract", "summarise"]
_ROLE_OF: dict[str, Role] = {"task": "task", "steer": "steer", "select": "steer", "self_check": "self_check",
                             "extract": "extractor", "summarise": "summariser"}


@dataclass(frozen=True)
class Conversation:
    """One conversation of a run: its kind, and a label telling same-kind conversations apart.

    ``task`` is the task model's main conversation (``task:text``/``task:code`` are the separate
    answers of the Sum. methods); ``steer`` the steering model's (``select`` when it picks between
    two answers); ``self_check`` (label: the round), ``extract`` (label: the channel) and
    ``summarise`` the helper roles'. Stored as ``kind`` or ``kind:label``.
    """

    kind: ConversationKind
    label: str = ""

    def __str__(self) -> str:
        return f"{self.kind}:{self.label}" if self.label else self.kind

    @property
    def role(self) -> Role:
        """The model role that speaks in this conversation."""
        return _ROLE_OF[self.kind]

    @classmethod
    def parse(cls, text: str | Conversation) -> Conversation:
        if isinstance(text, Conversation):
            return text
        kind, _, label = text.partition(":")
        if kind not in _ROLE_OF:
            raise ValueError(f"unknown conversation {text!r}; kinds: {', '.join(_ROLE_OF)}")
        return cls(kind, label)  # type: ignore[arg-type]


TASK = Conversation("task")
STEER = Conversation("steer")
