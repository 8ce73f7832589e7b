"""Finding processes in ``/proc``: those of a uid, and the descendants of a process.

Used after every job (are the job's processes gone?) and when a worker is killed (its job uid's
leftovers), so each process costs one read of one file.
"""

from __future__ import annotations

import contextlib
import os


def _read(path: str) -> bytes:
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        return os.read(fd, 8192)
    finally:
        os.close(fd)


def _pids() -> list[int]:
    return [int(entry) for entry in os.listdir("/proc") if entry.isdigit()]


def real_uid(pid: int) -> int | None:
    """The real uid of process ``pid`` (None: it is gone)."""
    try:
        status = _read(f"/proc/{pid}/status")
        return int(status[status.index(b"\nUid:") + 5:].split(None, 1)[0])
    except (OSError, ValueError):
        return None


def processes_of(uid: int) -> list[int]:
    """Every process whose real uid is ``uid`` (zombies included: they are gone once reaped)."""
    return [pid for pid in _pids() if real_uid(pid) == uid]


def descendants(root: int) -> list[int]:
    """Every process below ``root`` in the process tree."""
    children: dict[int, list[int]] = {}
    for pid in _pids():
        with contextlib.suppress(OSError, ValueError, IndexError):
            children.setdefault(int(_read(f"/proc/{pid}/stat").rsplit(b")", 1)[1].split()[1]), []).append(pid)
    found, frontier = [], [root]
    while frontier:
        frontier = [child for parent in frontier for child in children.get(parent, [])]
        found.extend(frontier)
    return found
