"""Multi-round SFT masking: exactly the guidance turns carry loss, every one of them."""

from __future__ import annotations

import pytest

from codesteer.train.modeling import LLAMA3_TEMPLATE
from codesteer.train.multiturn import ChatTemplateError, loss_text, tokenize_conversation
from tests.train.conftest import conversation


def test_every_guidance_turn_and_nothing_else_carries_loss(embedded_tokenizer) -> None:
    messages = conversation(7)
    example = tokenize_conversation(embedded_tokenizer, messages, max_length=4096)
    runs = loss_text(embedded_tokenizer, example)
    assert len(runs) == 2
    for run, turn in zip(runs, [messages[1], messages[3]], strict=True):
        assert run.startswith(turn["content"])
        assert run.removeprefix(turn["content"]).strip() == "<|im_end|>"
    supervised = "".join(runs)
    for user in (messages[0], messages[2]):
        assert user["content"] not in supervised
    assert "assistant" not in supervised  # the turn header is context, not a target


def test_llama3_template_masks_the_same_way(embedded_tokenizer) -> None:
    original = embedded_tokenizer.chat_template
    embedded_tokenizer.chat_template = LLAMA3_TEMPLATE
    try:
        messages = conversation(5)
        runs = loss_text(embedded_tokenizer, tokenize_conversation(embedded_tokenizer, messages, 4096))
    finally:
        embedded_tokenizer.chat_template = original
    # This vocabulary has no <|eot_id|> token: the marker is spelt in pieces, and its last piece
    # may merge with the next header's first character. The target still ends at the marker.
    assert len(runs) == 2
    for run, turn in zip(runs, [messages[1], messages[3]], strict=True):
        assert run.startswith(turn["content"] + "<|eot_id|")
        assert "user" not in run.removeprefix(turn["content"])


def test_truncation_keeps_the_start(embedded_tokenizer) -> None:
    full = tokenize_conversation(embedded_tokenizer, conversation(9), max_length=4096)
    cut = tokenize_conversation(embedded_tokenizer, conversation(9), max_length=40)
    assert cut["input_ids"] == full["input_ids"][:40]
    assert cut["assistant_masks"] == full["assistant_masks"][:40]


def test_a_template_without_the_prefix_property_is_refused(embedded_tokenizer) -> None:
    original = embedded_tokenizer.chat_template
    # Renders the number of messages first: prefixes are not text prefixes.
    embedded_tokenizer.chat_template = "{{ messages|length }}{% for m in messages %}{{ m['content'] }}{% endfor %}"
    try:
        with pytest.raises(ChatTemplateError):
            tokenize_conversation(embedded_tokenizer, conversation(2), 4096)
    finally:
        embedded_tokenizer.chat_template = original
