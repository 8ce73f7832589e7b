"""Multi-round SFT tokenisation: loss on every guidance (assistant) turn, nothing else.

The paper's point is that the steering model learns from every round of a trajectory, not only
the last. We render the conversation with the tokenizer's chat template, find the character span
of each assistant turn by rendering its prefix (with and without that turn), tokenise the whole
text once with offsets, and mark the tokens inside assistant spans. This works for any template
whose renderings of a conversation's prefixes are prefixes of each other (ChatML, Llama 3, ...)
and needs no ``{% generation %}`` markers; a template that breaks the property is reported.
"""

from __future__ import annotations

from typing import Any


class ChatTemplateError(ValueError):
    """The chat template does not render conversation prefixes as text prefixes."""


def _render(tokenizer: Any, messages: list[dict[str, str]], generation_prompt: bool) -> str:
    return tokenizer.apply_chat_template(
        messages, tokenize=False, add_generation_prompt=generation_prompt
    )


def assistant_spans(tokenizer: Any, messages: list[dict[str, str]]) -> tuple[str, list[tuple[int, int]]]:
    """The rendered conversation and the character spans of its assistant turns.

    A span covers the turn's content and the template's end-of-turn marker (what the model must
    produce to stop), not the header that announces the turn.
    """
    text = _render(tokenizer, messages, generation_prompt=False)
    spans = []
    for i, message in enumerate(messages):
        if message["role"] != "assistant":
            continue
        before = _render(tokenizer, messages[:i], generation_prompt=True) if i else ""
        through = _render(tokenizer, messages[: i + 1], generation_prompt=False)
        if not text.startswith(through) or not through.startswith(before):
            raise ChatTemplateError(
                "the chat template does not render prefixes of a conversation as prefixes of its "
                "text; use a template with that property (e.g. model.chat_template: llama3)"
            )
        spans.append((len(before), len(through)))
    return text, spans


def tokenize_conversation(tokenizer: Any, messages: list[dict[str, str]], max_length: int) -> dict[str, list[int]]:
    """``input_ids`` and ``assistant_masks`` (1 = the token carries loss), cut to ``max_length``."""
    text, spans = assistant_spans(tokenizer, messages)
    encoded = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
    ids = encoded["input_ids"]
    mask = []
    for start, end in encoded["offset_mapping"]:
        # A token belongs to the turn it starts in (a merge across the turn's end stays a target).
        inside = end > start and any(s <= start < e for s, e in spans)
        mask.append(1 if inside else 0)
    return {"input_ids": ids[:max_length], "assistant_masks": mask[:max_length]}


def loss_text(tokenizer: Any, example: dict[str, list[int]]) -> list[str]:
    """Decode the runs of tokens that carry loss (for inspection and tests)."""
    runs: list[list[int]] = []
    previous = 0
    for token, bit in zip(example["input_ids"], example["assistant_masks"], strict=True):
        if bit and not previous:
            runs.append([])
        if bit:
            runs[-1].append(token)
        previous = bit
    return [tokenizer.decode(run) for run in runs]


# ----- token-level turns, for training on what a policy generated (GRPO) ------------------------
_PROBE = [{"role": "user", "content": "probe"}, {"role": "assistant", "content": "PROBE-REPLY"}]


def decode_turn(tokenizer: Any, ids: list[int]) -> str:
    """The text of generated ids, exactly as the tokens spell it (special tokens kept, no clean-up)."""
    return tokenizer.decode(ids, skip_special_tokens=False, clean_up_tokenization_spaces=False)


def encode_text(tokenizer: Any, text: str) -> list[int]:
    """Token ids of rendered template text (the template writes its own special tokens)."""
    return list(tokenizer(text, add_special_tokens=False)["input_ids"])


def prompt_ids(tokenizer: Any, messages: list[dict[str, str]]) -> list[int]:
    """The ids a policy generates its first turn from: the messages and the assistant header."""
    return encode_text(tokenizer, _render(tokenizer, messages, generation_prompt=True))


def end_of_turn_id(tokenizer: Any) -> int:
    """The token the chat template closes an assistant turn with (``<|im_end|>``, ``<|eot_id|>``...).

    It is the first token the template writes after an assistant turn's content; generation must
    stop there. A template that writes ordinary text there is refused (no way to tell the end).
    """
    text = _render(tokenizer, _PROBE, generation_prompt=False)
    tail = text[text.rindex(_PROBE[1]["content"]) + len(_PROBE[1]["content"]):]
    ids = encode_text(tokenizer, tail)
    if not ids or ids[0] not in set(tokenizer.all_special_ids) | set(tokenizer.added_tokens_decoder):
        raise ChatTemplateError(f"the chat template ends an assistant turn with {tail!r}, not a special token")
    return ids[0]


def user_turn_ids(tokenizer: Any, messages: list[dict[str, str]], end_of_turn: int) -> list[int]:
    """What the template writes after an assistant turn's end-of-turn token (``end_of_turn``, see
    :func:`end_of_turn_id`) for the following ``messages`` (user turns), through the header of the
    next assistant turn.

    Rendered after a probe conversation, so the ids a policy is shown next continue the ids it
    generated without re-tokenising anything it wrote.
    """
    before = _render(tokenizer, _PROBE, generation_prompt=False)
    after = _render(tokenizer, [*_PROBE, *messages], generation_prompt=True)
    if not after.startswith(before):
        raise ChatTemplateError("the chat template does not render a conversation's continuation after its "
                                "prefix; use a template with that property (e.g. model.chat_template: llama3)")
    marker = decode_turn(tokenizer, [end_of_turn])
    end = before.index(marker, before.rindex(_PROBE[1]["content"])) + len(marker)
    return encode_text(tokenizer, after[end:])
