"""Evaluation harness: run methods × models × SymBench instances concurrently into a resumable
SQLite store, then report (tables, plots, HTML). See docs/evaluation.md.

Python entry points: :func:`run_eval` / :func:`run_eval_async` with an :class:`EvalSpec`;
:class:`RunStore` to read a run; :func:`codesteer.eval.report.build_report` for the tables.
"""

from codesteer.eval.runner import RunSummary, run_eval, run_eval_async
from codesteer.eval.spec import EvalSpec, SpecError
from codesteer.eval.store import JobKey, RunMismatchError, RunStore

__all__ = ["EvalSpec", "JobKey", "RunMismatchError", "RunStore", "RunSummary", "SpecError", "run_eval",
           "run_eval_async"]
