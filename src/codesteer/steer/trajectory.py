"""``Trajectory``: everything one run of a method did, as plain JSON-round-trippable data.

It holds every message of every conversation (the task model's, the steering model's and the
helper calls', each message with the template and version that produced it), every model call
with its tokens and latency, each round's guidance, reply, code, execution and checker outputs,
the final answer with the channel that gave it, the verdict and the totals.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Literal

from codesteer.llm.base import Message

StopReason = Literal["return_answer", "terminate", "max_rounds", "error", "done"]


@dataclass
class MessageRecord:
    """One message of a conversation.

    ``conversation``: ``task``, ``steer`` or a helper's (``self_check:<round>``, ``extract:<channel>``,
    ``summarise``...). ``templates``: the prompt templates (``name@version``, outermost first)
    that produced the message; empty for model replies and for text passed on verbatim, like
    free-form guidance.
    ``bare``: for a prompted steerer's turns, the text without the instruction header (what a
    fine-tuned steerer is shown; synthesis trains on it).
    """

    conversation: str
    role: str
    content: str
    round: int
    templates: list[str] = field(default_factory=list)
    bare: str | None = None


@dataclass
class CallRecord:
    """One model call: who was called, in which conversation and round, and its cost."""

    conversation: str
    round: int
    model: str
    params: dict[str, Any]
    prompt_tokens: int
    completion_tokens: int
    latency_s: float
    cached: bool = False
    finish_reason: str | None = None


@dataclass
class SelfCheck:
    """The self-answer checker's work in one round."""

    feedback: str
    code: str | None = None
    execution: dict[str, Any] | None = None
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
    execution: dict[str, Any] | None = None
    execution_report: str | None = None
    symbolic: dict[str, Any] | None = None
    self_check: SelfCheck | None = None


@dataclass
class FinalAnswer:
    """The answer read at the end.

    ``channel``: ``executed_output`` (stdout of the final reply's code) or ``reply_text``;
    ``extractor``: ``deterministic`` (a ``<<<...>>>`` block) or ``model`` (the model-based
    fallback); both ``None`` when no answer was found.
    """

    answer: str | None
    channel: str | None
    extractor: str | None
    reply: str | None
    executed_output: str | None = None
    execution: dict[str, Any] | None = None


@dataclass
class Trajectory:
    method: str
    question: str
    config: dict[str, Any]
    task_model: str
    steer_model: str | None = None
    steer_style: str | None = None
    instance: dict[str, Any] | None = None
    messages: list[MessageRecord] = field(default_factory=list)
    calls: list[CallRecord] = field(default_factory=list)
    rounds: list[Round] = field(default_factory=list)
    final: FinalAnswer | None = None
    verdict: dict[str, Any] | None = None
    malformed_steer_outputs: int = 0
    stop_reason: StopReason = "done"
    error: str | None = None
    wall_s: float = 0.0

    def conversation(self, name: str, *, bare: bool = False) -> list[Message]:
        """The messages of one conversation as chat messages (``bare``: headers stripped)."""
        out: list[Message] = []
        for m in self.messages:
            if m.conversation == name:
                content = m.bare if bare and m.bare is not None else m.content
                out.append({"role": m.role, "content": content})  # type: ignore[typeddict-item]
        return out

    def totals(self) -> dict[str, dict[str, float]]:
        """Tokens, calls and latency per conversation kind (``task``, ``steer``, helpers)."""
        out: dict[str, dict[str, float]] = {}
        for call in self.calls:
            kind = call.conversation.split(":")[0]
            t = out.setdefault(kind, {"calls": 0, "prompt_tokens": 0, "completion_tokens": 0, "latency_s": 0.0})
            t["calls"] += 1
            t["prompt_tokens"] += call.prompt_tokens
            t["completion_tokens"] += call.completion_tokens
            t["latency_s"] += call.latency_s
        return out

    @property
    def total_tokens(self) -> int:
        return sum(c.prompt_tokens + c.completion_tokens for c in self.calls)

    @property
    def correct(self) -> bool | None:
        return None if self.verdict is None else bool(self.verdict["correct"])

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["totals"] = self.totals()
        data["total_tokens"] = self.total_tokens
        return data

    def to_json(self, **kwargs: Any) -> str:
        return json.dumps(self.to_dict(), **kwargs)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Trajectory:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["messages"] = [MessageRecord(**m) for m in data.get("messages", [])]
        values["calls"] = [CallRecord(**c) for c in data.get("calls", [])]
        values["rounds"] = [_round(r) for r in data.get("rounds", [])]
        if data.get("final") is not None:
            values["final"] = FinalAnswer(**data["final"])
        return cls(**values)

    @classmethod
    def from_json(cls, text: str) -> Trajectory:
        return cls.from_dict(json.loads(text))


def _round(data: dict[str, Any]) -> Round:
    values = dict(data)
    if values.get("self_check") is not None:
        values["self_check"] = SelfCheck(**values["self_check"])
    return Round(**values)
