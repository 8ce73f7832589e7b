"""Hostile programs, each through the warm pool and one-shot mode; the autouse ``host`` guard
(conftest) then checks that the host is unharmed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from codesteer.sandbox import SandboxPool

from .conftest import Host


def test_infinite_loop_times_out(runner: SandboxPool) -> None:
    result = runner.run_sync("while True:\n    pass\n", timeout_s=1)
    assert result.outcome == "timed_out" and result.timed_out
    assert 0.9 <= result.wall_s < 4


def test_sleeping_program_times_out_on_wall_clock(runner: SandboxPool) -> None:
    result = runner.run_sync("import time\nprint('before', flush=True)\ntime.sleep(60)\n", timeout_s=1)
    assert result.outcome == "timed_out"
    assert result.stdout == "before\n"
    assert result.cpu_s < 0.9


def test_fork_bomb_is_contained(runner: SandboxPool) -> None:
    code = (
        "import os\n"
        "while True:\n"
        "    try:\n"
        "        os.fork()\n"
        "    except OSError:\n"
        "        pass\n"
    )
    result = runner.run_sync(code, timeout_s=1.5, max_processes=32)
    assert result.outcome in {"timed_out", "killed"}
    # the guard asserts that not one of the forked copies survived


def test_fork_bomb_hits_the_process_limit(runner: SandboxPool) -> None:
    code = (
        "import os, time\n"
        "made = 0\n"
        "try:\n"
        "    for _ in range(1000):\n"
        "        if os.fork() == 0:\n"
        "            time.sleep(30)\n"
        "            os._exit(0)\n"
        "        made += 1\n"
        "except OSError as exc:\n"
        "    print('refused after', made, type(exc).__name__)\n"
    )
    result = runner.run_sync(code, timeout_s=3, max_processes=16)
    assert result.outcome == "ok", result.stderr
    made = int(result.stdout.split()[2])
    assert made < 16


@pytest.mark.parametrize("code", [
    "x = bytearray(8 * 1024 ** 3)\n",
    "chunks = []\nwhile True:\n    chunks.append(bytearray(10 ** 7))\n",
    "import numpy as np\nnp.ones((40000, 40000))\n",
])
def test_memory_bomb_is_reported(runner: SandboxPool, code: str) -> None:
    result = runner.run_sync(code, memory_mb=400)
    assert result.outcome == "memory_exceeded" and result.memory_exceeded, result
    assert "MemoryError" in result.stderr


def test_huge_output_is_truncated_with_a_marker(runner: SandboxPool) -> None:
    code = "import sys\nfor _ in range(50_000):\n    sys.stdout.write('x' * 1000)\n    sys.stderr.write('e' * 100)\n"
    result = runner.run_sync(code, max_output_bytes=10_000)
    assert result.outcome == "ok"
    assert result.stdout_truncated and result.stderr_truncated
    assert result.stdout.startswith("x" * 10_000)
    assert "output truncated: 50000000 bytes" in result.stdout
    assert len(result.stdout) < 10_200 and len(result.stderr) < 10_200


def test_writing_outside_the_working_directory_fails(runner: SandboxPool, host: Host) -> None:
    escape = Path("/tmp") / f"codesteer-escape-{os.getpid()}"
    code = (
        "import os\n"
        f"for path in [{str(host.sentinel_dir / 'new.txt')!r}, {str(escape)!r}, '/root/escape.txt',\n"
        "             os.path.join(os.path.dirname(os.getcwd()), 'sibling.txt')]:\n"
        "    try:\n"
        "        open(path, 'w').write('pwned')\n"
        "        print('WROTE', path)\n"
        "    except OSError as exc:\n"
        "        print('refused', path, type(exc).__name__)\n"
        "open('inside.txt', 'w').write('fine')\n"
        "print('cwd', os.getcwd(), open('inside.txt').read())\n"
    )
    result = runner.run_sync(code)
    assert result.outcome == "ok", result.stderr
    if runner.isolation.filesystem.startswith("Landlock"):
        assert "WROTE" not in result.stdout and result.stdout.count("refused") == 4
        assert not escape.exists()
    else:  # documented fallback: only file permissions, so world-writable /tmp stays writable
        assert result.stdout.count("refused") >= 3 and f"WROTE {escape}" in result.stdout
        escape.unlink()
    workdir = result.stdout.split("cwd ")[1].split()[0]
    assert result.stdout.rstrip().endswith("fine")
    assert not Path(workdir).exists(), "the working directory must be removed afterwards"


def test_deleting_files_it_does_not_own_fails(runner: SandboxPool, host: Host) -> None:
    code = (
        "import os, shutil\n"
        f"for action in (lambda: os.remove({str(host.sentinel)!r}), lambda: shutil.rmtree({str(host.sentinel_dir)!r}),\n"
        f"               lambda: os.rename({str(host.sentinel)!r}, 'stolen.txt'), lambda: os.chmod({str(host.sentinel)!r}, 0o777)):\n"
        "    try:\n"
        "        action()\n"
        "        print('DONE')\n"
        "    except OSError as exc:\n"
        "        print('refused', type(exc).__name__)\n"
    )
    result = runner.run_sync(code)
    assert result.outcome == "ok", result.stderr
    assert "DONE" not in result.stdout and result.stdout.count("refused") == 4
    assert host.sentinel.stat().st_mode & 0o777 != 0o777


def test_environment_secrets_are_not_visible(monkeypatch: pytest.MonkeyPatch, runner: SandboxPool) -> None:
    secret = "sk-test-7f3a9c-do-not-leak"
    monkeypatch.setenv("OPENAI_API_KEY", secret)
    monkeypatch.setenv("CODESTEER_SECRET_TOKEN", secret)
    code = (
        "import os\n"
        "print(dict(os.environ))\n"
        f"for pid in ('self', '1', {os.getpid()!r}, str(os.getppid())):\n"
        "    try:\n"
        "        print(open(f'/proc/{pid}/environ', 'rb').read())\n"
        "    except OSError as exc:\n"
        "        print('refused', pid, type(exc).__name__)\n"
    )
    # a pool started after the secret was set, so nothing could have been captured earlier
    with SandboxPool(size=1, mode=runner.mode, config=runner.config) as fresh:
        result = fresh.run_sync(code)
    assert result.outcome == "ok", result.stderr
    assert secret not in result.stdout + result.stderr
    assert "OPENAI_API_KEY" not in result.stdout and "'PATH'" in result.stdout
    assert f"refused {os.getpid()}" in result.stdout


def test_network_to_localhost_is_blocked(runner: SandboxPool, host: Host) -> None:
    port, udp_port = host.listener.tcp_port, host.listener.udp_port
    code = (
        "import socket\n"
        "try:\n"
        f"    socket.create_connection(('127.0.0.1', {port}), timeout=1).sendall(b'leak')\n"
        "    print('CONNECTED')\n"
        "except OSError as exc:\n"
        "    print('tcp refused', type(exc).__name__)\n"
        "try:\n"
        "    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
        f"    s.sendto(b'leak', ('127.0.0.1', {udp_port}))\n"
        "    print('udp sent')\n"
        "except OSError as exc:\n"
        "    print('udp refused', type(exc).__name__)\n"
    )
    result = runner.run_sync(code)
    assert result.outcome == "ok", result.stderr
    assert "CONNECTED" not in result.stdout and "tcp refused" in result.stdout
    # the guard asserts the listener received nothing, over TCP or UDP


def test_daemon_that_outlives_its_parent_is_killed(runner: SandboxPool) -> None:
    code = (
        "import os, signal, time\n"
        "if os.fork() == 0:\n"
        "    os.setsid()\n"
        "    if os.fork() == 0:\n"
        "        signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
        "        signal.signal(signal.SIGHUP, signal.SIG_IGN)\n"
        "        time.sleep(60)\n"
        "    os._exit(0)\n"
        "time.sleep(0.2)\n"
        "print('parent done')\n"
    )
    result = runner.run_sync(code)
    assert result.outcome == "ok" and result.stdout == "parent done\n", result
    assert result.wall_s < 5, "the daemon must not keep the run alive until the deadline (10 s)"
    # the guard asserts that the daemon is gone


def test_killing_the_parent_and_the_host_fails(runner: SandboxPool, host: Host) -> None:
    workers_before = {worker.process.pid for worker in runner._live}
    code = (
        "import os, signal\n"
        f"for target in ({os.getpid()}, -1, -{os.getpgid(0)}, {os.getppid()}, os.getppid()):\n"
        "    try:\n"
        "        os.kill(target, signal.SIGKILL)\n"
        "        print('sent', target)\n"
        "    except OSError as exc:\n"
        "        print('refused', target, type(exc).__name__)\n"
    )
    result = runner.run_sync(code)
    assert result.outcome in {"ok", "killed"}
    assert f"sent {os.getpid()}" not in result.stdout
    if runner.mode == "pool":
        assert {worker.process.pid for worker in runner._live} == workers_before, "the warm workers must survive"
    assert runner.run_sync("print('still working')").stdout == "still working\n"


def test_filling_the_disk_is_bounded(runner: SandboxPool) -> None:
    code = (
        "written = 0\n"
        "try:\n"
        "    for i in range(20):\n"
        "        with open(f'blob{i}', 'wb') as f:\n"
        "            for _ in range(30):\n"
        "                f.write(b'x' * 2 ** 20)\n"
        "                written += 2 ** 20\n"
        "except OSError as exc:\n"
        "    print('stopped', exc.errno)\n"
        "print(written // 2 ** 20)\n"
    )
    result = runner.run_sync(code, max_disk_mb=64)
    assert result.outcome == "ok", result.stderr
    if "tmpfs" in runner.isolation.filesystem:
        assert result.stdout.startswith("stopped 28\n")  # ENOSPC
        assert int(result.stdout.split()[-1]) <= 64
    else:  # documented fallback: per-file limit only
        assert int(result.stdout.split()[-1]) == 600


def test_locked_working_directory_is_still_removed(runner: SandboxPool) -> None:
    code = (
        "import os\n"
        "os.makedirs('a/b/c')\n"
        "open('a/b/c/f', 'w').write('x')\n"
        "for d in ('a/b/c', 'a/b', 'a', '.'):\n"
        "    os.chmod(d, 0o500)\n"
        "print(os.getcwd())\n"
    )
    result = runner.run_sync(code)
    assert result.ok, result.stderr
    assert not Path(result.stdout.strip()).exists()
    # the guard asserts the shared temporary directory kept its mode


def test_host_processes_and_their_command_lines_are_invisible(runner: SandboxPool) -> None:
    marker = f"secret-argv-{os.getpid()}"
    host_process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)", marker])
    try:
        code = (
            "import os\n"
            "seen = []\n"
            "for pid in filter(str.isdigit, os.listdir('/proc')):\n"
            "    try:\n"
            "        seen.append(open(f'/proc/{pid}/cmdline', 'rb').read())\n"
            "    except OSError:\n"
            "        pass\n"
            f"print(any({marker.encode()!r} in line for line in seen), len(seen))\n"
        )
        result = runner.run_sync(code)
    finally:
        host_process.kill()
        host_process.wait()
    assert result.ok, result.stderr
    if "private /proc" in runner.isolation.process_tree:
        assert result.stdout.startswith("False ")
    else:  # documented (and warned) fallback
        assert any("/proc" in warning for warning in runner.isolation.warnings)
