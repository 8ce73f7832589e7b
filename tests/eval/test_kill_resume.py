"""A run killed with SIGKILL mid-way (a real subprocess), then resumed: same final results, no duplicates."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from codesteer.eval import EvalSpec, RunStore, run_eval_async
from codesteer.eval.store import RunBusyError

from .conftest import WRONG
from .world import literal_executor

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = """
import json, sys
from codesteer.eval import EvalSpec, run_eval
from tests.eval.world import SlowModel, literal_executor, reference_answers, steer_model, task_model
spec = EvalSpec.from_dict(json.loads(sys.argv[1]))
answers = reference_answers(spec.instances()[0], json.loads(sys.argv[3]))
delay = float(sys.argv[4])
models = {"task": SlowModel(task_model(answers), delay), "steer": SlowModel(steer_model(), delay)}
run_eval(spec, sys.argv[2], models=models, executor=literal_executor, concurrency=2)
"""


def _run(spec: EvalSpec, out: Path, delay: float) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-c", SCRIPT, json.dumps(spec.to_dict()), str(out), json.dumps(WRONG),
                             str(delay)], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _stored(out: Path) -> int:
    try:
        with sqlite3.connect(f"file:{out / 'results.db'}?mode=ro", uri=True, timeout=5) as db:
            return int(db.execute("SELECT COUNT(*) FROM jobs").fetchone()[0])
    except sqlite3.OperationalError:
        return 0  # not created yet


def _results(out: Path) -> dict:
    with RunStore(out) as store:
        return {r.key: (r.correct, r.failure, r.calls) for r in store.jobs()}


async def test_sigkill_then_resume(spec: EvalSpec, models: dict, tmp_path: Path) -> None:
    reference = tmp_path / "reference"
    await run_eval_async(spec, reference, models=models, executor=literal_executor)
    expected = _results(reference)

    out = tmp_path / "killed"
    process = _run(spec, out, delay=0.15)
    deadline = time.monotonic() + 60
    while _stored(out) < 5:
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the run stored nothing in 60 s"
        time.sleep(0.02)
    with pytest.raises(RunBusyError, match=f"being written by codesteer pid {process.pid}"):
        await run_eval_async(spec, out, models=models, executor=literal_executor)  # a second writer is refused
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL
    partial = _stored(out)
    assert 5 <= partial < len(expected)

    resumed = _run(spec, out, delay=0.0)
    _, err = resumed.communicate(timeout=120)
    assert resumed.returncode == 0, err.decode()
    assert _results(out) == expected
    with RunStore(out) as store:
        runs = store.runs()
        assert len(runs) == 2 and runs[0].finished_at is None and runs[1].finished_at is not None
        assert runs[1].jobs_done == len(expected) - partial  # finished jobs were not redone
        keys = [r.key for r in store.jobs()]
        assert len(keys) == len(set(keys)) == len(expected)
        orphans = store.db.execute("SELECT COUNT(*) FROM trajectories WHERE job_id NOT IN (SELECT id FROM jobs)")
        assert orphans.fetchone()[0] == 0
