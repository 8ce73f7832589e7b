"""``codesteer synth dpo`` end to end on the embedded model, within a tiny call budget."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from codesteer.cli import app

pytestmark = [pytest.mark.slow, pytest.mark.model]


def test_dpo_on_the_embedded_model_stops_at_its_budget(tmp_path, monkeypatch) -> None:
    pytest.importorskip("llama_cpp")
    monkeypatch.setenv("CODESTEER_CACHE", "0")
    out = tmp_path / "run"
    args = ["synth", "dpo", "--teacher", "local", "--tasks", "number_multiply", "--n", "1", "--width", "2",
            "--depth", "1", "--max-rounds", "1", "--no-self-check", "--max-tokens", "24", "--call-budget", "3",
            "--out", str(out)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "budget reached" in result.output and (out / "export" / "dpo.jsonl").is_file()
    assert "synth" in result.output and "tok/s" in result.output  # the live progress bar
    stats = json.loads(CliRunner().invoke(app, ["synth", "stats", str(out), "--json"]).output)
    assert stats["rollouts"] == 1 and 3 <= stats["calls"] <= 4
