"""Running model-written code through an injectable executor (the sandbox by default).

The engine never runs model code in its own process: every run goes through an ``Executor``, an
async callable with the signature of :func:`codesteer.sandbox.run_async`. :class:`CodeRunner`
runs each distinct program once per run, reports executions to models in the paper's way, and
records a reply's code, its execution and the symbolic checker's reading of it.
"""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Protocol

from codesteer.sandbox.types import Execution, SandboxConfig
from codesteer.steer import events
from codesteer.steer.config import SteerConfig
from codesteer.steer.extract import approx_tokens, first_code
from codesteer.steer.record import Recorder
from codesteer.steer.symbolic import analyze


class Executor(Protocol):
    def __call__(self, code: str, *, config: SandboxConfig) -> Awaitable[Execution]: ...


def default_executor() -> Executor:
    """The sandbox's ``run_async``."""
    from codesteer.sandbox import run_async

    return run_async


def report(execution: Execution, max_tokens: int) -> str:
    """What a model is told about a run: stdout, stderr and how it ended.

    Output estimated above ``max_tokens`` tokens is replaced by a notice, as in the paper.
    """
    notes = {
        "timed_out": f"The program was stopped at the time limit after {execution.wall_s:.1f} s.",
        "memory_exceeded": "The program was stopped: it exceeded the memory limit.",
        "killed": "The program was killed by a signal.",
    }
    body = f"output:\n{execution.stdout.rstrip()}\nerrors:\n{execution.stderr.rstrip()}"
    if approx_tokens(execution.stdout + execution.stderr) > max_tokens:
        body = f"The output is too long to be shown (more than about {max_tokens} tokens)."
    note = notes.get(execution.outcome)
    return f"{body}\n{note}" if note else body


@dataclass(frozen=True)
class Ran:
    """A reply's first code block, run: the execution and what models are told about it."""

    execution: Execution
    report: str


class CodeRunner:
    """The sandbox as one run sees it."""

    def __init__(self, executor: Executor, config: SteerConfig, recorder: Recorder) -> None:
        self.executor, self.config, self.recorder = executor, config, recorder
        self._done: dict[str, Execution] = {}

    async def execute(self, code: str) -> Execution:
        """Run ``code``; identical code within a run is run once."""
        if code not in self._done:
            limits = SandboxConfig(timeout_s=self.config.sandbox_timeout_s)
            self._done[code] = await self.executor(code, config=limits)
        return self._done[code]

    def report(self, execution: Execution) -> str:
        return report(execution, self.config.max_execution_output_tokens)

    async def run_reply(self, index: int, reply: str) -> Ran | None:
        """Run the first code block of round ``index``'s reply: record, analyse, emit."""
        code = first_code(reply)
        if code is None:
            return None
        rnd = self.recorder.round(index)
        self.recorder.emit(events.Code(index, code))
        execution = await self.execute(code)
        text = self.report(execution)
        rnd.code, rnd.execution, rnd.execution_report = code, execution, text
        self.recorder.emit(events.ExecutionDone(index, execution.outcome, text))
        rnd.symbolic = analyze(code, variant=self.config.symbolic_checker, threshold=self.config.symbolic_threshold)
        self.recorder.emit(events.CheckerNote(index, "symbolic", rnd.symbolic.summary))
        return Ran(execution, text)
