"""Writing a run's reports to disk: Markdown, CSV and JSON tables, PNG plots, static HTML."""

from __future__ import annotations

import json
from pathlib import Path

from codesteer.eval.report import FORMATS, Report, build_report, failures_csv, to_csv, to_markdown


def write_reports(run: str | Path | Report, formats: tuple[str, ...] = FORMATS, *, plots: bool = True,
                  html: bool = False, out: str | Path | None = None) -> list[Path]:
    """Write the report files of a run directory (or of its built report) into ``out`` (default
    ``RUN_DIR/report``); return their paths."""
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown:
        raise ValueError(f"unknown report format(s) {unknown}; choose from {', '.join(FORMATS)}")
    report = run if isinstance(run, Report) else build_report(run)
    target = Path(out) if out is not None else report.run_dir / "report"
    target.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    def put(name: str, text: str) -> None:
        path = target / name
        path.write_text(text, encoding="utf-8")
        written.append(path)

    if "md" in formats:
        put("report.md", to_markdown(report))
    if "csv" in formats:
        put("table.csv", to_csv(report))
        put("failures.csv", failures_csv(report))
    if "json" in formats:
        put("report.json", json.dumps(report.to_dict(), indent=2))
    if plots:  # matplotlib is imported only when plots are wanted
        from codesteer.eval.plots import plot_cost, plot_levels

        written += [plot_levels(report, target / "levels.png"), plot_cost(report, target / "cost.png")]
    if html:
        from codesteer.eval.html import write_html

        written += write_html(report, target / "html")
    return written
