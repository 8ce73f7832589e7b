"""LLaMA-Factory's data formats, both ways: what the release trained on, and what we export.

- **alpaca** (SFT, how the release registered its data in ``dataset_info.json``):
  ``{"instruction", "input"?, "output", "history": [[user, assistant], ...], "system"?}``; the
  conversation is the history, then ``instruction`` (and ``input`` after a newline) answered by
  ``output``. LLaMA-Factory puts loss on every assistant turn of a multi-turn record, as we do.
- **sharegpt** (SFT): ``{"conversations": [{"from": "human"|"gpt"|"system", "value"}, ...]}``.
- **sharegpt ranking** (DPO, the release's pairs): ``conversations`` ending with a human turn,
  ``chosen`` and ``rejected`` each one ``gpt`` turn.
- **alpaca ranking** (DPO): ``instruction``/``input``/``history`` as above with ``chosen`` and
  ``rejected`` texts.

Readers turn a record into our chat messages and raise :class:`FormatError` (with the reason)
for one they cannot read; callers add the file and record number.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from codesteer.llm.base import Message

_ROLE = {"human": "user", "user": "user", "gpt": "assistant", "assistant": "assistant", "system": "system"}
_TAG = {"user": "human", "assistant": "gpt", "system": "system"}


class FormatError(ValueError):
    """A record in none of the formats, or a malformed one."""


def alpaca(messages: Sequence[Message]) -> dict[str, Any]:
    """The alpaca multi-turn record of a user/assistant conversation."""
    turns = [(messages[i]["content"], messages[i + 1]["content"]) for i in range(0, len(messages) - 1, 2)]
    *history, (last_user, last_answer) = turns
    return {"instruction": last_user, "output": last_answer, "history": [list(t) for t in history]}


def sharegpt(messages: Sequence[Message]) -> list[dict[str, str]]:
    return [{"from": _TAG[m["role"]], "value": m["content"]} for m in messages]


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise FormatError(f"{what} must be text, got {type(value).__name__}")
    return value


def _prompt(record: dict[str, Any]) -> list[Message]:
    """The alpaca prompt: system, history, then the instruction (and input)."""
    out: list[Message] = []
    if record.get("system"):
        out.append({"role": "system", "content": _text(record["system"], "system")})
    history = record.get("history") or []
    if not isinstance(history, list):
        raise FormatError("history must be a list of [user, assistant] pairs")
    for i, turn in enumerate(history):
        if not (isinstance(turn, list | tuple) and len(turn) == 2):
            raise FormatError(f"history turn {i} must be a [user, assistant] pair")
        out += [{"role": "user", "content": _text(turn[0], f"history turn {i}")},
                {"role": "assistant", "content": _text(turn[1], f"history turn {i}")}]
    text = _text(record["instruction"], "instruction")
    extra = record.get("input") or ""
    out.append({"role": "user", "content": f"{text}\n{_text(extra, 'input')}" if extra else text})
    return out


def _conversation(turns: Any) -> list[Message]:
    if not isinstance(turns, list) or not turns:
        raise FormatError("conversations must be a non-empty list")
    out: list[Message] = []
    for i, turn in enumerate(turns):
        role = _ROLE.get(turn.get("from") if isinstance(turn, dict) else None)  # type: ignore[arg-type]
        if role is None:
            raise FormatError(f"conversations[{i}] must be {{'from': human|gpt|system, 'value': text}}")
        out.append({"role": role, "content": _text(turn.get("value"), f"conversations[{i}].value")})  # type: ignore[typeddict-item]
    return out


def is_record(record: Any) -> bool:
    return isinstance(record, dict) and ("instruction" in record or "conversations" in record)


def sft_messages(record: dict[str, Any]) -> list[Message]:
    """An alpaca or sharegpt SFT record as a conversation."""
    if "conversations" in record:
        return _conversation(record["conversations"])
    if "instruction" in record and "output" in record:
        return [*_prompt(record), {"role": "assistant", "content": _text(record["output"], "output")}]
    raise FormatError("an SFT record needs instruction/output (alpaca) or conversations (sharegpt)")


def _answer(value: Any, what: str) -> list[Message]:
    if isinstance(value, dict):
        return _conversation([value])
    return [{"role": "assistant", "content": _text(value, what)}]


def dpo_pair(record: dict[str, Any]) -> dict[str, list[Message]]:
    """A sharegpt or alpaca ranking record as TRL's prompt/chosen/rejected messages."""
    if "chosen" not in record or "rejected" not in record:
        raise FormatError("a preference record needs chosen and rejected")
    prompt = _conversation(record["conversations"]) if "conversations" in record else _prompt(record)
    return {"prompt": prompt, "chosen": _answer(record["chosen"], "chosen"),
            "rejected": _answer(record["rejected"], "rejected")}
