"""``codesteer bench``: every command through typer's CliRunner."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from codesteer.cli import app

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, ["bench", *args], env={"COLUMNS": "200"})


def test_list_shows_tasks_levels_and_dataset_only_tasks() -> None:
    result = run("list")
    assert result.exit_code == 0, result.output
    assert "game24" in result.output and "combinatorial_calculation" in result.output
    assert "paper only" in result.output


def test_generate_writes_deterministic_jsonl(tmp_path: Path) -> None:
    out = tmp_path / "set.jsonl"
    result = run("generate", "game24", "--level", "2", "--n", "3", "--seed", "5", "--out", str(out))
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert [row["seed"] for row in lines] == [5, 6, 7] and all(row["level"] == "2" for row in lines)
    assert len(lines[0]["data"]["numbers"]) == 5
    again = tmp_path / "again.jsonl"
    run("generate", "game24", "--level", "2", "--n", "3", "--seed", "5", "--out", str(again))
    assert again.read_text() == out.read_text()


def test_generate_with_knob_overrides(tmp_path: Path) -> None:
    out = tmp_path / "custom.jsonl"
    result = run("generate", "game24", "--n", "1", "--out", str(out), "--set", "count=3", "--set", "target=10")
    assert result.exit_code == 0, result.output
    row = json.loads(out.read_text())
    assert len(row["data"]["numbers"]) == 3 and row["data"]["target"] == 10


def test_show_judge_and_reference_agree() -> None:
    shown = run("show", "combinatorial_calculation", "--seed", "4", "--level", "3")
    assert shown.exit_code == 0 and "the target values is: 100" in shown.output
    solved = run("reference", "combinatorial_calculation", "--seed", "4", "--level", "3")
    assert solved.exit_code == 0 and solved.output.startswith("<<<[")
    answer = solved.output.strip()
    right = run("judge", "combinatorial_calculation", "--seed", "4", "--level", "3", "--answer", answer)
    assert right.exit_code == 0 and "correct" in right.output
    wrong = run("judge", "combinatorial_calculation", "--seed", "4", "--level", "3", "--answer", "<<<[1, +, 2]>>>")
    assert wrong.exit_code == 1 and "in this order" in wrong.output


@pytest.mark.parametrize(("args", "message"), [
    (("show", "no_such_task"), "unknown task"),
    (("show", "game24", "--level", "99"), "unknown level"),
    (("reference", "gsm_hard"), "no generator"),
    (("generate", "math_geometry", "--out", "x.jsonl"), "no generator"),
    (("show", "game24", "--set", "colour=red"), "unknown knob"),
    (("show", "game24", "--set", "count"), "name=value"),
    (("export", "nope", "--out", "x"), "unknown task"),
    (("check-original", "/no/such/folder"), "not a folder"),
])
def test_bad_input_gives_one_line_errors(args, message: str) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_a_failing_judge_is_an_error_not_a_wrong_answer(monkeypatch) -> None:
    from codesteer.symbench import get_task

    def broken(self, instance, answer):
        raise ZeroDivisionError("bug")

    monkeypatch.setattr(type(get_task("game24")), "judge_answer", broken)
    result = run("judge", "game24", "--seed", "3", "--answer", "<<<1+2>>>")
    assert result.exit_code == 2
    assert "the game24 judge failed" in result.output and "ZeroDivisionError: bug" in result.output
    assert "Traceback" not in result.output


def test_export_saves_a_datasets_dataset(tmp_path: Path) -> None:
    datasets = pytest.importorskip("datasets")
    out = tmp_path / "ds"
    result = run("export", "game24,combinatorial_calculation", "--level", "1", "--n", "2", "--out", str(out))
    assert result.exit_code == 0, result.output
    loaded = datasets.load_from_disk(str(out))
    assert len(loaded) == 4 and set(loaded["task"]) == {"game24", "combinatorial_calculation"}
    assert json.loads(loaded[0]["data"])["target"] == 24


def test_export_without_datasets_says_how_to_install(tmp_path: Path, monkeypatch) -> None:
    import codesteer.symbench.export as export

    def missing(*args, **kwargs):
        raise ImportError("exporting needs the 'datasets' package: pip install 'codesteer[hf]'")

    monkeypatch.setattr(export, "build_dataset", missing)
    result = run("export", "game24", "--n", "1", "--out", str(tmp_path / "x"))
    assert result.exit_code == 2 and "codesteer[hf]" in result.output


@pytest.fixture
def release(original_root: Path, tmp_path: Path) -> Path:
    root = tmp_path / "release"
    shutil.copytree(original_root / "combinatorial_calculation", root / "combinatorial_calculation")
    shutil.copy(original_root / "gsmhardv2.jsonl", root / "gsmhardv2.jsonl")
    gold = root / "combinatorial_calculation/sample_0/solution.json"
    solution = json.loads(gold.read_text())
    solution["solution"] = ["6", "*", "2", "+", "7"]
    gold.write_text(json.dumps(solution))
    return root


def test_check_original_json(release: Path) -> None:
    result = run("check-original", str(release), "--json", "--reference")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert set(report) == {"combinatorial_calculation", "gsm_hard"}
    cc = report["combinatorial_calculation"]
    assert (cc["loaded"], cc["truth_ok"], cc["solved"]) == (5, 4, 5)
    assert cc["truth_rejected"][0]["id"] == "combinatorial_calculation/sample_0"
    assert report["gsm_hard"]["has_solver"] is False and report["gsm_hard"]["truth_ok"] == 50


def test_check_original_table_and_write_fixed(release: Path, tmp_path: Path) -> None:
    fixed = tmp_path / "fixed"
    result = run("check-original", str(release), "--tasks", "combinatorial_calculation", "--write-fixed", str(fixed))
    assert result.exit_code == 0, result.output
    assert "combinatorial_calculation" in result.output and "not 10" in result.output
    assert "1 changes" in result.output
    manifest = json.loads((fixed / "manifest.json").read_text())
    assert manifest["changes"][0]["action"] == "replace"
