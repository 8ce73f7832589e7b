"""One loaded llama.cpp model and its KV cache, reused across calls without changing any answer.

Multi-round runs send each call the whole conversation so far; re-reading it every time made a
6-round CodeSteer run re-evaluate its prompt six times. A :class:`Session` keeps the KV cache of
the previous call and evaluates only what changed, under one rule that keeps "the same request
gives the same output" whatever ran before:

**Every prompt is evaluated in the same chunks.** A prompt is evaluated in chunks of the
context's batch size (``n_batch``, 512 tokens) aligned to multiples of it, the last one partial,
then generation follows: exactly how llama.cpp evaluates a prompt in an empty cache. A chunk's
keys and values depend only on its tokens, their positions and the chunks before it, so a chunk
computed for one request equals that chunk computed for any other request sharing the prefix:
the cache is reused up to the last *full* chunk that an earlier call evaluated and the new
prompt shares; everything after it is evaluated afresh, exactly as if the cache had been empty.

**Several conversations stay cached.** A CodeSteer run alternates between the task model's
conversation, the steering model's and the checker's, often on one model file. The session keeps
:data:`SLOTS` llama.cpp contexts over the same weights (memory-mapped once); a call takes the
context whose cache shares the longest usable prefix with its prompt (else the least recently
used one). Which context answers never changes the answer.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

from codesteer.llm.base import Message

#: Contexts (conversations kept in cache) per model file.
SLOTS = 4


def _common_prefix(a: Sequence[int], b: Sequence[int]) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


class Slot:
    """One llama.cpp context and how much of its cache is reusable."""

    def __init__(self, llama: Any) -> None:
        self.llama = llama
        #: How many leading cached tokens were evaluated as full aligned chunks (safe to reuse).
        self.aligned = 0
        self.used = 0

    def usable(self, tokens: Sequence[int]) -> int:
        """How many leading tokens of a prompt this context can keep (whole chunks only, and never
        the whole prompt: its last chunk is evaluated again so that generation starts from fresh logits)."""
        chunk = self.llama.n_batch
        cached = self.llama.input_ids[: self.llama.n_tokens]
        return min(_common_prefix(cached, tokens[: len(tokens) - 1]), self.aligned) // chunk * chunk

    def prefill(self, tokens: Sequence[int]) -> int:
        """Evaluate the prompt in aligned chunks, reusing what the cache holds; how many were evaluated."""
        llama, chunk = self.llama, self.llama.n_batch
        keep = self.usable(tokens)
        llama._ctx.kv_cache_seq_rm(-1, keep, -1)
        llama.n_tokens = keep
        for start in range(keep, len(tokens), chunk):
            llama.eval(tokens[start: start + chunk])
        self.aligned = len(tokens) // chunk * chunk
        return len(tokens) - keep


class Session:
    """The contexts of one model file, the lock serialising their use, and its chat formatter."""

    def __init__(self, open_context: Callable[[], Any], slots: int = SLOTS) -> None:
        from llama_cpp import llama_chat_format

        self.open_context, self.max_slots = open_context, slots
        self.slots = [Slot(open_context())]
        self.lock = threading.Lock()
        self._clock = 0
        llama = self.llama
        template = llama.metadata.get("tokenizer.chat_template")
        eos, bos = llama.token_eos(), llama.token_bos()
        text = llama._model.token_get_text  # llama-cpp-python has no public accessor for a token's text
        self.formatter = llama_chat_format.Jinja2ChatFormatter(
            template, text(eos), text(bos), stop_token_ids=[eos]) if template else None

    @property
    def llama(self) -> Any:
        """The first context (for what all contexts share: tokenizer, metadata)."""
        return self.slots[0].llama

    def close(self) -> None:
        for slot in self.slots:
            slot.llama.close()

    def forget(self) -> None:
        """Drop every cached prefix: each next call evaluates its whole prompt, as in fresh contexts
        (how the benchmark and the tests measure a call from empty caches)."""
        with self.lock:
            for slot in self.slots:
                slot.llama.reset()
                slot.aligned = 0

    def prompt(self, messages: Sequence[Message]) -> tuple[list[int], list[str], Any]:
        """The prompt's tokens, stop strings and stopping criteria, as llama.cpp's chat handler makes them."""
        if self.formatter is None:
            raise ValueError("this GGUF file has no chat template (tokenizer.chat_template)")
        result = self.formatter(messages=[dict(m) for m in messages])
        tokens = self.llama.tokenize(result.prompt.encode("utf-8"), add_bos=not result.added_special, special=True)
        stop = result.stop if isinstance(result.stop, list) else [result.stop] if result.stop else []
        return tokens, stop, result.stopping_criteria

    def _slot(self, tokens: Sequence[int]) -> Slot:
        best = max(self.slots, key=lambda s: (s.usable(tokens), s.used))
        if best.usable(tokens) == 0 and len(self.slots) < self.max_slots:
            best = Slot(self.open_context())
            self.slots.append(best)
        elif best.usable(tokens) == 0:
            best = min(self.slots, key=lambda s: s.used)
        self._clock += 1
        best.used = self._clock
        return best

    def complete(self, messages: Sequence[Message], options: dict[str, Any]) -> tuple[dict[str, Any], int]:
        """A completion of the chat (``create_completion`` options) and the prompt tokens evaluated."""
        tokens, stop, criteria = self.prompt(messages)
        stops = list(options.pop("stop", None) or []) + stop
        with self.lock:
            if len(tokens) >= self.llama.n_ctx():
                raise ValueError(f"the prompt has {len(tokens)} tokens; the context holds {self.llama.n_ctx()}")
            slot = self._slot(tokens)
            evaluated = slot.prefill(tokens)
            result = slot.llama.create_completion(prompt=tokens, stop=stops, stopping_criteria=criteria, **options)
        return result, evaluated
