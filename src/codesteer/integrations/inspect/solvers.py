"""Every method of the engine as an inspect solver (``codesteer/<method>``), calling ``steer.solve``.

The sample's model is the task model; inspect's model roles give the others
(``--model-role steer=...``, and ``self_check``, ``extractor``, ``summariser``), each defaulting
as in :func:`codesteer.steer.roles.assign`. Model-written code runs in our sandbox. The rounds
show in the log viewer: every model call as inspect's own model events, each steering decision,
execution and checker note as an info event, the task model's conversation as the sample's
messages, and the whole trajectory (JSON) in the sample's store under ``codesteer:trajectory``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from inspect_ai.log import transcript
from inspect_ai.model import ModelOutput, get_model, model_roles
from inspect_ai.solver import Generate, Solver, TaskState, solver

from codesteer.integrations.inspect.dataset import sample_instance
from codesteer.integrations.inspect.model import InspectChatModel, chat_message
from codesteer.integrations.inspect.scorer import VERDICT_KEY
from codesteer.llm.base import ChatModel
from codesteer.steer import events, trajectory_json
from codesteer.steer.config import SteerConfig
from codesteer.steer.engine import solve
from codesteer.steer.methods import all_methods, get_method
from codesteer.steer.roles import HELPER_ROLES, Role
from codesteer.steer.trajectory import TASK
from codesteer.symbench.errors import JudgeError

#: Store key of the run's trajectory (``codesteer.steer.trajectory_json`` format).
TRAJECTORY_KEY = "codesteer:trajectory"


class SteerRunError(RuntimeError):
    """A run ended in a model or sandbox error: inspect records an error, not a wrong answer."""


def role_models() -> tuple[ChatModel | None, dict[Role, ChatModel]]:
    """The steering model and helper models bound with ``--model-role`` (absent: the defaults)."""
    bound = model_roles()
    steer = InspectChatModel(get_model(role="steer")) if "steer" in bound else None
    helpers: dict[Role, ChatModel] = {r: InspectChatModel(get_model(role=r)) for r in HELPER_ROLES if r in bound}
    return steer, helpers


def describe(event: events.Event) -> str | None:
    """An engine event as markdown for the transcript (replies show as model events already)."""
    match event:
        case events.Guidance(round=r, action=action, output=output, malformed=malformed):
            note = f" (malformed: {malformed})" if malformed else ""
            return f"**round {r} · steering: {action}**{note}\n\n{output}"
        case events.Code(round=r, code=code):
            return f"**round {r} · code run in the sandbox**\n\n```python\n{code}\n```"
        case events.ExecutionDone(round=r, outcome=outcome, report=report):
            return f"**round {r} · execution: {outcome}**\n\n```\n{report}\n```"
        case events.CheckerNote(round=r, checker=checker, text=text):
            return f"**round {r} · {checker} checker**\n\n{text}"
        case events.Final(answer=answer, channel=channel, stop_reason=stop, verdict=verdict):
            judged = "" if verdict is None else f" — {'correct' if verdict.correct else 'wrong'}: {verdict.reason}"
            return f"**final answer** `{answer}` (from {channel}, stopped: {stop}){judged}"
    return None


def log_event(event: events.Event) -> None:
    text = describe(event)
    if text is not None:
        transcript().info(text, source="codesteer")


def _method_run(name: str, config: dict[str, Any] | None) -> Solver:
    settings = SteerConfig.from_dict(config or {})

    async def run(state: TaskState, generate: Generate) -> TaskState:
        steer, helpers = role_models()
        task_model = get_model()
        trajectory = await solve(sample_instance(state), method=name, task_model=InspectChatModel(task_model),
                                 steer_model=steer, helpers=helpers, config=settings, on_event=log_event)
        state.store.set(TRAJECTORY_KEY, trajectory_json.to_dict(trajectory))
        if trajectory.judge_error:
            instance = sample_instance(state)
            reply = trajectory.final.reply if trajectory.final else ""
            raise JudgeError.about(instance.task, instance.id, reply or "", trajectory.judge_error)
        if trajectory.stop_reason == "error":
            raise SteerRunError(trajectory.error or "the run ended in an error")
        assert trajectory.final is not None and trajectory.verdict is not None
        state.messages = [chat_message(m) for m in trajectory.conversation(TASK)]
        state.output = ModelOutput.from_content(model=str(task_model), content=trajectory.final.reply or "")
        state.store.set(VERDICT_KEY, trajectory.verdict.to_dict())
        return state

    return run


def _register(method: str) -> Callable[..., Solver]:
    def factory(config: dict[str, Any] | None = None) -> Solver:
        return _method_run(method, config)

    factory.__doc__ = get_method(method).summary
    return solver(name=method)(factory)


_SOLVERS: dict[str, Callable[..., Solver]] = {name: _register(name) for name in all_methods()}


def method_solver(method: str, config: dict[str, Any] | None = None) -> Solver:
    """The solver ``codesteer/<method>``: ``method`` run through the engine; ``config``: ``SteerConfig`` fields."""
    return _SOLVERS[get_method(method).name](config=config)
