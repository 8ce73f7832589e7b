"""``Recorder``: writes a run's trajectory as it happens and tells listeners (``on_event``)."""

from __future__ import annotations

from collections.abc import Callable

from codesteer.llm.base import Completion
from codesteer.steer import events, protocol
from codesteer.steer.trajectory import TASK, CallRecord, Conversation, MessageRecord, Round, Trajectory

EventHandler = Callable[[events.Event], None]


class Recorder:
    """The single writer of one :class:`Trajectory` (rounds, messages, calls) and its event sink."""

    def __init__(self, trajectory: Trajectory, on_event: EventHandler | None = None) -> None:
        self.trajectory = trajectory
        self.on_event = on_event

    def emit(self, event: events.Event) -> None:
        if self.on_event is not None:
            self.on_event(event)

    def round(self, index: int) -> Round:
        """The record of round ``index`` (created on first use)."""
        found = self.trajectory.round_at(index)
        if found is None:
            found = Round(index)
            self.trajectory.rounds.append(found)
        return found

    def message(self, conversation: Conversation, role: str, text: str, round: int,
                templates: tuple[str, ...] = (), bare: str | None = None) -> None:
        self.trajectory.messages.append(MessageRecord(conversation, role, text, round, list(templates), bare))

    def call(self, conversation: Conversation, round: int, model: str, params: dict, completion: Completion) -> None:
        self.trajectory.calls.append(CallRecord(
            conversation, round, completion.model or model, params, completion.prompt_tokens,
            completion.completion_tokens, completion.latency_s, completion.cached, completion.finish_reason,
            completion.extra.get("constrained") if "grammar" in params else None,
            completion.extra.get("prompt_eval_tokens"),
        ))

    def reply(self, index: int, text: str, conversation: Conversation = TASK) -> None:
        """The task model's reply of round ``index`` (the one the round is about)."""
        self.round(index).reply = text
        self.emit(events.Reply(index, text, conversation))

    def decision(self, index: int, output: str, decision: protocol.Decision) -> None:
        """A steering output and its decision in round ``index``; counted when malformed."""
        rnd = self.round(index)
        rnd.steer_output, rnd.action = output, decision.action
        if decision.malformed:
            rnd.malformed = decision.reason
            self.trajectory.malformed_steer_outputs += 1
        self.emit(events.Guidance(index, decision.action, output, rnd.malformed))

    def last_reply(self) -> str | None:
        """The task model's latest reply in its main conversation."""
        replies = [m.content for m in self.trajectory.messages if m.conversation == TASK and m.role == "assistant"]
        return replies[-1] if replies else None
