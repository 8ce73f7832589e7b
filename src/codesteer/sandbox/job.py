"""One job inside a worker: fork the confined child, collect its output, classify its end,
then remove everything it left (processes, files).
"""

from __future__ import annotations

import contextlib
import os
import selectors
import shutil
import signal
import tempfile
import time
from dataclasses import asdict
from typing import Any

from codesteer.sandbox import mounts, protocol
from codesteer.sandbox.child import MEMORY_NOTE, SHARED_MEMORY, Confinement, confine_and_run
from codesteer.sandbox.types import Execution, Outcome, SandboxConfig

_GRACE_S = 2.0


def _descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as handle:
                    ppid = int(handle.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    found, frontier = [], [root]
    while frontier:
        frontier = [child for parent in frontier for child in children.get(parent, [])]
        found.extend(frontier)
    return found


def _kill_as(uid: int) -> None:
    """``kill(-1)`` from a helper holding ``uid``: every process of that uid dies."""
    helper = os.fork()
    if helper == 0:
        with contextlib.suppress(BaseException):
            os.setresgid(uid, uid, uid)
            os.setresuid(uid, uid, uid)
            os.kill(-1, signal.SIGKILL)
        os._exit(0)
    os.waitpid(helper, 0)


def _reap() -> bool:
    """Reap finished children; True when none are left at all."""
    try:
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass
    except ChildProcessError:
        return True
    return False


def _clear_leftovers(plan: Confinement) -> None:
    """Kill and reap everything the job left behind (orphans re-parent to this worker)."""
    give_up = time.monotonic() + _GRACE_S
    while time.monotonic() < give_up:
        if plan.pid_namespace:
            with contextlib.suppress(ProcessLookupError):
                os.kill(-1, signal.SIGKILL)  # from the namespace's init: all of it but us
        else:
            if plan.job_uid is not None:
                _kill_as(plan.job_uid)
            for pid in _descendants(os.getpid()):
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
        if _reap():
            return
        time.sleep(0.001)


def _text(data: bytearray, total: int, limit: int) -> tuple[str, bool]:
    text = data.decode("utf-8", errors="replace")
    if total <= limit:
        return text, False
    return f"{text}\n[... output truncated: {total} bytes, the first {limit} kept]", True


def _classify(status: int | None, timed_out: bool, memory_note: bool) -> tuple[Outcome, int | None]:
    if status is None:
        return ("timed_out" if timed_out else "killed"), None
    code = os.waitstatus_to_exitcode(status)
    if timed_out or code == -signal.SIGXCPU:
        return "timed_out", code
    if code < 0:
        return "killed", code
    if code and memory_note:
        return "memory_exceeded", code
    return ("ok" if code == 0 else "error"), code


def _stdin_fd(text: str | None) -> int:
    fd = os.memfd_create("stdin")
    protocol.write_all(fd, (text or "").encode())
    os.lseek(fd, 0, os.SEEK_SET)
    return fd


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


def _execute(code: str, stdin: str | None, config: SandboxConfig, plan: Confinement, workdir: str) -> Execution:
    main_path = os.path.join(workdir, "main.py")
    with open(main_path, "w", encoding="utf-8") as handle:
        handle.write(code)
    if plan.job_uid is not None:
        for path in (workdir, main_path):
            os.chown(path, plan.job_uid, plan.job_uid)
    stdin_fd = _stdin_fd(stdin)
    (out_r, out_w), (err_r, err_w), (note_r, note_w) = os.pipe(), os.pipe(), os.pipe()
    start = time.monotonic()
    child = os.fork()
    if child == 0:
        confine_and_run(code, config, plan, workdir, (stdin_fd, out_w, err_w, note_w))
    for fd in (stdin_fd, out_w, err_w, note_w):
        os.close(fd)
    exited = os.pidfd_open(child)
    streams = {out_r: _Output(config.max_output_bytes), err_r: _Output(config.max_output_bytes)}
    note = b""
    selector = selectors.DefaultSelector()
    for fd in (out_r, err_r, note_r, exited):
        selector.register(fd, selectors.EVENT_READ)
    deadline, ended, timed_out, status, cpu = start + config.timeout_s, None, False, None, 0.0

    def finish(kill: bool) -> None:
        nonlocal ended, status, cpu
        if kill:
            with contextlib.suppress(OSError):
                os.killpg(child, signal.SIGKILL)
            with contextlib.suppress(OSError):
                os.kill(child, signal.SIGKILL)
        _, status, usage = os.wait4(child, 0)
        ended, cpu = time.monotonic(), usage.ru_utime + usage.ru_stime
        selector.unregister(exited)
        _clear_leftovers(plan)  # closes the pipes held by any daemon, so the reads below end

    while selector.get_map():
        now = time.monotonic()
        if now >= deadline:
            if ended is not None or timed_out:
                break  # something outside our reach still holds a pipe: stop reading
            timed_out = True
            finish(kill=True)
            deadline = time.monotonic() + _GRACE_S
            continue
        for key, _ in selector.select(deadline - now):
            if key.fd == exited:
                finish(kill=False)
                deadline = min(deadline, ended + _GRACE_S)  # type: ignore[operator]
                continue
            chunk = os.read(key.fd, 1 << 16)
            if not chunk:
                selector.unregister(key.fd)
            elif key.fd == note_r:
                note = (note + chunk)[:8]
            else:
                streams[key.fd].add(chunk)
    selector.close()
    for fd in (out_r, err_r, note_r, exited):
        os.close(fd)
    outcome, exit_code = _classify(status, timed_out, MEMORY_NOTE in note)
    stdout, stdout_cut = streams[out_r].text()
    stderr, stderr_cut = streams[err_r].text()
    return Execution(stdout=stdout, stderr=stderr, exit_code=exit_code, outcome=outcome,
                     wall_s=round((ended or time.monotonic()) - start, 6), cpu_s=round(cpu, 6),
                     stdout_truncated=stdout_cut, stderr_truncated=stderr_cut)


def remove_tree(path: str) -> None:
    """Delete the tree at ``path``, unlocking directories the program made unwritable (but never
    touching anything outside the tree; ``path`` itself stays if it is a mount point)."""
    def unlock_and_retry(func: Any, target: str, _exc: Any) -> None:
        parent = os.path.dirname(target)
        if target != path and os.path.commonpath([parent, path]) == path:
            with contextlib.suppress(OSError):
                os.chmod(parent, 0o700)
                func(target)

    shutil.rmtree(path, onerror=unlock_and_retry)


def run_job(job: dict[str, Any], plan: Confinement, base: str) -> dict[str, Any]:
    """Run one job message (``code``, ``stdin``, ``config``) and return the ``Execution`` as a dict."""
    config = SandboxConfig(**job["config"])
    if plan.disk_limit:
        mounts.mount_scratch(base, config.max_disk_mb, resize=True)
        mounts.mount_scratch(SHARED_MEMORY, config.max_disk_mb, "1777", resize=True)
    workdir = tempfile.mkdtemp(prefix="job-", dir=base)
    try:
        return asdict(_execute(job["code"], job.get("stdin"), config, plan, workdir))
    finally:
        remove_tree(workdir)
        if plan.disk_limit:
            for entry in os.scandir(SHARED_MEMORY):
                if entry.is_dir(follow_symlinks=False):
                    remove_tree(entry.path)
                else:
                    os.unlink(entry.path)
