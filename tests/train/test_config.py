"""Config validation: the paper's Llama-3-8B settings load and check out without any weights."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from codesteer.train.config import ConfigError, load_config, shipped_configs


def test_the_papers_sft_config() -> None:
    cfg = load_config("llama3-8b-sft", stage="sft")
    assert cfg.model.name_or_path == "meta-llama/Meta-Llama-3-8B-Instruct"
    assert cfg.model.chat_template == "llama3"
    assert cfg.finetuning.method == "full"
    t = cfg.training
    assert (t.cutoff_len, t.per_device_train_batch_size, t.gradient_accumulation_steps) == (7024, 1, 2)
    assert (t.learning_rate, t.lr_scheduler_type, t.warmup_ratio) == (1e-5, "cosine", 0.1)
    assert (t.num_train_epochs, t.bf16, t.val_size) == (12, True, 0.1)
    ds = json.loads(Path(cfg.deepspeed_path()).read_text())
    assert ds["zero_optimization"]["stage"] == 3


def test_the_dpo_config_and_one_gpu_variants() -> None:
    dpo = load_config("llama3-8b-dpo", stage="dpo")
    assert (dpo.dpo.beta, dpo.dpo.loss_type) == (0.1, "sigmoid")
    assert 5e-7 <= dpo.training.learning_rate <= 5e-6
    for name, method in (("llama3-8b-lora-sft", "lora"), ("llama3-8b-qlora-sft", "qlora")):
        cfg = load_config(name)
        assert cfg.finetuning.method == method
        from codesteer.train.modeling import lora_config

        assert lora_config(cfg).r == cfg.finetuning.lora.r


def test_every_shipped_config_loads() -> None:
    shipped = shipped_configs()
    assert {"tiny-cpu", "llama3-8b-sft", "llama3-8b-dpo", "llama3-8b-lora-sft", "llama3-8b-qlora-sft",
            "tiny-cpu-grpo", "llama3-8b-lora-grpo"} <= set(shipped)
    for name in shipped:
        cfg = load_config(name)
        assert cfg.output_dir and (cfg.model.name_or_path or cfg.model.tiny), name
        assert cfg.stage in (None, "sft", "dpo", "grpo"), name


def test_stage_mismatch_and_typos_are_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not a dpo"):
        load_config("llama3-8b-sft", stage="dpo")
    bad = tmp_path / "bad.yaml"
    bad.write_text("output_dir: x\nmodel: {name_or_path: m}\ntraining: {learnig_rate: 1.0e-5}\n")
    with pytest.raises(ConfigError, match="learnig_rate"):
        load_config(bad)
    bad.write_text("output_dir: x\nmodel: {name_or_path: m}\ntraining: {cutoff_len: 0}\n")
    with pytest.raises(ConfigError, match="cutoff_len"):
        load_config(bad)
    with pytest.raises(ConfigError, match="not found"):
        load_config("no-such-config")


@pytest.mark.parametrize("checkpoint", ["/no/such/checkpoint", "./no-such-checkpoint", "no-such-checkpoint"])
def test_dpo_from_a_missing_checkpoint_is_a_data_error(checkpoint: str, tmp_path: Path) -> None:
    pytest.importorskip("trl")
    from codesteer.train.data import DataError
    from codesteer.train.runner import run_dpo

    cfg = load_config("tiny-cpu", stage="dpo", output_dir=str(tmp_path / "dpo"))
    with pytest.raises(DataError, match="SFT checkpoint not found"):
        run_dpo(cfg, tmp_path / "unused.jsonl", checkpoint)


def test_cli_configs_lists_whole_descriptions() -> None:
    from typer.testing import CliRunner

    from codesteer.cli import app

    result = CliRunner().invoke(app, ["train", "configs"])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "(random weights, no download) with the embedded SmolLM2 model's tokenizer" in text
    assert all(name in result.output for name in shipped_configs())
