"""Reading training data for SFT and DPO: ours, and the release's LLaMA-Factory files.

SFT records are TRL conversations, ``{"messages": [{"role", "content"}, ...]}``: the steering
model's side of a CodeSteer run, its guidance turns as ``assistant``. DPO records are
``{"prompt": [messages], "chosen": [assistant message], "rejected": [assistant message]}``.
LLaMA-Factory records (alpaca with ``history``, sharegpt, and their ranking forms: what the
release trained on, see :mod:`codesteer.synth.llamafactory`) are converted to those.

Data comes as a JSONL file, a JSON file holding a list (LLaMA-Factory's), a folder written by
``datasets.Dataset.save_to_disk``, or ``hub:REPO:FILE``, a file of a Hugging Face dataset
repository (``hub:yongchao98/SymBench:finetune_dataset/CodeSteer_SFT_dataset_total.json``).
A malformed record is reported with its file and record number (counted from 1).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from codesteer.synth.llamafactory import FormatError, dpo_pair, is_record, sft_messages
from codesteer.train.config import ConfigError

ROLES = {"system", "user", "assistant"}


class DataError(ValueError):
    """Training data is missing or malformed (the message names the file and record)."""


def _hub_file(spec: str) -> Path:
    """The local copy of ``hub:REPO:FILE`` (downloaded once into the Hugging Face cache)."""
    repo, sep, filename = spec.removeprefix("hub:").partition(":")
    if not sep or not repo or not filename:
        raise DataError(f"{spec!r}: a hub dataset file is hub:REPO:FILE, e.g. "
                        "hub:yongchao98/SymBench:finetune_dataset/CodeSteer_SFT_dataset_total.json")
    from huggingface_hub import hf_hub_download
    from huggingface_hub.errors import HfHubHTTPError, LocalEntryNotFoundError

    try:
        return Path(hf_hub_download(repo, filename, repo_type="dataset"))
    except (HfHubHTTPError, LocalEntryNotFoundError, OSError) as exc:
        raise DataError(f"cannot fetch {filename} of the dataset {repo} from the Hugging Face Hub ({exc}); "
                        "download it where the network allows and give its path") from exc


def read_records(path: str | Path) -> list[Any]:
    """Records of a JSONL or JSON-list file, a saved ``datasets`` folder or a hub file."""
    if isinstance(path, str) and path.startswith("hub:"):
        path = _hub_file(path)
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
        text = path.read_text(encoding="utf-8")
        records = _read_json_list(path, text) if text.lstrip().startswith("[") else _read_jsonl(path, text)
    if not records:
        raise DataError(f"{path}: no records")
    return records


def _read_jsonl(path: Path, text: str) -> list[Any]:
    """One JSON value per non-blank line; a bad line is a DataError naming it."""
    records = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise DataError(f"{path}:{number}: not valid JSON: {exc}") from exc
    return records


def _read_json_list(path: Path, text: str) -> list[Any]:
    """A JSON file holding a list of records (LLaMA-Factory's layout)."""
    try:
        records = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(f"{path}: not valid JSON: {exc}") from exc
    if not isinstance(records, list):
        raise DataError(f"{path}: expected a JSON list of records")
    return records


def _check_messages(messages: Any, where: str) -> None:
    if not isinstance(messages, list) or not messages:
        raise DataError(f"{where}: expected a non-empty list of messages")
    for i, msg in enumerate(messages):
        if not isinstance(msg, dict) or msg.get("role") not in ROLES or not isinstance(msg.get("content"), str):
            raise DataError(f"{where}: message {i} must be {{'role': system|user|assistant, 'content': str}}")


def load_sft_records(path: str | Path) -> list[dict[str, Any]]:
    """Validated SFT conversations (each with at least one assistant turn)."""
    out = []
    for n, record in enumerate(read_records(path), 1):
        where = f"{path} record {n}"
        try:
            messages = sft_messages(record) if is_record(record) else _ours(record, "messages", where)
        except FormatError as exc:
            raise DataError(f"{where}: {exc}") from exc
        _check_messages(messages, where)
        if not any(m["role"] == "assistant" for m in messages):
            raise DataError(f"{where}: no assistant turn to learn from")
        out.append({"messages": messages})
    return out


def load_dpo_records(path: str | Path) -> list[dict[str, Any]]:
    """Validated preference pairs with a shared conversational prefix."""
    out = []
    for n, record in enumerate(read_records(path), 1):
        where = f"{path} record {n}"
        try:
            pair = dpo_pair(record) if is_record(record) else {
                key: _ours(record, key, where) for key in ("prompt", "chosen", "rejected")}
        except FormatError as exc:
            raise DataError(f"{where}: {exc}") from exc
        for key, messages in pair.items():
            _check_messages(messages, f"{where} {key}")
        if pair["prompt"][-1]["role"] != "user":
            raise DataError(f"{where}: the prompt must end with a user turn")
        if pair["chosen"] == pair["rejected"]:
            raise DataError(f"{where}: chosen and rejected are identical")
        out.append(pair)
    return out


def _ours(record: Any, key: str, where: str) -> Any:
    if not isinstance(record, dict) or key not in record:
        raise DataError(f"{where}: missing {key!r} (expected our conversational format, or LLaMA-Factory's "
                        "alpaca/sharegpt records)")
    return record[key]
