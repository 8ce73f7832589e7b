"""Host side: a pool of warm sandbox workers (or one fresh worker per run), sync and async.

The host never runs model code: it only talks to worker processes (``worker.py``) over pipes.
Concurrency is bounded by the pool size; a worker that dies, hangs or has served
``max_jobs_per_worker`` jobs is replaced.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from pathlib import Path
from typing import Any, Literal

from codesteer.sandbox import protocol
from codesteer.sandbox.child import SAFE_PATH, THREAD_ENV
from codesteer.sandbox.cleanup import remove_tree
from codesteer.sandbox.isolation import MECHANISMS
from codesteer.sandbox.memory import remove_parent
from codesteer.sandbox.procfs import processes_of
from codesteer.sandbox.types import Execution, IsolationReport, SandboxConfig

log = logging.getLogger("codesteer.sandbox")

Mode = Literal["pool", "oneshot"]
_SRC = str(Path(__file__).resolve().parents[2])
_BOOT = f"import sys; sys.path.insert(0, {_SRC!r}); from codesteer.sandbox.worker import main; main(sys.argv[1:])"
_WORKER_ENV = {"PATH": SAFE_PATH, "LANG": "C.UTF-8", **THREAD_ENV}
READY_TIMEOUT_S = 120.0
HOST_GRACE_S = 10.0
_warned: set[str] = set()


def kill_uid(uid: int) -> None:
    """Kill every process whose owner is ``uid`` (a job uid; needs root)."""
    for _ in range(5):
        found = processes_of(uid)
        if not found:
            return
        for pid in found:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.01)


def default_pool_size() -> int:
    """``$CODESTEER_SANDBOX_WORKERS`` if set, else the CPU count (at least 2, at most 16)."""
    configured = os.environ.get("CODESTEER_SANDBOX_WORKERS", "")
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    return min(16, max(2, os.cpu_count() or 2))


class SandboxError(RuntimeError):
    """The sandbox itself could not start (not raised for anything the program does)."""


class _Worker:
    """One worker process; its stdin/stdout carry the framed protocol."""

    def __init__(self, python: str, *, oneshot: bool, network: bool, disable: frozenset[str]) -> None:
        flags = [flag for flag, on in (("--oneshot", oneshot), ("--network", network)) if on]
        if disable:
            flags.append("--disable=" + ",".join(sorted(disable)))
        self.process = subprocess.Popen([python, "-I", "-c", _BOOT, *flags], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, env=_WORKER_ENV, start_new_session=True)
        self.jobs = 0
        self.base: str | None = None
        self.cgroup: str | None = None
        self.job_uid: int | None = None
        self.report: IsolationReport | None = None

    def wait_ready(self) -> _Worker:
        assert self.process.stdout is not None
        try:
            message = protocol.recv(self.process.stdout.fileno(), READY_TIMEOUT_S)
        except (EOFError, TimeoutError, ValueError) as exc:
            self.kill()
            raise SandboxError(f"sandbox worker did not start: {exc}") from exc
        self.base = message["base"]
        self.cgroup = message["cgroup"]
        self.job_uid = message["job_uid"]
        self.report = IsolationReport.from_dict(message["ready"])
        for warning in self.report.warnings:
            if warning not in _warned:
                _warned.add(warning)
                log.warning("sandbox degraded: %s", warning)
        return self

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def run(self, message: dict[str, Any], timeout_s: float) -> Execution:
        assert self.process.stdin is not None and self.process.stdout is not None
        protocol.send(self.process.stdin.fileno(), message)
        answer = protocol.recv(self.process.stdout.fileno(), timeout_s)
        self.jobs += 1
        return Execution.from_dict(answer["result"])

    def close(self) -> None:
        """Ask the worker to exit (end of its input); kill it if it does not."""
        with contextlib.suppress(OSError):
            self.process.stdin.close()  # type: ignore[union-attr]
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.kill()
        self._release()

    def kill(self) -> None:
        """Kill the worker; its namespace init and job die with it (parent-death signals), and
        anything still running under the job uid is killed too."""
        self.process.kill()
        self.process.wait()
        if self.job_uid is not None:
            kill_uid(self.job_uid)
        self._release()

    def _release(self) -> None:
        for stream in (self.process.stdin, self.process.stdout):
            with contextlib.suppress(OSError):
                stream.close()  # type: ignore[union-attr]
        if self.base:
            remove_tree(self.base)
        if self.cgroup:
            remove_parent(self.cgroup)


def _failure(reason: str, started: float) -> Execution:
    return Execution(stdout="", stderr=f"sandbox failure: {reason}", exit_code=None, outcome="killed",
                     wall_s=round(time.monotonic() - started, 6), cpu_s=0.0)


class SandboxPool:
    """Runs programs in sandbox workers with at most ``size`` at once.

    ``mode="pool"`` keeps ``size`` warm workers (numpy, sympy, ... already imported) that fork a
    fresh confined child per job; ``mode="oneshot"`` starts a fresh worker (a new interpreter,
    nothing preloaded) for every run, for comparison. Use ``with``/``async with`` or ``close()``.
    Jobs with ``network=True`` always run in a one-shot worker without a network namespace.
    ``disable`` leaves out isolation mechanisms (``network_namespace``, ``pid_namespace``,
    ``landlock``), e.g. to test the fallbacks; every weakening is logged as a warning.
    """

    def __init__(self, size: int | None = None, config: SandboxConfig | None = None, *,
                 mode: Mode = "pool", python: str | None = None, max_jobs_per_worker: int = 10_000,
                 disable: Iterable[str] = ()) -> None:
        if mode not in ("pool", "oneshot"):
            raise ValueError(f"unknown sandbox mode {mode!r} (expected 'pool' or 'oneshot')")
        self.disable = frozenset(disable)
        if unknown := sorted(self.disable - set(MECHANISMS)):
            raise ValueError(f"unknown isolation mechanism(s) {unknown}; known: {', '.join(MECHANISMS)}")
        if size is not None and size < 1:
            raise ValueError(f"sandbox pool size must be at least 1, got {size}")
        self.size = size or default_pool_size()
        self.config = config or SandboxConfig()
        self.mode: Mode = mode
        self.python = python or sys.executable
        self.max_jobs_per_worker = max_jobs_per_worker
        self._slots = threading.BoundedSemaphore(self.size)
        self._idle: queue.LifoQueue[_Worker] = queue.LifoQueue()  # most recently used first: warm caches
        self._live: set[_Worker] = set()
        self._lock = threading.Lock()
        self._executor: ThreadPoolExecutor | None = None
        self._report: IsolationReport | None = None
        self._owner = os.getpid()  # the pipes to the workers belong to this process only
        self.closed = False

    # lifecycle -------------------------------------------------------------------------------

    def start(self) -> SandboxPool:
        """Start all warm workers now (otherwise they start on first use). Idempotent."""
        self._check_open()
        if self.mode == "pool":
            with self._lock:
                missing = self.size - len(self._live)
                fresh = [self._new_worker(oneshot=False, network=False) for _ in range(missing)]
                self._live.update(fresh)
            for worker in fresh:
                self._ready(worker)
                self._idle.put(worker)
        return self

    def close(self) -> None:
        """Wait for running jobs, then stop every worker. Idempotent."""
        if self.closed:
            return
        self.closed = True
        if self._executor is not None:
            self._executor.shutdown(wait=True)
        with self._lock:
            workers, self._live = list(self._live), set()
        for worker in workers:
            worker.close()

    async def aclose(self) -> None:
        await asyncio.get_running_loop().run_in_executor(None, self.close)

    def __enter__(self) -> SandboxPool:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.close()

    async def __aenter__(self) -> SandboxPool:
        await asyncio.get_running_loop().run_in_executor(None, self.start)
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.aclose()

    @property
    def isolation(self) -> IsolationReport:
        """Which mechanisms confine programs on this machine (starts a worker if none ran yet)."""
        if self._report is None:
            worker = self._ready(self._new_worker(oneshot=True, network=False))
            worker.close()
        assert self._report is not None
        return self._report

    # running ---------------------------------------------------------------------------------

    def run_sync(self, code: str, *, stdin: str | None = None, config: SandboxConfig | None = None,
                 **overrides: Any) -> Execution:
        """Run ``code`` as a Python program and wait for its ``Execution`` (blocks this thread)."""
        if not isinstance(code, str) or (stdin is not None and not isinstance(stdin, str)):
            raise TypeError("sandbox code and stdin must be strings")
        self._check_open()
        chosen = config or self.config
        chosen = chosen.with_(**overrides) if overrides else chosen
        message = {"code": code, "stdin": stdin, "config": asdict(chosen)}
        with self._slots:
            if self.mode == "oneshot" or chosen.network:
                worker = self._ready(self._new_worker(oneshot=True, network=chosen.network))
                try:
                    return self._run_on(worker, message, chosen)
                finally:
                    worker.close()
            worker = self._acquire()
            try:
                return self._run_on(worker, message, chosen)
            finally:
                self._give_back(worker)

    async def run(self, code: str, *, stdin: str | None = None, config: SandboxConfig | None = None,
                  **overrides: Any) -> Execution:
        """Async ``run_sync``: safe to await from many tasks; at most ``size`` run at once."""
        self._check_open()
        call = functools.partial(self.run_sync, code, stdin=stdin, config=config, **overrides)
        return await asyncio.get_running_loop().run_in_executor(self._get_executor(), call)

    # internals -------------------------------------------------------------------------------

    @property
    def usable_here(self) -> bool:
        """False in a forked copy of the process that made the pool (its workers are not ours)."""
        return os.getpid() == self._owner

    def _check_open(self) -> None:
        if self.closed:
            raise SandboxError("this sandbox pool is closed")
        if not self.usable_here:
            raise SandboxError("this sandbox pool belongs to the parent process; create one after forking")

    def _get_executor(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(self.size, thread_name_prefix="sandbox")
            return self._executor

    def _new_worker(self, *, oneshot: bool, network: bool) -> _Worker:
        return _Worker(self.python, oneshot=oneshot, network=network, disable=self.disable)

    def _ready(self, worker: _Worker) -> _Worker:
        worker.wait_ready()
        if self._report is None:
            self._report = worker.report
        return worker

    def _acquire(self) -> _Worker:
        while True:
            try:
                worker = self._idle.get_nowait()
            except queue.Empty:
                with self._lock:
                    room = len(self._live) < self.size
                worker = self._spawn_warm() if room else self._idle.get()
            if worker.alive:
                return worker
            self._discard(worker)

    def _run_on(self, worker: _Worker, message: dict[str, Any], config: SandboxConfig) -> Execution:
        started = time.monotonic()
        try:
            return worker.run(message, config.timeout_s + HOST_GRACE_S)
        except (OSError, EOFError, TimeoutError, ValueError, KeyError) as exc:
            worker.kill()
            return _failure(f"worker lost during the run ({exc})", started)

    def _give_back(self, worker: _Worker) -> None:
        if self.closed or not worker.alive or worker.jobs >= self.max_jobs_per_worker:
            self._discard(worker)
            if not self.closed:
                with contextlib.suppress(SandboxError):
                    self._idle.put(self._spawn_warm())
            return
        self._idle.put(worker)

    def _spawn_warm(self) -> _Worker:
        worker = self._new_worker(oneshot=False, network=False)
        with self._lock:
            self._live.add(worker)
        try:
            return self._ready(worker)
        except SandboxError:
            self._discard(worker)
            raise

    def _discard(self, worker: _Worker) -> None:
        with self._lock:
            self._live.discard(worker)
        if worker.alive:
            worker.close()
        else:
            worker.kill()
