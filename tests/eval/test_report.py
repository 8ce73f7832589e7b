"""Report files (Markdown, CSV, JSON, PNG, HTML) produced from a scripted run and parsed back;
failure categories."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from codesteer.eval import EvalSpec, run_eval_async
from codesteer.eval.metrics import classify
from codesteer.eval.publish import write_reports
from codesteer.eval.report import build_report
from codesteer.eval.store import StoreError
from codesteer.sandbox.types import Execution
from codesteer.steer.config import SteerConfig
from codesteer.steer.trajectory import FinalAnswer, Round, Trajectory
from codesteer.symbench.task import Verdict

from .conftest import WRONG
from .world import literal_executor, reference_answers, steer_model, task_model

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
async def run_dir(spec: EvalSpec, tmp_path: Path) -> Path:
    """codesteer and all_code_cot right on game24 and number_multiply; only_question always wrong;
    navigate wrong for every method (so it drops out of Ave. Norm.)."""
    answers = reference_answers(spec.instances()[0], WRONG)
    models = {"task": task_model(answers, bare_wrong=True), "steer": steer_model()}
    await run_eval_async(spec, tmp_path / "run", models=models, executor=literal_executor)
    return tmp_path / "run"


async def test_report_files_parse_back(run_dir: Path) -> None:
    paths = write_reports(run_dir, html=True)
    names = {p.name for p in paths}
    assert {"report.md", "table.csv", "failures.csv", "report.json", "levels.png", "cost.png", "index.html"} <= names
    target = run_dir / "report"

    rows = {r["task"]: r for r in csv.DictReader((target / "table.csv").open())}
    assert [r["group"] for r in rows.values()][:3] == ["seen", "seen", "unseen"]  # seen tasks first
    assert float(rows["game24"]["codesteer"]) == 100.0 and float(rows["game24"]["only_question"]) == 0.0
    assert float(rows["navigate"]["all_code_cot"]) == 0.0
    assert float(rows["number_multiply"]["all_code_cot"]) == 100.0
    assert float(rows["ave_norm_seen"]["codesteer"]) == 100.0  # navigate (all zero) is left out
    assert float(rows["ave_norm_total"]["only_question"]) == 0.0
    assert float(rows["mean_seen"]["codesteer"]) == 50.0
    assert float(rows["mean_total"]["codesteer"]) == pytest.approx(200 / 3, abs=1e-3)

    data = json.loads((target / "report.json").read_text())
    assert [c["label"] for c in data["columns"]] == ["codesteer", "all_code_cot", "only_question"]
    assert data["columns"][0]["steer_model"] == "steer" and data["columns"][1]["steer_model"] is None
    game24 = next(t for t in data["tasks"] if t["name"] == "game24")
    assert game24["seen"] is True and game24["cells"]["codesteer"]["jobs"] == 2
    assert game24["cells"]["only_question"]["failures"]["wrong_answer"] == 2
    assert data["ave_norm"]["codesteer"]["total"] == pytest.approx(float(rows["ave_norm_total"]["codesteer"]))
    assert data["cost"]["codesteer"]["tokens_per_job"] > data["cost"]["all_code_cot"]["tokens_per_job"] > 0

    failures = list(csv.DictReader((target / "failures.csv").open()))
    nav = [f for f in failures if f["task"] == "navigate"]
    assert len(nav) == 3 and all(f["wrong_answer"] == "2" and f["correct"] == "0" for f in nav)

    md = (target / "report.md").read_text()
    assert "| Task | codesteer | all_code_cot | only_question |" in md
    assert re.search(r"\| Ave\. Norm\., Total \| 100\.0 \| 100\.0 \| 0\.0 \|", md)
    assert "| **Seen tasks** |" in md and "| **Unseen tasks** |" in md and "| Game 24 | 100.0 | 100.0 | 0.0 |" in md

    for name in ("levels.png", "cost.png"):
        assert (target / name).read_bytes()[:8] == PNG and (target / name).stat().st_size > 5000


async def test_html_cells_link_to_their_trajectories(run_dir: Path) -> None:
    write_reports(run_dir, (), plots=False, html=True)
    html_dir = run_dir / "report" / "html"
    index = (html_dir / "index.html").read_text()
    links = re.findall(r'href="(cells/[^"]+)"', index)
    assert len(links) == 9 and "http" not in index.split("<body>")[1]  # no external assets
    page = (html_dir / links[0]).read_text()
    assert page.count("<details") == 2 and "guidance (code)" in page and "verdict: correct" in page
    assert "execution: ok" in page and "symbolic checker" in page and "Use numbers" in page


async def test_levels_are_reported(tmp_path: Path) -> None:
    spec = EvalSpec(methods="all_code_cot", task_models="task", tasks="game24", n=2, levels="1,2")
    answers = reference_answers(spec.instances()[0])
    await run_eval_async(spec, tmp_path, models={"task": task_model(answers)}, executor=literal_executor)
    report = build_report(tmp_path)
    assert report.levels() == ["1", "2"]
    assert report.cell("game24", "all_code_cot").levels == {"1": [2, 2], "2": [2, 2]}


def test_missing_run_dir_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no evaluation results"):
        build_report(tmp_path)
    with pytest.raises(ValueError, match="unknown report format"):
        write_reports(tmp_path, ("pdf",))


def test_a_run_without_finished_jobs_is_a_clear_error(tmp_path: Path) -> None:
    from codesteer.eval.store import RunStore

    RunStore(tmp_path).close()  # created, nothing stored yet
    with pytest.raises(StoreError, match="no finished jobs"):
        build_report(tmp_path)


def test_damaged_results_db_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "results.db").write_text("not a database\n" * 100)
    with pytest.raises(StoreError, match="not a readable results database"):
        build_report(tmp_path)


def _t(**kw) -> Trajectory:
    return Trajectory(method="m", question="q", config=SteerConfig(), models={"task": "t"}, **kw)


def _ran(outcome: str) -> Execution:
    return Execution("", "", None, outcome, 0.0, 0.0)  # type: ignore[arg-type]


@pytest.mark.parametrize(("trajectory", "expected"), [
    (_t(verdict=Verdict(True, 1.0, "ok", "7")), None),
    (_t(verdict=Verdict(False, 0.0, "no", "8"),
        final=FinalAnswer("8", "reply_text", "deterministic", "<<<8>>>")), "wrong_answer"),
    (_t(verdict=Verdict(False, 0.0, "none", None),
        final=FinalAnswer(None, None, None, "I do not know")), "no_answer"),
    (_t(verdict=Verdict(False, 0.0, "none", None),
        rounds=[Round(0, execution=_ran("timed_out"))]), "timeout"),
    (_t(verdict=Verdict(False, 0.0, "none", None),
        final=FinalAnswer(None, None, None, "x", "", _ran("error"))), "code_error"),
    (_t(stop_reason="error", error="ServerError: 503"), "model_error"),
    (_t(judge_error="JudgeError: game24 judge crashed"), "judge_error"),
])
def test_failure_categories(trajectory: Trajectory, expected: str | None) -> None:
    assert classify(trajectory) == expected
