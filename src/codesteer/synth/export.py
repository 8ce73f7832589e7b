"""Writing SFT records and DPO pairs in the formats trainers read.

For each kind (``sft`` or ``dpo``) a folder gets:

- ``<kind>.jsonl``: TRL's conversational format, read directly by ``SFTTrainer`` (``messages``)
  and ``DPOTrainer`` (``prompt``/``chosen``/``rejected`` as message lists), and by
  ``codesteer train``;
- ``<kind>_hf/``: the same records as a ``datasets.Dataset`` saved with ``save_to_disk`` (not
  written when there are no records);
- ``<kind>_llamafactory.json``: LLaMA-Factory's multi-turn formats: SFT as alpaca records
  (``instruction`` = last user turn, ``output`` = last guidance, ``history`` = earlier
  ``[user, guidance]`` pairs), as the original registered its data; DPO as sharegpt ranking
  records (``conversations`` from ``human``/``gpt``, ending with ``human``; ``chosen`` and
  ``rejected`` as single ``gpt`` turns);
- ``dataset_info.json``: the LLaMA-Factory registration of those files (merge it into yours).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from codesteer.synth.llamafactory import alpaca, sharegpt
from codesteer.synth.sft import SftRecord
from codesteer.synth.tree import Pair


def trl_pair(pair: Pair) -> dict[str, Any]:
    """A pair in TRL's conversational preference format."""
    return {"prompt": pair.prompt, "chosen": [{"role": "assistant", "content": pair.chosen}],
            "rejected": [{"role": "assistant", "content": pair.rejected}]}


def sharegpt_ranking(pair: Pair) -> dict[str, Any]:
    """LLaMA-Factory's sharegpt ranking record of a pair."""
    return {"conversations": sharegpt(pair.prompt), "chosen": {"from": "gpt", "value": pair.chosen},
            "rejected": {"from": "gpt", "value": pair.rejected}}


def dataset_info(kind: str) -> dict[str, Any]:
    """The ``dataset_info.json`` entry registering ``<kind>_llamafactory.json``."""
    name, file = f"codesteer_{kind}", f"{kind}_llamafactory.json"
    if kind == "sft":
        return {name: {"file_name": file, "columns": {"prompt": "instruction", "response": "output",
                                                      "history": "history"}}}
    return {name: {"file_name": file, "formatting": "sharegpt", "ranking": True,
                   "columns": {"messages": "conversations", "chosen": "chosen", "rejected": "rejected"}}}


def _write(folder: Path, kind: str, trl: list[dict[str, Any]], llamafactory: list[dict[str, Any]]) -> dict[str, Path]:
    from datasets import Dataset

    folder.mkdir(parents=True, exist_ok=True)
    paths = {"jsonl": folder / f"{kind}.jsonl", "hf": folder / f"{kind}_hf",
             "llamafactory": folder / f"{kind}_llamafactory.json", "dataset_info": folder / "dataset_info.json"}
    shutil.rmtree(paths["hf"], ignore_errors=True)  # never leave an earlier export's records behind
    paths["jsonl"].write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in trl), encoding="utf-8")
    if trl:
        Dataset.from_list(trl).save_to_disk(str(paths["hf"]))
    paths["llamafactory"].write_text(json.dumps(llamafactory, ensure_ascii=False, indent=1), encoding="utf-8")
    info = {**_registered(paths["dataset_info"]), **dataset_info(kind)}
    paths["dataset_info"].write_text(json.dumps(info, indent=2), encoding="utf-8")
    return {k: p for k, p in paths.items() if p.exists()}


def _registered(path: Path) -> dict[str, Any]:
    """The entries already in ``dataset_info.json`` (an SFT and a DPO export may share a folder)."""
    try:
        existing = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return existing if isinstance(existing, dict) else {}


def write_sft(records: Sequence[SftRecord], folder: str | Path) -> dict[str, Path]:
    """Write SFT records in every format; returns the paths written by format."""
    return _write(Path(folder), "sft", [r.to_dict() for r in records], [alpaca(r.messages) for r in records])


def write_dpo(pairs: Sequence[Pair], folder: str | Path) -> dict[str, Path]:
    """Write DPO pairs in every format; returns the paths written by format."""
    return _write(Path(folder), "dpo", [trl_pair(p) for p in pairs], [sharegpt_ranking(p) for p in pairs])
