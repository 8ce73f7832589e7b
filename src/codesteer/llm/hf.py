"""In-process transformers checkpoints (``hf:PATH``): how a trained steering model is served.

Loads a model folder written by ``codesteer train`` (merged weights, or a PEFT adapter folder)
or any local/hub transformers checkpoint, and generates with its chat template. Needs the
``[train]`` extra (torch + transformers). For throughput, serve a merged checkpoint with vLLM
instead and use ``openai:MODEL@URL``.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from codesteer.llm.base import PROBE, ChatModel, Completion, Message, ModelError, system_turn_in
from codesteer.llm.card import read_card
from codesteer.llm.errors import MissingDependencyError, ModelNotFoundError

_LOADED: dict[str, tuple[Any, Any]] = {}
_LOAD_LOCK = threading.Lock()
_LOCAL_PREFIXES = ("/", "./", "../", "~")


def is_local_path(name: str) -> bool:
    """Whether ``name`` can only be a filesystem path: absolute, ``./``, ``../``, ``~``, or with more
    than one ``/`` (a hub id is ``name`` or ``org/name``)."""
    return name.startswith(_LOCAL_PREFIXES) or name in (".", "..") or name.count("/") > 1


def _load(path: str) -> tuple[Any, Any]:
    with _LOAD_LOCK:
        if path in _LOADED:
            return _LOADED[path]
        try:
            from transformers import AutoModelForCausalLM, AutoTokenizer
        except ImportError as exc:
            raise MissingDependencyError("hf: models need the [train] extra: pip install torch==2.13.0 'codesteer[train]'") from exc
        try:
            if (Path(path) / "adapter_config.json").is_file():
                from peft import AutoPeftModelForCausalLM

                model = AutoPeftModelForCausalLM.from_pretrained(path)
            else:
                model = AutoModelForCausalLM.from_pretrained(path)
            tokenizer = AutoTokenizer.from_pretrained(path)
        except OSError as exc:
            where = "" if Path(path).exists() else " (no such folder here, and no hub model of that name was found)"
            raise ModelError(f"cannot load a transformers checkpoint from {path!r}{where}: {exc}") from exc
        if not tokenizer.chat_template:
            raise ModelError(f"the tokenizer in {path!r} has no chat template")
        model.eval()
        _LOADED[path] = (model, tokenizer)
        return model, tokenizer


class TransformersModel(ChatModel):
    """A transformers causal LM run in this process (one generation at a time)."""

    def __init__(self, path: str, *, threads: int | None = None) -> None:
        if is_local_path(path) and not Path(path).expanduser().is_dir():
            raise ModelNotFoundError(f"no checkpoint folder at {path}; give a folder written by "
                                     "`codesteer train` (OUTPUT_DIR/final) or a hub id")
        self.path = str(Path(path).expanduser()) if is_local_path(path) else path
        self.name = f"hf:{path}"
        self.card = read_card(self.path) if is_local_path(path) else None
        self._threads = threads
        self._lock = threading.Lock()

    def _generate(self, messages: Sequence[Message], params: dict[str, Any]) -> Completion:
        import torch

        model, tokenizer = _load(self.path)
        if self._threads:
            torch.set_num_threads(self._threads)
        started = time.perf_counter()
        inputs = tokenizer.apply_chat_template(
            list(messages), add_generation_prompt=True, return_tensors="pt", return_dict=True
        )
        temperature = float(params.get("temperature", 0.0) or 0.0)
        options: dict[str, Any] = {
            "max_new_tokens": int(params.get("max_tokens", 512)),
            "do_sample": temperature > 0,
            "pad_token_id": tokenizer.pad_token_id or tokenizer.eos_token_id,
        }
        if temperature > 0:
            options.update(temperature=temperature, top_p=float(params.get("top_p", 1.0)))
            if "top_k" in params:
                options["top_k"] = int(params["top_k"])
        if "seed" in params and params["seed"] is not None:
            torch.manual_seed(int(params["seed"]))
        with self._lock, torch.no_grad():
            output = model.generate(**inputs, **options)
        prompt_len = inputs["input_ids"].shape[1]
        new_tokens = output[0][prompt_len:]
        text = tokenizer.decode(new_tokens, skip_special_tokens=True)
        finish = "length" if len(new_tokens) >= options["max_new_tokens"] else "stop"
        for stop in params.get("stop") or ():
            if stop in text:
                text, finish = text.split(stop, 1)[0], "stop"
        return Completion(
            text=text,
            prompt_tokens=int(prompt_len),
            completion_tokens=len(new_tokens),
            latency_s=time.perf_counter() - started,
            model=self.name,
            finish_reason=finish,
        )

    async def complete(self, messages: Sequence[Message], **params: Any) -> Completion:
        return await asyncio.to_thread(self._generate, messages, params)

    def added_system_turn(self) -> str | None:
        _, tokenizer = _load(self.path)
        rendered = tokenizer.apply_chat_template([{"role": "user", "content": PROBE}], tokenize=False,
                                                 add_generation_prompt=True)
        return system_turn_in(rendered)
