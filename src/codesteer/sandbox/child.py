"""Inside the forked job process: confine it, then run the model-written program as ``__main__``.

Everything here runs in a child of a sandbox worker, never in the host. ``confine_and_run``
does not return: the process ends with the program's exit status (125 if confinement failed,
so that unconfined code never runs).
"""

from __future__ import annotations

import builtins
import contextlib
import math
import os
import resource
import sys
import tempfile
import traceback
import types
from dataclasses import dataclass

from codesteer.sandbox import linux
from codesteer.sandbox.types import SandboxConfig

SETUP_FAILED = 125
NOTE_FD = 3
MEMORY_NOTE = b"M"
SAFE_PATH = "/usr/local/bin:/usr/bin:/bin"
SHARED_MEMORY = "/dev/shm"  # private to each worker (a tmpfs) when mounts are private
THREAD_ENV = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


@dataclass(frozen=True)
class Confinement:
    """What the worker found usable on this machine; applied to every job child."""

    job_uid: int | None  # unique unprivileged uid to switch to (only when the worker is root)
    drop_caps: bool  # inside an unprivileged user namespace: clear the capabilities it granted
    landlock_abi: int  # 0: unavailable
    network: bool  # the job may use the network (no Landlock TCP rules)
    pid_namespace: bool  # the worker is the init of a PID namespace (used by the worker)
    disk_limit: bool  # job directories and a private /dev/shm live on size-limited tmpfs


def job_environment(workdir: str) -> dict[str, str]:
    """The whole environment a program sees: nothing is inherited from the host."""
    return {"PATH": SAFE_PATH, "HOME": workdir, "TMPDIR": workdir, "LANG": "C.UTF-8",
            "PYTHONIOENCODING": "utf-8", **THREAD_ENV}


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
        writable = [workdir, SHARED_MEMORY] if plan.disk_limit else [workdir]
        linux.landlock_confine(plan.landlock_abi, writable, ["/dev/null"], deny_tcp=not plan.network)
    _set_limits(config)
    if plan.job_uid is not None:
        os.setgroups([])
        os.setresgid(plan.job_uid, plan.job_uid, plan.job_uid)
        os.setresuid(plan.job_uid, plan.job_uid, plan.job_uid)
    elif plan.drop_caps:
        linux.drop_capabilities()
    # Die with the worker (set after the uid change, which clears it).
    linux.prctl(linux.PR_SET_PDEATHSIG, 9)
    os.environ.clear()
    os.environ.update(job_environment(workdir))
    tempfile.tempdir = None  # the worker's cached choice (/tmp) would bypass TMPDIR


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


def confine_and_run(source: str, config: SandboxConfig, plan: Confinement, workdir: str,
                    fds: tuple[int, int, int, int]) -> None:
    """Confine this process, run ``source`` and ``_exit`` with its status. ``fds``: stdin,
    stdout, stderr and the note pipe the worker reads to tell a memory error apart."""
    try:
        _confine(config, plan, workdir, fds)
    except BaseException as exc:
        os.write(2, f"sandbox setup failed: {exc!r}\n".encode())
        os._exit(SETUP_FAILED)
    os._exit(_run_program("main.py", source))
