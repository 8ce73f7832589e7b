"""The weaker mechanisms the sandbox falls back to, exercised by disabling the strong ones:
each fallback must still contain the program, and every weakening must be reported and logged."""

from __future__ import annotations

import logging
import os

import pytest

from codesteer.sandbox import SandboxPool
from codesteer.sandbox import pool as pool_module

from .conftest import DAEMON, Host, memory_holders


@pytest.fixture
def fresh_warnings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pool_module, "_warned", set())


def test_without_pid_namespaces_daemons_and_fork_bombs_are_still_killed(
        fresh_warnings: None, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="codesteer.sandbox"), \
            SandboxPool(size=1, mode="oneshot", disable=["pid_namespace"]) as weak:
        report = weak.isolation
        daemon = weak.run_sync(DAEMON)
        bomb = weak.run_sync("import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n",
                             timeout_s=1.5, max_processes=32)
    assert "subreaper" in report.process_tree
    assert any("PID namespaces" in warning for warning in report.warnings)
    assert any("PID namespaces" in record.getMessage() for record in caplog.records)
    assert daemon.stdout == "parent done\n" and daemon.ok
    assert bomb.outcome in {"timed_out", "killed"}
    # the host guard asserts that neither the daemon nor a fork survived


def test_without_landlock_file_permissions_still_protect_the_host(fresh_warnings: None, host: Host,
                                                                  caplog: pytest.LogCaptureFixture) -> None:
    code = (
        "import os\n"
        f"for action in (lambda: open({str(host.sentinel_dir / 'new.txt')!r}, 'w'),\n"
        f"               lambda: os.remove({str(host.sentinel)!r}), lambda: os.kill({os.getpid()}, 9)):\n"
        "    try:\n"
        "        action()\n"
        "        print('DONE')\n"
        "    except OSError as exc:\n"
        "        print('refused', type(exc).__name__)\n"
    )
    with caplog.at_level(logging.WARNING, logger="codesteer.sandbox"), \
            SandboxPool(size=1, mode="oneshot", disable=["landlock"]) as weak:
        report = weak.isolation
        result = weak.run_sync(code)
    assert report.filesystem.startswith("file permissions only")
    assert any("Landlock" in record.getMessage() for record in caplog.records)
    assert result.stdout.count("refused") == 3 and "DONE" not in result.stdout, result


def test_without_a_network_namespace_landlock_still_refuses_tcp(host: Host) -> None:
    code = (
        "import socket\n"
        "try:\n"
        f"    socket.create_connection(('127.0.0.1', {host.listener.tcp_port}), timeout=1)\n"
        "    print('CONNECTED')\n"
        "except OSError as exc:\n"
        "    print('refused', type(exc).__name__)\n"
    )
    with SandboxPool(size=1, mode="oneshot", disable=["network_namespace"]) as weak:
        report = weak.isolation
        result = weak.run_sync(code)
    assert report.network.startswith("not isolated by a namespace") and "Landlock TCP" in report.network
    assert result.stdout.startswith("refused"), result


def test_without_a_memory_cgroup_the_job_is_still_limited_as_a_whole(fresh_warnings: None) -> None:
    with SandboxPool(size=1, mode="oneshot", disable=["memory_cgroup"]) as weak:
        report = weak.isolation
        result = weak.run_sync(memory_holders(4, 120, hold_forever=True), memory_mb=400, timeout_s=60)
    assert report.memory.startswith("private memory of the job's processes added up")
    assert any("no memory cgroup" in warning for warning in report.warnings)
    assert result.outcome == "memory_exceeded", result


def test_with_everything_disabled_the_weakening_is_reported(fresh_warnings: None) -> None:
    disable = ["pid_namespace", "landlock", "network_namespace", "seccomp", "memory_cgroup"]
    with SandboxPool(size=1, mode="oneshot", disable=disable) as weak:
        report = weak.isolation
        daemon = weak.run_sync(DAEMON)
    assert any("no mechanism blocks network access" in warning for warning in report.warnings)
    assert any("Unix sockets" in warning for warning in report.warnings) and report.unix_sockets == "not blocked"
    assert len(report.warnings) >= 6
    assert daemon.stdout == "parent done\n"
