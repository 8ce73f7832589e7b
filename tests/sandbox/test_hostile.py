"""Hostile programs, each through the warm pool and one-shot mode; the autouse ``host`` guard
(conftest) then checks that the host is unharmed."""

from __future__ import annotations

import ctypes
import errno
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from codesteer.sandbox import SandboxPool
from codesteer.sandbox.child import job_environment

from .conftest import (
    ADD_KEY_NR,
    DAEMON,
    FAST,
    KEY_SPEC_SESSION_KEYRING,
    KEY_SPEC_USER_KEYRING,
    KEYCTL_INVALIDATE,
    KEYCTL_JOIN_SESSION_KEYRING,
    KEYCTL_NR,
    Host,
    add_key,
    in_force,
    keyctl,
    keyring_program,
    memory_holders,
    read_key,
)


def test_infinite_loop_times_out(runner: SandboxPool) -> None:
    result = runner.run_sync("while True:\n    pass\n", timeout_s=1)
    assert result.outcome == "timed_out" and result.timed_out
    assert result.wall_s >= 0.9, "stopped at its deadline, not before"


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
    if in_force(runner.isolation.filesystem.startswith("Landlock"), "Landlock"):
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


def test_a_program_sees_exactly_the_job_environment(runner: SandboxPool) -> None:
    code = "import os, tempfile\nprint(sorted(os.environ.items()))\nprint(os.getcwd(), tempfile.gettempdir())\n"
    result = runner.run_sync(code)
    assert result.ok, result.stderr
    listing, places = result.stdout.splitlines()
    workdir, temporary = places.split()
    assert listing == str(sorted(job_environment(workdir).items()))
    assert temporary == workdir, "temporary files go to the job directory (TMPDIR)"


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


@pytest.mark.parametrize("module", ["json", "numpy", "sympy"])  # from each tier's zygote
def test_daemon_that_outlives_its_parent_is_killed(runner: SandboxPool, module: str) -> None:
    result = runner.run_sync(f"{DAEMON}import {module}\n")
    assert result.outcome == "ok" and result.stdout == "parent done\n", result
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
    if in_force("tmpfs" in runner.isolation.filesystem, "the job's tmpfs"):
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
    if in_force("private /proc" in runner.isolation.process_tree, "the private /proc"):
        assert result.stdout.startswith("False ")
    else:  # documented (and warned) fallback
        assert any("/proc" in warning for warning in runner.isolation.warnings)


def test_unix_sockets_of_the_host_are_unreachable(runner: SandboxPool, host: Host) -> None:
    if not in_force(runner.isolation.unix_sockets != "not blocked", "blocking Unix sockets"):
        pytest.skip("documented fallback on this machine: filesystem Unix sockets stay reachable (warned)")
    stream, datagram = str(host.listener.unix_stream_path), str(host.listener.unix_dgram_path)
    code = (
        "import socket\n"
        "def attempt(what, action):\n"
        "    try:\n"
        "        action()\n"
        "        print('REACHED', what)\n"
        "    except OSError as exc:\n"
        "        print('refused', what, type(exc).__name__)\n"
        f"attempt('stream', lambda: socket.socket(socket.AF_UNIX).connect({stream!r}))\n"
        f"attempt('datagram', lambda: socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM).sendto(b'leak', {datagram!r}))\n"
        "attempt('datagram pair', lambda: socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)[0].sendto(\n"
        f"    b'leak', {datagram!r}))\n"
        "left, right = socket.socketpair()\n"
        "left.sendall(b'pairs work')\n"
        "print(right.recv(10).decode())\n"
    )
    result = runner.run_sync(code)
    assert result.ok, result.stderr
    assert "REACHED" not in result.stdout and result.stdout.count("refused") == 3, result.stdout
    assert result.stdout.endswith("pairs work\n"), "stream socket pairs (asyncio, multiprocessing) must keep working"
    # the guard asserts that neither Unix listener received anything


@pytest.fixture
def host_session_keyring() -> Iterator[bytes]:
    """This (host) process in a session keyring of its own holding a secret 'user' key, which a
    worker started now inherits; the key is invalidated afterwards."""
    if KEYCTL_NR is None:
        pytest.skip("keyring system-call numbers unknown for this architecture")
    if keyctl(KEYCTL_JOIN_SESSION_KEYRING, b"codesteer-test-session") < 0:
        pytest.skip(f"keyrings unavailable to this process (errno {ctypes.get_errno()})")
    secret = b"host-keyring-secret-7d1f"
    key = add_key(KEY_SPEC_SESSION_KEYRING, b"codesteer-host-secret", secret)
    assert key > 0, ctypes.get_errno()
    yield secret
    keyctl(KEYCTL_INVALIDATE, key)


def test_the_host_session_keyring_is_out_of_reach(host_session_keyring: bytes) -> None:
    code = keyring_program(KEY_SPEC_SESSION_KEYRING, b"codesteer-host-secret",
                           add=(b"codesteer-job-key", b"from the job"))
    with SandboxPool(size=1, mode="oneshot", config=FAST) as fresh:  # started inside that session keyring
        result = fresh.run_sync(code)
    written = read_key(KEY_SPEC_SESSION_KEYRING, b"codesteer-job-key")
    assert result.ok, result.stderr
    assert result.stdout.startswith("read None\n"), "the job read the host's session keyring"
    assert written is None, "the job wrote into the host's session keyring"


def test_keyring_calls_are_refused(runner: SandboxPool) -> None:
    if KEYCTL_NR is None or not in_force("keyring system calls refused" in runner.isolation.keyrings,
                                         "refusing keyring calls"):
        pytest.skip("documented fallback on this machine: a fresh session keyring per job, the uid's emptied")
    code = (f"import ctypes\nlibc = ctypes.CDLL(None, use_errno=True)\n"
            f"for name, number, args in (('add_key', {ADD_KEY_NR}, (b'user', b'k', b'v', 1, {KEY_SPEC_USER_KEYRING})),\n"
            f"                           ('keyctl', {KEYCTL_NR}, ({KEYCTL_JOIN_SESSION_KEYRING}, None))):\n"
            "    result = libc.syscall(number, *args)\n"
            "    print(name, result, ctypes.get_errno())\n")
    result = runner.run_sync(code)
    assert result.ok, result.stderr
    assert result.stdout == f"add_key -1 {errno.EACCES}\nkeyctl -1 {errno.EACCES}\n", result.stdout


def test_of_a_project_folder_only_the_interpreter_is_visible(tmp_path: Path) -> None:
    project = tmp_path / "project"
    venv = project / ".venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    (project / ".env").write_text("API_TOKEN=secret-beside-the-venv\n")
    (venv / "notes.txt").write_text("secret-inside-the-venv\n")
    code = (
        "import os, subprocess, sys\n"
        f"for path in ({str(project / '.env')!r}, {str(venv / 'notes.txt')!r}, {__file__!r}):\n"
        "    try:\n"
        "        print('READ', open(path).read())\n"
        "    except OSError as exc:\n"
        "        print('refused', type(exc).__name__)\n"
        f"print(sorted(os.listdir({str(project)!r})), sorted(os.listdir({str(venv)!r})))\n"
        "print(subprocess.run([sys.executable, '-c', 'print(6 * 7)'], capture_output=True, text=True).stdout)\n"
    )
    with SandboxPool(size=1, mode="oneshot", config=FAST, python=str(venv / "bin" / "python")) as sandbox:
        report = sandbox.isolation
        result = sandbox.run_sync(code)
    assert result.ok, result.stderr
    if in_force("read-only" in report.host_files, "hiding the host's private directories"):
        assert "READ" not in result.stdout and result.stdout.count("refused FileNotFoundError") == 3, result.stdout
        assert "['.venv'] ['bin', 'lib', 'pyvenv.cfg']" in result.stdout
    else:  # documented fallback: file permissions only (warned)
        assert any("private directories" in warning or "only the interpreter" in warning
                   for warning in report.warnings)
    assert result.stdout.endswith("42\n\n"), "the interpreter must keep working"


def test_memory_is_limited_for_the_job_as_a_whole(pool: SandboxPool) -> None:
    if not in_force("cgroup" in pool.isolation.memory, "the memory cgroup"):
        pytest.skip("no memory cgroup on this machine: the polled fallback is tested in test_fallbacks")
    result = pool.run_sync(memory_holders(4, 120, hold_forever=False), memory_mb=400, timeout_s=60)
    assert result.ok, result
    holding = int(result.stdout)
    assert holding >= 1 and holding * 120 <= 400, f"{holding} processes held 120 MiB each with memory_mb=400"
