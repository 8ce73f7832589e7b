"""The steering policy as the engine's steering model: generation by the trainer, a token record kept.

An episode's :class:`PolicyModel` is a ``ChatModel`` the engine drives like any steering model.
It keeps the conversation as token ids: the first prompt rendered with the chat template, then,
turn after turn, the ids the policy generated (used as they are, never re-tokenised from text)
and the ids of what it is shown next (:func:`~codesteer.train.multiturn.user_turn_ids`). The
text the engine gets is the decoding of the generated ids, so the ids trained on are exactly the
ids generated, and the loss mask (:meth:`PolicyModel.tokens`) covers those and nothing else.

Episodes of one step run concurrently; a :class:`TurnBatcher` gathers their requests and calls
the generator once for all of them when every running episode is waiting for the policy (an
episode that ends, or waits on the task model or the sandbox, is not waited for).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from codesteer.llm.base import ChatModel, Completion, Message, ModelError
from codesteer.steer.config import Sampling
from codesteer.train.multiturn import decode_turn, end_of_turn_id, prompt_ids, user_turn_ids

#: Generates one completion per prompt (token ids); returns the completions and, when the backend
#: reports them, the sampled tokens' log-probabilities.
Generator = Callable[[list[list[int]]], tuple[list[list[int]], list[list[float]] | None]]


@dataclass(frozen=True)
class Generated:
    ids: list[int]
    logprobs: list[float] | None


class TurnBatcher:
    """Batches the policy calls of concurrently running episodes.

    Episodes :meth:`join` before they start and :meth:`leave` when they end; a request waits
    until every episode still running has one pending, then all are generated in one call,
    ordered by episode key (so a step's batches do not depend on timing).
    """

    def __init__(self, generate: Generator) -> None:
        self._generate = generate
        self._live = 0
        self._pending: list[tuple[int, list[int], asyncio.Future[Generated]]] = []
        self.calls = 0

    def join(self) -> None:
        self._live += 1

    def leave(self) -> None:
        self._live -= 1
        self._flush_if_all_wait()

    async def generate(self, key: int, ids: list[int]) -> Generated:
        future: asyncio.Future[Generated] = asyncio.get_running_loop().create_future()
        self._pending.append((key, ids, future))
        self._flush_if_all_wait()
        return await future

    def _flush_if_all_wait(self) -> None:
        if not self._pending or len(self._pending) < self._live:
            return
        batch, self._pending = sorted(self._pending, key=lambda p: p[0]), []
        self.calls += 1
        try:
            completions, logprobs = self._generate([ids for _, ids, _ in batch])
        except Exception as exc:  # the generator's failure is every waiting episode's
            for _, _, future in batch:
                future.set_exception(exc)
            return
        for i, (_, _, future) in enumerate(batch):
            future.set_result(Generated(list(completions[i]), list(logprobs[i]) if logprobs is not None else None))


@dataclass
class Turn:
    """One steering turn: the ids the policy was shown (everything before), what it generated, and
    the text the engine received (the generated ids decoded, without the stop token)."""

    prompt_ids: list[int]
    completion_ids: list[int]
    logprobs: list[float] | None
    text: str
    stopped: bool


@dataclass
class EpisodeTokens:
    """One episode as GRPO trains on it: the first prompt, and everything after it with
    ``env_mask`` 1 on the policy's own tokens and 0 on what it was shown."""

    prompt_ids: list[int]
    completion_ids: list[int]
    env_mask: list[int]
    logprobs: list[float] | None = field(default=None)


class PolicyModel(ChatModel):
    """One episode's steering model (one conversation). ``sampling``: what the trainer samples
    with; the engine must ask for the same (the trajectory records what was used). ``max_length``:
    the longest conversation (in tokens) the run trains on; a turn whose prompt reaches it fails
    as a model error (the episode ends and is left out of the update)."""

    def __init__(self, tokenizer: Any, batcher: TurnBatcher, key: int, sampling: Sampling, *,
                 stop_ids: Sequence[int], max_length: int, name: str = "policy") -> None:
        self.tokenizer, self.batcher, self.key, self.sampling = tokenizer, batcher, key, sampling
        self.stop_ids, self.max_length, self.name = set(stop_ids), max_length, name
        self.end_of_turn = end_of_turn_id(tokenizer)
        self.turns: list[Turn] = []
        self._messages: list[Message] = []
        self._ids: list[int] = []
        self._mask: list[int] = []
        self._logprobs: list[float] = []

    async def complete(self, messages: Sequence[Message], **params: Any) -> Completion:
        self._check_params(params)
        shown = [dict(m) for m in messages]
        if not self.turns:
            added = prompt_ids(self.tokenizer, shown)  # type: ignore[arg-type]
        else:
            if shown[: len(self._messages)] != self._messages or len(shown) == len(self._messages):
                raise ValueError("a policy model follows one conversation: the messages must continue "
                                 "the ones it was given and answered before")
            last = self.turns[-1]
            closing = [] if last.completion_ids and last.completion_ids[-1] == self.end_of_turn else [self.end_of_turn]
            added = closing + user_turn_ids(self.tokenizer, shown[len(self._messages):],  # type: ignore[arg-type]
                                           self.end_of_turn)
        self._extend(added, policy=False)
        if len(self._ids) >= self.max_length:
            raise ModelError(f"the steering conversation reached {len(self._ids)} tokens, the run's cutoff_len "
                             f"is {self.max_length}")
        shown_ids = list(self._ids)
        started = time.perf_counter()
        generated = await self.batcher.generate(self.key, shown_ids)
        ids = generated.ids
        stopped = bool(ids) and ids[-1] in self.stop_ids
        text = decode_turn(self.tokenizer, ids[:-1] if stopped else ids)
        self._extend(ids, policy=True, logprobs=generated.logprobs)
        self.turns.append(Turn(shown_ids, ids, generated.logprobs, text, stopped))
        self._messages = [*shown, {"role": "assistant", "content": text}]  # type: ignore[list-item]
        return Completion(
            text=text, prompt_tokens=len(shown_ids), completion_tokens=len(ids),
            latency_s=time.perf_counter() - started, model=self.name,
            finish_reason="stop" if stopped else "length",
            extra={"prompt_ids": shown_ids, "completion_ids": ids, "logprobs": generated.logprobs},
        )

    def _check_params(self, params: dict[str, Any]) -> None:
        asked = Sampling(float(params.get("temperature", 0.0)), int(params.get("max_tokens", 0)), params.get("top_p"))
        if asked != self.sampling:
            raise ValueError(f"the engine asked the policy for {asked}, but the trainer samples with {self.sampling}")

    def _extend(self, ids: list[int], *, policy: bool, logprobs: list[float] | None = None) -> None:
        self._ids += ids
        self._mask += [int(policy)] * len(ids)
        self._logprobs += list(logprobs) if logprobs is not None else [0.0] * len(ids)

    def tokens(self) -> EpisodeTokens:
        """The episode's training sample, cut to ``max_length`` tokens (its start is kept).

        An episode in which the policy never generated (its first prompt was too long) gives a
        sample without a policy token: the end-of-turn marker, masked.
        """
        if not self.turns:
            return EpisodeTokens(self._ids[: self.max_length - 1], [self.end_of_turn], [0], None)
        start = len(self.turns[0].prompt_ids)
        end = min(len(self._ids), self.max_length)
        with_logprobs = all(t.logprobs is not None for t in self.turns)
        return EpisodeTokens(self._ids[:start], self._ids[start:end], self._mask[start:end],
                             self._logprobs[start:end] if with_logprobs else None)
