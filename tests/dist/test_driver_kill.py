"""``codesteer eval --ray`` killed with SIGKILL mid-run (the driver), then run again: it resumes,
with the results of an uninterrupted run and no job stored twice."""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from codesteer.eval import EvalSpec, RunStore, run_eval_async
from codesteer.steer import SteerConfig
from tests.eval.canned_server import CannedServer
from tests.eval.world import reference_answers

from .conftest import stored

pytestmark = pytest.mark.slow
SELECTION = dict(methods="codesteer,all_code_cot", tasks="game24,number_multiply", n=3, seed=2)


def _stat(pid: int) -> tuple[int, int] | None:
    """(parent pid, start time) of a process, from /proc; None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return int(fields[1]), int(fields[19])
    except (OSError, IndexError, ValueError):
        return None


def _descendants(pid: int) -> dict[int, int]:
    """Every process below ``pid``, with its start time (so a reused pid is never mistaken for it)."""
    children: dict[int, list[tuple[int, int]]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (stat := _stat(int(entry))) is not None:
            children.setdefault(stat[0], []).append((int(entry), stat[1]))
    found: dict[int, int] = {}
    todo = [pid]
    while todo:
        for child, start in children.get(todo.pop(), []):
            found[child] = start
            todo.append(child)
    return found


def _kill_left(started: dict[int, int]) -> None:
    """SIGKILL the processes the killed driver had started that still run (Ray's helpers outlive it)."""
    for pid, start in started.items():
        stat = _stat(pid)
        if stat is not None and stat[1] == start:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def _stored_count(out: Path) -> int:
    try:
        with sqlite3.connect(f"file:{out / 'results.db'}?mode=ro", uri=True, timeout=5) as db:
            return int(db.execute("SELECT COUNT(*) FROM jobs").fetchone()[0])
    except sqlite3.OperationalError:
        return 0


@pytest.fixture
def server() -> Iterator[CannedServer]:
    instances, _ = EvalSpec(**SELECTION).instances()  # type: ignore[arg-type]
    canned = CannedServer(reference_answers(instances), delay=0.3).start()
    yield canned
    canned.stop()


def _command(server: CannedServer, out: Path) -> list[str]:
    return [sys.executable, "-c", "from codesteer.cli import main; main()", "eval", "--out", str(out),
            "--methods", SELECTION["methods"], "--tasks", SELECTION["tasks"], "--n", "3", "--seed", "2",
            "--task-model", f"openai:task@{server.url}", "--steer-model", f"openai:steer@{server.url}",
            "--no-self-check", "--no-cache", "--no-progress", "--concurrency", "2",
            "--ray", "--ray-workers", "2", "--ray-worker-cpus", "1"]


async def test_killed_driver_resumes(server: CannedServer, tmp_path: Path) -> None:
    spec = EvalSpec(**SELECTION, task_models=f"openai:task@{server.url}",  # type: ignore[arg-type]
                    steer_model=f"openai:steer@{server.url}", steer=SteerConfig(self_check=False))
    await run_eval_async(spec, tmp_path / "reference", cache=False, concurrency=4)
    reference = stored(tmp_path / "reference")

    out = tmp_path / "run"
    driver = subprocess.Popen(_command(server, out), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    started: dict[int, int] = {}
    try:
        deadline = time.monotonic() + 180
        while _stored_count(out) < 2:
            assert driver.poll() is None, driver.communicate()
            assert time.monotonic() < deadline, "the Ray run stored nothing in 180 s"
            started.update(_descendants(driver.pid))
            time.sleep(0.02)
        started.update(_descendants(driver.pid))
        driver.send_signal(signal.SIGKILL)
        driver.wait()
    finally:
        _kill_left(started)
    partial = _stored_count(out)
    assert 2 <= partial < len(reference), "the run ended before the driver was killed"

    resumed = subprocess.run(_command(server, out), capture_output=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr.decode()
    assert f"({len(reference) - partial} new)" in resumed.stdout.decode()
    assert stored(out) == reference
    with RunStore(out) as store:
        first, second = store.runs()
        assert first.finished_at is None and second.jobs_done == len(reference) - partial
