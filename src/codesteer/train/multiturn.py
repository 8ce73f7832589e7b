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
