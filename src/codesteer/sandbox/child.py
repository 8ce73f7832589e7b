"""Inside a job process: prepared pristine, then given one job, confined, and running it as ``__main__``.

The zygote forks a job process before any job is known; it isolates itself for one job (its own
mount and IPC namespaces, a fresh tmpfs for its directory and ``/dev/shm``, its own memory cgroup)
and tells the supervisor it is ready. Only then does it receive a job, confine itself and run the
program, so it holds the data of that one job and nothing else. Everything here runs in a child of
a sandbox worker, never in the host. ``serve`` does not return: the process ends with the
program's exit status (125 if preparation or confinement failed, so that unconfined code never
runs).
"""

from __future__ import annotations

import builtins
import contextlib
import json
import math
import os
import resource
import signal
import socket
import sys
import tempfile
import traceback
import types
from dataclasses import dataclass
from typing import NoReturn

from codesteer.sandbox import linux, mounts, protocol
from codesteer.sandbox.memory import JobCgroups
from codesteer.sandbox.types import SandboxConfig

SETUP_FAILED = 125
NOTE_FD = 3
MEMORY_NOTE = b"M"
SAFE_PATH = "/usr/local/bin:/usr/bin:/bin"
SHARED_MEMORY = "/dev/shm"  # private to each job (a tmpfs) when it has its own mount namespace
THREAD_ENV = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
HANDED_FDS = 4  # passed to the supervisor: its job pipe (write end), stdout, stderr, note (read ends)
NAME_READY, NAME_RUNNING = "cs-job-ready", "cs-job"  # process names (comm) before and after taking a job


@dataclass(frozen=True)
class Confinement:
    """What the worker found usable on this machine; applied to every job process."""

    job_uid: int | None  # unique unprivileged uid to switch to (only when the worker is root)
    drop_caps: bool  # inside an unprivileged user namespace: clear the capabilities it granted
    landlock_abi: int  # 0: unavailable
    network: bool  # the job may use the network (no Landlock TCP rules)
    pid_namespace: bool  # the worker is the init of a PID namespace
    per_job_namespaces: bool  # each job gets mount + IPC namespaces, tmpfs job directory and /dev/shm
    job_filter: bool  # a seccomp filter refuses keyring calls and io_uring (``linux.install_job_filter``)
    unix_socket_filter: bool  # that filter also refuses socket(AF_UNIX) (Landlock cannot restrict them here)
    session_keyring: bool  # each job joins a fresh anonymous session keyring (where keyring calls are allowed)
    clear_user_keyrings: bool  # the job uid's own keyrings are emptied: at the start, and around every job without the filter
    cgroups: JobCgroups | None  # a memory cgroup per job; None: the supervisor polls memory use

    @property
    def prefork(self) -> bool:
        """Whether the next job process may be prepared while a job runs: the job's leftovers
        are then killed by its uid, which spares the (privileged) process in preparation."""
        return self.pid_namespace and self.job_uid is not None


def job_environment(workdir: str) -> dict[str, str]:
    """The whole environment a program sees: nothing is inherited from the host."""
    return {"PATH": SAFE_PATH, "HOME": workdir, "TMPDIR": workdir, "LANG": "C.UTF-8",
            "PYTHONIOENCODING": "utf-8", **THREAD_ENV}


def set_job_environment(workdir: str) -> None:
    """Make this process's environment exactly a program's (``job_environment``)."""
    os.environ.clear()
    os.environ.update(job_environment(workdir))
    tempfile.tempdir = None  # the worker's cached choice (/tmp) would bypass TMPDIR


def job_directory(base: str) -> str:
    """The directory every job of a worker works in where each job has a tmpfs of its own on
    ``base`` (``Confinement.per_job_namespaces``): its zygotes hold that job environment already."""
    return os.path.join(base, "job")


def _set_limits(config: SandboxConfig) -> None:
    cpu = max(1, math.ceil(config.timeout_s))
    mib = 1024 * 1024
    for limit, value in (
        (resource.RLIMIT_CPU, (cpu, cpu + 1)),
        (resource.RLIMIT_AS, (config.memory_mb * mib,) * 2),
        (resource.RLIMIT_NPROC, (config.max_processes,) * 2),
        (resource.RLIMIT_NOFILE, (config.max_open_files,) * 2),
        (resource.RLIMIT_FSIZE, (config.max_file_size_mb * mib,) * 2),
        (resource.RLIMIT_CORE, (0, 0)),
    ):
        resource.setrlimit(limit, value)


def _confine(config: SandboxConfig, plan: Confinement, workdir: str, fds: tuple[int, int, int, int]) -> None:
    os.setsid()
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
    os.closerange(NOTE_FD + 1, 1 << 16)
    os.chdir(workdir)
    linux.prctl(linux.PR_SET_NO_NEW_PRIVS, 1)
    if plan.landlock_abi:
        writable = [workdir, SHARED_MEMORY] if plan.per_job_namespaces else [workdir]
        linux.landlock_confine(plan.landlock_abi, writable, ["/dev/null"], deny_tcp=not plan.network)
    if plan.job_filter:
        linux.install_job_filter(plan.unix_socket_filter)
    _set_limits(config)
    if plan.job_uid is not None:
        os.setgroups([])
        os.setresgid(plan.job_uid, plan.job_uid, plan.job_uid)
        os.setresuid(plan.job_uid, plan.job_uid, plan.job_uid)
    elif plan.drop_caps:
        linux.drop_capabilities()
    # Die with the worker (set after the uid change, which clears it).
    linux.prctl(linux.PR_SET_PDEATHSIG, 9)
    if not plan.per_job_namespaces:  # else inherited from the zygote (``job_directory``)
        set_job_environment(workdir)


def _exit_status(exc: SystemExit) -> int:
    if exc.code is None:
        return 0
    if isinstance(exc.code, int):
        return exc.code & 0xFF
    print(exc.code, file=sys.stderr)
    return 1


def _run_program(path: str, source: str) -> int:
    sys.stdin = sys.__stdin__ = open(0, encoding="utf-8", errors="replace", closefd=False)  # noqa: SIM115
    sys.stdout = sys.__stdout__ = open(1, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
    sys.stderr = sys.__stderr__ = open(  # noqa: SIM115
        2, "w", encoding="utf-8", errors="backslashreplace", buffering=1, closefd=False)
    sys.argv = [path]
    sys.path.insert(0, os.getcwd())
    main = types.ModuleType("__main__")
    main.__dict__.update(__file__=path, __builtins__=builtins)
    sys.modules["__main__"] = main
    try:
        exec(compile(source, path, "exec"), main.__dict__)
        status = 0
    except SystemExit as exc:
        status = _exit_status(exc)
    except BaseException as exc:
        if isinstance(exc, MemoryError):
            os.write(NOTE_FD, MEMORY_NOTE)
        # Start the traceback at the program's own frames, as ``python main.py`` would.
        traceback.print_exception(type(exc), exc, exc.__traceback__ and exc.__traceback__.tb_next)
        status = 1
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):  # a closed or broken stream must not change the status
            stream.flush()
    return status


def _prepare(plan: Confinement, base: str) -> tuple[str, list[int], list[int]]:
    """Isolate this (pristine) process for one job. Returns its working directory, the fds it
    keeps (job pipe's read end; stdout, stderr and note pipes' write ends) and those it hands to
    the supervisor (the other ends)."""
    linux.prctl(linux.PR_SET_PDEATHSIG, signal.SIGKILL)  # die with the zygote
    linux.set_process_name(NAME_READY)
    if plan.per_job_namespaces:  # a fresh tmpfs of its own: one fixed name serves every job
        linux.unshare(linux.CLONE_NEWNS | linux.CLONE_NEWIPC)
        mounts.mount_scratch(base, SandboxConfig.max_disk_mb)
        mounts.mount_scratch(SHARED_MEMORY, SandboxConfig.max_disk_mb, "1777")
        workdir = job_directory(base)
        os.mkdir(workdir, 0o700)
    else:
        workdir = tempfile.mkdtemp(prefix="job-", dir=base)
    if plan.cgroups is not None:
        plan.cgroups.enter()
    if plan.session_keyring:  # fresh and empty; owned by root, so the job uid owns no key unless it makes one
        linux.join_new_session_keyring()
    (job_r, job_w), *outputs = (os.pipe() for _ in range(HANDED_FDS))
    return workdir, [job_r] + [w for _, w in outputs], [job_w] + [r for r, _ in outputs]


def _start(job: dict, plan: Confinement, base: str, workdir: str) -> tuple[str, SandboxConfig, int]:
    """Put the job's program and stdin in place; returns the source, the limits and a stdin fd."""
    config = SandboxConfig(**job["config"])
    if plan.per_job_namespaces and config.max_disk_mb != SandboxConfig.max_disk_mb:  # else as prepared
        mounts.mount_scratch(base, config.max_disk_mb, resize=True)
        mounts.mount_scratch(SHARED_MEMORY, config.max_disk_mb, "1777", resize=True)
    main_path = os.path.join(workdir, "main.py")
    with open(main_path, "w", encoding="utf-8") as handle:
        handle.write(job["code"])
    if plan.job_uid is not None:
        for path in (workdir, main_path):
            os.chown(path, plan.job_uid, plan.job_uid)
    stdin = os.memfd_create("stdin")
    protocol.write_all(stdin, (job.get("stdin") or "").encode())
    os.lseek(stdin, 0, os.SEEK_SET)
    return job["code"], config, stdin


def serve(plan: Confinement, base: str, announce: socket.socket) -> NoReturn:
    """The life of a job process: prepare, announce itself to the supervisor on ``announce``
    (with the ends of its own pipes), receive one job on its job pipe, confine itself and run it;
    ``_exit`` with its status."""
    try:
        workdir, (job_r, out_w, err_w, note_w), handed = _prepare(plan, base)
        usage = resource.getrusage(resource.RUSAGE_SELF)  # not the job's: the supervisor subtracts it
        hello = {"pid": os.getpid(), "workdir": workdir, "cpu": usage.ru_utime + usage.ru_stime}
        try:
            socket.send_fds(announce, [json.dumps(hello).encode()], handed)
        except (BrokenPipeError, ConnectionResetError):  # the supervisor is gone: the worker is shutting down
            os._exit(0)
        announce.close()
        for fd in handed:
            os.close(fd)
        try:
            job = protocol.recv(job_r)
        except EOFError:  # the worker is shutting down
            os._exit(0)
        linux.set_process_name(NAME_RUNNING)
        source, config, stdin = _start(job, plan, base, workdir)
        del job
        _confine(config, plan, workdir, (stdin, out_w, err_w, note_w))
    except BaseException as exc:
        os.write(2, f"sandbox setup failed: {exc!r}\n".encode())
        os._exit(SETUP_FAILED)
    os._exit(_run_program("main.py", source))
