"""Fixtures for the training tests: the embedded tokenizer (slow to read from GGUF) and tiny data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest


def need_training_stack() -> None:
    """Tests that train or tokenise need the [train] extra (config checks do not)."""
    pytest.importorskip("trl", reason="training tests need the [train] extra")


@pytest.fixture(scope="session")
def tiny_config_sft():
    from codesteer.train import load_config

    return load_config("tiny-cpu", stage="sft")


@pytest.fixture(scope="session")
def embedded_tokenizer(tiny_config_sft):
    need_training_stack()
    from codesteer.train.modeling import load_tokenizer

    return load_tokenizer(tiny_config_sft.model)


def conversation(i: int) -> list[dict[str, str]]:
    """A two-round steering conversation whose guidance turns are easy to recognise."""
    return [
        {"role": "user", "content": f"Decide code or text for question {i}: sum of 1..{i}?"},
        {"role": "assistant", "content": f"GUIDE-A{i}: write Python that loops and prints the sum."},
        {"role": "user", "content": f"The task model answered {i * (i + 1) // 2}; the checker agrees."},
        {"role": "assistant", "content": f"GUIDE-B{i}: Return Answer"},
    ]


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n")
    return path


@pytest.fixture
def sft_file(tmp_path: Path) -> Path:
    # Exactly one batch (per-device batch 2 in tiny-cpu): every step sees the same fixed batch.
    return write_jsonl(tmp_path / "sft.jsonl", [{"messages": conversation(i)} for i in (3, 4)])


@pytest.fixture
def dpo_file(tmp_path: Path) -> Path:
    pairs = [
        {
            "prompt": conversation(i)[:3],
            "chosen": [{"role": "assistant", "content": "Return Answer"}],
            "rejected": [{"role": "assistant", "content": "Try again by guessing the number in text."}],
        }
        for i in (3, 4)
    ]
    return write_jsonl(tmp_path / "dpo.jsonl", pairs)
