"""Limiting a job's memory as a whole: all its processes, its files on tmpfs, its shared memory.

Best: a memory cgroup per job under a per-worker parent (cgroup v2 ``memory.max``, or the v1
``memory.limit_in_bytes`` where the memory controller is on a v1 hierarchy), swap included; the
kernel then holds the job to ``memory_mb`` however many processes it starts, and counts the
processes it kills for it. Fallback, where no memory cgroup can be made: the supervisor adds up the
private memory of the job's processes while it runs and kills the job beyond the limit.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from dataclasses import dataclass

MIB = 1024 * 1024
POLL_S = 0.02  # how often the fallback adds up the job's memory
CGROUP_FILE, MOUNTINFO_FILE = "/proc/self/cgroup", "/proc/self/mountinfo"
PARENT_PREFIX = "codesteer-sandbox-"  # + the worker's pid: its parent cgroup


@dataclass(frozen=True)
class JobCgroups:
    """The per-worker parent cgroup; each job process makes and enters ``job-<pid>`` below it."""

    parent: str
    version: int  # 1 or 2

    def path(self, pid: int) -> str:
        return os.path.join(self.parent, f"job-{pid}")

    def enter(self) -> None:
        """Called by a job process (still privileged) for itself, before it runs anything."""
        path = self.path(os.getpid())
        os.mkdir(path)
        _write(path, "cgroup.procs", "0")

    def limit(self, pid: int, memory_mb: int) -> None:
        """Limit the job of job process ``pid`` to ``memory_mb``, swap included."""
        path, size = self.path(pid), str(memory_mb * MIB)
        if self.version == 2:
            _write(path, "memory.max", size)
            _write_if_present(path, "memory.swap.max", "0")
        else:  # the memory limit first: memsw may never be below it
            _write(path, "memory.limit_in_bytes", size)
            _write_if_present(path, "memory.memsw.limit_in_bytes", size)

    def oom_kills(self, pid: int) -> int:
        """How many processes of the job the kernel killed for exceeding its limit."""
        name = "memory.events" if self.version == 2 else "memory.oom_control"
        with open(os.path.join(self.path(pid), name)) as handle:
            fields = dict(line.split() for line in handle if line.strip())
        return int(fields.get("oom_kill", 0))

    def remove(self, pid: int) -> None:
        """Remove the cgroup of a finished job (its processes are gone); one that cannot be removed
        yet goes with the worker's parent (``remove_parent``)."""
        with contextlib.suppress(OSError):
            os.rmdir(self.path(pid))


def remove_parent(parent: str, wait_s: float = 5.0) -> None:
    """Remove a worker's parent cgroup and the job cgroups left in it, killing what they still
    hold (a killed worker's last processes may still be dying); gives up after ``wait_s``."""
    give_up = time.monotonic() + wait_s
    while True:
        with contextlib.suppress(OSError):
            for entry in os.scandir(parent):
                if entry.is_dir(follow_symlinks=False):
                    _empty_and_remove(entry.path)
            os.rmdir(parent)
        if not os.path.exists(parent) or time.monotonic() > give_up:
            return
        time.sleep(0.01)


def _empty_and_remove(path: str) -> None:
    try:
        os.rmdir(path)
    except OSError:
        with contextlib.suppress(OSError), open(os.path.join(path, "cgroup.procs")) as procs:
            for pid in procs.read().split():
                with contextlib.suppress(OSError):
                    os.kill(int(pid), signal.SIGKILL)


def _write(directory: str, name: str, value: str) -> None:
    with open(os.path.join(directory, name), "w") as handle:
        handle.write(value)


def _write_if_present(directory: str, name: str, value: str) -> None:
    if os.path.exists(os.path.join(directory, name)):
        _write(directory, name, value)


def _mounts(fstype: str) -> list[tuple[str, str, set[str]]]:
    """(root within the filesystem, mount point, super options) of each mount of ``fstype``."""
    found = []
    with open(MOUNTINFO_FILE) as handle:
        for line in handle:
            before, after = line.split(" - ", 1)
            fields, (kind, _source, options) = before.split(), after.split()[:3]
            if kind == fstype:
                found.append((fields[3], fields[4], set(options.split(","))))
    return found


def _own_directory(fstype: str, controller: str | None) -> str | None:
    """This process's cgroup directory on the mounted hierarchy of ``fstype`` (with
    ``controller`` for v1), from ``/proc/self/cgroup``."""
    with open(CGROUP_FILE) as handle:
        entries = [line.rstrip("\n").split(":", 2) for line in handle]
    for hierarchy, controllers, path in entries:
        wanted = controller in controllers.split(",") if controller else hierarchy == "0"
        if not wanted:
            continue
        for root, mount_point, options in _mounts(fstype):
            if (controller is None or controller in options) and (path + "/").startswith(root.rstrip("/") + "/"):
                return os.path.join(mount_point, path[len(root.rstrip("/")):].lstrip("/"))
    return None


def _controllers(directory: str, name: str) -> set[str]:
    with open(os.path.join(directory, name)) as handle:
        return set(handle.read().split())


def _v2_parent_home(own: str) -> str:
    """Where a v2 cgroup with the memory controller can be made: below our own cgroup if it
    already hands memory to its children (or can be made to), else beside it."""
    if "memory" in _controllers(own, "cgroup.subtree_control"):
        return own
    with contextlib.suppress(OSError):
        _write(own, "cgroup.subtree_control", "+memory")  # only where no process sits in ``own``
        return own
    above = os.path.dirname(own)
    if "memory" in _controllers(above, "cgroup.subtree_control"):
        return above
    raise OSError(0, "the memory controller is not delegated to this cgroup or its parent")


def parent_name(worker_pid: int) -> str:
    """The name of the parent cgroup of the worker with (host) pid ``worker_pid``."""
    return f"{PARENT_PREFIX}{worker_pid}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        pass
    return True


def remove_stale_parents(home: str) -> None:
    """Remove the parent cgroups in ``home`` whose worker is gone: a worker killed together with
    its host (a killed process group, a container stopped with SIGKILL) leaves its parent behind,
    with no one left to remove it. A parent whose pid lives, whoever holds that pid now, is kept."""
    with contextlib.suppress(OSError), os.scandir(home) as entries:
        for entry in entries:
            pid = entry.name.removeprefix(PARENT_PREFIX)
            if entry.name.startswith(PARENT_PREFIX) and pid.isdigit() and not _alive(int(pid)):
                remove_parent(entry.path, wait_s=0.5)


def create_job_cgroups(name: str) -> JobCgroups:
    """Make the per-worker parent cgroup ``name`` (after removing stale ones beside it); raises
    ``OSError`` where that is impossible."""
    v1 = _own_directory("cgroup", "memory")
    if v1 is not None:
        remove_stale_parents(v1)
        parent = os.path.join(v1, name)
        os.mkdir(parent)
        return JobCgroups(parent, 1)
    own = _own_directory("cgroup2", None)
    if own is None or "memory" not in _controllers(own, "cgroup.controllers"):
        raise OSError(0, "no memory cgroup controller")
    home = _v2_parent_home(own)
    remove_stale_parents(home)
    parent = os.path.join(home, name)
    os.mkdir(parent)
    try:
        _write(parent, "cgroup.subtree_control", "+memory")
    except OSError:
        os.rmdir(parent)
        raise
    return JobCgroups(parent, 2)


def private_mb(pids: list[int]) -> float:
    """The memory the processes ``pids`` use on their own (private pages and swap, not what they
    share with the preloaded worker): the fallback's measure of a job."""
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError), open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                if line.startswith(("Private_Clean:", "Private_Dirty:", "Swap:")):
                    total += int(line.split()[1])
    return total / 1024
