"""The scorer: reads the final answer of a method's :class:`Ending` and judges it.

Kept apart from the methods (which only decide *when* they are done) so that every method is
scored the same way, and so that an evaluation harness can score a trajectory without knowing
how it was produced.

**Reading.** Two channels, in order: the output of the final reply's first code block
(``executed_output``) and the reply's text (``reply_text``). A channel's answer is its last
``<<<...>>>`` block. With none in either channel, a program's output may still have *printed*
the answer unwrapped: its last non-empty line is taken when the task's judge can read it as an
answer in the task's exact format (the same for every method; a text reply must wrap its
answer; tasks that need no wrapper have the channels' raw texts judged instead, below). Failing that, and with ``SteerConfig.model_extractor`` on, the extractor role reads one
(``extract`` conversations).

**Judging** (given a SymBench instance): each channel's answer is judged and the first accepted
one wins (the paper's either-channel rule). Without any wrapped answer (a few tasks do not
require the wrapper), the channels' raw texts go to the judge. A judge that crashes
(:class:`~codesteer.symbench.errors.JudgeError`) is an error of the job, never a wrong answer.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from codesteer.llm.base import ModelError
from codesteer.steer.context import Ending, Run
from codesteer.steer.extract import answer_in, first_code
from codesteer.steer.prompts import render
from codesteer.steer.trajectory import Channel, Conversation, FinalAnswer
from codesteer.symbench.errors import JudgeError
from codesteer.symbench.registry import get_task
from codesteer.symbench.task import Instance, Verdict

#: Judges a reply text against an instance (raises ``JudgeError`` when the judge itself fails).
Judge = Callable[[Instance, str], Awaitable[Verdict]]


async def judge_inline(instance: Instance, text: str) -> Verdict:
    """The instance's task judge, called in this process."""
    return get_task(instance.task).judge(instance, text)


@dataclass(frozen=True)
class Reading:
    """An answer found in a channel, and how it was found."""

    channel: Channel
    answer: str
    text: str
    #: ``deterministic`` (a wrapped answer), ``model`` (the extractor role), ``None`` (the judge read the raw text)
    extractor: str | None = "deterministic"


@dataclass(frozen=True)
class Score:
    """What the scorer concluded. ``error``: the model extractor failed; ``judge_error``: the judge did."""

    final: FinalAnswer
    verdict: Verdict | None = None
    error: str | None = None
    judge_error: str | None = None


class Scorer:
    def __init__(self, run: Run, instance: Instance | None, judge: Judge = judge_inline) -> None:
        self.run, self.instance, self.judge = run, instance, judge
        self._verdicts: dict[str, Verdict] = {}

    async def _verdict(self, text: str) -> Verdict:
        """The judge's verdict on ``text``, judged once per text (a judge may be a process away)."""
        assert self.instance is not None
        if text not in self._verdicts:
            self._verdicts[text] = await self.judge(self.instance, text)
        return self._verdicts[text]

    async def score(self, ending: Ending) -> Score:
        reply, execution = ending.reply, ending.executed
        if execution is None and ending.run_reply_code and reply:
            code = first_code(reply)
            execution = await self.run.code.execute(code) if code else None
        output = execution.stdout if execution else None
        channels: list[tuple[Channel, str | None]] = [("executed_output", output), ("reply_text", reply)]
        readings = [Reading(ch, answer, text) for ch, text in channels if (answer := answer_in(text))]
        error = judge_error = None
        if not readings and output and self.instance is not None and get_task(self.instance.task).requires_wrapper:
            try:
                readings = await self._printed(output)
            except JudgeError as exc:
                judge_error = str(exc)
        if not readings and self.run.config.model_extractor:
            readings, error = await self._extract(channels)
        chosen = readings[0] if readings else None
        verdict = None
        if self.instance is not None and judge_error is None:
            try:
                verdict, accepted = await self._judge(readings, channels)
            except JudgeError as exc:
                judge_error = str(exc)
            else:
                chosen = accepted or chosen
        final = FinalAnswer(chosen.answer if chosen else None, chosen.channel if chosen else None,
                            chosen.extractor if chosen else None, reply, output, execution)
        return Score(final, verdict, error, judge_error)

    async def _judge(self, readings: list[Reading], channels: list[tuple[Channel, str | None]]
                     ) -> tuple[Verdict, Reading | None]:
        """The verdict, and the reading whose answer is final: the first accepted one (the channels
        after it are not judged), else the first one the judge read an answer from (``None`` when
        it read none)."""
        assert self.instance is not None
        # each reading's answer, or (when nothing was read) each channel's raw text
        candidates = ([(f"<<<{r.answer}>>>", r.channel, r) for r in readings] if readings
                      else [(text, channel, None) for channel, text in channels if text])
        judged: list[tuple[Reading, Verdict]] = []
        for text, channel, read in candidates:
            verdict = await self._verdict(text)
            reading = read or Reading(channel, verdict.answer or "", text, None)
            if verdict.correct:
                return verdict, reading
            judged.append((reading, verdict))
        if not judged:
            return await self._verdict(""), None
        first, verdict = judged[0]
        # nothing accepted: the final answer is what the judge read, if it read an answer at all
        return verdict, (first if readings or (verdict.readable and verdict.answer) else None)

    async def _printed(self, output: str) -> list[Reading]:
        """The output's last non-empty line, when the judge reads it as an answer of the task's format."""
        assert self.instance is not None
        lines = [line.strip() for line in output.splitlines() if line.strip()]
        if not lines:
            return []
        verdict = await self._verdict(f"<<<{lines[-1]}>>>")
        return [Reading("executed_output", verdict.answer or lines[-1], output, "printed")] if verdict.readable else []

    async def _extract(self, channels: list[tuple[Channel, str | None]]) -> tuple[list[Reading], str | None]:
        for channel, text in channels:
            if not text or not text.strip():
                continue
            chat = self.run.chat(Conversation("extract", channel))
            chat.say(render("extract_answer", question=self.run.question, text=text), -1)
            try:
                answer = answer_in(await chat.answer(-1))
            except ModelError as exc:
                return [], f"answer extractor failed: {exc}"
            if answer:
                return [Reading(channel, answer, text, "model")], None
        return [], None

