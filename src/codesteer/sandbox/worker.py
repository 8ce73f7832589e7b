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

Where jobs have a uid of their own (``Confinement.prefork``), there is a zygote per tier of
:data:`TIERS`, each forked from the one before once it has imported that tier's modules (numpy:
9 MB of objects, then sympy: 35 MB, against 5 MB for the standard library), and a program's job
process comes from the lightest zygote that has every tiered module it names. A fork and an exit
cost in proportion to the memory a process holds, so a program that needs neither costs about
half the CPU it would cost forked from one zygote holding everything. A program that imports a
module without naming it still works (it imports it). Elsewhere one zygote imports everything.
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
PRELOADED = ("math", "cmath", "itertools", "functools", "collections", "heapq", "bisect", "fractions",
             "decimal", "random", "re", "json", "string", "statistics", "copy")
#: Modules imported by further zygotes, each tier on top of those before it.
TIERS = (("numpy",), ("sympy",))
#: The process name of each tier's zygote (tier 0: :data:`PRELOADED` only).
ZYGOTE_NAMES = (NAME_ZYGOTE, *(f"{NAME_ZYGOTE}-{tier}" for tier in range(1, len(TIERS) + 1)))


def tier_of(code: str) -> int:
    """The tier whose zygote forks a program's job process: the last one of :data:`TIERS` with a
    module the program's text names, 0 when it names none."""
    return max((tier for tier, names in enumerate(TIERS, 1) if any(name in code for name in names)), default=0)


def _preload(names: tuple[str, ...]) -> None:
    for name in names:
        with contextlib.suppress(ImportError):
            __import__(name)
    # Keep the preloaded objects out of the collector: a collection in a job process would
    # otherwise touch (and copy-on-write) every page that holds them.
    gc.collect()
    gc.freeze()


def _supervise(channels: tuple[int, int], zygotes: list[Zygote], plan: child.Confinement,
               report: IsolationReport, base: str, oneshot: bool) -> None:
    """The supervisor: answer the host's jobs one at a time, each in a fresh job process from the
    zygote of its tier (one process prepared ahead per zygote)."""
    channel_in, channel_out = channels
    linux.prctl(linux.PR_SET_PDEATHSIG, signal.SIGKILL)  # die with the zygote
    linux.set_process_name(NAME_SUPERVISOR)
    clear_keyrings(plan)  # whatever an earlier worker with this uid may have left
    for zygote in zygotes:
        zygote.request()
    try:
        prepared = [zygote.next_process() for zygote in zygotes]
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
        tier = tier_of(job["code"]) if len(zygotes) > 1 else 0
        protocol.send(channel_out, {"result": run_job(job, prepared[tier], zygotes[tier], plan)})
        if oneshot:
            return
        prepared[tier] = zygotes[tier].next_process()


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


def _zygote(supervisor: int | None, requests: int, statuses: int, announce: socket.socket,
            plan: child.Confinement, base: str, forked: set[int], name: str = NAME_ZYGOTE) -> None:
    """Fork a pristine job process per request byte; reap every child (the namespace's init reaps
    orphans too); relay job processes' ends. ``forked``: the job processes still alive. Returns
    when the supervisor (``None``: not this zygote's child) is gone or has closed its requests."""
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
    tiers = 1 + len(TIERS) if plan.prefork and not oneshot else 1
    channels = [_channels() for _ in range(tiers)]
    zygotes, ends = [zygote for zygote, _ in channels], [end for _, end in channels]
    supervisor = os.fork()
    if supervisor == 0:
        _close(*ends)
        status = 0
        try:
            _supervise((channel_in, channel_out), zygotes, plan, report, base, oneshot)
        except BrokenPipeError:  # the host is gone
            pass
        except BaseException as exc:  # reported; the host replaces this worker
            print(f"sandbox supervisor failed: {exc!r}", file=sys.stderr)
            status = 1
        os._exit(status)
    os.close(channel_in)
    os.close(channel_out)
    _close(*zygotes)
    if plan.per_job_namespaces:  # every job's directory is the same: its environment is set once
        child.set_job_environment(child.job_directory(base))
    if not oneshot:
        _preload(PRELOADED if tiers > 1 else PRELOADED + sum(TIERS, ()))
    tier = 0
    while tier + 1 < tiers and os.fork() == 0:  # the child becomes the next tier's zygote
        tier += 1
        linux.set_process_name(ZYGOTE_NAMES[tier])
        _preload(TIERS[tier - 1])
    _close(*(end for other, end in enumerate(ends) if other != tier))
    if tier:
        _serve_tier(ends[tier], plan, base, ZYGOTE_NAMES[tier])
    forked: set[int] = set()
    try:
        _zygote(supervisor, *ends[0], plan, base, forked)
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


def _close(*sides: Zygote | ZygoteEnds) -> None:
    """Close one side of some zygotes' channels (in a process that is not that side)."""
    for side in sides:
        if isinstance(side, Zygote):
            os.close(side.requests)
            os.close(side.statuses)
            side.announcements.close()
        else:
            os.close(side[0])
            os.close(side[1])
            side[2].close()


def _serve_tier(ends: ZygoteEnds, plan: child.Confinement, base: str, name: str) -> NoReturn:
    """A further tier's zygote: forks job processes until the supervisor closes its requests, then
    ends them. Leftovers of its jobs are the init's to reap (orphans in a PID namespace go to it)."""
    forked: set[int] = set()
    with contextlib.suppress(BrokenPipeError):
        _zygote(None, *ends, plan, base, forked, name)
    for pid in forked:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    os._exit(0)


if __name__ == "__main__":
    main(sys.argv[1:])
