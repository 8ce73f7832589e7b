"""Loading tokenizers and models for training, and saving checkpoints the model layer can serve."""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from codesteer.llm.base import ModelError
from codesteer.llm.cache import cache_folder
from codesteer.llm.card import ModelCard
from codesteer.llm.local import embedded_model_path
from codesteer.train.config import ConfigError, ModelSection, TrainConfig

log = logging.getLogger(__name__)

#: The Llama-3 instruct chat template, for base checkpoints whose tokenizer lacks one.
LLAMA3_TEMPLATE = (
    "{{ bos_token }}{% for message in messages %}"
    "{{ '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n' + message['content'] | trim + '<|eot_id|>' }}"
    "{% endfor %}{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{% endif %}"
)


def load_tokenizer(section: ModelSection) -> Any:
    """The tokenizer named by the config, with a pad token and the requested chat template."""
    from transformers import AutoTokenizer

    source = section.tokenizer or section.name_or_path
    if source == "embedded":
        tokenizer = embedded_tokenizer()
    else:
        tokenizer = AutoTokenizer.from_pretrained(source)
    if section.chat_template == "llama3":
        tokenizer.chat_template = LLAMA3_TEMPLATE
    elif section.chat_template:
        tokenizer.chat_template = Path(section.chat_template).read_text()
    if not tokenizer.chat_template:
        raise ConfigError(f"tokenizer {source!r} has no chat template; set model.chat_template")
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    return tokenizer


def embedded_tokenizer() -> Any:
    """The embedded model's tokenizer. Converting it from the GGUF file takes seconds, so the
    result is kept in the cache folder (``$CODESTEER_CACHE_DIR``) under a key of the file's path,
    size and time and the transformers version, and read from there afterwards (a fraction of a
    second). A cache that cannot be written or read only costs the conversion."""
    import transformers
    from transformers import AutoTokenizer

    try:
        gguf = embedded_model_path()
    except ModelError as exc:
        raise ConfigError(str(exc)) from exc
    stat = gguf.stat()
    key = hashlib.sha256(f"{gguf.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|{transformers.__version__}"
                         .encode()).hexdigest()[:16]
    folder = cache_folder() / "tokenizers" / f"{gguf.stem}-{key}"
    if (folder / "tokenizer_config.json").is_file():
        try:
            return AutoTokenizer.from_pretrained(str(folder))
        except (OSError, ValueError) as exc:
            log.warning("converting the embedded tokenizer again: the cached copy in %s does not load (%s)",
                        folder, exc)
            shutil.rmtree(folder, ignore_errors=True)
    tokenizer = AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
        tokenizer.save_pretrained(str(staging))
        try:
            staging.replace(folder)  # atomic; another process may have stored it first
        except OSError:
            shutil.rmtree(staging, ignore_errors=True)
            if not folder.is_dir():
                raise
    except OSError as exc:
        log.warning("the embedded tokenizer is not cached (%s); each load converts it again", exc)
    return tokenizer


def _torch_dtype(name: str) -> Any:
    import torch

    return {"bfloat16": torch.bfloat16, "float16": torch.float16, "float32": torch.float32}[name]


def load_trainable(config: TrainConfig, tokenizer: Any, name_or_path: str | None = None) -> Any:
    """The model to train: a tiny random Llama, or pretrained weights (4-bit for QLoRA)."""
    import torch
    from transformers import AutoModelForCausalLM, LlamaConfig, LlamaForCausalLM

    section = config.model
    dtype = _torch_dtype(section.dtype)
    source = name_or_path or section.name_or_path
    if source is None:
        tiny = section.tiny
        assert tiny is not None
        torch.manual_seed(config.training.seed)
        llama_config = LlamaConfig(
            vocab_size=len(tokenizer),
            hidden_size=tiny.hidden_size,
            intermediate_size=tiny.intermediate_size,
            num_hidden_layers=tiny.num_hidden_layers,
            num_attention_heads=tiny.num_attention_heads,
            num_key_value_heads=tiny.num_key_value_heads,
            max_position_embeddings=tiny.max_position_embeddings,
            bos_token_id=tokenizer.bos_token_id,
            eos_token_id=tokenizer.eos_token_id,
            pad_token_id=tokenizer.pad_token_id,
            tie_word_embeddings=True,
        )
        return LlamaForCausalLM(llama_config).to(dtype)
    kwargs: dict[str, Any] = {"dtype": dtype}
    if section.attn_implementation:
        kwargs["attn_implementation"] = section.attn_implementation
    if config.finetuning.method == "qlora":
        from transformers import BitsAndBytesConfig

        kwargs["quantization_config"] = BitsAndBytesConfig(
            load_in_4bit=True,
            bnb_4bit_quant_type="nf4",
            bnb_4bit_compute_dtype=dtype,
            bnb_4bit_use_double_quant=True,
        )
    return AutoModelForCausalLM.from_pretrained(source, **kwargs)


def lora_config(config: TrainConfig) -> Any | None:
    """PEFT LoRA settings for ``lora``/``qlora`` runs, ``None`` for full fine-tuning."""
    if config.finetuning.method == "full":
        return None
    from peft import LoraConfig

    lora = config.finetuning.lora
    return LoraConfig(
        r=lora.r,
        lora_alpha=lora.alpha,
        lora_dropout=lora.dropout,
        target_modules=lora.target_modules,
        task_type="CAUSAL_LM",
    )


def steering_card(tokenizer: Any, stage: str, base: str, prompts: str = "codesteer",
                  parent: ModelCard | None = None) -> ModelCard:
    """What a checkpoint of this run declares: trained on bare steering turns (the ``finetuned``
    style) in the prompt set of its data (``codesteer``, with our template versions, or
    ``original``: the release's data); a later stage keeps what its parent checkpoint declared."""
    from codesteer import __version__
    from codesteer.steer.prompts import versions

    if parent is not None:
        return dataclasses.replace(parent, stage=stage, base=base, chat_template=tokenizer.chat_template,
                                   codesteer_version=__version__)
    return ModelCard(steer_style="finetuned", prompts=prompts, templates=versions() if prompts == "codesteer" else {},
                     chat_template=tokenizer.chat_template, stage=stage, base=base, codesteer_version=__version__)


def checkpoint_writer(write: Callable[[Path], Any]) -> Any:
    """A Trainer callback calling ``write(folder)`` for every checkpoint folder the Trainer saves."""
    from transformers import TrainerCallback

    class WriteIntoCheckpoint(TrainerCallback):
        def on_save(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
            folder = Path(args.output_dir) / f"checkpoint-{state.global_step}"
            if folder.is_dir() and state.is_world_process_zero:
                write(folder)

    return WriteIntoCheckpoint()


def card_callback(card: ModelCard) -> Any:
    """A Trainer callback writing ``card`` into every checkpoint the Trainer saves."""
    return checkpoint_writer(card.write)


def save_final(model: Any, tokenizer: Any, output_dir: Path, merge: bool, card: ModelCard) -> Path:
    """Save the final checkpoint under ``output_dir/final``: merged full weights when ``merge``.

    A merged checkpoint is a plain transformers model folder: ``codesteer`` loads it with
    ``hf:PATH`` and vLLM serves it unchanged. Without merging, a PEFT adapter folder is saved.
    Either way the folder gets the model card (``codesteer.json``).
    """
    final = output_dir / "final"
    if merge and hasattr(model, "merge_and_unload"):
        model = model.merge_and_unload()
    model.save_pretrained(str(final))
    tokenizer.save_pretrained(str(final))
    card.write(final)
    log.info("saved final checkpoint to %s", final)
    return final
