"""The sandbox worker: a trusted process that runs each job in a freshly forked, confined child.

Started by the host with an empty environment (``python -I -c ...``), it isolates itself
(network, IPC and mount namespaces), becomes the init of a new PID namespace, imports the
modules model code uses (pool mode), reports which isolation mechanisms work, then answers jobs
one at a time over its stdin/stdout pipes. Per job it forks one confined child; when the child
ends or its deadline passes, ``kill(-1)`` from the namespace's init removes everything the
program started (grandchildren, daemons), so nothing outlives a job.
"""

from __future__ import annotations

import contextlib
import gc
import os
import selectors
import shutil
import signal
import sys
import tempfile
import time
from dataclasses import asdict
from typing import Any

from codesteer.sandbox import linux, mounts, protocol
from codesteer.sandbox.child import MEMORY_NOTE, SHARED_MEMORY, Confinement, confine_and_run
from codesteer.sandbox.types import Execution, IsolationReport, Outcome, SandboxConfig

PRELOADED = ("math", "cmath", "itertools", "functools", "collections", "heapq", "bisect", "fractions",
             "decimal", "random", "re", "json", "string", "statistics", "copy", "numpy", "sympy")
UID_BASE = 1_000_000
_GRACE_S = 2.0


def _become_namespace_init(channels: tuple[int, ...]) -> bool:
    """Enter a new PID namespace as its init: fork; the original process only waits and exits
    with the child's status. Returns False (nothing changed) when PID namespaces are unavailable.

    Every job is then forked inside this namespace, so ``kill(-1)`` from here reaches all that a
    job left behind (daemons included) and nothing else."""
    try:
        linux.unshare(linux.CLONE_NEWPID)
        child = os.fork()
    except OSError:
        return False
    if child:
        for fd in channels:
            os.close(fd)
        os._exit(os.waitstatus_to_exitcode(os.waitpid(child, 0)[1]) & 0xFF)
    linux.prctl(linux.PR_SET_PDEATHSIG, signal.SIGKILL)
    return True


def _enter_user_namespace(flags: int) -> None:
    uid, gid = os.getuid(), os.getgid()
    linux.unshare(linux.CLONE_NEWUSER | flags)
    for name, text in (("setgroups", "deny"), ("uid_map", f"{uid} {uid} 1"), ("gid_map", f"{gid} {gid} 1")):
        with open(f"/proc/self/{name}", "w") as handle:
            handle.write(text)


MECHANISMS = ("network_namespace", "pid_namespace", "landlock")


def _enter_namespaces(network: bool, disabled: frozenset[str], warnings: list[str]) -> tuple[str, bool, bool]:
    """Put this worker in new mount and IPC (and, unless allowed the network, network) namespaces.

    Returns the network description, whether an unprivileged user namespace was entered and
    whether mounts are now private to this worker."""
    root = os.geteuid() == 0
    use_netns = not network and "network_namespace" not in disabled
    flags = linux.CLONE_NEWNS | linux.CLONE_NEWIPC | (linux.CLONE_NEWNET if use_netns else 0)
    try:
        if root:
            linux.unshare(flags)
        else:
            _enter_user_namespace(flags)
        mounts.make_private()
    except OSError as exc:
        warnings.append(f"namespaces unavailable ({exc.strerror}): no private mounts"
                        + (", no network namespace" if use_netns else ""))
        return "not isolated by a namespace", False, False
    if network:
        return "allowed by configuration (network=True)", not root, True
    if not use_netns:
        warnings.append("network namespace disabled by configuration")
        return "not isolated by a namespace", not root, True
    return "empty network namespace", not root, True


def establish(network: bool, disabled: frozenset[str], channels: tuple[int, ...],
              base: str) -> tuple[Confinement, IsolationReport]:
    """Isolate this worker and find what each job child can use; weaker fallbacks are reported.

    ``disabled`` names mechanisms (``MECHANISMS``) to leave out, to exercise the fallbacks;
    ``channels`` are the protocol fds (closed in the process left outside a PID namespace);
    ``base`` is where job directories are made (a size-limited tmpfs when possible)."""
    warnings: list[str] = []
    root = os.geteuid() == 0
    net, userns, private_mounts = _enter_namespaces(network, disabled, warnings)
    try:
        if not private_mounts:
            raise OSError(0, "no private mount namespace")
        mounts.mount_scratch(base, SandboxConfig.max_disk_mb)
        mounts.mount_scratch(SHARED_MEMORY, SandboxConfig.max_disk_mb, "1777")
        disk = True
    except OSError as exc:
        disk = False
        warnings.append(f"job directories are on the host's disk ({exc.strerror}): only the size of each "
                        f"file is limited, not their total; no private {SHARED_MEMORY} (multiprocessing fails)")
    abi = 0 if "landlock" in disabled else linux.landlock_abi()
    if abi:
        filesystem = f"Landlock ABI {abi}: writes only inside the job's working directory"
    else:
        filesystem = "file permissions only"
        warnings.append("Landlock unavailable or disabled: writes outside the working directory are limited "
                        "only by file permissions (world-writable places such as /tmp stay writable)")
    if not network and abi >= 4:
        net += " + Landlock TCP bind/connect denied"
    elif not network and net.startswith("not isolated"):
        warnings.append("no mechanism blocks network access")
    job_uid = UID_BASE + os.getpid() if root else None
    if root:
        user = f"unique uid {job_uid} (dropped from root)"
        try:
            if not private_mounts:
                raise OSError(0, "no private mount namespace")
            if covered := mounts.reveal(mounts.needed_paths()):
                user += f"; private directories covered, interpreter re-mounted: {', '.join(covered)}"
        except OSError as exc:
            job_uid = None
            user = "root (no uid drop)"
            warnings.append(f"cannot expose the interpreter to an unprivileged uid ({exc.strerror}): jobs run "
                            "as root without the uid drop")
    else:
        user = "own uid, capabilities dropped (user namespace)" if userns else "own uid"
        warnings.append("not running as root: jobs keep this user's uid and share its process limit")
    signals = "Landlock signal scope" if abi >= 6 else "uid separation" if job_uid is not None else "none"
    if signals == "none":
        warnings.append("sandboxed code may signal other processes of this user (no Landlock scope, no uid drop)")
    pidns = "pid_namespace" not in disabled and _become_namespace_init(channels)
    if pidns:
        tree = "PID namespace per worker; after each job kill(-1) from its init clears every leftover"
    else:
        linux.prctl(linux.PR_SET_CHILD_SUBREAPER, 1)
        tree = "process group + subreaper sweep of descendants" + (" + kill by uid" if root else "")
        warnings.append("PID namespaces unavailable or disabled: leftover processes are found through the "
                        "subreaper" + (" and the job's uid" if root else ""))
    plan = Confinement(job_uid=job_uid, drop_caps=userns, landlock_abi=abi, network=network,
                       pid_namespace=pidns, disk_limit=disk)
    if disk:
        filesystem += f"; job directories and a private {SHARED_MEMORY} on size-limited tmpfs (max_disk_mb)"
    report = IsolationReport(user=user, network=net, filesystem=filesystem,
                             process_tree=tree, signals=signals, warnings=tuple(warnings))
    return plan, report


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
    data = memoryview((text or "").encode())
    while data:
        data = data[os.write(fd, data):]
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


def _remove(path: str) -> None:
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
        _remove(workdir)
        if plan.disk_limit:
            for entry in os.scandir(SHARED_MEMORY):
                if entry.is_dir(follow_symlinks=False):
                    _remove(entry.path)
                else:
                    os.unlink(entry.path)


def _preload() -> None:
    for name in PRELOADED:
        with contextlib.suppress(ImportError):
            __import__(name)
    # Keep the preloaded objects out of the collector: a collection in a job child would
    # otherwise touch (and copy-on-write) every page that holds them.
    gc.collect()
    gc.freeze()


def main(argv: list[str]) -> None:
    """Worker entry point. Flags: ``--oneshot`` (no preloading, one job), ``--network``,
    ``--disable=name,...`` (mechanisms to leave out, see ``MECHANISMS``)."""
    channel_in = os.dup(0)
    channel_out = os.dup(1)
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(2, 1)
    os.close(devnull)
    oneshot = "--oneshot" in argv
    disabled = frozenset(name for arg in argv if arg.startswith("--disable=")
                         for name in arg.removeprefix("--disable=").split(",") if name)
    base = tempfile.mkdtemp(prefix="codesteer-sandbox-")
    os.chmod(base, 0o711)
    plan, report = establish("--network" in argv, disabled, (channel_in, channel_out), base)
    if not oneshot:
        _preload()
    try:
        protocol.send(channel_out, {"ready": asdict(report), "base": base, "job_uid": plan.job_uid})
        while True:
            try:
                job = protocol.recv(channel_in)
            except EOFError:
                return
            protocol.send(channel_out, {"result": run_job(job, plan, base)})
            if oneshot:
                return
    except BrokenPipeError:
        return
    finally:
        _remove(base)


if __name__ == "__main__":
    main(sys.argv[1:])
