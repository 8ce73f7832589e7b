"""A live progress bar for a run: done/total, accuracy so far, tokens and spend rate."""

from __future__ import annotations

import time
from collections.abc import Sequence

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from codesteer.eval.runner import JobResult


class LiveProgress:
    """Implements the runner's ``Progress``; use as a context manager around the run."""

    def __init__(self, console: Console | None = None, *, label: str = "eval") -> None:
        self.console = console or Console(stderr=True)
        self._bar = Progress(
            TextColumn(f"[bold]{label}"), BarColumn(), MofNCompleteColumn(),
            TextColumn("acc {task.fields[acc]}"), TextColumn("{task.fields[tokens]} tok"),
            TextColumn("{task.fields[rate]} tok/s"), TimeElapsedColumn(), TimeRemainingColumn(),
            console=self.console,
        )
        self._task = self._bar.add_task(label, total=None, acc="-", tokens=0, rate="-")
        self.done = self.correct = self.tokens = 0
        self._since = time.monotonic()
        self._new_tokens = 0

    def __enter__(self) -> LiveProgress:
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._bar.live.is_started:
            self._bar.stop()

    def _show(self) -> None:
        """Start drawing at the first figures, so a run refused up front leaves no empty bar."""
        if not self._bar.live.is_started:
            self._bar.start()

    def start(self, total: int, done: int, correct: int, notices: Sequence[str]) -> None:
        self._show()
        for notice in notices:
            self.console.print(f"[yellow]notice:[/yellow] {notice}")
        if done:
            self.console.print(f"resuming: {done} of {total} jobs already stored")
        self.done, self.correct = done, correct
        self._since = time.monotonic()
        self._bar.update(self._task, total=total, completed=done, acc=self._acc())

    def advance(self, result: JobResult) -> None:
        self._show()
        self.done += 1
        self.correct += result.correct
        self.tokens += result.tokens
        self._new_tokens += result.tokens
        elapsed = max(time.monotonic() - self._since, 1e-9)
        self._bar.update(self._task, completed=self.done, acc=self._acc(), tokens=f"{self.tokens:,}",
                         rate=f"{self._new_tokens / elapsed:,.0f}")

    def _acc(self) -> str:
        return f"{100 * self.correct / self.done:.1f}%" if self.done else "-"
