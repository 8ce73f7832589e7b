"""One job, as the worker's supervisor runs it: hand it to a pristine job process, collect its
output, enforce its deadline and memory limit, classify its end, then remove everything it left
(processes, files, keyrings, its memory cgroup) before the result goes back to the host.

The supervisor holds job data but never forks, so no process ever inherits it; job processes
come from the zygote, which never sees a job.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import select
import selectors
import signal
import socket
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Any

from codesteer.sandbox import linux, protocol
from codesteer.sandbox.child import HANDED_FDS, MEMORY_NOTE, Confinement
from codesteer.sandbox.cleanup import remove_tree
from codesteer.sandbox.memory import POLL_S, private_mb
from codesteer.sandbox.procfs import descendants, processes_of
from codesteer.sandbox.types import Execution, Outcome, SandboxConfig

_GRACE_S = 2.0


class JobProcessLost(RuntimeError):
    """A job process died while it prepared, before taking a job (a sandbox failure)."""


@dataclass(frozen=True)
class JobProcess:
    """A prepared job process: its pid, working directory, the CPU time its preparation took,
    the write end of its job pipe and the read ends of its output pipes."""

    pid: int
    workdir: str
    preparation_cpu: float
    job: int
    stdout: int
    stderr: int
    note: int


class Zygote:
    """The supervisor's handle on the zygote: ask for pristine job processes, hear them announce
    themselves, learn how they ended (their parent, the zygote, reaps them and relays that)."""

    def __init__(self, requests: int, statuses: int, announcements: socket.socket) -> None:
        self.requests, self.statuses, self.announcements = requests, statuses, announcements
        self.finished: dict[int, tuple[int, float]] = {}  # pid -> (wait status, CPU seconds)

    def request(self) -> None:
        os.write(self.requests, b"f")

    def read_status(self) -> None:
        frame = protocol.recv(self.statuses)
        self.finished[frame["pid"]] = (frame["status"], frame["cpu"])

    def next_process(self) -> JobProcess:
        """Wait for the requested job process to be ready; raises ``JobProcessLost`` if it died
        (or an earlier one did) before that."""
        while not self.finished:
            if self.statuses in select.select([self.announcements, self.statuses], [], [])[0]:
                self.read_status()
                continue
            hello, fds, _, _ = socket.recv_fds(self.announcements, 4096, HANDED_FDS)
            if not hello or len(fds) != HANDED_FDS:
                raise JobProcessLost("the zygote's channel closed")
            details = json.loads(hello)
            return JobProcess(details["pid"], details["workdir"], details["cpu"], *fds)
        raise JobProcessLost(f"job process ended while preparing (wait status {next(iter(self.finished.values()))[0]})")


@contextlib.contextmanager
def as_uid(uid: int | None) -> Iterator[None]:
    """Act as ``uid`` (real and effective, so that kill and keyrings see that user), keeping root
    as the saved uid to come back to; ``None``: stay as we are."""
    if uid is None:
        yield
        return
    os.setresuid(uid, uid, 0)
    try:
        yield
    finally:
        os.setresuid(0, 0, 0)


def job_pids(plan: Confinement) -> list[int]:
    """The running job's processes: those of its uid, else every descendant of the zygote (our
    parent) other than this supervisor."""
    if plan.job_uid is not None:
        return processes_of(plan.job_uid)
    return [pid for pid in descendants(os.getppid()) if pid != os.getpid()]


def _kill_sweep(plan: Confinement) -> bool:
    """Send SIGKILL to everything of the job once; True if something of it is still there (the
    zygote has not reaped it yet). kill(-1) cannot tell: it also counts processes it may not
    signal."""
    if plan.job_uid is not None or plan.pid_namespace:
        # as the job uid: exactly the job's processes; else, in the worker's PID namespace,
        # everything but the zygote (its init) and us (only when nothing is being prepared)
        with as_uid(plan.job_uid), contextlib.suppress(ProcessLookupError):
            os.kill(-1, signal.SIGKILL)
    else:
        for pid in job_pids(plan):
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
    return bool(job_pids(plan))


def _clear_leftovers(plan: Confinement) -> None:
    """Kill everything the job left behind (daemons, grandchildren) until nothing is left; the
    zygote reaps them."""
    give_up = time.monotonic() + _GRACE_S
    while _kill_sweep(plan) and time.monotonic() < give_up:
        time.sleep(0.001)


def _owns_keys(uid: int) -> bool:
    """Whether ``uid`` owns any key (``/proc/key-users``; True when that cannot be read)."""
    try:
        with open("/proc/key-users", "rb") as handle:
            listing = handle.read()  # a line per uid that owns keys, machine-wide: hundreds of lines
    except OSError:
        return True
    return re.search(rb"^ *%d:" % uid, listing, re.MULTILINE) is not None


def clear_keyrings(plan: Confinement) -> None:
    """Empty the keyrings that outlive a job's processes: those of the job uid (only where it
    owns keys: looking a user keyring up creates it, and it stays in the kernel for good). The
    supervisor does so when it starts, and after every job unless the job filter refuses keyring
    calls (then a job cannot have made a key)."""
    if plan.clear_user_keyrings and _owns_keys(os.getuid() if plan.job_uid is None else plan.job_uid):
        with as_uid(plan.job_uid):
            linux.clear_own_user_keyrings()


def _text(data: bytearray, total: int, limit: int) -> tuple[str, bool]:
    text = data.decode("utf-8", errors="replace")
    if total <= limit:
        return text, False
    return f"{text}\n[... output truncated: {total} bytes, the first {limit} kept]", True


def _classify(status: int | None, timed_out: bool, memory_hit: bool) -> tuple[Outcome, int | None]:
    if status is None:
        return ("timed_out" if timed_out else "killed"), None
    code = os.waitstatus_to_exitcode(status)
    if timed_out or code == -signal.SIGXCPU:
        return "timed_out", code
    if code and memory_hit:
        return "memory_exceeded", code
    if code < 0:
        return "killed", code
    return ("ok" if code == 0 else "error"), code


class _Output:
    """Keeps the first ``limit`` bytes of a stream and counts the rest."""

    def __init__(self, limit: int) -> None:
        self.limit, self.kept, self.total = limit, bytearray(), 0

    def add(self, chunk: bytes) -> None:
        self.total += len(chunk)
        if len(self.kept) < self.limit:
            self.kept += chunk[:self.limit - len(self.kept)]

    def text(self) -> tuple[str, bool]:
        return _text(self.kept, self.total, self.limit)


class _Run:
    """The supervisor's view of one running job: its output, its end, what stopped it."""

    def __init__(self, process: JobProcess, config: SandboxConfig, plan: Confinement, zygote: Zygote,
                 start: float) -> None:
        self.process, self.config, self.plan, self.zygote = process, config, plan, zygote
        self.streams = {process.stdout: _Output(config.max_output_bytes),
                        process.stderr: _Output(config.max_output_bytes)}
        self.note = b""
        self.start = start
        self.deadline = self.start + config.timeout_s
        self.ended: float | None = None
        self.status: int | None = None
        self.cpu = 0.0
        self.timed_out = self.over_memory = False

    def kill(self) -> None:
        with contextlib.suppress(OSError):
            os.kill(self.process.pid, signal.SIGKILL)  # even while it is still privileged
        _kill_sweep(self.plan)

    def _check_memory(self) -> float:
        """The fallback memory limit: kill the job once its processes together pass it; returns
        when to look again."""
        if private_mb(job_pids(self.plan)) > self.config.memory_mb:
            self.over_memory = True
            self.kill()
        return time.monotonic() + POLL_S

    def collect(self) -> None:
        process = self.process
        polled = self.plan.cgroups is None
        selector = selectors.DefaultSelector()
        for fd in (process.stdout, process.stderr, process.note, self.zygote.statuses):
            selector.register(fd, selectors.EVENT_READ)
        next_check = self.start
        while selector.get_map():
            now = time.monotonic()
            if now >= self.deadline:
                if self.ended is not None or self.timed_out:
                    break  # something outside our reach still holds a pipe: stop reading
                self.timed_out = True
                self.kill()
                self.deadline = now + _GRACE_S
                continue
            watching = polled and self.ended is None and not self.over_memory
            if watching and now >= next_check:
                next_check = self._check_memory()
            wake = min(self.deadline, next_check) if watching else self.deadline
            for key, _ in selector.select(max(0.0, wake - now)):
                if key.fd == self.zygote.statuses:
                    self.zygote.read_status()
                    if process.pid in self.zygote.finished:
                        self._end()
                        selector.unregister(key.fd)
                        _clear_leftovers(self.plan)  # closes the pipes any daemon held
                        self.deadline = min(self.deadline, self.ended + _GRACE_S)
                    continue
                chunk = os.read(key.fd, 1 << 16)
                if not chunk:
                    selector.unregister(key.fd)
                elif key.fd == process.note:
                    self.note = (self.note + chunk)[:8]
                else:
                    self.streams[key.fd].add(chunk)
        selector.close()
        if self.ended is None:  # gave up on the pipes before the end was relayed
            while process.pid not in self.zygote.finished:
                self.zygote.read_status()
            self._end()
            _clear_leftovers(self.plan)

    def _end(self) -> None:
        status, cpu = self.zygote.finished.pop(self.process.pid)
        self.status, self.cpu, self.ended = status, max(0.0, cpu - self.process.preparation_cpu), time.monotonic()

    def result(self, oom_kills: int) -> Execution:
        memory_hit = MEMORY_NOTE in self.note or oom_kills > 0 or self.over_memory
        outcome, exit_code = _classify(self.status, self.timed_out, memory_hit)
        stdout, stdout_cut = self.streams[self.process.stdout].text()
        stderr, stderr_cut = self.streams[self.process.stderr].text()
        return Execution(stdout=stdout, stderr=stderr, exit_code=exit_code, outcome=outcome,
                         wall_s=round((self.ended or time.monotonic()) - self.start, 6), cpu_s=round(self.cpu, 6),
                         stdout_truncated=stdout_cut, stderr_truncated=stderr_cut)


def run_job(job: dict[str, Any], process: JobProcess, zygote: Zygote, plan: Confinement) -> dict[str, Any]:
    """Run one job message (``code``, ``stdin``, ``config``) in ``process``, from ``zygote``, and
    return the ``Execution`` as a dict, once nothing of the job is left. The zygote is asked for
    its next job process while the job runs where that is safe (``plan.prefork``), else after."""
    config = SandboxConfig(**job["config"])
    if plan.cgroups is not None:
        plan.cgroups.limit(process.pid, config.memory_mb)
    start = time.monotonic()
    protocol.send(process.job, job)
    os.close(process.job)
    if plan.prefork:
        zygote.request()  # the next job process prepares while this job runs
    run = _Run(process, config, plan, zygote, start)
    try:
        run.collect()
    finally:
        for fd in (process.stdout, process.stderr, process.note):
            os.close(fd)
    oom_kills = 0
    if plan.cgroups is not None:
        oom_kills = plan.cgroups.oom_kills(process.pid)
        plan.cgroups.remove(process.pid)
    if not plan.job_filter:
        clear_keyrings(plan)
    if not plan.per_job_namespaces:  # its own tmpfs vanished with its mount namespace otherwise
        remove_tree(process.workdir)
    if not plan.prefork:
        zygote.request()
    return asdict(run.result(oom_kills))
