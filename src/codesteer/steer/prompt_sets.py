"""Prompt sets: the words the CodeSteer loop speaks, swappable as a whole.

``codesteer`` (the default) is our own templates (``steer/prompts/``). ``original:PATH`` is the
released loop's wording and turn formats, read from the user's copy of the release
(:mod:`codesteer.steer.original`), so the released fine-tuned steering model is driven exactly
as it was trained. A set decides every text the loop sends: the round-0 choice turn, the prompted
steerer's header, the task model's instructions, how a reply looks to the steerer once its code
ran, the code-complexity notes, the steering turn body, and the self-answer checker.
"""

from __future__ import annotations

from typing import Protocol

from codesteer.steer.code_runner import Ran
from codesteer.steer.context import Run
from codesteer.steer.original.prompts import OriginalPrompts
from codesteer.steer.original.release import read_release
from codesteer.steer.prompts import Rendered, Text, render
from codesteer.steer.protocol import Decision
from codesteer.steer.self_check import self_check
from codesteer.steer.symbolic import SymbolicReport
from codesteer.steer.trajectory import SelfCheck


class PromptSet(Protocol):
    #: Recorded in every trajectory (``steering.prompts``): ``codesteer`` or ``original@<digest>``.
    name: str

    def choice(self, question: str) -> Text:
        """The steering model's round-0 turn."""

    def prompted_turn(self, question: str, body: Text) -> Text:
        """A later steering turn for a chat model prompted as steerer: a header, then ``body``."""

    def instruction(self, decision: Decision) -> Text:
        """What the task model is told for a decision (code, text or guidance)."""

    def opening(self, instruction: Text, question: str) -> Text:
        """The task model's first turn."""

    def seen_reply(self, reply: str, ran: Ran | None) -> str:
        """A reply as the steering model and the checker see it: with its execution, if code ran."""

    def code_notes(self, code: str, report: SymbolicReport) -> Text:
        """What the steering model is told about the code's complexity."""

    def round_body(self, seen_reply: str, checker: str, code_notes: Text | None) -> Text:
        """A later steering turn's body (what a fine-tuned steerer sees)."""

    async def self_check(self, run: Run, index: int, seen_reply: str) -> SelfCheck:
        """The self-answer checker on round ``index``'s reply."""


class ShippedPrompts:
    """Our templates (``steer/prompts/*.txt``)."""

    name = "codesteer"

    def choice(self, question: str) -> Text:
        return render("steer_choice", question=question)

    def prompted_turn(self, question: str, body: Text) -> Text:
        header = render("steer_decision", question=question)
        if isinstance(body, Rendered):
            return Rendered(f"{header.text}\n\n{body.text}", header.templates + body.templates)
        return Rendered(f"{header.text}\n\n{body}", header.templates)

    def instruction(self, decision: Decision) -> Text:
        if decision.action == "code":
            return render("task_code")
        if decision.action == "text":
            return render("task_text")
        return decision.guidance

    def opening(self, instruction: Text, question: str) -> Text:
        return render("task_opening", instruction=instruction, question=question)

    def seen_reply(self, reply: str, ran: Ran | None) -> str:
        return f"{reply}\n\n{render('execution_note', report=ran.report).text}" if ran else reply

    def code_notes(self, code: str, report: SymbolicReport) -> Text:
        return render("steer_code_notes", summary=report.summary)

    def round_body(self, seen_reply: str, checker: str, code_notes: Text | None) -> Text:
        return render("steer_round", reply=seen_reply, checker=checker, code_notes=code_notes or "")

    async def self_check(self, run: Run, index: int, seen_reply: str) -> SelfCheck:
        return await self_check(run, index, seen_reply)


def load_prompt_set(spec: str) -> PromptSet:
    """``codesteer`` or ``original:PATH`` (a checkout of yongchao98/CodeSteer-v1.0; its files are
    parsed again only when they changed)."""
    if spec == "codesteer":
        return ShippedPrompts()
    kind, sep, path = spec.partition(":")
    if kind == "original" and sep and path.strip():
        return OriginalPrompts(read_release(path))
    raise ValueError(f"unknown prompt set {spec!r}; use codesteer or original:PATH (a checkout of the "
                     "CodeSteer-v1.0 release)")
