"""Training configurations: YAML files validated into dataclasses before anything loads.

A config has four blocks — ``model``, ``finetuning``, ``training`` and (for DPO) ``dpo`` — plus
``output_dir``. Unknown keys are errors (a typo must not silently fall back to a default). The
shipped configs live in ``codesteer/train/configs/`` and are addressed by name
(``llama3-8b-sft``) or by path.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml

FinetuningMethod = Literal["full", "lora", "qlora"]


class ConfigError(ValueError):
    """A training config is missing, malformed or inconsistent (the message says where)."""


@dataclass
class TinyModel:
    """A small Llama-architecture model built from a config (random weights, no download)."""

    hidden_size: int = 64
    intermediate_size: int = 128
    num_hidden_layers: int = 2
    num_attention_heads: int = 4
    num_key_value_heads: int = 2
    max_position_embeddings: int = 2048


@dataclass
class ModelSection:
    """Which weights and tokenizer to train.

    ``name_or_path``: a hub id or local checkpoint; or ``tiny`` to build a tiny model.
    ``tokenizer``: defaults to ``name_or_path``; ``embedded`` is the embedded SmolLM2's tokenizer,
    read from its GGUF file (offline). ``chat_template``: ``None`` keeps the tokenizer's own;
    ``llama3`` uses the Llama-3 instruct template; anything else is a path to a Jinja file.
    """

    name_or_path: str | None = None
    tiny: TinyModel | None = None
    tokenizer: str | None = None
    chat_template: str | None = None
    dtype: Literal["bfloat16", "float16", "float32"] = "bfloat16"
    attn_implementation: str | None = None


@dataclass
class LoraSection:
    r: int = 16
    alpha: int = 32
    dropout: float = 0.05
    target_modules: list[str] | str = "all-linear"


@dataclass
class FinetuningSection:
    """``full`` (all weights, the paper's choice), ``lora``, or ``qlora`` (4-bit base + LoRA)."""

    method: FinetuningMethod = "full"
    lora: LoraSection = field(default_factory=LoraSection)
    merge_after_training: bool = True


@dataclass
class TrainingSection:
    """Optimisation settings, passed to TRL's ``SFTConfig`` / ``DPOConfig``."""

    cutoff_len: int = 7024
    per_device_train_batch_size: int = 1
    gradient_accumulation_steps: int = 2
    learning_rate: float = 1.0e-5
    lr_scheduler_type: str = "cosine"
    warmup_ratio: float = 0.1
    num_train_epochs: float = 12.0
    max_steps: int = -1
    bf16: bool = True
    val_size: float = 0.1
    eval_steps: int = 200
    save_steps: int = 200
    logging_steps: int = 20
    save_total_limit: int | None = 3
    gradient_checkpointing: bool = True
    seed: int = 42
    report_to: list[str] = field(default_factory=lambda: ["tensorboard"])
    deepspeed: str | None = None
    use_cpu: bool = False


@dataclass
class DpoSection:
    """DPO settings (the paper's were not released; defaults follow common practice)."""

    beta: float = 0.1
    loss_type: str = "sigmoid"


@dataclass
class TrainConfig:
    """A whole run. ``stage`` may be left out for configs that serve both stages (tiny-cpu)."""

    model: ModelSection
    output_dir: str
    stage: Literal["sft", "dpo"] | None = None
    finetuning: FinetuningSection = field(default_factory=FinetuningSection)
    training: TrainingSection = field(default_factory=TrainingSection)
    dpo: DpoSection = field(default_factory=DpoSection)
    source: str = ""

    def deepspeed_path(self) -> str | None:
        """The DeepSpeed JSON, resolved against the config's folder (shipped configs included)."""
        if not self.training.deepspeed:
            return None
        candidate = Path(self.training.deepspeed)
        if not candidate.is_absolute() and self.source:
            candidate = Path(self.source).parent / candidate
        if not candidate.is_file():
            raise ConfigError(f"{self.source}: DeepSpeed config not found: {candidate}")
        return str(candidate)


def shipped_configs() -> dict[str, Path]:
    """Configs shipped with the package, by name (file name without ``.yaml``)."""
    folder = resources.files("codesteer.train") / "configs"
    return {
        Path(entry.name).stem: Path(str(entry))
        for entry in folder.iterdir()
        if entry.name.endswith(".yaml")
    }


def resolve_config_path(name_or_path: str | Path) -> Path:
    path = Path(name_or_path)
    if path.is_file():
        return path
    shipped = shipped_configs()
    key = path.name.removesuffix(".yaml")
    if key in shipped:
        return shipped[key]
    raise ConfigError(
        f"config {str(name_or_path)!r} not found; shipped configs: {', '.join(sorted(shipped))}"
    )


def load_config(
    name_or_path: str | Path, stage: Literal["sft", "dpo"] | None = None, **overrides: Any
) -> TrainConfig:
    """Read and validate a config for ``stage``; ``overrides`` replace top-level keys (``output_dir``)."""
    path = resolve_config_path(name_or_path)
    try:
        raw = yaml.safe_load(path.read_text())
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: expected a mapping at the top level")
    raw.update({k: v for k, v in overrides.items() if v is not None})
    config = _build(TrainConfig, raw, str(path))
    config.source = str(path)
    if stage is not None:
        if config.stage not in (None, stage):
            raise ConfigError(f"{path}: this is a {config.stage} config, not a {stage} one")
        config.stage = stage
    _check(config)
    return config


def _build(cls: type, raw: Any, where: str) -> Any:
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: expected a mapping for {cls.__name__}, got {raw!r}")
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = set(raw) - set(fields)
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {sorted(unknown)}; allowed: {sorted(fields)}")
    nested = {
        "model": ModelSection, "tiny": TinyModel, "finetuning": FinetuningSection,
        "lora": LoraSection, "training": TrainingSection, "dpo": DpoSection,
    }
    values = {}
    for key, value in raw.items():
        if key in nested and value is not None:
            values[key] = _build(nested[key], value, f"{where}.{key}")
        else:
            values[key] = value
    try:
        return cls(**values)
    except TypeError as exc:
        raise ConfigError(f"{where}: {exc}") from exc


def _check(config: TrainConfig) -> None:
    where = config.source
    if config.stage not in ("sft", "dpo", None):
        raise ConfigError(f"{where}: stage must be 'sft' or 'dpo', got {config.stage!r}")
    model = config.model
    if (model.name_or_path is None) == (model.tiny is None):
        raise ConfigError(f"{where}: model needs exactly one of name_or_path or tiny")
    if model.tiny is not None and model.tokenizer is None:
        raise ConfigError(f"{where}: a tiny model needs a tokenizer (e.g. 'embedded')")
    if config.finetuning.method not in ("full", "lora", "qlora"):
        raise ConfigError(f"{where}: finetuning.method must be full, lora or qlora")
    t = config.training
    numeric = {
        "cutoff_len": t.cutoff_len, "per_device_train_batch_size": t.per_device_train_batch_size,
        "gradient_accumulation_steps": t.gradient_accumulation_steps,
    }
    for key, value in numeric.items():
        if not isinstance(value, int) or value < 1:
            raise ConfigError(f"{where}: training.{key} must be a positive integer, got {value!r}")
    if not 0 < float(t.learning_rate) < 1:
        raise ConfigError(f"{where}: training.learning_rate out of range: {t.learning_rate}")
    if not 0 <= float(t.val_size) < 1:
        raise ConfigError(f"{where}: training.val_size must be in [0, 1)")
    if not 0 <= float(t.warmup_ratio) < 1:
        raise ConfigError(f"{where}: training.warmup_ratio must be in [0, 1)")
    if config.stage == "dpo" and config.dpo.beta <= 0:
        raise ConfigError(f"{where}: dpo.beta must be positive")
