"""The persistent response cache: hits cost no request, concurrent writers do not corrupt it."""

from __future__ import annotations

import asyncio
import multiprocessing
import sqlite3
from pathlib import Path

import pytest

from codesteer.llm.base import Completion, ModelError, message
from codesteer.llm.cache import CachedModel, ResponseCache, cache_key, default_cache_path
from codesteer.llm.errors import ServerError
from codesteer.llm.openai_compat import OpenAICompatModel
from codesteer.llm.scripted import ScriptedModel
from codesteer.llm.spec import load_model
from tests.llm.conftest import FAST_RETRY, FakeServer, Reply

HELLO = [message("user", "hi")]


def cached_server_model(server: FakeServer, cache: ResponseCache) -> CachedModel:
    return CachedModel(OpenAICompatModel("fake-model", base_url=server.url, retry=FAST_RETRY), cache)


def test_cache_lives_where_the_environment_says(isolated_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert default_cache_path() == isolated_env / "responses.sqlite3"
    monkeypatch.delenv("CODESTEER_CACHE_DIR")
    assert default_cache_path().parent.name == "codesteer"


async def test_second_identical_call_makes_no_request(fake_server: FakeServer, tmp_path: Path) -> None:
    model = cached_server_model(fake_server, ResponseCache(tmp_path / "c.sqlite3"))
    first = await model.complete(HELLO, temperature=0.0, max_tokens=5)
    second = await model.complete(HELLO, temperature=0.0, max_tokens=5)
    assert len(fake_server.requests) == 1
    assert not first.cached and second.cached
    assert (second.text, second.prompt_tokens, second.completion_tokens) == (first.text, 7, 3)
    assert second.latency_s == first.latency_s  # the original call's latency is kept


async def test_cache_persists_across_instances(fake_server: FakeServer, tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    await cached_server_model(fake_server, ResponseCache(path)).complete(HELLO)
    reply = await cached_server_model(fake_server, ResponseCache(path)).complete(HELLO)
    assert reply.cached and len(fake_server.requests) == 1


async def test_different_params_messages_or_seed_miss(fake_server: FakeServer, tmp_path: Path) -> None:
    model = cached_server_model(fake_server, ResponseCache(tmp_path / "c.sqlite3"))
    await model.complete(HELLO, temperature=0.7, seed=1)
    await model.complete(HELLO, temperature=0.7, seed=2)
    await model.complete(HELLO, temperature=0.7, seed=1)  # sampled calls are cached too
    await model.complete([message("user", "other")], temperature=0.7, seed=1)
    assert len(fake_server.requests) == 3


async def test_failed_calls_are_not_cached(fake_server: FakeServer, tmp_path: Path) -> None:
    model = cached_server_model(fake_server, ResponseCache(tmp_path / "c.sqlite3"))
    fake_server.queue(*[Reply(status=500)] * 3)
    with pytest.raises(ServerError):
        await model.complete(HELLO)
    assert not (await model.complete(HELLO)).cached


def test_key_depends_on_everything_and_is_stable() -> None:
    base = cache_key("m", HELLO, {"temperature": 0, "seed": 1})
    assert base == cache_key("m", [dict(m) for m in HELLO], {"seed": 1, "temperature": 0})
    assert len({base, cache_key("m2", HELLO, {"temperature": 0, "seed": 1}),
                cache_key("m", HELLO, {"temperature": 0, "seed": 2}),
                cache_key("m", [message("user", "hi!")], {"temperature": 0, "seed": 1})}) == 4


def test_switch_off_by_environment_or_argument(monkeypatch: pytest.MonkeyPatch) -> None:
    assert isinstance(load_model("openai:m@http://127.0.0.1:9/v1"), CachedModel)
    assert not isinstance(load_model("openai:m@http://127.0.0.1:9/v1", cache=False), CachedModel)
    monkeypatch.setenv("CODESTEER_CACHE", "0")
    assert not isinstance(load_model("openai:m@http://127.0.0.1:9/v1"), CachedModel)


def test_unusable_cache_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(ModelError, match="CODESTEER_CACHE=0"):
        ResponseCache(path)


def _writer(path: str, worker: int, count: int) -> None:
    """One process writing and reading back its own entries in the shared cache file."""
    cache = ResponseCache(path)
    for i in range(count):
        key = cache_key("m", [message("user", f"{worker}-{i}")], {})
        cache.put(key, "m", Completion(text=f"answer {worker}-{i}", prompt_tokens=i, completion_tokens=worker))
        hit = cache.get(key)
        assert hit is not None and hit.text == f"answer {worker}-{i}"


def test_concurrent_writer_processes_do_not_corrupt_it(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite3"
    workers, count = 4, 40
    context = multiprocessing.get_context("spawn")
    processes = [context.Process(target=_writer, args=(str(path), w, count)) for w in range(workers)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
    assert [p.exitcode for p in processes] == [0] * workers
    cache = ResponseCache(path)
    assert len(cache) == workers * count
    for worker in range(workers):
        hit = cache.get(cache_key("m", [message("user", f"{worker}-{count - 1}")], {}))
        assert hit is not None and hit.text == f"answer {worker}-{count - 1}" and hit.cached
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


async def test_concurrent_tasks_share_one_cache(tmp_path: Path) -> None:
    inner = ScriptedModel(lambda messages: messages[-1]["content"].upper())
    model = CachedModel(inner, ResponseCache(tmp_path / "c.sqlite3"))
    prompts = [[message("user", f"q{i}")] for i in range(20)]
    first = await asyncio.gather(*(model.complete(p) for p in prompts))
    again = await asyncio.gather(*(model.complete(p) for p in prompts))
    assert [c.text for c in again] == [c.text for c in first] == [f"Q{i}" for i in range(20)]
    assert all(c.cached for c in again) and len(inner.calls) == 20
