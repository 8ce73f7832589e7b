"""The embedded tokenizer is converted from GGUF once, then read from the cache folder; the cached
copy tokenises and renders exactly like a fresh conversion, and a damaged copy is converted again."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from .conftest import conversation, need_training_stack


@pytest.fixture
def empty_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    need_training_stack()
    monkeypatch.setenv("CODESTEER_CACHE_DIR", str(tmp_path))
    return tmp_path / "tokenizers"


def _same(a, b) -> None:
    text = "Héllo <<<Code>>> 12*34 = 408\n\tdef f(x): return x ** 2 🙂"
    assert a(text)["input_ids"] == b(text)["input_ids"]
    assert a.get_vocab() == b.get_vocab() and len(a) == len(b)
    assert (a.bos_token_id, a.eos_token_id, a.pad_token_id) == (b.bos_token_id, b.eos_token_id, b.pad_token_id)
    messages = conversation(3)
    assert a.apply_chat_template(messages, tokenize=False) == b.apply_chat_template(messages, tokenize=False)


def test_the_cached_copy_is_the_converted_tokenizer_and_a_damaged_copy_is_replaced(
        empty_cache: Path, caplog: pytest.LogCaptureFixture) -> None:
    from codesteer.llm.local import embedded_model_path
    from codesteer.train.modeling import embedded_tokenizer

    converted = embedded_tokenizer()  # the cache is empty: converted from the GGUF file, then stored
    (folder,) = empty_cache.iterdir()
    assert folder.name.startswith(embedded_model_path().stem + "-") and (folder / "tokenizer_config.json").is_file()
    stamp = (folder / "tokenizer_config.json").stat().st_mtime_ns
    _same(embedded_tokenizer(), converted)
    assert (folder / "tokenizer_config.json").stat().st_mtime_ns == stamp  # read, not written again
    assert [p.name for p in empty_cache.iterdir()] == [folder.name]  # no staging folder left

    (folder / "tokenizer.json").write_text("{not json")
    with caplog.at_level(logging.WARNING, logger="codesteer.train.modeling"):
        _same(embedded_tokenizer(), converted)
    assert "does not load" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="codesteer.train.modeling"):
        _same(embedded_tokenizer(), converted)  # the damaged copy was replaced
    assert caplog.text == ""


def test_an_unwritable_cache_only_costs_the_conversion(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       caplog: pytest.LogCaptureFixture) -> None:
    need_training_stack()
    from codesteer.train.modeling import embedded_tokenizer

    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setenv("CODESTEER_CACHE_DIR", str(blocker))
    with caplog.at_level(logging.WARNING, logger="codesteer.train.modeling"):
        tokenizer = embedded_tokenizer()
    assert "not cached" in caplog.text and tokenizer("hi")["input_ids"]
