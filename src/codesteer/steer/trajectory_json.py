"""The storage edge of :class:`~codesteer.steer.trajectory.Trajectory`: to and from JSON.

:func:`to_dict` writes the current layout; :func:`from_dict` reads it and the layout of
codesteer 0.1.0 (``task_model``/``steer_model``/``steer_style`` fields, the accepted channel
inside the verdict), so runs stored by earlier versions still open.
"""

from __future__ import annotations

import json
from dataclasses import fields, is_dataclass
from typing import Any

from codesteer.sandbox.types import Execution
from codesteer.steer.config import SteerConfig
from codesteer.steer.conversation import Conversation
from codesteer.steer.profile import SteerProfile
from codesteer.steer.symbolic import SymbolicReport
from codesteer.steer.trajectory import (
    CallRecord,
    FinalAnswer,
    MessageRecord,
    Round,
    SelfCheck,
    Trajectory,
)
from codesteer.symbench.task import Instance, Verdict

_FIELDS: dict[type, tuple[str, ...]] = {}


def _data(value: Any) -> Any:
    """Records as JSON data: what ``dataclasses.asdict`` gives, without its deep copy of every
    leaf (a trajectory is written once per job, so this is on an evaluation's hot path)."""
    kind = type(value)
    if kind in (str, int, float, bool) or value is None:
        return value
    names = _FIELDS.get(kind)
    if names is None and is_dataclass(value):
        names = _FIELDS[kind] = tuple(f.name for f in fields(value))
    if names is not None:
        return {name: _data(getattr(value, name)) for name in names}
    if isinstance(value, (list, tuple)):
        return [_data(item) for item in value]
    if isinstance(value, dict):
        return {key: _data(item) for key, item in value.items()}
    return value


def to_dict(t: Trajectory) -> dict[str, Any]:
    """The trajectory as JSON-ready data, with its totals (redundant, for readers of the JSON)."""
    return {
        "method": t.method, "question": t.question, "config": t.config.to_dict(), "models": dict(t.models),
        "steering": _data(t.steering), "instance": _data(t.instance),
        "messages": [{**_data(m), "conversation": str(m.conversation)} for m in t.messages],
        "calls": [{**_data(c), "conversation": str(c.conversation)} for c in t.calls],
        "rounds": [_data(r) for r in t.rounds], "final": _data(t.final), "verdict": _data(t.verdict),
        "accepted_channel": t.accepted_channel, "malformed_steer_outputs": t.malformed_steer_outputs,
        "stop_reason": t.stop_reason, "error": t.error, "judge_error": t.judge_error, "wall_s": t.wall_s,
        "totals": t.totals(), "total_tokens": t.total_tokens,
    }


def dumps(t: Trajectory, **kwargs: Any) -> str:
    return json.dumps(to_dict(t), **kwargs)


def _execution(data: dict[str, Any] | None) -> Execution | None:
    return Execution.from_dict(data) if data is not None else None


def _round(data: dict[str, Any]) -> Round:
    values = dict(data)
    values["execution"] = _execution(values.get("execution"))
    if values.get("symbolic") is not None:
        values["symbolic"] = SymbolicReport(**values["symbolic"])
    if values.get("self_check") is not None:
        check = dict(values["self_check"])
        check["execution"] = _execution(check.get("execution"))
        values["self_check"] = SelfCheck(**check)
    return Round(**values)


def _models(data: dict[str, Any]) -> dict[str, str]:
    if "models" in data:
        return dict(data["models"])
    models = {"task": data["task_model"]}  # 0.1.0 layout
    if data.get("steer_model"):
        models["steer"] = data["steer_model"]
    return models


def _steering(data: dict[str, Any]) -> SteerProfile | None:
    if data.get("steering") is not None:
        return SteerProfile(**data["steering"])
    style = data.get("steer_style")  # 0.1.0 layout: the style only
    return SteerProfile(style) if style else None


def _verdict(data: dict[str, Any] | None) -> Verdict | None:
    if data is None:
        return None
    known = {f.name for f in fields(Verdict)}
    return Verdict(**{k: v for k, v in data.items() if k in known})  # 0.1.0 kept the channel here


def from_dict(data: dict[str, Any]) -> Trajectory:
    """A trajectory from stored data of this or an earlier version."""
    final = None
    if data.get("final") is not None:
        values = dict(data["final"])
        values["execution"] = _execution(values.get("execution"))
        final = FinalAnswer(**values)
    return Trajectory(
        method=data["method"], question=data["question"], config=SteerConfig.from_dict(data.get("config") or {}),
        models=_models(data), steering=_steering(data),  # type: ignore[arg-type]
        instance=Instance.from_dict(data["instance"]) if data.get("instance") is not None else None,
        messages=[MessageRecord(**{**m, "conversation": Conversation.parse(m["conversation"])})
                  for m in data.get("messages", [])],
        calls=[CallRecord(**{**c, "conversation": Conversation.parse(c["conversation"])})
               for c in data.get("calls", [])],
        rounds=[_round(r) for r in data.get("rounds", [])],
        final=final, verdict=_verdict(data.get("verdict")),
        malformed_steer_outputs=data.get("malformed_steer_outputs", 0),
        stop_reason=data.get("stop_reason", "done"), error=data.get("error"),
        judge_error=data.get("judge_error"), wall_s=data.get("wall_s", 0.0),
    )


def loads(text: str) -> Trajectory:
    return from_dict(json.loads(text))
