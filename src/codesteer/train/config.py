"""Training configurations: YAML files validated into dataclasses before anything loads.

A config has the blocks ``model``, ``finetuning``, ``training``, ``dpo`` (DPO) and ``grpo`` (GRPO,
with its ``curriculum``), plus ``output_dir``. Unknown keys are errors (a typo must not silently fall back to a default). The
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
Stage = Literal["sft", "dpo", "grpo"]
STAGES: tuple[Stage, ...] = ("sft", "dpo", "grpo")


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
class CurriculumSection:
    """Which questions GRPO draws (see :mod:`codesteer.train.curriculum`).

    ``levels``: ``ladder`` (every numbered level of each task) or a list of level names;
    ``seed``: instance seeds derive from it (evaluation defaults to 0 and synthesis to 1000: keep
    training questions apart); ``window``: the recent episodes of a (task, level) its success is
    estimated from; ``floor``: the least weight a (task, level) keeps, so none is starved.
    """

    levels: list[str] | str = "ladder"
    seed: int = 3000
    window: int = 32
    floor: float = 0.05


@dataclass
class GrpoSection:
    """GRPO settings: episodes, reward shaping, the policy's sampling, TRL's loss and vLLM.

    ``num_generations``: episodes per question (the GRPO group); the questions of one step are
    ``per_device_train_batch_size * gradient_accumulation_steps / num_generations``.
    ``max_rounds``, ``self_check``, ``task_max_tokens``, ``sandbox_timeout_s``: the CodeSteer loop
    each episode runs. ``max_completion_length``: new tokens per steering turn. ``token_weight``:
    reward lost per 1,000 tokens of the episode, ``malformed_weight`` per malformed steering
    output (docs/training.md). ``beta``, ``epsilon``, ``loss_type``, ``scale_rewards``,
    ``top_entropy_quantile``: TRL's GRPO loss (``top_entropy_quantile`` < 1 trains only that share of
    the policy's tokens, those it was least sure of). ``concurrency``: task-model
    calls in flight. ``vllm_mode``: ``colocate`` (in the training process) or ``server``
    (``trl vllm-serve`` at ``vllm_server_base_url``).
    """

    num_generations: int = 8
    max_rounds: int = 5
    self_check: bool = True
    task_max_tokens: int = 2000
    sandbox_timeout_s: float = 10.0
    temperature: float = 1.0
    top_p: float = 1.0
    max_completion_length: int = 1024
    token_weight: float = 0.1
    malformed_weight: float = 1.0
    beta: float = 0.0
    epsilon: float = 0.2
    loss_type: str = "dapo"
    scale_rewards: str = "group"
    top_entropy_quantile: float = 1.0
    concurrency: int = 16
    use_vllm: bool = False
    vllm_mode: Literal["colocate", "server"] = "colocate"
    vllm_gpu_memory_utilization: float = 0.3
    vllm_server_base_url: str | None = None
    curriculum: CurriculumSection = field(default_factory=CurriculumSection)


@dataclass
class TrainConfig:
    """A whole run. ``stage`` may be left out for configs that serve several stages (tiny-cpu)."""

    model: ModelSection
    output_dir: str
    stage: Stage | None = None
    finetuning: FinetuningSection = field(default_factory=FinetuningSection)
    training: TrainingSection = field(default_factory=TrainingSection)
    dpo: DpoSection = field(default_factory=DpoSection)
    grpo: GrpoSection = field(default_factory=GrpoSection)
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


def load_config(name_or_path: str | Path, stage: Stage | None = None, **overrides: Any) -> TrainConfig:
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
        "lora": LoraSection, "training": TrainingSection, "dpo": DpoSection, "grpo": GrpoSection,
        "curriculum": CurriculumSection,
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
    if config.stage not in (*STAGES, None):
        raise ConfigError(f"{where}: stage must be one of {', '.join(STAGES)}, got {config.stage!r}")
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
    if config.stage == "grpo":
        _check_grpo(config)


def _check_grpo(config: TrainConfig) -> None:
    where, g, t = config.source, config.grpo, config.training
    if t.max_steps < 1:
        raise ConfigError(f"{where}: GRPO draws questions without end; set training.max_steps")
    if not isinstance(g.num_generations, int) or g.num_generations < 2:
        raise ConfigError(f"{where}: grpo.num_generations must be at least 2 (a group needs two episodes)")
    episodes = t.per_device_train_batch_size * t.gradient_accumulation_steps
    if episodes % g.num_generations:
        raise ConfigError(f"{where}: per_device_train_batch_size x gradient_accumulation_steps ({episodes}) "
                          f"must be a multiple of grpo.num_generations ({g.num_generations})")
    if g.temperature <= 0 or not 0 < g.top_p <= 1:
        raise ConfigError(f"{where}: grpo.temperature must be positive and grpo.top_p in (0, 1]")
    if g.max_rounds < 0 or g.max_completion_length < 1 or g.task_max_tokens < 1 or g.concurrency < 1:
        raise ConfigError(f"{where}: grpo.max_rounds must be >= 0; max_completion_length, task_max_tokens "
                          "and concurrency positive")
    if g.max_completion_length >= t.cutoff_len:
        raise ConfigError(f"{where}: grpo.max_completion_length must be below training.cutoff_len")
    if g.token_weight < 0 or g.malformed_weight < 0:
        raise ConfigError(f"{where}: grpo.token_weight and grpo.malformed_weight must not be negative")
    if not 0 < g.top_entropy_quantile <= 1:
        raise ConfigError(f"{where}: grpo.top_entropy_quantile must be in (0, 1]")
    if g.vllm_mode not in ("colocate", "server"):
        raise ConfigError(f"{where}: grpo.vllm_mode must be colocate or server")
    c = g.curriculum
    if c.window < 1 or not 0 < c.floor <= 1:
        raise ConfigError(f"{where}: grpo.curriculum.window must be positive and floor in (0, 1]")
    if not (c.levels == "ladder" or (isinstance(c.levels, list) and c.levels)):
        raise ConfigError(f"{where}: grpo.curriculum.levels must be 'ladder' or a list of level names")
