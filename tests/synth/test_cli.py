"""``codesteer synth``: export and stats from a stored run, clear one-line errors."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from codesteer.cli import app
from codesteer.train.data import load_dpo_records

from .helpers import TREE, run, tree_spec

runner = CliRunner()


async def test_export_and_stats_rederive_without_models(tmp_path) -> None:
    await run(tree_spec(), TREE, str(tmp_path / "run"))
    result = runner.invoke(app, ["synth", "export", str(tmp_path / "run"), "--to", str(tmp_path / "x"),
                                 "--min-gap", "15"])
    assert result.exit_code == 0, result.output
    assert "1 DPO pair(s)" in result.output
    assert len(load_dpo_records(tmp_path / "x" / "dpo.jsonl")) == 1
    result = runner.invoke(app, ["synth", "stats", str(tmp_path / "run"), "--json"])
    assert result.exit_code == 0, result.output
    stats = json.loads(result.output)
    assert stats["pairs"] == 2 and stats["rollouts"] == 4 and stats["mode"] == "tree"
    assert "pairs: 2" in runner.invoke(app, ["synth", "stats", str(tmp_path / "run")]).output


@pytest.mark.parametrize("args, message", [
    (["stats", "{tmp}/missing"], "no evaluation results"),
    (["dpo", "--mode", "bogus", "--out", "{tmp}/r"], "mode must be tree or failed"),
    (["sft", "--tasks", "no_such_task", "--out", "{tmp}/r"], "no_such_task"),
    (["sft", "--teacher", "nonsense:x", "--tasks", "game24", "--n", "1", "--out", "{tmp}/r"], "unknown model spec"),
    (["sft", "--tasks", "game24", "--level", "99", "--n", "1", "--out", "{tmp}/r"], "nothing to run"),
])
def test_bad_input_is_one_error_line(tmp_path, args, message) -> None:
    result = runner.invoke(app, ["synth", *[a.format(tmp=tmp_path) for a in args]])
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output


def test_interrupt_says_how_to_resume(tmp_path, monkeypatch) -> None:
    import codesteer.synth

    def interrupted(*_args, **_kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(codesteer.synth, "run_synth", interrupted)
    result = runner.invoke(app, ["synth", "sft", "--tasks", "game24", "--n", "1", "--no-progress",
                                 "--out", str(tmp_path / "r")])
    assert result.exit_code == 130
    assert "run the same command again to resume" in result.output and "Traceback" not in result.output
