"""Run SFT then DPO with TRL: the pieces every stage shares (GRPO's too), and the two entry points.

``run_sft`` trains on every guidance turn of multi-round conversations (see
:mod:`codesteer.train.multiturn`); ``run_dpo`` trains on preference pairs whose prompt is the
multi-turn prefix, starting from an SFT checkpoint that also serves as the reference model
(with LoRA, the adapter-free model is the reference). Both resume from the last checkpoint in
``output_dir`` after an interruption and end by saving ``output_dir/final``.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from codesteer.llm.card import ModelCard, read_card
from codesteer.llm.hf import is_local_path
from codesteer.train.config import TrainConfig
from codesteer.train.data import DataError, load_dpo_records, load_sft_records
from codesteer.train.modeling import (
    card_callback,
    load_tokenizer,
    load_trainable,
    lora_config,
    save_final,
    steering_card,
)
from codesteer.train.multiturn import tokenize_conversation

log = logging.getLogger(__name__)


@dataclass
class TrainResult:
    """Where a run wrote its checkpoints, and the Trainer's log history (losses per step)."""

    output_dir: Path
    final_checkpoint: Path
    log_history: list[dict[str, Any]] = field(default_factory=list)
    resumed_from: str | None = None

    @property
    def losses(self) -> list[float]:
        return [entry["loss"] for entry in self.log_history if "loss" in entry]


def training_arguments(config: TrainConfig, cls: type, output_dir: Path, has_eval: bool, **extra: Any) -> Any:
    t = config.training
    return cls(
        output_dir=str(output_dir),
        per_device_train_batch_size=t.per_device_train_batch_size,
        per_device_eval_batch_size=t.per_device_train_batch_size,
        gradient_accumulation_steps=t.gradient_accumulation_steps,
        learning_rate=float(t.learning_rate),
        lr_scheduler_type=t.lr_scheduler_type,
        warmup_steps=float(t.warmup_ratio),  # transformers 5: a float in [0, 1) is a ratio
        num_train_epochs=float(t.num_train_epochs),
        max_steps=t.max_steps,
        bf16=t.bf16,
        eval_strategy="steps" if has_eval else "no",
        eval_steps=t.eval_steps if has_eval else None,
        save_strategy="steps",
        save_steps=t.save_steps,
        save_total_limit=t.save_total_limit,
        logging_steps=t.logging_steps,
        gradient_checkpointing=t.gradient_checkpointing,
        seed=t.seed,
        data_seed=t.seed,
        report_to=list(t.report_to) or "none",
        deepspeed=config.deepspeed_path(),
        use_cpu=t.use_cpu,
        **extra,
    )


def _split(dataset: Any, val_size: float, seed: int) -> tuple[Any, Any | None]:
    if val_size <= 0 or len(dataset) < 10:
        return dataset, None
    parts = dataset.train_test_split(test_size=val_size, seed=seed)
    return parts["train"], parts["test"]


def _last_checkpoint(output_dir: Path) -> str | None:
    """The last complete checkpoint: the card is written after the Trainer has saved everything else,
    so a folder without one was cut short by a kill and is passed over."""
    from codesteer.llm.card import FILE_NAME

    found = [(int(p.name.rpartition("-")[2]), p) for p in output_dir.glob("checkpoint-*")
             if p.name.rpartition("-")[2].isdigit() and (p / FILE_NAME).is_file()] if output_dir.is_dir() else []
    return str(max(found)[1]) if found else None


def train_and_save(trainer: Any, config: TrainConfig, tokenizer: Any, output_dir: Path, card: ModelCard,
                   on_start: Callable[[str | None], None] | None = None) -> TrainResult:
    """Train, resuming from the last checkpoint in ``output_dir`` (``on_start`` gets it, or
    ``None`` for a fresh start, to restore what the trainer does not), with ``card`` in every
    checkpoint; save ``final``."""
    resume = _last_checkpoint(output_dir)
    if resume:
        log.info("resuming from %s", resume)
    if on_start is not None:
        on_start(resume)
    trainer.add_callback(card_callback(card))
    trainer.train(resume_from_checkpoint=resume)
    final = save_final(trainer.model, tokenizer, output_dir, config.finetuning.merge_after_training, card)
    return TrainResult(output_dir, final, list(trainer.state.log_history), resume)


def start_from(config: TrainConfig, source: str | Path,
               kind: str = "checkpoint") -> tuple[TrainConfig, Any, ModelCard | None]:
    """``config`` starting from the checkpoint ``source`` (its weights and tokenizer), that
    tokenizer, and the checkpoint's card (``None`` for a hub model or a folder without one);
    ``kind`` names it in the error when it is missing."""
    source = str(source)
    if not Path(source).expanduser().exists() and (is_local_path(source) or "/" not in source):
        raise DataError(f"{kind} not found: {source}")
    section = dataclasses.replace(config.model, name_or_path=source, tiny=None, tokenizer=source)
    parent = read_card(source) if Path(source).expanduser().exists() else None
    return dataclasses.replace(config, model=section), load_tokenizer(section), parent


def run_sft(config: TrainConfig, data: str | Path, output_dir: str | Path | None = None,
            prompts: str = "codesteer") -> TrainResult:
    """Multi-round SFT of the steering model on synthesised conversations (or the release's data:
    ``prompts="original"``, recorded in the checkpoints' cards)."""
    from datasets import Dataset
    from trl import SFTConfig, SFTTrainer

    out = Path(output_dir or config.output_dir)
    tokenizer = load_tokenizer(config.model)
    rows = [
        tokenize_conversation(tokenizer, record["messages"], config.training.cutoff_len)
        for record in load_sft_records(data)
    ]
    rows = [row for row in rows if any(row["assistant_masks"])]
    if not rows:
        raise DataError(f"{data}: no conversation keeps a guidance turn within cutoff_len")
    train, evaluation = _split(Dataset.from_list(rows), config.training.val_size, config.training.seed)
    args = training_arguments(config, SFTConfig, out, evaluation is not None, packing=False,
                              max_length=config.training.cutoff_len)
    trainer = SFTTrainer(
        model=load_trainable(config, tokenizer),
        args=args,
        train_dataset=train,
        eval_dataset=evaluation,
        processing_class=tokenizer,
        peft_config=lora_config(config),
    )
    card = steering_card(tokenizer, "sft", config.model.name_or_path or "tiny", prompts)
    return train_and_save(trainer, config, tokenizer, out, card)


def run_dpo(
    config: TrainConfig,
    data: str | Path,
    from_checkpoint: str | Path,
    output_dir: str | Path | None = None,
    prompts: str = "codesteer",
) -> TrainResult:
    """DPO on guidance comparison pairs, starting from (and referenced to) an SFT checkpoint
    (whose card, when it has one, says the prompt set; else ``prompts``)."""
    from datasets import Dataset
    from trl import DPOConfig, DPOTrainer

    out = Path(output_dir or config.output_dir)
    source = str(from_checkpoint)
    config, tokenizer, parent = start_from(config, source, "SFT checkpoint")
    dataset = Dataset.from_list(load_dpo_records(data))
    train, evaluation = _split(dataset, config.training.val_size, config.training.seed)
    args = training_arguments(
        config, DPOConfig, out, evaluation is not None, max_length=config.training.cutoff_len,
        beta=config.dpo.beta, loss_type=config.dpo.loss_type,
    )
    peft = lora_config(config)
    trainer = DPOTrainer(
        model=load_trainable(config, tokenizer),
        ref_model=None if peft is not None else load_trainable(config, tokenizer),
        args=args,
        train_dataset=train,
        eval_dataset=evaluation,
        processing_class=tokenizer,
        peft_config=peft,
    )
    card = steering_card(tokenizer, "dpo", source, prompts, parent)
    return train_and_save(trainer, config, tokenizer, out, card)
