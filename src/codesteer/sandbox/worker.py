"""The sandbox worker: a trusted pair of processes that runs each job in a fresh, confined process.

Started by the host with an empty environment (``python -I -c ...``), it isolates itself
(network, IPC and mount namespaces, a private view of the host's files), becomes the init of a
new PID namespace, and splits in two:

- the **zygote** imports the modules model code uses (pool mode) and then only forks: on each
  request of the supervisor, one pristine job process (``child.serve``). It never reads a job,
  so what it forks carries nothing of earlier jobs. It reaps every process and relays how each job
  process ended.
- the **supervisor** speaks the host's protocol and handles job data (``job.run_job``), but never
  forks. While a job runs, the next job process is already being prepared.

Where jobs have a uid of their own (``Confinement.prefork``), the zygote forks a second one that
also imports :data:`HEAVY` (sympy: 35 MB of objects, three times the rest) and serves only the
programs that name one of those modules. A fork and an exit cost in proportion to the memory a
process holds, so the other programs' job processes come from the lighter zygote, at about three
quarters of the CPU; a program that imports sympy without naming it still works (it imports it).
"""

from __future__ import annotations

import contextlib
import gc
import os
import select
import signal
import socket
import sys
import tempfile
from dataclasses import asdict
from typing import NoReturn

from codesteer.sandbox import child, linux, protocol
from codesteer.sandbox.cleanup import remove_tree
from codesteer.sandbox.isolation import establish
from codesteer.sandbox.job import JobProcessLost, Zygote, clear_keyrings, run_job
from codesteer.sandbox.memory import remove_parent
from codesteer.sandbox.types import IsolationReport

NAME_ZYGOTE, NAME_SUPERVISOR = "cs-zygote", "cs-supervisor"  # process names (comm)
NAME_HEAVY_ZYGOTE = "cs-zygote-big"
PRELOADED = ("math", "cmath", "itertools", "functools", "collections", "heapq", "bisect", "fractions",
             "decimal", "random", "re", "json", "string", "statistics", "copy", "numpy")
HEAVY = ("sympy",)


def wants_heavy(code: str) -> bool:
    """Whether a program names a module of :data:`HEAVY` (then its job process comes from the
    zygote that has them imported)."""
    return any(name in code for name in HEAVY)


def _preload(names: tuple[str, ...]) -> None:
    for name in names:
        with contextlib.suppress(ImportError):
            __import__(name)
    # Keep the preloaded objects out of the collector: a collection in a job process would
    # otherwise touch (and copy-on-write) every page that holds them.
    gc.collect()
    gc.freeze()


def _supervise(channels: tuple[int, int], zygote: Zygote, heavy: Zygote | None, plan: child.Confinement,
               report: IsolationReport, base: str, oneshot: bool) -> None:
    """The supervisor: answer the host's jobs one at a time, each in a fresh job process (from
    ``heavy`` for the programs that name its modules, when there is one)."""
    channel_in, channel_out = channels
    linux.prctl(linux.PR_SET_PDEATHSIG, signal.SIGKILL)  # die with the zygote
    linux.set_process_name(NAME_SUPERVISOR)
    clear_keyrings(plan)  # whatever an earlier worker with this uid may have left
    zygote.request()
    try:
        process = zygote.next_process()
    except JobProcessLost as exc:
        print(f"sandbox worker failed to start: {exc}", file=sys.stderr)
        return
    ready = {"ready": asdict(report), "base": base, "job_uid": plan.job_uid,
             "cgroup": plan.cgroups and plan.cgroups.parent}
    protocol.send(channel_out, ready)
    while True:
        try:
            job = protocol.recv(channel_in)
        except EOFError:
            return
        if heavy is not None and wants_heavy(job["code"]):
            heavy.request()  # on demand: the prepared light process waits for the next job
            protocol.send(channel_out, {"result": run_job(job, heavy.next_process(), heavy, plan, next_from=None)})
            continue
        protocol.send(channel_out, {"result": run_job(job, process, zygote, plan, next_from=zygote)})
        if oneshot:
            return
        process = zygote.next_process()


def _reaped() -> list[tuple[int, int, float]]:
    """Every child that has ended since the last call: (pid, wait status, CPU seconds)."""
    ended = []
    with contextlib.suppress(ChildProcessError):
        while True:
            pid, status, usage = os.wait4(-1, os.WNOHANG)
            if not pid:
                break
            ended.append((pid, status, usage.ru_utime + usage.ru_stime))
    return ended


def _zygote(supervisor: int, requests: int, statuses: int, announce: socket.socket,
            plan: child.Confinement, base: str, forked: set[int], name: str = NAME_ZYGOTE) -> None:
    """Fork a pristine job process per request byte; reap every child (the namespace's init reaps
    orphans too); relay job processes' ends. ``forked``: the job processes still alive. Returns
    when the supervisor is gone (or, for a zygote that is not its parent, has closed its requests)."""
    linux.set_process_name(name)
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    signal.set_wakeup_fd(wake_w)
    while True:
        readable = select.select([requests, wake_r], [], [])[0]
        if wake_r in readable:
            os.read(wake_r, 4096)
            for pid, status, cpu in _reaped():
                if pid == supervisor:
                    return
                if pid in forked:
                    forked.discard(pid)
                    protocol.send(statuses, {"pid": pid, "status": status, "cpu": cpu})
        if requests in readable:
            if not os.read(requests, 1):
                return
            pid = os.fork()
            if pid == 0:
                signal.set_wakeup_fd(-1)
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                for fd in (requests, statuses, wake_r, wake_w):
                    os.close(fd)
                child.serve(plan, base, announce)
            forked.add(pid)


def _shut_down(forked: set[int], plan: child.Confinement, base: str) -> None:
    """After the supervisor: end the job process still waiting for a job, remove what is ours."""
    for pid in [-1] * plan.pid_namespace + sorted(forked):  # -1: everything in our namespace
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError):
        while True:
            os.wait()
    if plan.cgroups is not None:
        remove_parent(plan.cgroups.parent)
    remove_tree(base)


def main(argv: list[str]) -> None:
    """Worker entry point. Flags: ``--oneshot`` (no preloading, one job), ``--network``,
    ``--disable=name,...`` (mechanisms to leave out, see ``MECHANISMS``)."""
    channel_in = os.dup(0)
    channel_out = os.dup(1)
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(2, 1)
    os.close(devnull)
    os.chdir("/")
    oneshot = "--oneshot" in argv
    disabled = frozenset(name for arg in argv if arg.startswith("--disable=")
                         for name in arg.removeprefix("--disable=").split(",") if name)
    base = tempfile.mkdtemp(prefix="codesteer-sandbox-")
    os.chmod(base, 0o711)
    plan, report = establish("--network" in argv, disabled, (channel_in, channel_out), base)
    light, light_ends = _channels()
    heavy, heavy_ends = _channels() if plan.prefork and not oneshot else (None, None)
    supervisor = os.fork()
    if supervisor == 0:
        _close(light_ends, heavy_ends)
        status = 0
        try:
            _supervise((channel_in, channel_out), light, heavy, plan, report, base, oneshot)
        except BrokenPipeError:  # the host is gone
            pass
        except BaseException as exc:  # reported; the host replaces this worker
            print(f"sandbox supervisor failed: {exc!r}", file=sys.stderr)
            status = 1
        os._exit(status)
    os.close(channel_in)
    os.close(channel_out)
    _close(light, heavy)
    if not oneshot:
        _preload(PRELOADED if heavy_ends else PRELOADED + HEAVY)
    if heavy_ends is not None and os.fork() == 0:
        _close(light_ends)
        _serve_heavy(heavy_ends, plan, base)
    _close(heavy_ends)
    forked: set[int] = set()
    try:
        _zygote(supervisor, *light_ends, plan, base, forked)
    except BrokenPipeError:
        pass
    finally:
        _shut_down(forked, plan, base)


ZygoteEnds = tuple[int, int, socket.socket]  # the zygote's ends: requests (read), statuses (write), announce


def _channels() -> tuple[Zygote, ZygoteEnds]:
    """The pipes between the supervisor and one zygote: the supervisor's handle, the zygote's ends."""
    requests_r, requests_w = os.pipe()
    statuses_r, statuses_w = os.pipe()
    announcements, announce = socket.socketpair()  # job processes -> supervisor
    return Zygote(requests_w, statuses_r, announcements), (requests_r, statuses_w, announce)


def _close(*sides: Zygote | ZygoteEnds | None) -> None:
    """Close one side of some zygotes' channels (in a process that is not that side)."""
    for side in sides:
        if isinstance(side, Zygote):
            os.close(side.requests)
            os.close(side.statuses)
            side.announcements.close()
        elif side is not None:
            os.close(side[0])
            os.close(side[1])
            side[2].close()


def _serve_heavy(ends: ZygoteEnds, plan: child.Confinement, base: str) -> NoReturn:
    """The heavy zygote: the light one's imports plus :data:`HEAVY`; forks job processes until
    the supervisor closes its requests, then ends them. Its job processes' leftovers are the
    init's to reap (orphans in a PID namespace go to its init)."""
    linux.set_process_name(NAME_HEAVY_ZYGOTE)
    _preload(HEAVY)
    forked: set[int] = set()
    with contextlib.suppress(BrokenPipeError):
        _zygote(0, *ends, plan, base, forked, NAME_HEAVY_ZYGOTE)
    for pid in forked:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    os._exit(0)


if __name__ == "__main__":
    main(sys.argv[1:])
