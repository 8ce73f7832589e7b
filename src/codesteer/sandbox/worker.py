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
import sys
import tempfile
from dataclasses import asdict

from codesteer.sandbox import protocol
from codesteer.sandbox.isolation import establish
from codesteer.sandbox.job import remove_tree, run_job

PRELOADED = ("math", "cmath", "itertools", "functools", "collections", "heapq", "bisect", "fractions",
             "decimal", "random", "re", "json", "string", "statistics", "copy", "numpy", "sympy")


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
        remove_tree(base)


if __name__ == "__main__":
    main(sys.argv[1:])
