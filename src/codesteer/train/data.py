"""Reading the synthesised training data (see :mod:`codesteer.synth`) for SFT and DPO.

SFT records are TRL conversations, ``{"messages": [{"role", "content"}, ...]}``: the steering
model's side of a CodeSteer run, its guidance turns as ``assistant``. DPO records are
``{"prompt": [messages], "chosen": [assistant message], "rejected": [assistant message]}``.
Either comes as a JSONL file or a folder written by ``datasets.Dataset.save_to_disk``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from codesteer.train.config import ConfigError

ROLES = {"system", "user", "assistant"}


class DataError(ValueError):
    """Training data is missing or malformed (the message names the file and record)."""


def read_records(path: str | Path) -> list[dict[str, Any]]:
    """Records of a JSONL file or a saved ``datasets`` folder."""
    path = Path(path)
    if path.is_dir():
        try:
            from datasets import load_from_disk
        except ImportError as exc:
            raise ConfigError("reading a dataset folder needs the [hf] extra") from exc
        try:
            records = [dict(row) for row in load_from_disk(str(path))]
        except (FileNotFoundError, ValueError) as exc:
            raise DataError(f"{path} is a folder but not a saved dataset (datasets' save_to_disk, e.g. "
                            "OUT/export/sft_hf); give that folder or a .jsonl file") from exc
    elif not path.is_file():
        raise DataError(f"training data not found: {path}")
    else:
        records = _read_jsonl(path)
    if not records:
        raise DataError(f"{path}: no records")
    return records


def _read_jsonl(path: Path) -> list[Any]:
    """One JSON value per non-blank line; a bad line is a DataError naming it."""
    records = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise DataError(f"{path}:{number}: not valid JSON: {exc}") from exc
    return records


def _check_messages(messages: Any, where: str) -> None:
    if not isinstance(messages, list) or not messages:
        raise DataError(f"{where}: expected a non-empty list of messages")
    for i, msg in enumerate(messages):
        if not isinstance(msg, dict) or msg.get("role") not in ROLES or not isinstance(msg.get("content"), str):
            raise DataError(f"{where}: message {i} must be {{'role': system|user|assistant, 'content': str}}")


def load_sft_records(path: str | Path) -> list[dict[str, Any]]:
    """Validated SFT conversations (each with at least one assistant turn)."""
    records = read_records(path)
    for n, record in enumerate(records):
        where = f"{path} record {n}"
        if "messages" not in record:
            raise DataError(f"{where}: missing 'messages' (SFT data is conversational)")
        _check_messages(record["messages"], where)
        if not any(m["role"] == "assistant" for m in record["messages"]):
            raise DataError(f"{where}: no assistant turn to learn from")
    return [{"messages": r["messages"]} for r in records]


def load_dpo_records(path: str | Path) -> list[dict[str, Any]]:
    """Validated preference pairs with a shared conversational prefix."""
    records = read_records(path)
    for n, record in enumerate(records):
        where = f"{path} record {n}"
        for key in ("prompt", "chosen", "rejected"):
            if key not in record:
                raise DataError(f"{where}: missing {key!r} (DPO data is prompt/chosen/rejected)")
            _check_messages(record[key], f"{where} {key}")
        if record["prompt"][-1]["role"] != "user":
            raise DataError(f"{where}: the prompt must end with a user turn")
        if record["chosen"] == record["rejected"]:
            raise DataError(f"{where}: chosen and rejected are identical")
    return [{k: r[k] for k in ("prompt", "chosen", "rejected")} for r in records]
