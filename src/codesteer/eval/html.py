"""A static HTML report (no external assets): the success-rate table, each cell linking to a
page with that cell's trajectories (guidance, code, execution output, checker notes, verdict)."""

from __future__ import annotations

import re
from html import escape
from pathlib import Path

from codesteer.eval.metrics import FAILURES
from codesteer.eval.report import Report, aggregate_rows, fmt
from codesteer.eval.store import RunStore
from codesteer.eval.view import sections

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border: 1px solid #bbb; padding: 4px 10px; text-align: right; }
th:first-child, td:first-child { text-align: left; }
thead th { background: #e8eef7; }
tr.group td { background: #f3f3f3; font-weight: bold; text-align: left; }
tr.aggregate td { background: #fbf6e6; font-weight: bold; }
td.best { color: #0b5394; font-weight: bold; }
a { color: #0b5394; text-decoration: none; }
details { border: 1px solid #ccc; border-radius: 4px; margin: 0.6em 0; padding: 0.4em 0.8em; }
summary { cursor: pointer; font-weight: bold; }
.ok { color: #1a7f37; } .bad { color: #b42318; }
pre { background: #f6f8fa; padding: 0.6em; overflow-x: auto; white-space: pre-wrap; }
h4 { margin: 0.8em 0 0.2em; font-size: 0.95em; }
.guidance h4 { color: #7a3e9d; } .code h4 { color: #0e7490; } .output h4 { color: #1a7f37; }
.note h4 { color: #a16207; } .verdict h4, .answer h4 { color: #0b5394; } .error h4 { color: #b42318; }
"""


def _page(title: str, body: str) -> str:
    return (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{escape(title)}</title>"
            f"<style>{_STYLE}</style></head><body>\n{body}\n</body></html>\n")


def cell_file(task: str, column: str) -> str:
    """The file name of a cell's trajectory page."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", f"{column}__{task}") + ".html"


def _table(report: Report) -> str:
    cols = report.columns
    out = ["<table id=\"results\"><thead><tr><th>Task</th>"
           + "".join(f"<th>{escape(c)}</th>" for c in cols) + "</tr></thead><tbody>"]
    for group, flag in (("Seen tasks", True), ("Unseen tasks", False)):
        members = [t for t in report.tasks if report.seen[t] == flag]
        if members:
            out.append(f"<tr class=\"group\"><td colspan=\"{len(cols) + 1}\">{group}</td></tr>")
        for t in members:
            rates = {c: cell.rate for c in cols if (cell := report.cell(t, c))}
            best = max(rates.values(), default=None)
            row = [f"<td>{escape(report.titles[t])}</td>"]
            for c in cols:
                cell = report.cell(t, c)
                if cell is None:
                    row.append("<td>–</td>")
                    continue
                cls = " class=\"best\"" if best and cell.rate == best else ""
                row.append(f"<td{cls}><a href=\"cells/{cell_file(t, c)}\" title=\"{cell.correct}/{cell.jobs} correct\">"
                           f"{cell.rate:.1f}</a></td>")
            out.append("<tr>" + "".join(row) + "</tr>")
    for _, label, values in aggregate_rows(report):
        out.append(f"<tr class=\"aggregate\"><td>{escape(label)}</td>"
                   + "".join(f"<td>{fmt(values[c])}</td>" for c in cols) + "</tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


def _cost(report: Report) -> str:
    rows = "".join(
        f"<tr><td>{escape(c)}</td><td>{fmt(v.success)}</td><td>{fmt(v.ave_norm)}</td>"
        f"<td>{v.tokens_per_job:.0f}</td><td>{v.runtime_per_job_s:.2f}</td></tr>"
        for c, v in report.cost().items())
    return ("<table><thead><tr><th>Method</th><th>mean success (%)</th><th>Ave. Norm., Total</th>"
            f"<th>tokens / job</th><th>runtime / job (s)</th></tr></thead><tbody>{rows}</tbody></table>")


def _cell_page(report: Report, store: RunStore, task: str, column: str) -> str:
    cell = report.cell(task, column)
    assert cell is not None
    failures = ", ".join(f"{FAILURES[k]}: {n}" for k, n in cell.failures.items()) or "none"
    parts = ["<p><a href=\"../index.html\">← results table</a></p>",
             f"<h1>{escape(report.titles[task])} · {escape(column)}</h1>",
             f"<p>{cell.correct} of {cell.jobs} correct ({cell.rate:.1f}%). Failures: {escape(failures)}.</p>"]
    for job_id in cell.job_ids:
        t = store.trajectory(job_id)
        instance = t.instance.id if t.instance else "?"
        ok = bool(t.correct)
        mark = "<span class=\"ok\">correct</span>" if ok else "<span class=\"bad\">wrong</span>"
        body = "".join(f"<div class=\"{s.kind}\"><h4>{escape(s.title)}</h4><pre>{escape(s.body)}</pre></div>"
                       for s in sections(t))
        parts.append(f"<details id=\"job-{job_id}\"><summary>{escape(str(instance))} — {mark}</summary>"
                     f"<h4>question</h4><pre>{escape(t.question)}</pre>{body}</details>")
    return _page(f"{report.titles[task]} · {column}", "\n".join(parts))


def write_html(report: Report, out: Path) -> list[Path]:
    """Write ``index.html`` and one page per table cell under ``out``; return the paths."""
    (out / "cells").mkdir(parents=True, exist_ok=True)
    index = out / "index.html"
    body = (f"<h1>Evaluation report</h1><p>Run: <code>{escape(str(report.run_dir))}</code>. "
            "Cells are success rates (%); click one to read its trajectories.</p>"
            f"<h2>Success rate (%)</h2>{_table(report)}<h2>Cost</h2>{_cost(report)}")
    index.write_text(_page("Evaluation report", body), encoding="utf-8")
    written = [index]
    with RunStore(report.run_dir, create=False) as store:
        for task, column in report.cells:
            path = out / "cells" / cell_file(task, column)
            path.write_text(_cell_page(report, store, task, column), encoding="utf-8")
            written.append(path)
    return written
