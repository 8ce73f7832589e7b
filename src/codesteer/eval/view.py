"""A trajectory as a list of titled sections, in reading order, for the terminal and HTML views.

Per round: the steering model's output (guidance), the task model's reply, the code, its
execution, the symbolic checker's summary and the self-answer checker's feedback; then the
final answer, the verdict and the totals.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from codesteer.steer.trajectory import TASK, Trajectory

Kind = Literal["guidance", "reply", "code", "output", "note", "answer", "verdict", "error"]


@dataclass(frozen=True)
class Section:
    title: str
    kind: Kind
    body: str


def sections(t: Trajectory) -> list[Section]:
    """Everything worth reading in ``t``, in order."""
    out: list[Section] = []
    for r in sorted(t.rounds, key=lambda r: r.index):
        label = f"round {r.index}"
        if r.steer_output is not None:
            malformed = f"\n[malformed: {r.malformed}]" if r.malformed else ""
            out.append(Section(f"{label} · guidance ({r.action})", "guidance", r.steer_output + malformed))
        if r.guidance is not None and r.guidance != r.steer_output:
            out.append(Section(f"{label} · instruction to the task model", "guidance", r.guidance))
        if r.reply is not None:
            out.append(Section(f"{label} · task model reply", "reply", r.reply))
        if r.code is not None:
            out.append(Section(f"{label} · code", "code", r.code))
        if r.execution is not None:
            report = r.execution_report or f"{r.execution.stdout}{r.execution.stderr}"
            out.append(Section(f"{label} · execution: {r.execution.outcome}", "output", report))
        if r.symbolic is not None:
            out.append(Section(f"{label} · symbolic checker", "note", r.symbolic.summary))
        if r.self_check is not None:
            out.append(Section(f"{label} · self-answer checker", "note", r.self_check.feedback))
    if not t.rounds:
        replies = [m for m in t.messages if m.conversation == TASK and m.role == "assistant"]
        out.extend(Section(f"task model reply {i}", "reply", m.content) for i, m in enumerate(replies))
    final = t.final
    if final is not None:
        where = f" (from the {final.channel.replace('_', ' ')})" if final.channel else ""
        out.append(Section(f"final answer{where}", "answer", final.answer if final.answer is not None
                           else "(no answer found)"))
    if t.verdict is not None:
        mark = "correct" if t.verdict.correct else "wrong"
        out.append(Section(f"verdict: {mark}", "verdict", t.verdict.reason))
    if t.error:
        out.append(Section("error", "error", t.error))
    if t.judge_error:
        out.append(Section("judge error", "error", t.judge_error))
    tokens = t.total_tokens
    out.append(Section("totals", "note", f"stop: {t.stop_reason} · {len(t.calls)} model calls · {tokens} tokens · "
                       f"{t.wall_s:.2f} s"))
    return out
