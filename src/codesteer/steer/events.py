"""Typed events a run emits as it goes (``solve(..., on_event=...)``), for streaming UIs.

Each event names its round; the CLI prints them, the evaluation harness may log them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from codesteer.steer.trajectory import Conversation
    from codesteer.symbench.task import Verdict


@dataclass(frozen=True)
class Guidance:
    """A steering decision: the parsed ``action`` and the steering model's raw ``output``."""

    round: int
    action: str
    output: str
    malformed: str | None = None


@dataclass(frozen=True)
class Reply:
    round: int
    text: str
    conversation: Conversation


@dataclass(frozen=True)
class Code:
    round: int
    code: str


@dataclass(frozen=True)
class ExecutionDone:
    round: int
    outcome: str
    report: str


@dataclass(frozen=True)
class CheckerNote:
    round: int
    checker: str  # "symbolic" or "self_answer"
    text: str


@dataclass(frozen=True)
class Final:
    answer: str | None
    channel: str | None
    stop_reason: str
    verdict: Verdict | None = None


Event = Guidance | Reply | Code | ExecutionDone | CheckerNote | Final
