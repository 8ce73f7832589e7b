"""The released loop's words (:class:`OriginalPrompts`), as read from the user's copy.

What changes against our prompt set, all as the release did it: the round-0 turn is the choice
prompt followed by the question; the task model's first turn is the steering output (or the
standard instruction) followed by the question with no separator; a prompted steerer's turn is
the decision prompt, a space, the question and a newline before the body; the reply as the
steerer sees it carries the release's execution suffix; the code notes are the release's
complexity summary (plus its "not complex enough" note at a score of 2 or less); the turn body
is the release's format, with the complexity line only when the reply held code; the checker is
the release's (:mod:`.checker`).
"""

from __future__ import annotations

from codesteer.steer.code_runner import Ran
from codesteer.steer.context import Run
from codesteer.steer.extract import approx_tokens
from codesteer.steer.original.checker import TOO_LONG_TOKENS, original_self_check, output_and_errors
from codesteer.steer.original.complexity import complexity_summary
from codesteer.steer.original.release import Release
from codesteer.steer.prompts import Text, text_of
from codesteer.steer.protocol import Decision
from codesteer.steer.symbolic import SymbolicReport
from codesteer.steer.trajectory import SelfCheck

#: A complexity score at or below this got the release's "not complex enough" note.
LOW_SCORE = 2


class OriginalPrompts:
    def __init__(self, release: Release) -> None:
        self.release = release
        self.name = release.name

    def choice(self, question: str) -> Text:
        return self.release.choice + question

    def prompted_turn(self, question: str, body: Text) -> Text:
        return self.release.header.fill(decision_prompt=self.release.decision, question=question) + text_of(body)

    def instruction(self, decision: Decision) -> Text:
        if decision.action == "code":
            return self.release.code_instruction
        if decision.action == "text":
            return self.release.text_instruction
        return decision.guidance

    def opening(self, instruction: Text, question: str) -> Text:
        return text_of(instruction) + question

    def seen_reply(self, reply: str, ran: Ran | None) -> str:
        if ran is None:
            return reply
        output, errors = output_and_errors(ran.execution, self.release)
        if ran.execution.timed_out and output:  # the release got bytes here and kept only the errors
            return reply + self.release.executed_errors_only.fill(errors=errors)
        if approx_tokens(output + errors) > TOO_LONG_TOKENS:
            return reply + self.release.executed_too_long
        return reply + self.release.executed.fill(output=output, errors=errors)

    def code_notes(self, code: str, report: SymbolicReport) -> Text:
        summary, score = complexity_summary(code, self.release)
        return summary + self.release.low_complexity_note if score <= LOW_SCORE else summary

    def round_body(self, seen_reply: str, checker: str, code_notes: Text | None) -> Text:
        if code_notes is None:
            return self.release.turn_without_code.fill(response=seen_reply, check_result=checker)
        return self.release.turn_with_code.fill(response=seen_reply, check_result=checker,
                                                code_complexity_summary=text_of(code_notes))

    async def self_check(self, run: Run, index: int, seen_reply: str) -> SelfCheck:
        return await original_self_check(run, index, seen_reply, self.release)
