"""PNG plots of a report (matplotlib, Agg backend): success rate against complexity level per
task and method, and score against tokens and runtime per method (the paper's cost figure)."""

from __future__ import annotations

import math
from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from codesteer.eval.report import Report


def _figure(width: float, height: float) -> Figure:
    """A figure drawn by the Agg renderer, outside pyplot's global state (safe in any thread)."""
    fig = Figure(figsize=(width, height))
    FigureCanvasAgg(fig)
    return fig


def plot_levels(report: Report, path: Path) -> Path:
    """One panel per task: success rate (%) at each complexity level, one line per column."""
    levels = report.levels()
    cols = max(1, min(4, len(report.tasks)))
    rows = max(1, math.ceil(len(report.tasks) / cols))
    fig = _figure(4 * cols, 3 * rows)
    axes = fig.subplots(rows, cols, squeeze=False)
    for ax, task in zip(axes.flat, report.tasks, strict=False):
        for column in report.columns:
            cell = report.cell(task, column)
            if cell is None:
                continue
            xs = [i for i, lv in enumerate(levels) if lv in cell.levels]
            ys = [100 * cell.levels[levels[i]][1] / cell.levels[levels[i]][0] for i in xs]
            ax.plot(xs, ys, marker="o", label=column)
        ax.set_title(report.titles[task], fontsize=10)
        ax.set_xticks(range(len(levels)), levels)
        ax.set_ylim(-5, 105)
        ax.set_xlabel("complexity level")
        ax.set_ylabel("success (%)")
    for ax in list(axes.flat)[len(report.tasks):]:
        ax.axis("off")
    handles, labels = axes.flat[0].get_legend_handles_labels()
    if handles:
        fig.legend(handles, labels, loc="upper center", ncol=min(4, len(labels)), fontsize=8)
    fig.tight_layout(rect=(0, 0, 1, 0.93 if handles else 1))
    fig.savefig(path, dpi=80)
    return path


def plot_cost(report: Report, path: Path) -> Path:
    """Ave. Norm. (total) against tokens per job and against runtime per job, one point per column."""
    cost = report.cost()
    fig = _figure(11, 4.5)
    axes = fig.subplots(1, 2)
    for ax, measure, label in ((axes[0], lambda c: c.tokens_per_job, "tokens per job"),
                               (axes[1], lambda c: c.runtime_per_job_s, "runtime per job (s)")):
        for column, values in cost.items():
            score = values.ave_norm if values.ave_norm is not None else 0.0
            ax.scatter(measure(values), score, s=40)
            ax.annotate(column, (measure(values), score), textcoords="offset points", xytext=(4, 4), fontsize=8)
        ax.set_xlabel(label)
        ax.set_ylabel("Ave. Norm., Total")
        ax.grid(alpha=0.3)
    fig.suptitle("Score against cost per method")
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    return path
