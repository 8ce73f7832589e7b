"""A synthesis process killed with SIGKILL resumes without redoing stored rollouts."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from codesteer.synth import open_run, pairs
from codesteer.synth.tree import parse_branch

from .helpers import TREE, place, run, tree_spec

ROOT = Path(__file__).resolve().parents[2]


def _stored(db: Path) -> list[tuple]:
    if not db.exists():
        return []
    with sqlite3.connect(db, timeout=30) as con:
        try:
            return con.execute("SELECT id, sample, branch, finished_at FROM jobs ORDER BY id").fetchall()
        except sqlite3.OperationalError:
            return []


async def test_killed_run_resumes_to_the_same_data(tmp_path) -> None:
    out = tmp_path / "run"
    db = out / "results.db"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "tests.synth.helpers", str(out), "0.4"], cwd=ROOT, env=env)
    try:
        deadline = time.monotonic() + 60
        while not _stored(db) and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
        assert proc.poll() is None, "the run finished before it could be killed"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()
    before = _stored(db)
    assert 1 <= len(before) < 4

    summary, teacher = await run(tree_spec(), TREE, str(out))
    after = _stored(db)
    assert len(after) == 4 and summary.ran_now == 4 - len(before)
    assert set(before) <= set(after)  # stored rollouts were kept as they were, not run again
    redone = {n for n, _ in teacher.calls}
    assert not {place(n) for n in redone} & {(sample, parse_branch(branch)) for _, sample, branch, _ in before}

    await run(tree_spec(), TREE, str(tmp_path / "ref"))
    assert pairs(*open_run(out)) == pairs(*open_run(tmp_path / "ref"))
    assert len(pairs(*open_run(out))) == 2
