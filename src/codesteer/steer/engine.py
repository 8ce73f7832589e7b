"""The single entry point :func:`solve`: run one method on one question, score it, return the trajectory.

The engine assembles a run (models by role, the steering profile, the code runner, the
recorder), lets the method drive it (:mod:`codesteer.steer.methods`), then hands the method's
ending to the scorer (:mod:`codesteer.steer.scorer`).
"""

from __future__ import annotations

import time
from collections.abc import Mapping

from codesteer.llm.base import ChatModel, ModelError
from codesteer.sandbox.pool import SandboxError
from codesteer.steer import events, profile
from codesteer.steer.code_runner import CodeRunner, Executor, default_executor
from codesteer.steer.config import SteerConfig
from codesteer.steer.context import Ending, Run
from codesteer.steer.methods import get_method
from codesteer.steer.prompt_sets import load_prompt_set
from codesteer.steer.record import EventHandler, Recorder
from codesteer.steer.roles import Role, assign
from codesteer.steer.scorer import Judge, Scorer, judge_inline
from codesteer.steer.trajectory import Trajectory
from codesteer.symbench.task import Instance


async def solve(
    question_or_instance: str | Instance,
    *,
    method: str = "codesteer",
    task_model: ChatModel,
    steer_model: ChatModel | None = None,
    helpers: Mapping[Role, ChatModel] | None = None,
    config: SteerConfig | None = None,
    on_event: EventHandler | None = None,
    executor: Executor | None = None,
    judge: Judge = judge_inline,
) -> Trajectory:
    """Answer one question (or SymBench instance) with ``method``; return the full trajectory.

    Roles (:mod:`codesteer.steer.roles`): methods that steer use ``steer_model``, or the task
    model prompted as steerer when none is given; ``helpers`` may give the self-check, extractor
    and summariser roles their own models (default: the task model). A model or sandbox failure
    does not raise: the trajectory ends with ``stop_reason="error"`` and the message in
    ``error``, the answer read from the last reply.
    """
    spec = get_method(method)
    if isinstance(question_or_instance, Instance):
        instance, question = question_or_instance, question_or_instance.question
    elif isinstance(question_or_instance, str) and question_or_instance.strip():
        instance, question = None, question_or_instance
    else:
        raise ValueError("solve needs a non-empty question or a SymBench Instance")
    config = config or SteerConfig()
    models = assign(task_model, steer=steer_model, helpers=helpers, steers=spec.uses_steer)
    prompts = load_prompt_set(config.prompts) if "steer" in models else None
    steering = profile.resolve(config.steer_style, models["steer"], prompts.name) if prompts else None
    if steering is not None:
        profile.check_fit(steering, models["steer"])
    names = {"task": task_model.name, **({"steer": models["steer"].name} if steering else {})}
    trajectory = Trajectory(spec.name, question, config, names, steering, instance)  # type: ignore[arg-type]
    record = Recorder(trajectory, on_event)
    run = Run(question, config, models, steering, CodeRunner(executor or default_executor(), config, record), record,
              prompts)
    start = time.perf_counter()
    try:
        ending = await spec.run(run)
    except (ModelError, SandboxError) as exc:
        trajectory.error = f"{type(exc).__name__}: {exc}"
        ending = Ending(record.last_reply(), "error")
    trajectory.stop_reason = ending.stop_reason
    scorer = Scorer(run, instance, judge)
    try:
        score = await scorer.score(ending)
    except SandboxError as exc:
        trajectory.error = f"{type(exc).__name__}: {exc}"
        trajectory.stop_reason = "error"
        score = await scorer.score(Ending(ending.reply, "error", run_reply_code=False))
    trajectory.final, trajectory.verdict, trajectory.judge_error = score.final, score.verdict, score.judge_error
    trajectory.error = trajectory.error or score.error
    for call in trajectory.calls:  # record the helper roles that took part
        trajectory.models.setdefault(call.conversation.role, models[call.conversation.role].name)
    trajectory.wall_s = time.perf_counter() - start
    final = trajectory.final
    record.emit(events.Final(final.answer, final.channel, trajectory.stop_reason, trajectory.verdict))
    return trajectory
