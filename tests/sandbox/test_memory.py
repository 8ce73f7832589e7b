"""The per-job memory cgroups on a cgroup v2 hierarchy, on a fake tree (the machine's own
hierarchy is exercised by the hostile memory test): where the parent is made when our own cgroup
holds processes, which files limit a job, how its OOM kills are read, which parents left by dead
workers are removed (that one also on the machine's own hierarchy)."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from codesteer.sandbox import SandboxPool, memory

from .conftest import in_force


@pytest.fixture
def fake_v2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cgroup2 mount at ``tmp_path/cg`` where this process sits in ``/user.slice/session.scope``,
    whose parent delegates memory; the session's own subtree_control cannot be written (it holds
    processes), as on a real system."""
    mount = tmp_path / "cg"
    session = mount / "user.slice" / "session.scope"
    session.mkdir(parents=True)
    (mount / "user.slice" / "cgroup.subtree_control").write_text("cpu memory pids\n")
    (session / "cgroup.controllers").write_text("cpu memory pids\n")
    (session / "cgroup.subtree_control").write_text("\n")
    real_write = memory._write

    def write(directory: str, name: str, value: str) -> None:
        if Path(directory) == session and name == "cgroup.subtree_control":
            raise OSError(errno.EBUSY, "Device or resource busy")  # the session holds processes
        real_write(directory, name, value)

    monkeypatch.setattr(memory, "_write", write)
    (tmp_path / "cgroup").write_text("0::/user.slice/session.scope\n")
    (tmp_path / "mountinfo").write_text(f"30 23 0:26 / {mount} rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n")
    monkeypatch.setattr(memory, "CGROUP_FILE", str(tmp_path / "cgroup"))
    monkeypatch.setattr(memory, "MOUNTINFO_FILE", str(tmp_path / "mountinfo"))
    return mount


def test_v2_parent_is_made_beside_our_own_cgroup_and_limits_jobs(fake_v2: Path) -> None:
    cgroups = memory.create_job_cgroups("codesteer-sandbox-7")
    parent = fake_v2 / "user.slice" / "codesteer-sandbox-7"
    assert cgroups == memory.JobCgroups(str(parent), 2)
    assert (parent / "cgroup.subtree_control").read_text() == "+memory"
    job = parent / "job-42"
    job.mkdir()
    (job / "memory.swap.max").write_text("max\n")
    cgroups.limit(42, 300)
    assert (job / "memory.max").read_text() == str(300 * 1024 * 1024)
    assert (job / "memory.swap.max").read_text() == "0"
    (job / "memory.events").write_text("low 0\nhigh 0\nmax 12\noom 2\noom_kill 2\noom_group_kill 0\n")
    assert cgroups.oom_kills(42) == 2
    for name in ("memory.max", "memory.swap.max", "memory.events"):
        (job / name).unlink()
    cgroups.remove(42)
    (parent / "cgroup.subtree_control").unlink()
    memory.remove_parent(str(parent))
    assert not parent.exists()


def test_without_a_delegated_memory_controller_there_is_no_cgroup(fake_v2: Path) -> None:
    (fake_v2 / "user.slice" / "cgroup.subtree_control").write_text("cpu pids\n")
    with pytest.raises(OSError, match="not delegated"):
        memory.create_job_cgroups("codesteer-sandbox-7")


def _dead_pid() -> int:
    child = os.fork()
    if child == 0:  # pragma: no cover - the forked child
        os._exit(0)
    os.waitpid(child, 0)
    return child


def test_parents_of_workers_that_are_gone_are_removed_before_a_new_one_is_made(fake_v2: Path) -> None:
    """A worker killed with its host leaves its parent cgroup; the next worker made beside it
    removes it, and only where the worker's pid is gone."""
    home = fake_v2 / "user.slice"
    stale, live = home / memory.parent_name(_dead_pid()), home / memory.parent_name(os.getpid())
    (stale / "job-3").mkdir(parents=True)
    live.mkdir()
    (home / "other-service").mkdir()
    memory.create_job_cgroups(memory.parent_name(7))
    assert not stale.exists(), "the parent of a worker that is gone must be removed"
    assert live.exists() and (home / "other-service").exists() and (home / memory.parent_name(7)).exists()


@pytest.mark.skipif(os.geteuid() != 0, reason="making cgroups on the machine's own hierarchy needs root")
def test_a_new_pool_removes_the_cgroup_a_killed_worker_left() -> None:
    with SandboxPool(size=1) as first:
        (worker,) = first._live
        if not in_force(worker.cgroup is not None, "the per-job memory cgroup"):
            pytest.skip("documented fallback on this machine: no memory cgroup, nothing to leave behind")
        home = Path(worker.cgroup).parent
    stale = home / memory.parent_name(_dead_pid())
    (stale / "job-3").mkdir(parents=True)  # as a worker killed with its host (SIGKILL to both) leaves it
    with SandboxPool(size=1) as second:
        assert second.run_sync("print('ok')").stdout == "ok\n"
    assert not stale.exists()
