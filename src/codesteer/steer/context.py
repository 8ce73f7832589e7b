"""What a method works with (:class:`Run`) and how it reports that it is done (:class:`Ending`).

A method talks to models only through :meth:`Run.chat` (one conversation per call, the model
picked by the conversation's role), runs code only through ``run.code`` (a
:class:`~codesteer.steer.code_runner.CodeRunner`), records rounds through ``run.record`` and
ends by returning an :class:`Ending`. Reading and judging the final answer is not its business:
the engine hands the ending to the scorer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from codesteer.llm.base import ChatModel
from codesteer.sandbox.types import Execution
from codesteer.steer.chat import Chat, Constraint
from codesteer.steer.code_runner import CodeRunner
from codesteer.steer.config import Sampling, SteerConfig
from codesteer.steer.grammar import steering_grammar
from codesteer.steer.profile import SteerProfile
from codesteer.steer.record import Recorder
from codesteer.steer.trajectory import Conversation, StopReason

if TYPE_CHECKING:  # prompt sets speak to a Run
    from codesteer.steer.prompt_sets import PromptSet


@dataclass(frozen=True)
class Ending:
    """How a method ended: the reply to read the answer from and why it stopped.

    ``executed``: an execution already made that belongs to ``reply`` (the answer channel
    "executed output"); when ``None`` and ``run_reply_code`` is set, the reply's first code block
    is run. Methods whose reply is a transcript set ``run_reply_code`` to ``False``.
    """

    reply: str | None
    stop_reason: StopReason = "done"
    executed: Execution | None = None
    run_reply_code: bool = True


class Run:
    """One run of a method: the question, the settings, the models by role, the code runner and
    the recorder. ``profile`` is how the steering model is spoken to and ``prompts`` the prompt
    set it is spoken in (both ``None`` when the method does not steer)."""

    def __init__(self, question: str, config: SteerConfig, models: Mapping[str, ChatModel],
                 profile: SteerProfile | None, code: CodeRunner, record: Recorder,
                 prompts: PromptSet | None = None) -> None:
        self.question, self.config, self.profile, self.prompts = question, config, profile, prompts
        self.code, self.record = code, record
        self._models = dict(models)

    def chat(self, conversation: Conversation | str) -> Chat:
        """A new conversation with the model of its role, sampled as that role is; a steering
        conversation decodes under the protocol's grammar when the settings and the backend allow."""
        which = Conversation.parse(conversation)
        model = self._models.get(which.role)
        if model is None:
            raise ValueError(f"this method has no {which.role} model (conversation {which})")
        style = self.profile.style if self.profile is not None else "prompted"
        sampling = self.config.sampling(which.role, style)
        return Chat(self.record, which, model, sampling, self._constraint(which, model, sampling))

    def _constraint(self, which: Conversation, model: ChatModel, sampling: Sampling) -> Constraint | None:
        wanted = {"on": model.grammar is not None, "auto": model.grammar_by_default, "off": False}
        if which.role != "steer" or self.config.protocol != "strict" or not wanted[self.config.constrain]:
            return None
        if which.kind == "select":
            return lambda _round: steering_grammar(sampling.max_tokens, opening=True)
        return lambda index: steering_grammar(sampling.max_tokens, opening=index == 0)
