"""The run context every method works through, and the single entry point :func:`solve`.

A :class:`Run` owns the trajectory being built. Methods talk to models only through
:class:`Chat` (which records every message and call), run code only through
:meth:`Run.run_code` (the injected executor, the sandbox by default), and end by returning an
:class:`Ending`; :func:`solve` then reads the final answer and, given an instance, the verdict.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from codesteer.llm.base import ChatModel, Message, ModelError
from codesteer.sandbox.pool import SandboxError
from codesteer.sandbox.types import Execution, SandboxConfig
from codesteer.steer import events
from codesteer.steer.config import Sampling, SteerConfig
from codesteer.steer.execution import Executor, default_executor, report
from codesteer.steer.extract import answer_in, first_code
from codesteer.steer.prompts import Rendered, render
from codesteer.steer.symbolic import analyze
from codesteer.steer.trajectory import CallRecord, FinalAnswer, MessageRecord, Round, StopReason, Trajectory
from codesteer.symbench.task import Instance

EventHandler = Callable[[events.Event], None]
#: An answer found in a channel: (channel, answer, the channel's text).
Candidate = tuple[str, str, str]


class Chat:
    """One conversation with one model; every message and call lands in the trajectory."""

    def __init__(self, run: Run, name: str, model: ChatModel, sampling: Sampling) -> None:
        self.run, self.name, self.model, self.sampling = run, name, model, sampling
        self.messages: list[Message] = []

    def say(self, content: str | Rendered, round: int, *, bare: str | None = None) -> None:
        """Add a user turn (a rendered template, or text passed on verbatim)."""
        text = content.text if isinstance(content, Rendered) else content
        templates = list(content.templates) if isinstance(content, Rendered) else []
        self.messages.append({"role": "user", "content": text})
        self.run.trajectory.messages.append(MessageRecord(self.name, "user", text, round, templates, bare))

    async def answer(self, round: int) -> str:
        """Ask the model for the next assistant turn."""
        params = self.sampling.params()
        completion = await self.model.complete(list(self.messages), **params)
        text = completion.text
        self.messages.append({"role": "assistant", "content": text})
        t = self.run.trajectory
        t.messages.append(MessageRecord(self.name, "assistant", text, round))
        t.calls.append(CallRecord(
            self.name, round, completion.model or self.model.name, params, completion.prompt_tokens,
            completion.completion_tokens, completion.latency_s, completion.cached, completion.finish_reason,
        ))
        return text


@dataclass
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


@dataclass
class Run:
    """Everything one method run needs: question, models, settings, executor, event sink."""

    method: str
    question: str
    task_model: ChatModel
    config: SteerConfig
    executor: Executor
    steer_model: ChatModel | None = None
    instance: Instance | None = None
    on_event: EventHandler | None = None
    trajectory: Trajectory = field(init=False)
    _executions: dict[str, Execution] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        self.trajectory = Trajectory(
            method=self.method,
            question=self.question,
            config=self.config.to_dict(),
            task_model=self.task_model.name,
            steer_model=self.steer_model.name if self.steer_model else None,
            steer_style=self.steer_style if self.steer_model else None,
            instance=self.instance.to_dict() if self.instance else None,
        )

    # ----- models -----------------------------------------------------------------------
    @property
    def steer_style(self) -> str:
        """``finetuned`` or ``prompted``: the configured style, or guessed from the model name."""
        if self.config.steer_style != "auto":
            return self.config.steer_style
        name = self.steer_model.name if self.steer_model else ""
        return "finetuned" if "codesteer" in name.lower() else "prompted"

    def task_chat(self, name: str = "task") -> Chat:
        return Chat(self, name, self.task_model, self.config.task_sampling)

    def steer_chat(self, name: str = "steer") -> Chat:
        if self.steer_model is None:
            raise ValueError(f"method {self.method!r} needs a steering model")
        c = self.config
        sampling = c.finetuned_steer_sampling if self.steer_style == "finetuned" else c.prompted_steer_sampling
        return Chat(self, name, self.steer_model, sampling)

    def helper_chat(self, name: str, model: ChatModel | None = None) -> Chat:
        return Chat(self, name, model or self.task_model, self.config.helper_sampling)

    # ----- rounds, events -----------------------------------------------------------------
    def round(self, index: int) -> Round:
        """The record of round ``index`` (created on first use)."""
        for r in self.trajectory.rounds:
            if r.index == index:
                return r
        r = Round(index)
        self.trajectory.rounds.append(r)
        return r

    def emit(self, event: events.Event) -> None:
        if self.on_event is not None:
            self.on_event(event)

    def record_reply(self, index: int, text: str, conversation: str = "task") -> None:
        self.round(index).reply = text
        self.emit(events.Reply(index, text, conversation))

    # ----- code -----------------------------------------------------------------------------
    async def execute(self, code: str) -> Execution:
        """Run ``code`` in the sandbox; identical code within a run is run once."""
        if code not in self._executions:
            config = SandboxConfig(timeout_s=self.config.sandbox_timeout_s)
            self._executions[code] = await self.executor(code, config=config)
        return self._executions[code]

    def report(self, execution: Execution) -> str:
        return report(execution, self.config.max_execution_output_tokens)

    async def run_code(self, index: int, reply: str) -> tuple[Execution, str] | None:
        """Run the first code block of ``reply`` for round ``index``: record, analyse, emit."""
        code = first_code(reply)
        if code is None:
            return None
        rnd = self.round(index)
        self.emit(events.Code(index, code))
        execution = await self.execute(code)
        text = self.report(execution)
        rnd.code, rnd.execution, rnd.execution_report = code, execution.to_dict(), text
        self.emit(events.ExecutionDone(index, execution.outcome, text))
        symbolic = analyze(code, variant=self.config.symbolic_checker, threshold=self.config.symbolic_threshold)
        rnd.symbolic = symbolic.to_dict()
        self.emit(events.CheckerNote(index, "symbolic", symbolic.summary))
        return execution, text

    # ----- the end --------------------------------------------------------------------------
    async def finish(self, ending: Ending) -> None:
        """Read the final answer (and verdict) from the method's ending."""
        t = self.trajectory
        t.stop_reason = ending.stop_reason
        reply = ending.reply
        execution = ending.executed
        if execution is None and ending.run_reply_code and reply:
            code = first_code(reply)
            execution = await self.execute(code) if code else None
        output = execution.stdout if execution else None
        channels = [("executed_output", output), ("reply_text", reply)]
        candidates = [(ch, answer, text) for ch, text in channels if (answer := answer_in(text))]
        extractor = "deterministic" if candidates else None
        if not candidates and self.config.model_extractor:
            candidates = await self._model_extract(channels)
            extractor = "model" if candidates else None
        chosen = candidates[0] if candidates else (None, None, None)
        if self.instance is not None:
            chosen = self._judge(candidates, channels) or chosen
        channel, answer, _ = chosen
        t.final = FinalAnswer(answer, channel, extractor, reply, output, execution.to_dict() if execution else None)

    def _judge(self, candidates: list[Candidate], channels: list[tuple[str, str | None]]) -> Candidate | None:
        """Judge each channel; the first accepted one wins (the paper's either-channel rule).

        Channels with a wrapped answer are judged by that answer; without any (some tasks do not
        require the wrapper), the raw channel texts are given to the judge.
        """
        from codesteer.symbench.registry import get_task

        assert self.instance is not None
        task = get_task(self.instance.task)
        if candidates:
            judged = [(c, task.judge(self.instance, f"<<<{c[1]}>>>")) for c in candidates]
        else:
            raw = [(ch, text, task.judge(self.instance, text)) for ch, text in channels if text]
            judged = [((ch, v.answer or "", text), v) for ch, text, v in raw]
        if not judged:
            self.trajectory.verdict = {**task.judge(self.instance, "").to_dict(), "channel": None}
            return None
        accepted = next(((c, v) for c, v in judged if v.correct), None)
        cand, verdict = accepted if accepted else (None, judged[0][1])
        self.trajectory.verdict = {**verdict.to_dict(), "channel": cand[0] if cand else None}
        return cand

    async def _model_extract(self, channels: list[tuple[str, str | None]]) -> list[Candidate]:
        for channel, text in channels:
            if not text or not text.strip():
                continue
            chat = self.helper_chat(f"extract:{channel}")
            chat.say(render("extract_answer", question=self.question, text=text), -1)
            try:
                answer = answer_in(await chat.answer(-1))
            except ModelError as exc:
                self.trajectory.error = self.trajectory.error or f"answer extractor failed: {exc}"
                return []
            if answer:
                return [(channel, answer, text)]
        return []


async def solve(
    question_or_instance: str | Instance,
    *,
    method: str = "codesteer",
    task_model: ChatModel,
    steer_model: ChatModel | None = None,
    config: SteerConfig | None = None,
    on_event: EventHandler | None = None,
    executor: Executor | None = None,
) -> Trajectory:
    """Answer one question (or SymBench instance) with ``method``; return the full trajectory.

    Methods that steer (``codesteer``, ``code_text_sum2``) use ``steer_model``, or the task model
    prompted as steerer when none is given. A model or sandbox failure does not raise: the
    trajectory ends with ``stop_reason="error"`` and the message in ``error``, the answer read
    from the last reply.
    """
    from codesteer.steer.methods import get_method

    spec = get_method(method)
    if isinstance(question_or_instance, Instance):
        instance, question = question_or_instance, question_or_instance.question
    elif isinstance(question_or_instance, str) and question_or_instance.strip():
        instance, question = None, question_or_instance
    else:
        raise ValueError("solve needs a non-empty question or a SymBench Instance")
    if spec.uses_steer and steer_model is None:
        steer_model = task_model
    run = Run(
        spec.name, question, task_model, config or SteerConfig(), executor or default_executor(),
        steer_model if spec.uses_steer else None, instance, on_event,
    )
    start = time.perf_counter()
    try:
        ending = await spec.run(run)
    except (ModelError, SandboxError) as exc:
        run.trajectory.error = f"{type(exc).__name__}: {exc}"
        ending = Ending(_last_reply(run.trajectory), "error")
    try:
        await run.finish(ending)
    except SandboxError as exc:
        run.trajectory.error = f"{type(exc).__name__}: {exc}"
        await run.finish(Ending(ending.reply, "error", run_reply_code=False))
    t = run.trajectory
    t.wall_s = time.perf_counter() - start
    run.emit(events.Final(t.final.answer if t.final else None, t.final.channel if t.final else None,
                          t.stop_reason, t.verdict))
    return t


def _last_reply(t: Trajectory) -> str | None:
    replies = [m.content for m in t.messages if m.conversation == "task" and m.role == "assistant"]
    return replies[-1] if replies else None
