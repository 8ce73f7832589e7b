"""Run directories written by codesteer 0.1.0 (tests/fixtures/runs_v1) still open, report and export."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from codesteer.cli import app
from codesteer.eval.report import build_report, to_markdown
from codesteer.eval.store import JobKey, RunStore
from codesteer.synth import open_run, pairs
from codesteer.synth.export import trl_pair

FIXTURES = Path(__file__).parent / "fixtures" / "runs_v1"


@pytest.fixture
def runs(tmp_path: Path) -> Path:
    """A copy of the fixtures (opening a run brings its database up to date in place)."""
    return Path(shutil.copytree(FIXTURES, tmp_path / "runs"))


def test_an_eval_run_reports_the_table_it_reported(runs: Path) -> None:
    report = build_report(runs / "eval")
    table = to_markdown(report).split("## Success rate (%)")[1].split("## Cost")[0]
    expected = (FIXTURES / "eval_table.md").read_text().split("## Success rate (%)")[1]
    assert table.strip() == expected.strip()
    assert sum(cell.jobs for cell in report.cells.values()) == 16


def test_an_eval_run_shows_its_trajectories(runs: Path) -> None:
    with RunStore(runs / "eval", create=False) as store:
        rows = store.jobs()
        trajectories = [store.trajectory(r.id) for r in rows]
    codesteer = next(t for r, t in zip(rows, trajectories, strict=True) if r.key.method == "codesteer" and r.correct)
    assert codesteer.task_model == "task" and codesteer.steer_model == "steer"
    assert codesteer.steering is not None and codesteer.steering.style == "prompted"
    assert codesteer.rounds[0].execution.outcome == "ok" and codesteer.rounds[0].symbolic.summary
    assert codesteer.rounds[0].self_check is not None and codesteer.accepted_channel == "executed_output"
    assert codesteer.instance is not None and codesteer.verdict.correct
    key = next(r.key for r in rows if r.key.method == "code_text_sum2")
    result = CliRunner().invoke(app, ["show", str(runs / "eval"), "--task", key.task, "--id", key.instance_id,
                                      "--method", "code_text_sum2"])
    assert result.exit_code == 0, result.output
    assert "verdict" in result.output and "round 2 · guidance" in result.output
    html = CliRunner().invoke(app, ["report", str(runs / "eval"), "--html", "--no-plots"])
    assert html.exit_code == 0, html.output


def test_a_synthesis_tree_gives_the_pairs_it_gave(runs: Path) -> None:
    spec, rollouts = open_run(runs / "synth_dpo")
    [(_, samples)] = rollouts.items()
    # the branches stored as sample numbers 101, 111 and 10111 are read as paths
    assert sorted(samples) == [(0, ()), (0, ((0, 1),)), (0, ((0, 1), (1, 1))), (0, ((1, 1),))]
    expected = [json.loads(line) for line in (FIXTURES / "synth_dpo_pairs.jsonl").read_text().splitlines()]
    assert [trl_pair(p) for p in pairs(spec, rollouts)] == expected
    stats = CliRunner().invoke(app, ["synth", "stats", str(runs / "synth_dpo")])
    assert stats.exit_code == 0 and "pairs: 2" in stats.output


def test_an_upgraded_database_takes_new_jobs(runs: Path) -> None:
    """After the upgrade the job key includes the branch, and every stored job is still there."""
    with RunStore(runs / "synth_dpo") as store:
        before = store.count()
        row = store.jobs()[0]
        t = store.trajectory(row.id)
        store.record(JobKey(*[getattr(row.key, f) for f in ("method", "task_model", "steer_model", "task",
                                                            "instance_id")], 0, "0.2"), t)
        assert store.count() == before + 1
        assert {r.key.branch for r in store.jobs()} == {"", "0.2"}
        assert store.db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()[0] == "2"
