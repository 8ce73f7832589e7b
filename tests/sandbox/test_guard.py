"""The host guard itself must notice what it is meant to catch (else every test could pass vacuously)."""

from __future__ import annotations

import os
import signal
import subprocess
import time

import pytest

from codesteer.sandbox.isolation import UID_BASE

from .conftest import stray_processes


def test_guard_sees_a_leftover_child_process() -> None:
    leftover = subprocess.Popen(["sleep", "30"])
    try:
        assert any(entry.startswith(f"{leftover.pid} ") for entry in stray_processes())
    finally:
        leftover.kill()
        leftover.wait()
    assert not any(entry.startswith(f"{leftover.pid} ") for entry in stray_processes())


@pytest.mark.skipif(os.geteuid() != 0, reason="job uids exist only when running as root")
def test_guard_sees_a_process_under_a_job_uid_anywhere() -> None:
    ready_r, ready_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the forked child
        os.setsid()
        os.setresuid(UID_BASE + 1, UID_BASE + 1, UID_BASE + 1)
        os.write(ready_w, b"1")
        time.sleep(30)
        os._exit(0)
    os.close(ready_w)
    try:
        assert os.read(ready_r, 1) == b"1"
        assert any(f"uid={UID_BASE + 1}" in entry for entry in stray_processes())
    finally:
        os.close(ready_r)
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
