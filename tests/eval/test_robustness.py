"""Runs that cannot be stalled or corrupted: judges off the event loop with a deadline, a damaged
database, a full disk."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
from typer.testing import CliRunner

from codesteer.cli import app
from codesteer.eval import EvalSpec, RunStore, run_eval_async
from codesteer.eval.judging import JudgePool, judge_in_worker
from codesteer.eval.store import StoreError
from codesteer.symbench import get_task
from codesteer.symbench.errors import JudgeError
from codesteer.symbench.task import Instance

from .world import literal_executor


def stall_on_marker(instance: Instance, text: str):
    """A judge that never finishes on answers saying STALL (runs in a judge worker)."""
    if "STALL" in text:
        time.sleep(600)
    return judge_in_worker(instance, text)


def crash_on_marker(instance: Instance, text: str):
    if "CRASH" in text:
        return False, "ZeroDivisionError: division by zero"
    return judge_in_worker(instance, text)


@pytest.fixture
def instance() -> Instance:
    return get_task("game24").generate(1)  # 4 4 4 11


async def test_a_judge_past_its_deadline_is_a_judge_error_and_the_pool_recovers(instance: Instance) -> None:
    pool = JudgePool(workers=1, deadline_s=10, function=stall_on_marker)
    try:
        assert (await pool(instance, "<<<(11-4)*4-4>>>")).correct  # warm: the worker has started
        with pytest.raises(JudgeError, match="did not finish within 10 s"):
            await pool(instance, "<<<STALL>>>")
        assert (await pool(instance, "<<<(11-4)*4-4>>>")).correct  # a fresh worker took over
    finally:
        pool.close()


async def test_a_crashing_judge_is_a_judge_error(instance: Instance) -> None:
    pool = JudgePool(workers=1, function=crash_on_marker)
    try:
        with pytest.raises(JudgeError, match=r"game24 judge failed on game24-paper-1 \(ZeroDivisionError"):
            await pool(instance, "<<<CRASH>>>")
        verdict = await pool(instance, "<<<4*4+4+11>>>")
        assert not verdict.correct and verdict.reason
    finally:
        pool.close()


def die_at_start() -> None:
    os._exit(3)


async def test_a_started_pool_has_every_worker_ready(instance: Instance) -> None:
    pool = JudgePool(workers=2)
    try:
        await pool.start()  # what a solver does when it opens, before the first job
        executor = pool._pool()
        assert len(executor._processes) == 2 and all(p.is_alive() for p in executor._processes.values())
        assert (await pool(instance, "<<<(11-4)*4-4>>>")).correct
    finally:
        pool.close()


PRELOAD_PROBE = """
import asyncio
from codesteer.eval.judging import JudgePool

async def main():
    pool = JudgePool(workers=1)
    await pool.start()
    probe = pool._pool().submit(eval, "'codesteer.eval.judge_preload' in __import__('sys').modules")
    print(probe.result(timeout=120))
    pool.close()

if __name__ == "__main__":
    asyncio.run(main())
"""


def test_judge_workers_fork_from_a_server_that_imported_every_task(tmp_path: Path) -> None:
    """In a process whose forkserver the judge pool starts, workers are forks of a server that
    has imported every task (nothing in a worker imports the preload module itself)."""
    script = tmp_path / "probe.py"
    script.write_text(PRELOAD_PROBE)
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and done.stdout == "True\n", done.stderr[-2000:]


class PoolOfDyingWorkers(JudgePool):
    def _pool(self) -> ProcessPoolExecutor:
        if self._executor is None:
            context = multiprocessing.get_context("forkserver")
            self._executor = ProcessPoolExecutor(1, mp_context=context, initializer=die_at_start)
        return self._executor


async def test_a_pool_whose_workers_die_at_start_says_why() -> None:
    pool = PoolOfDyingWorkers(workers=1)
    with pytest.raises(RuntimeError, match=r"died while starting.*__main__"):
        await pool.start()
    assert pool._executor is None, "the broken pool is dropped, so the next call starts a fresh one"


async def test_a_stalling_answer_costs_one_job_not_the_run(spec: EvalSpec, models: dict, tmp_path: Path) -> None:
    """One job's judge hangs: that job is stored as a judge error; every other job finishes."""
    from .world import reference_answers, steer_model, task_model

    instances, _ = spec.instances()
    answers = reference_answers(instances)
    stalled = instances[0]
    answers[stalled.question] = "<<<STALL>>>"
    models = {"task": task_model(answers), "steer": steer_model()}
    pool = JudgePool(deadline_s=10, function=stall_on_marker)
    try:
        summary = await run_eval_async(spec, tmp_path, models=models, executor=literal_executor, judge=pool)
    finally:
        pool.close()
    with RunStore(tmp_path) as store:
        rows = store.jobs()
    bad = [r for r in rows if r.status == "error"]
    assert summary.done == len(rows) == summary.total
    assert {r.key.instance_id for r in bad} == {stalled.id} and {r.failure for r in bad} == {"judge_error"}
    assert all(r.failure != "judge_error" for r in rows if r.key.instance_id != stalled.id)
    with RunStore(tmp_path) as store:
        t = store.trajectory(bad[0].id)
    assert t.judge_error and "did not finish" in t.judge_error and t.verdict is None


def test_a_damaged_database_is_one_clear_error(spec: EvalSpec, models: dict, tmp_path: Path) -> None:
    asyncio.run(run_eval_async(spec, tmp_path, models=models, executor=literal_executor))
    db = tmp_path / "results.db"
    with sqlite3.connect(db) as con:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        size = con.execute("PRAGMA page_size").fetchone()[0]
        root = con.execute("SELECT rootpage FROM sqlite_master WHERE name = 'jobs'").fetchone()[0]
    data = bytearray(db.read_bytes())
    start = (root - 1) * size
    data[start: start + 512] = bytes(range(256)) * 2  # garbage over the start of the jobs table's page
    db.write_bytes(bytes(data))
    for args in (["report", str(tmp_path), "--html", "--no-plots"], ["eval", "--out", str(tmp_path), "--tasks", "game24"]):
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 1, result.output
        assert "damaged" in result.output or "not a readable results database" in result.output, result.output
        assert "Traceback" not in result.output and "DatabaseError" not in result.output.split("(")[0]


async def test_a_full_disk_stops_cleanly_and_resumes(spec: EvalSpec, models: dict, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The database may not grow (as on a full disk): the run stops with a clear error, keeps what
    it stored, and a rerun with space finishes the rest."""
    opened = RunStore.__init__

    def small(self, *args, **kwargs) -> None:
        opened(self, *args, **kwargs)
        pages = self.db.execute("PRAGMA page_count").fetchone()[0]
        self.db.execute(f"PRAGMA max_page_count = {pages + 6}")

    monkeypatch.setattr(RunStore, "__init__", small)
    with pytest.raises(StoreError, match=r"the disk is full.*run the same command again to resume"):
        await run_eval_async(spec, tmp_path, models=models, executor=literal_executor, concurrency=1)
    monkeypatch.setattr(RunStore, "__init__", opened)
    with RunStore(tmp_path) as store:
        kept = store.count()
    summary = await run_eval_async(spec, tmp_path, models=models, executor=literal_executor)
    assert 0 < kept < summary.total and summary.done == summary.total and summary.done_before == kept
