"""The pool itself: async API, bounded concurrency, no state between jobs, worker replacement,
the process-wide default pool, configuration errors."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import threading
from dataclasses import fields

import pytest

from codesteer.sandbox import (
    Execution,
    IsolationReport,
    SandboxConfig,
    SandboxError,
    SandboxPool,
    default_pool,
    isolation_report,
    linux,
    run,
    run_async,
)

from .conftest import STRICT, name_self, wait_for_processes


def _worker_pids(pool: SandboxPool) -> set[int]:
    return {worker.process.pid for worker in pool._live}


def _release_waiting_jobs(total: int, size: int) -> int:
    """Host side of the bound test: wait until ``size`` jobs wait at once (or all that are left),
    release one, repeat; returns the most seen waiting at once."""
    released: set[int] = set()
    most = 0
    while len(released) < total:
        waiting = wait_for_processes("cs-wait-", min(size, total - len(released)), excluding=frozenset(released))
        most = max(most, len(waiting))
        first = min(waiting)
        os.kill(first, signal.SIGUSR1)
        released.add(first)
    return most


async def test_async_runs_are_bounded_by_the_pool_size(pool: SandboxPool) -> None:
    # each job waits, under a name the host sees, until the host releases it
    code = ("import signal\nsignal.pthread_sigmask(signal.SIG_BLOCK, {{signal.SIGUSR1}})\n" + name_self("cs-wait-{i}")
            + "signal.sigwait({{signal.SIGUSR1}})\nprint({i})\n")
    runs = asyncio.gather(*(pool.run(code.format(i=i)) for i in range(6)))
    most_at_once = await asyncio.to_thread(_release_waiting_jobs, 6, pool.size)
    results = await runs
    assert [r.stdout for r in results] == [f"{i}\n" for i in range(6)]
    assert most_at_once == pool.size == 2


async def test_async_with_pool_starts_and_closes() -> None:
    async with SandboxPool(size=1, mode="oneshot") as fresh:
        result = await fresh.run("print(6 * 7)")
    assert result.stdout == "42\n"
    assert fresh.closed
    with pytest.raises(SandboxError):
        await fresh.run("print(1)")


def test_jobs_share_no_state(single: SandboxPool) -> None:
    first = single.run_sync(
        "import numpy, sys\nnumpy.LEAK = 1\nsys.modules['leak'] = 1\nimport builtins\nbuiltins.LEAK = 2\n"
        "open('left-behind.txt', 'w').write('x')\nimport os\nprint(os.getcwd())\n"
        "try:\n    open('/dev/shm/left-behind', 'w').write('x')\nexcept OSError:\n    pass\n")
    second = single.run_sync(
        "import numpy, sys, builtins, os\n"
        "print(hasattr(numpy, 'LEAK'), 'leak' in sys.modules, hasattr(builtins, 'LEAK'), os.listdir('.'),\n"
        "      os.path.exists('/dev/shm/left-behind'))\n")
    assert first.ok and second.ok, (first.stderr, second.stderr)
    assert second.stdout == "False False False ['main.py'] False\n"
    assert not os.path.exists("/dev/shm/left-behind"), "the host's /dev/shm must not be touched"
    assert first.stdout != "" and not os.path.exists(first.stdout.strip())


@pytest.mark.parametrize(("named", "preloaded"), [("", []), ("numpy", ["numpy"]), ("sympy", ["numpy", "sympy"])])
def test_a_program_starts_with_the_tiered_modules_it_names(single: SandboxPool, named: str,
                                                           preloaded: list[str]) -> None:
    """Where jobs have their own uid, each tier of modules has a zygote of its own, and a program's
    job process comes from the lightest one with every tiered module it names; elsewhere one
    zygote has them all. Either way a program may import what it does not name."""
    check = f"# {named}\nimport sys\nprint([m for m in ('num' + 'py', 'sym' + 'py') if m in sys.modules])\n"
    split = single.isolation.user.startswith("unique uid")  # Confinement.prefork: root on Linux
    assert single.run_sync(check).stdout == f"{preloaded if split else ['numpy', 'sympy']}\n"
    imported = single.run_sync("print(__import__('sym' + 'py').factorint(360), __import__('num' + 'py').int64(7))")
    assert imported.stdout == "{2: 3, 3: 2, 5: 1} 7\n", imported


def test_the_standard_library_zygote_does_not_hold_threading(single: SandboxPool) -> None:
    """Its after-fork handler would run in every job process (page copies on each fork); a program
    that needs threads imports it."""
    if not single.isolation.user.startswith("unique uid"):
        pytest.skip("one zygote holds every tier here (no job uid), numpy among them, which imports threading")
    check = "import sys\nprint('thread' + 'ing' in sys.modules)\n"
    threads = "import threading\nt = threading.Thread(target=print, args=('in a thread',))\nt.start()\nt.join()\n"
    assert single.run_sync(check).stdout == "False\n"
    assert single.run_sync(threads).stdout == "in a thread\n"


def test_jobs_of_every_tier_leave_nothing_to_the_next(single: SandboxPool) -> None:
    leaks = [single.run_sync(f"import {module}, sys\n{module}.LEAK = 1\nsys.modules['leak'] = 1\nopen('left', 'w')\n")
             for module in ("json", "numpy", "sympy")]
    after = [single.run_sync(f"import {module}, sys, os\nprint('leak' in sys.modules, hasattr({module}, 'LEAK'), "
                             "os.listdir('.'))\n") for module in ("json", "numpy", "sympy")]
    assert all(leak.ok for leak in leaks), leaks
    assert [r.stdout for r in after] == ["False False ['main.py']\n"] * 3, after


def test_jobs_alternating_between_the_zygotes_keep_one_worker(single: SandboxPool) -> None:
    programs = ["print(97 % 2)\n", "import numpy\nprint(int(numpy.int64(97) % 2))\n",
                "import sympy\nprint(int(sympy.isprime(97)))\n"]
    jobs_before = sum(worker.jobs for worker in single._live)
    for i in range(12):
        result = single.run_sync(programs[i % 3])
        assert result.stdout == "1\n", result
    assert sum(worker.jobs for worker in single._live) == jobs_before + 12, "the worker was replaced"


def test_idle_worker_that_dies_is_replaced(single: SandboxPool) -> None:
    (worker,) = single._live
    worker.process.kill()
    worker.process.wait()
    assert single.run_sync("print('after')").stdout == "after\n"
    assert worker not in single._live and len(single._live) == 1
    leftovers = [path for path in (worker.base, worker.cgroup) if path and os.path.exists(path)]
    assert leftovers == [], "the dead worker's directory and memory cgroup must be removed"


def test_worker_that_dies_during_a_job_is_reported_and_replaced(single: SandboxPool) -> None:
    outcome: list[Execution] = []
    program = name_self("cs-doomed") + "import time\ntime.sleep(30)\n"
    job = threading.Thread(target=lambda: outcome.append(single.run_sync(program, timeout_s=20)))
    job.start()
    wait_for_processes("cs-doomed")
    (victim,) = _worker_pids(single)
    os.kill(victim, signal.SIGKILL)
    job.join()
    assert outcome and outcome[0].outcome == "killed"
    assert "sandbox failure" in outcome[0].stderr
    assert single.run_sync("print('recovered')").stdout == "recovered\n"
    # the host guard asserts that the job's sleeping process died with its worker


def test_workers_are_recycled_after_max_jobs() -> None:
    with SandboxPool(size=1, max_jobs_per_worker=2) as recycled:
        before = _worker_pids(recycled)
        for _ in range(3):
            assert recycled.run_sync("print(1)").ok
        assert _worker_pids(recycled) != before and len(recycled._live) == 1


def test_default_pool_run_and_run_async() -> None:
    assert run("print('sync')", timeout_s=5).stdout == "sync\n"

    async def both() -> list[Execution]:
        return await asyncio.gather(run_async("print('a')"), run_async("print(input())", stdin="b"))

    assert [r.stdout for r in asyncio.run(both())] == ["a\n", "b\n"]


def test_isolation_report_names_the_mechanisms(pool: SandboxPool) -> None:
    report = isolation_report()
    assert isinstance(report, IsolationReport)
    assert all(getattr(report, f.name) for f in fields(report) if f.name != "warnings")
    if linux.landlock_abi():
        assert "Landlock" in report.filesystem
    assert pool.isolation == report or pool.isolation.filesystem == report.filesystem


@pytest.mark.skipif(not STRICT, reason="full isolation is required under CI (root on Linux) only; elsewhere "
                                       "the hostile tests check the documented fallbacks")
def test_full_isolation_under_ci(pool: SandboxPool, oneshot: SandboxPool) -> None:
    for report in (pool.isolation, oneshot.isolation):
        assert report.warnings == (), f"fell back under CI: {report.warnings}"
        assert "cgroup" in report.memory and report.unix_sockets != "not blocked"


def test_network_true_allows_localhost() -> None:
    with socket.create_server(("127.0.0.1", 0)) as server:
        server.settimeout(10)
        port = server.getsockname()[1]
        code = f"import socket\nsocket.create_connection(('127.0.0.1', {port}), timeout=5).sendall(b'hi')\nprint('sent')\n"
        with SandboxPool(size=1) as allowed:
            result = allowed.run_sync(code, network=True)
            conn, _ = server.accept()
            with conn:
                assert conn.recv(2) == b"hi"
    assert result.stdout == "sent\n", result.stderr


def test_configuration_errors_are_clear(pool: SandboxPool) -> None:
    with pytest.raises(ValueError, match="timeout_s"):
        SandboxConfig(timeout_s=0)
    with pytest.raises(ValueError, match="memory_mb"):
        SandboxConfig(memory_mb=-5)
    with pytest.raises(ValueError, match="unknown sandbox option"):
        pool.run_sync("print(1)", timeout=5)
    with pytest.raises(TypeError):
        pool.run_sync(b"print(1)")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="mode"):
        SandboxPool(mode="docker")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="mechanism"):
        SandboxPool(disable=["seccomp-magic"])
    with pytest.raises(ValueError, match="size"):
        SandboxPool(size=0)


def test_execution_round_trips_through_a_dict() -> None:
    result = Execution(stdout="a", stderr="", exit_code=0, outcome="ok", wall_s=0.1, cpu_s=0.05)
    assert Execution.from_dict(result.to_dict()) == result


def test_a_forked_host_gets_its_own_default_pool(pool: SandboxPool) -> None:
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the forked test process
        try:
            refused = False
            try:
                pool.run_sync("print(1)")
            except SandboxError:
                refused = True
            ok = refused and run("print('from child')").stdout == "from child\n"
            default_pool().close()
            os.write(write_end, b"1" if ok else b"0")
        finally:
            os._exit(0)
    os.close(write_end)
    os.waitpid(child, 0)
    assert os.read(read_end, 1) == b"1"
    os.close(read_end)
    assert pool.run_sync("print('parent still fine')").ok
