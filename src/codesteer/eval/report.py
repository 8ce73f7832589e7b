"""Reports of a run directory: the paper's table (tasks × methods, success rates, Ave. Norm. and
plain means), costs, failure breakdowns and success by complexity level, as Markdown, CSV and
JSON. :func:`build_report` reads the store; :func:`codesteer.eval.publish.write_reports` writes
the files (these texts, plots and HTML).
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from codesteer.eval.metrics import FAILURES, GROUPS, ave_norm, plain_means
from codesteer.eval.store import JobRow, RunStore, StoreError

FORMATS = ("md", "csv", "json")
AGGREGATES = {"ave_norm": "Ave. Norm.", "mean": "Mean"}


@dataclass
class Cell:
    """The jobs of one task and one column."""

    jobs: int = 0
    correct: int = 0
    tokens: int = 0
    wall_s: float = 0.0
    failures: Counter[str] = field(default_factory=Counter)
    levels: dict[str, list[int]] = field(default_factory=dict)  # level -> [jobs, correct]
    job_ids: list[int] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return 100.0 * self.correct / self.jobs if self.jobs else 0.0

    def add(self, row: JobRow) -> None:
        self.jobs += 1
        self.correct += row.correct
        self.tokens += row.tokens
        self.wall_s += row.wall_s
        self.job_ids.append(row.id)
        if row.failure:
            self.failures[row.failure] += 1
        counts = self.levels.setdefault(row.level or "-", [0, 0])
        counts[0] += 1
        counts[1] += row.correct

    def to_dict(self) -> dict[str, Any]:
        return {"jobs": self.jobs, "correct": self.correct, "rate": self.rate, "tokens": self.tokens,
                "wall_s": self.wall_s, "failures": {k: self.failures.get(k, 0) for k in FAILURES},
                "levels": {lv: {"jobs": n, "correct": c} for lv, (n, c) in self.levels.items()}}


@dataclass(frozen=True)
class Cost:
    """What one column's jobs cost on average, beside what they scored (over all tasks)."""

    tokens_per_job: float
    runtime_per_job_s: float
    success: float | None
    ave_norm: float | None


@dataclass
class Report:
    run_dir: Path
    columns: list[str]
    column_keys: dict[str, tuple[str, str, str]]
    tasks: list[str]
    titles: dict[str, str]
    seen: dict[str, bool]
    cells: dict[tuple[str, str], Cell]

    def cell(self, task: str, column: str) -> Cell | None:
        return self.cells.get((task, column))

    def rates(self) -> dict[str, dict[str, float | None]]:
        return {t: {c: (cell.rate if (cell := self.cell(t, c)) else None) for c in self.columns} for t in self.tasks}

    def ave_norm(self) -> dict[str, dict[str, float | None]]:
        return ave_norm(self.rates(), self.seen, self.columns)

    def means(self) -> dict[str, dict[str, float | None]]:
        return plain_means(self.rates(), self.seen, self.columns)

    def cost(self) -> dict[str, Cost]:
        """Per column: tokens and runtime per job, mean success rate and Ave. Norm. (total)."""
        norm, means = self.ave_norm(), self.means()
        out: dict[str, Cost] = {}
        for c in self.columns:
            cells = [cell for t in self.tasks if (cell := self.cell(t, c))]
            jobs = sum(x.jobs for x in cells) or 1
            out[c] = Cost(sum(x.tokens for x in cells) / jobs, sum(x.wall_s for x in cells) / jobs,
                          means[c]["total"], norm[c]["total"])
        return out

    def levels(self) -> list[str]:
        found = {lv for cell in self.cells.values() for lv in cell.levels}
        return sorted(found, key=lambda lv: (not lv.isdigit(), int(lv) if lv.isdigit() else 0, lv))

    def to_dict(self) -> dict[str, Any]:
        return {
            "run_dir": str(self.run_dir),
            "columns": [{"label": c, "method": m, "task_model": tm, "steer_model": sm or None}
                        for c, (m, tm, sm) in self.column_keys.items()],
            "tasks": [{"name": t, "title": self.titles[t], "seen": self.seen[t],
                       "cells": {c: cell.to_dict() for c in self.columns if (cell := self.cell(t, c))}}
                      for t in self.tasks],
            "ave_norm": self.ave_norm(),
            "mean": self.means(),
            "cost": {c: asdict(v) for c, v in self.cost().items()},
        }


def _labels(keys: list[tuple[str, str, str]]) -> dict[str, tuple[str, str, str]]:
    """Column labels: the method, plus the task (and steering) model when a run compares several."""
    models = {k[1] for k in keys}
    steers = {k[2] for k in keys if k[2]}
    out: dict[str, tuple[str, str, str]] = {}
    for method, task_model, steer in keys:
        parts = [method]
        if len(models) > 1:
            parts.append(task_model)
        if len(steers) > 1 and steer:
            parts.append(f"steer {steer}")
        out[" / ".join(parts)] = (method, task_model, steer)
    return out


def _task_info(name: str) -> tuple[str, bool, int]:
    from codesteer.symbench.registry import all_tasks

    tasks = all_tasks()
    if name in tasks:
        return tasks[name].title, tasks[name].seen, list(tasks).index(name)
    return name, False, len(tasks)


def build_report(run_dir: str | Path) -> Report:
    """The report of the run stored in ``run_dir`` (raises ``StoreError`` when there is none)."""
    with RunStore(run_dir, create=False) as store:
        rows = store.jobs()
        config = store.config() or {}
    if not rows:
        raise StoreError(f"no finished jobs in {run_dir} yet; run (or resume) codesteer eval into it first")
    order = {m: i for i, m in enumerate(config.get("methods", []))}
    model_order = {m: i for i, m in enumerate(config.get("task_models", []))}
    keys = sorted({(r.key.method, r.key.task_model, r.key.steer_model) for r in rows},
                  key=lambda k: (order.get(k[0], len(order)), k[0], model_order.get(k[1], 0), k[1], k[2]))
    labels = _labels(keys)
    label_of = {v: k for k, v in labels.items()}
    info = {r.key.task: _task_info(r.key.task) for r in rows}
    tasks = sorted(info, key=lambda t: (not info[t][1], info[t][2], t))
    cells: dict[tuple[str, str], Cell] = {}
    for r in rows:
        column = label_of[(r.key.method, r.key.task_model, r.key.steer_model)]
        cells.setdefault((r.key.task, column), Cell()).add(r)
    return Report(Path(run_dir), list(labels), labels, tasks, {t: info[t][0] for t in tasks},
                  {t: info[t][1] for t in tasks}, cells)


# ----- rendering -------------------------------------------------------------------------------

def fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def aggregate_rows(report: Report) -> list[tuple[str, str, dict[str, float | None]]]:
    """(name, label, values per column) of the aggregate rows, e.g. ("ave_norm_seen", "Ave. Norm., Seen")."""
    values = {"ave_norm": report.ave_norm(), "mean": report.means()}
    return [(f"{kind}_{group}", f"{AGGREGATES[kind]}, {group.capitalize()}",
             {c: values[kind][c][group] for c in report.columns})
            for kind in AGGREGATES for group in GROUPS]


def to_markdown(report: Report) -> str:
    cols = report.columns
    head = "| Task | " + " | ".join(cols) + " |\n|---|" + "---:|" * len(cols) + "\n"
    lines = [f"# Evaluation report: {report.run_dir}", "", "## Success rate (%)", "", head.rstrip("\n")]
    for group, flag in (("Seen tasks", True), ("Unseen tasks", False)):
        members = [t for t in report.tasks if report.seen[t] == flag]
        if members:
            lines.append(f"| **{group}** |" + " |" * len(cols))
        for t in members:
            lines.append(f"| {report.titles[t]} | " + " | ".join(
                fmt(c.rate) if (c := report.cell(t, col)) else "–" for col in cols) + " |")
    for _, label, values in aggregate_rows(report):
        lines.append(f"| {label} | " + " | ".join(fmt(values[c]) for c in cols) + " |")
    lines += ["", "Ave. Norm.: per task, each rate divided by the best rate of any column on that task, × 100, "
              "then averaged (tasks where every column scored 0 are left out).", "", "## Cost", "",
              "| Method | mean success (%) | Ave. Norm., Total | tokens / job | runtime / job (s) |",
              "|---|---:|---:|---:|---:|"]
    for c, v in report.cost().items():
        lines.append(f"| {c} | {fmt(v.success)} | {fmt(v.ave_norm)} | {v.tokens_per_job:.0f} | "
                     f"{v.runtime_per_job_s:.2f} |")
    lines += ["", "## Failures", "", "| Task | Method | jobs | correct | " + " | ".join(FAILURES.values()) + " |",
              "|---|---|---:|---:|" + "---:|" * len(FAILURES)]
    for t in report.tasks:
        for c in cols:
            if cell := report.cell(t, c):
                lines.append(f"| {report.titles[t]} | {c} | {cell.jobs} | {cell.correct} | "
                             + " | ".join(str(cell.failures.get(k, 0)) for k in FAILURES) + " |")
    levels = report.levels()
    if len(levels) > 1:
        lines += ["", "## Success rate by complexity level (%)", "",
                  "| Task | Method | " + " | ".join(levels) + " |", "|---|---|" + "---:|" * len(levels)]
        for t in report.tasks:
            for c in cols:
                if cell := report.cell(t, c):
                    lines.append(f"| {report.titles[t]} | {c} | " + " | ".join(
                        fmt(100 * cell.levels[lv][1] / cell.levels[lv][0]) if lv in cell.levels else "–"
                        for lv in levels) + " |")
    return "\n".join(lines) + "\n"


def to_csv(report: Report) -> str:
    """The main table: one row per task, then the aggregate rows (group ``aggregate``)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["task", "title", "group", *report.columns])
    for t in report.tasks:
        writer.writerow([t, report.titles[t], "seen" if report.seen[t] else "unseen",
                         *[f"{c.rate:.4f}" if (c := report.cell(t, col)) else "" for col in report.columns]])
    for name, label, values in aggregate_rows(report):
        writer.writerow([name, label, "aggregate",
                         *["" if values[c] is None else f"{values[c]:.4f}" for c in report.columns]])
    return buf.getvalue()


def failures_csv(report: Report) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["task", "column", "jobs", "correct", *FAILURES])
    for t in report.tasks:
        for c in report.columns:
            if cell := report.cell(t, c):
                writer.writerow([t, c, cell.jobs, cell.correct, *[cell.failures.get(k, 0) for k in FAILURES]])
    return buf.getvalue()
