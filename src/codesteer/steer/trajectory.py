"""``Trajectory``: everything one run of a method did, as typed records.

It holds every message of every conversation (each with the template and version that produced
it), every model call with its tokens and latency, each round's guidance, reply, code, execution
and checker findings, the final answer with the channel that gave it, the verdict and the totals.
Records stay typed in memory (``Execution``, ``SymbolicReport``, ``Instance``, ``Verdict``,
``Conversation``); JSON exists only at the storage edge: :mod:`codesteer.steer.trajectory_json` writes and reads
it (and reads what earlier versions wrote).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from codesteer.llm.base import Message
from codesteer.sandbox.types import Execution
from codesteer.steer.config import SteerConfig
from codesteer.steer.conversation import STEER, TASK, Conversation
from codesteer.steer.profile import SteerProfile
from codesteer.steer.roles import Role
from codesteer.steer.symbolic import SymbolicReport
from codesteer.symbench.task import Instance, Verdict

StopReason = Literal["return_answer", "terminate", "max_rounds", "error", "done"]
#: Where a final answer was read: the output of the final reply's code, or the reply's text.
Channel = Literal["executed_output", "reply_text"]

__all__ = ["STEER", "TASK", "CallRecord", "Channel", "Conversation", "FinalAnswer", "MessageRecord", "Round",
           "SelfCheck", "StopReason", "Trajectory"]
@dataclass
class MessageRecord:
    """One message of a conversation.

    ``templates``: the prompt templates (``name@version``, outermost first) that produced the
    message; empty for model replies and for text passed on verbatim, like free-form guidance.
    ``bare``: for a prompted steerer's turns, the text without the instruction header (what a
    fine-tuned steerer is shown; synthesis trains on it).
    """

    conversation: Conversation
    role: str
    content: str
    round: int
    templates: list[str] = field(default_factory=list)
    bare: str | None = None


@dataclass
class CallRecord:
    """One model call: who was called, in which conversation and round, and its cost."""

    conversation: Conversation
    round: int
    model: str
    params: dict[str, Any]
    prompt_tokens: int
    completion_tokens: int
    latency_s: float
    cached: bool = False
    finish_reason: str | None = None
    #: Whether the backend decoded under the steering grammar (``None``: no grammar was asked for).
    constrained: bool | None = None
    #: Prompt tokens the backend evaluated (fewer than ``prompt_tokens`` when it reused a cache;
    #: ``None`` when the backend does not say).
    prompt_evaluated: int | None = None


@dataclass
class SelfCheck:
    """The self-answer checker's work in one round."""

    feedback: str
    code: str | None = None
    execution: Execution | None = None
    attempts: int = 0


@dataclass
class Round:
    """One round. Round 0 is the opening (steering choice, first reply).

    ``action`` is what the steering model asked for (``code``, ``text``, ``guidance``,
    ``return_answer``, ``terminate``); ``guidance`` the text sent to the task model.
    ``execution_report`` is the execution as the models were told it.
    """

    index: int
    steer_output: str | None = None
    action: str | None = None
    malformed: str | None = None
    guidance: str | None = None
    reply: str | None = None
    code: str | None = None
    execution: Execution | None = None
    execution_report: str | None = None
    symbolic: SymbolicReport | None = None
    self_check: SelfCheck | None = None


@dataclass
class FinalAnswer:
    """The answer read at the end.

    ``channel``: where ``answer`` was read (the accepted channel when the verdict is correct);
    ``extractor``: ``deterministic`` (a ``<<<...>>>`` block), ``printed`` (the program's last output
    line, unwrapped but in the task's format) or ``model`` (the model-based fallback); ``None``
    when no answer was found, or when a task that needs no wrapper had its judge read the
    channel's raw text.
    """

    answer: str | None
    channel: Channel | None
    extractor: str | None
    reply: str | None
    executed_output: str | None = None
    execution: Execution | None = None


@dataclass
class Trajectory:
    """One run. ``models``: the model of each role that took part (role -> model name);
    ``judge_error``: the judge crashed on this run's answer (an error of the job, not a wrong answer)."""

    method: str
    question: str
    config: SteerConfig
    models: dict[Role, str]
    steering: SteerProfile | None = None
    instance: Instance | None = None
    messages: list[MessageRecord] = field(default_factory=list)
    calls: list[CallRecord] = field(default_factory=list)
    rounds: list[Round] = field(default_factory=list)
    final: FinalAnswer | None = None
    verdict: Verdict | None = None
    malformed_steer_outputs: int = 0
    stop_reason: StopReason = "done"
    error: str | None = None
    judge_error: str | None = None
    wall_s: float = 0.0

    @property
    def task_model(self) -> str:
        return self.models["task"]

    @property
    def steer_model(self) -> str | None:
        return self.models.get("steer")

    def conversation(self, which: Conversation | str, *, bare: bool = False) -> list[Message]:
        """The messages of one conversation as chat messages (``bare``: headers stripped)."""
        wanted = Conversation.parse(which)
        out: list[Message] = []
        for m in self.messages:
            if m.conversation == wanted:
                content = m.bare if bare and m.bare is not None else m.content
                out.append({"role": m.role, "content": content})  # type: ignore[typeddict-item]
        return out

    def totals(self) -> dict[str, dict[str, float]]:
        """Tokens, calls and latency per conversation kind (``task``, ``steer``, helpers)."""
        out: dict[str, dict[str, float]] = {}
        for call in self.calls:
            t = out.setdefault(call.conversation.kind,
                               {"calls": 0, "prompt_tokens": 0, "completion_tokens": 0, "latency_s": 0.0})
            t["calls"] += 1
            t["prompt_tokens"] += call.prompt_tokens
            t["completion_tokens"] += call.completion_tokens
            t["latency_s"] += call.latency_s
        return out

    @property
    def total_tokens(self) -> int:
        return sum(c.prompt_tokens + c.completion_tokens for c in self.calls)

    @property
    def errored(self) -> bool:
        """Whether the run or its judging failed: an error of the job, never a wrong answer."""
        return self.stop_reason == "error" or self.judge_error is not None

    @property
    def correct(self) -> bool | None:
        return None if self.verdict is None else self.verdict.correct

    @property
    def accepted_channel(self) -> Channel | None:
        """The channel whose answer the judge accepted (``None`` unless correct)."""
        return self.final.channel if self.correct and self.final is not None else None

    def round_at(self, index: int) -> Round | None:
        return next((r for r in self.rounds if r.index == index), None)
