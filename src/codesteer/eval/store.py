"""One SQLite database per run directory (``results.db``, WAL): the run's identity, every job with
its trajectory, model calls and verdict.

Each finished job is written in one transaction, so a run killed at any moment keeps every job
it finished and nothing half-written; the unique job key keeps a job from being stored twice.
A database written by codesteer 0.1.0 (schema 1, no ``branch`` column) is brought up to date
when it is opened.
"""

from __future__ import annotations

import fcntl
import functools
import json
import os
import socket
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, TypeVar

from codesteer.steer import trajectory_json
from codesteer.steer.conversation import Conversation
from codesteer.steer.trajectory import Trajectory

T = TypeVar("T")
DB_NAME = "results.db"
SCHEMA_VERSION = "2"


def _jobs_table(name: str) -> str:
    return f"""CREATE TABLE IF NOT EXISTS {name} (
    id INTEGER PRIMARY KEY,
    method TEXT NOT NULL, task_model TEXT NOT NULL, steer_model TEXT NOT NULL,
    task TEXT NOT NULL, instance_id TEXT NOT NULL, sample INTEGER NOT NULL, branch TEXT NOT NULL DEFAULT '',
    level TEXT, complexity TEXT, run_id INTEGER REFERENCES runs(id),
    status TEXT NOT NULL, correct INTEGER NOT NULL, score REAL NOT NULL, failure TEXT,
    prompt_tokens INTEGER NOT NULL, completion_tokens INTEGER NOT NULL, calls INTEGER NOT NULL,
    model_s REAL NOT NULL, wall_s REAL NOT NULL, finished_at REAL NOT NULL,
    UNIQUE (method, task_model, steer_model, task, instance_id, sample, branch));"""


_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY, started_at REAL NOT NULL, finished_at REAL, command TEXT,
    host TEXT, pid INTEGER, jobs_done INTEGER NOT NULL DEFAULT 0);
{_jobs_table("jobs")}
CREATE TABLE IF NOT EXISTS trajectories (
    job_id INTEGER PRIMARY KEY REFERENCES jobs(id) ON DELETE CASCADE, json TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS model_calls (
    job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE, idx INTEGER NOT NULL,
    conversation TEXT NOT NULL, round INTEGER NOT NULL, model TEXT NOT NULL,
    prompt_tokens INTEGER NOT NULL, completion_tokens INTEGER NOT NULL, latency_s REAL NOT NULL,
    cached INTEGER NOT NULL, PRIMARY KEY (job_id, idx));
CREATE TABLE IF NOT EXISTS verdicts (
    job_id INTEGER PRIMARY KEY REFERENCES jobs(id) ON DELETE CASCADE,
    correct INTEGER, score REAL, reason TEXT, answer TEXT, channel TEXT);
"""


class RunMismatchError(ValueError):
    """The run directory holds a run with another configuration (runs never mix)."""


class StoreError(ValueError):
    """The run directory has no readable results database, or it cannot be written (the message
    says what to do; nothing stored is lost)."""


class RunBusyError(StoreError):
    """Another process is writing into the run directory."""


LOCK_NAME = ".writer.lock"


def _guarded(method: Callable[..., T]) -> Callable[..., T]:
    """Turn SQLite failures of a store operation into a :class:`StoreError` that says what to do."""

    @functools.wraps(method)
    def guarded(self: RunStore, *args: Any, **kwargs: Any) -> T:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.DatabaseError as exc:
            raise self.failure(exc) from exc

    return guarded


@dataclass(frozen=True, order=True)
class JobKey:
    """What makes a job unique in a run (``steer_model`` is '' for methods that do not steer).

    ``branch``: where a synthesis rollout branches off its root rollout (``''`` for a root and for
    every evaluation job); its text is the synthesis layer's business.
    """

    method: str
    task_model: str
    steer_model: str
    task: str
    instance_id: str
    sample: int = 0
    branch: str = ""


@dataclass(frozen=True)
class RunRecord:
    """One call of the runner into the directory: when, by which command on which host, how far."""

    id: int
    started_at: float
    finished_at: float | None
    command: str | None
    host: str | None
    pid: int | None
    jobs_done: int


@dataclass(frozen=True)
class CallRow:
    """One model call of a job, as the ``model_calls`` table keeps it."""

    conversation: Conversation
    round: int
    model: str
    prompt_tokens: int
    completion_tokens: int
    latency_s: float
    cached: bool


@dataclass(frozen=True)
class JobRow:
    """A stored job's summary (everything the reports need, without the trajectory)."""

    id: int
    key: JobKey
    level: str | None
    complexity: dict[str, Any]
    status: str
    correct: bool
    score: float
    failure: str | None
    prompt_tokens: int
    completion_tokens: int
    calls: int
    model_s: float
    wall_s: float

    @property
    def tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


def _flat(config: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested dicts as one level of dotted keys (``steer.max_rounds``)."""
    out: dict[str, Any] = {}
    for key, value in config.items():
        if isinstance(value, dict) and value:
            out.update(_flat(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


def _diff(old: dict[str, Any], new: dict[str, Any]) -> str:
    old, new = _flat(old), _flat(new)
    keys = sorted(set(old) | set(new))
    return "; ".join(f"{k}: {old.get(k)!r} -> {new.get(k)!r}" for k in keys if old.get(k) != new.get(k))


class RunStore:
    """The results database of one run directory. Use as a context manager or call ``close()``."""

    def __init__(self, run_dir: str | Path, *, create: bool = True) -> None:
        self.dir = Path(run_dir)
        self.path = self.dir / DB_NAME
        if not create and not self.path.is_file():
            raise StoreError(f"no evaluation results in {self.dir} (expected {self.path})")
        self.dir.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)
        self.db.row_factory = sqlite3.Row
        try:
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            _upgrade(self.db)
            self.db.execute("PRAGMA foreign_keys=ON")
            self.db.executescript(_SCHEMA)
            self.db.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
        except sqlite3.DatabaseError as exc:
            self.db.close()
            raise StoreError(f"{self.path} is not a readable results database ({exc}); "
                             "name a new output directory, or move the damaged file away") from exc
        self._lock: int | None = None

    def failure(self, exc: sqlite3.DatabaseError) -> StoreError:
        """The error a person can act on for a failed database operation."""
        if "full" in str(exc).lower():
            return StoreError(f"cannot write {self.path}: the disk is full ({exc}); every job finished so far "
                              "is stored: free some space and run the same command again to resume")
        return StoreError(f"{self.path} is damaged ({exc}); its readable jobs can be copied out with sqlite3's "
                          ".recover, or name a new output directory")

    def claim(self) -> None:
        """Become the directory's only writer, and check that the database is whole.

        The lock is an ``flock`` held for as long as this store is open; it dies with the
        process, so a killed run leaves nothing stale. A second writer gets :class:`RunBusyError`.
        """
        fd = os.open(self.dir / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 200).decode(errors="replace").strip() or "another process"
            os.close(fd)
            raise RunBusyError(f"{self.dir} is being written by {holder}; wait for that run to end (or stop "
                               "it), or name another output directory") from None
        os.ftruncate(fd, 0)
        os.write(fd, f"codesteer pid {os.getpid()} on {socket.gethostname()}".encode())
        self._lock = fd
        self.verify()

    @_guarded
    def verify(self) -> None:
        """Raise :class:`StoreError` unless SQLite finds the database whole."""
        found = [r[0] for r in self.db.execute("PRAGMA quick_check")]
        if found != ["ok"]:
            raise sqlite3.DatabaseError("; ".join(found[:3]))

    # ----- identity -------------------------------------------------------------------------
    @_guarded
    def config(self) -> dict[str, Any] | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = 'config'").fetchone()
        return json.loads(row[0]) if row else None

    def ensure_same_config(self, config: dict[str, Any]) -> None:
        """Refuse (``RunMismatchError``) a directory holding a run with another configuration."""
        stored = self.config()
        if stored is not None and stored != json.loads(json.dumps(config)):
            raise RunMismatchError(
                f"{self.dir} holds a run with another configuration ({_diff(stored, config)}); "
                "rerun with the same settings to resume it, or name a new output directory"
            )

    @_guarded
    def bind(self, config: dict[str, Any]) -> None:
        """Record ``config`` as this run's (after :meth:`ensure_same_config`); a no-op when already recorded."""
        self.ensure_same_config(config)
        if self.config() is None:
            self.db.execute("INSERT INTO meta VALUES ('config', ?)", (json.dumps(config, sort_keys=True),))

    @_guarded
    def start_run(self, command: str | None = None) -> int:
        cur = self.db.execute("INSERT INTO runs (started_at, command, host, pid) VALUES (?, ?, ?, ?)",
                              (time.time(), command, socket.gethostname(), os.getpid()))
        return int(cur.lastrowid or 0)

    @_guarded
    def finish_run(self, run_id: int) -> None:
        self.db.execute("UPDATE runs SET finished_at = ? WHERE id = ?", (time.time(), run_id))

    @_guarded
    def runs(self) -> list[RunRecord]:
        """Every call of the runner into this directory (a resumed run adds one)."""
        return [RunRecord(**dict(r)) for r in self.db.execute("SELECT * FROM runs ORDER BY id")]

    # ----- writing --------------------------------------------------------------------------
    @_guarded
    def finished(self, *, include_errors: bool = True) -> set[JobKey]:
        """Keys of stored jobs (``include_errors=False``: only those that did not end in an error)."""
        where = "" if include_errors else " WHERE status != 'error'"
        rows = self.db.execute(
            f"SELECT method, task_model, steer_model, task, instance_id, sample, branch FROM jobs{where}")
        return {JobKey(*r) for r in rows}

    @_guarded
    def record(self, key: JobKey, trajectory: Trajectory, *, run_id: int | None = None,
               failure: str | None = None, level: str | None = None,
               complexity: dict[str, Any] | None = None) -> int:
        """Store one finished job in one transaction (replacing an earlier try of the same key)."""
        t, verdict = trajectory, trajectory.verdict
        prompt = sum(c.prompt_tokens for c in t.calls)
        completion = sum(c.completion_tokens for c in t.calls)
        model_s = sum(c.latency_s for c in t.calls)
        status = "error" if t.errored else "done"
        fields = asdict(key)
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.execute(
                "DELETE FROM jobs WHERE method=? AND task_model=? AND steer_model=? AND task=? "
                "AND instance_id=? AND sample=? AND branch=?", tuple(fields.values()))
            cur = self.db.execute(
                "INSERT INTO jobs (method, task_model, steer_model, task, instance_id, sample, branch, level, "
                "complexity, run_id, status, correct, score, failure, prompt_tokens, completion_tokens, "
                "calls, model_s, wall_s, finished_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (*fields.values(), level, json.dumps(complexity or {}, sort_keys=True), run_id, status,
                 int(bool(t.correct)), verdict.score if verdict else 0.0, failure, prompt, completion,
                 len(t.calls), model_s, t.wall_s, time.time()))
            job_id = int(cur.lastrowid or 0)
            self.db.execute("INSERT INTO trajectories VALUES (?, ?)", (job_id, trajectory_json.dumps(t)))
            self.db.executemany(
                "INSERT INTO model_calls VALUES (?,?,?,?,?,?,?,?,?)",
                [(job_id, i, str(c.conversation), c.round, c.model, c.prompt_tokens, c.completion_tokens,
                  c.latency_s, int(c.cached)) for i, c in enumerate(t.calls)])
            self.db.execute(
                "INSERT INTO verdicts VALUES (?,?,?,?,?,?)",
                (job_id, *((int(verdict.correct), verdict.score, verdict.reason, verdict.answer) if verdict
                           else (None, None, None, None)), t.accepted_channel))
            if run_id is not None:
                self.db.execute("UPDATE runs SET jobs_done = jobs_done + 1 WHERE id = ?", (run_id,))
        return job_id

    # ----- reading --------------------------------------------------------------------------
    @_guarded
    def jobs(self) -> list[JobRow]:
        """Every stored job, in key order."""
        rows = self.db.execute(
            "SELECT * FROM jobs ORDER BY method, task_model, steer_model, task, instance_id, sample, branch")
        return [_row(r) for r in rows]

    def iter_trajectories(self) -> Iterator[tuple[JobRow, Trajectory]]:
        for row in self.jobs():
            yield row, self.trajectory(row.id)

    @_guarded
    def trajectory(self, job_id: int) -> Trajectory:
        row = self.db.execute("SELECT json FROM trajectories WHERE job_id = ?", (job_id,)).fetchone()
        if row is None:
            raise StoreError(f"no trajectory stored for job {job_id}")
        return trajectory_json.loads(row[0])

    def find(self, *, task: str, instance_id: str, method: str | None = None) -> list[JobRow]:
        """Jobs of one instance (any method unless ``method`` is given)."""
        return [r for r in self.jobs() if r.key.task == task and r.key.instance_id == instance_id
                and (method is None or r.key.method == method)]

    @_guarded
    def model_calls(self, job_id: int) -> list[CallRow]:
        """A job's model calls as stored for SQL queries (the trajectory holds them in full)."""
        rows = self.db.execute("SELECT * FROM model_calls WHERE job_id = ? ORDER BY idx", (job_id,))
        return [CallRow(Conversation.parse(r["conversation"]), r["round"], r["model"], r["prompt_tokens"],
                        r["completion_tokens"], r["latency_s"], bool(r["cached"])) for r in rows]

    @_guarded
    def count(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM jobs").fetchone()[0])

    def close(self) -> None:
        self.db.close()
        if self._lock is not None:
            os.close(self._lock)  # releases the flock
            self._lock = None

    def __enter__(self) -> RunStore:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def _upgrade(db: sqlite3.Connection) -> None:
    """Bring a schema-1 database (codesteer 0.1.0) to schema 2: a ``branch`` column in the job key.

    The jobs table is rebuilt (SQLite cannot change a UNIQUE constraint in place) with foreign
    keys off, so the trajectories, calls and verdicts keyed by job id stay as they are.
    """
    row = db.execute("SELECT name FROM sqlite_master WHERE type='table' AND name='meta'").fetchone()
    version = db.execute("SELECT value FROM meta WHERE key='schema'").fetchone() if row else None
    if version is None or version[0] != "1":
        return
    db.execute("PRAGMA foreign_keys=OFF")
    with db:
        db.execute("BEGIN IMMEDIATE")
        db.execute(_jobs_table("jobs_v2"))
        columns = ", ".join(r[1] for r in db.execute("PRAGMA table_info(jobs)"))
        db.execute(f"INSERT INTO jobs_v2 ({columns}) SELECT {columns} FROM jobs")
        db.execute("DROP TABLE jobs")
        db.execute("ALTER TABLE jobs_v2 RENAME TO jobs")
        db.execute("UPDATE meta SET value=? WHERE key='schema'", (SCHEMA_VERSION,))
        problems = db.execute("PRAGMA foreign_key_check").fetchall()
        if problems:
            raise sqlite3.DatabaseError(f"upgrading the run database broke {len(problems)} reference(s)")


def _row(r: sqlite3.Row) -> JobRow:
    key = JobKey(r["method"], r["task_model"], r["steer_model"], r["task"], r["instance_id"], r["sample"],
                 r["branch"])
    return JobRow(r["id"], key, r["level"], json.loads(r["complexity"] or "{}"), r["status"], bool(r["correct"]),
                  r["score"], r["failure"], r["prompt_tokens"], r["completion_tokens"], r["calls"], r["model_s"],
                  r["wall_s"])
