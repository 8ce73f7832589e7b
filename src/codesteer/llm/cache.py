"""A persistent response cache: a rerun with the same model, messages and parameters costs no call.

One SQLite file (``responses.sqlite3``) in ``platformdirs.user_cache_dir("codesteer")``, or in
``$CODESTEER_CACHE_DIR``; ``CODESTEER_CACHE=0`` switches caching off. The database runs in WAL
mode with a busy timeout and each operation opens its own short connection, so threads and
processes can share one file safely.

Sampled calls (temperature > 0) are cached too, so a rerun is reproducible and an interrupted
run resumes where it stopped; a caller that wants several distinct samples of one prompt passes
distinct ``seed`` values (the seed is part of the key).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import platformdirs

from codesteer.llm.base import ChatModel, Completion, Message, ModelError, ModelWrapper

DIR_ENV = "CODESTEER_CACHE_DIR"
SWITCH_ENV = "CODESTEER_CACHE"
FILE_NAME = "responses.sqlite3"
BUSY_TIMEOUT_S = 30.0
_OFF = {"0", "false", "no", "off"}


def cache_enabled() -> bool:
    """False when ``$CODESTEER_CACHE`` says off (0, false, no, off)."""
    return os.environ.get(SWITCH_ENV, "1").strip().lower() not in _OFF


def cache_folder() -> Path:
    """``$CODESTEER_CACHE_DIR``, else codesteer's folder in the user cache directory."""
    return Path(os.environ.get(DIR_ENV) or platformdirs.user_cache_dir("codesteer")).expanduser()


def default_cache_path() -> Path:
    """``responses.sqlite3`` in :func:`cache_folder`."""
    return cache_folder() / FILE_NAME


def cache_key(identity: str, messages: Sequence[Message], params: dict[str, Any]) -> str:
    """SHA-256 of the model identity, the messages and the parameters (canonical JSON)."""
    blob = json.dumps(
        {"model": identity, "messages": [dict(m) for m in messages], "params": params},
        sort_keys=True,
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(blob.encode()).hexdigest()


class ResponseCache:
    """Completions stored by key in one SQLite file."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else default_cache_path()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._connect() as db:
                db.execute("PRAGMA journal_mode=WAL")
                db.execute(
                    "CREATE TABLE IF NOT EXISTS responses ("
                    "key TEXT PRIMARY KEY, model TEXT NOT NULL, completion TEXT NOT NULL, created REAL NOT NULL)"
                )
        except (OSError, sqlite3.Error) as exc:
            raise self._unusable(exc) from exc

    def _unusable(self, exc: Exception) -> ModelError:
        return ModelError(
            f"the response cache at {self.path} cannot be used ({exc}); delete the file, point "
            f"{DIR_ENV} elsewhere, or switch the cache off with {SWITCH_ENV}=0"
        )

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        try:
            yield db
        finally:
            db.close()

    def get(self, key: str) -> Completion | None:
        """The stored completion for ``key`` (marked ``cached``), or None."""
        try:
            with self._connect() as db:
                row = db.execute("SELECT completion FROM responses WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error as exc:
            raise self._unusable(exc) from exc
        if row is None:
            return None
        try:
            completion = Completion.from_dict(json.loads(row[0]))
        except (ValueError, TypeError):
            return None  # a row from an incompatible version: treat as a miss, it gets replaced
        completion.cached = True
        return completion

    def put(self, key: str, model: str, completion: Completion) -> None:
        """Store ``completion`` under ``key`` (replacing any older entry)."""
        data = completion.to_dict() | {"cached": False}
        try:
            with self._connect() as db:
                db.execute(
                    "INSERT OR REPLACE INTO responses (key, model, completion, created) VALUES (?, ?, ?, ?)",
                    (key, model, json.dumps(data, ensure_ascii=False), time.time()),
                )
        except sqlite3.Error as exc:
            raise self._unusable(exc) from exc

    def __len__(self) -> int:
        with self._connect() as db:
            return int(db.execute("SELECT COUNT(*) FROM responses").fetchone()[0])

    def clear(self) -> None:
        """Forget every stored response."""
        with self._connect() as db:
            db.execute("DELETE FROM responses")


class CachedModel(ModelWrapper):
    """Wraps a model: an identical call (model, messages, params) is answered from the cache.

    The key uses ``inner.cache_identity`` when the model has one (local models name their
    weights file there), else ``inner.name``.
    """

    def __init__(self, inner: ChatModel, cache: ResponseCache | None = None) -> None:
        super().__init__(inner)
        self.cache = cache if cache is not None else ResponseCache()

    async def complete(self, messages: Sequence[Message], **params: Any) -> Completion:
        identity = getattr(self.inner, "cache_identity", self.inner.name)
        key = cache_key(identity, messages, params)
        hit = await asyncio.to_thread(self.cache.get, key)
        if hit is not None:
            return hit
        completion = await self.inner.complete(messages, **params)
        await asyncio.to_thread(self.cache.put, key, self.name, completion)
        return completion
