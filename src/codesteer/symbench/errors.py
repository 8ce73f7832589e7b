"""Errors shared by SymBench solvers and tools."""

from __future__ import annotations


class NoSolutionError(ValueError):
    """A reference solver proved that an instance has no valid answer at all.

    Solvers raise it only after a complete search (never because a budget ran out), so that
    ``check_original`` can count the released instances that are unsolvable as stated.
    """


class ExternalDataError(RuntimeError):
    """An external dataset (BBH, GSM-Hard, MATH) could not be loaded; the message says what to do."""


#: How much of the answer a ``JudgeError`` keeps (the whole answer may be megabytes).
EXCERPT_CHARS = 200


class JudgeError(RuntimeError):
    """A task's judge failed on an answer: a bug in the judge, never a verdict on the answer.

    ``Task.judge`` raises it for anything but an expected rejection, with the original exception
    as ``__cause__``; an evaluation records it as an error outcome of its job, never as a wrong
    answer. ``task`` and ``instance_id`` say where, ``answer_excerpt`` is the start of the
    answer text the judge was given and ``detail`` the original exception in one line.
    """

    def __init__(self, task: str, instance_id: str, answer_excerpt: str, detail: str) -> None:
        super().__init__(task, instance_id, answer_excerpt, detail)
        self.task = task
        self.instance_id = instance_id
        self.answer_excerpt = answer_excerpt
        self.detail = detail

    @classmethod
    def about(cls, task: str, instance_id: str, answer: str, detail: str) -> JudgeError:
        """The error for a judge that failed (``detail``, one line) while judging ``answer``."""
        excerpt = answer if len(answer) <= EXCERPT_CHARS else f"{answer[:EXCERPT_CHARS]}… ({len(answer)} characters)"
        return cls(task, instance_id, excerpt, detail)

    @classmethod
    def wrapping(cls, task: str, instance_id: str, answer: str, cause: BaseException) -> JudgeError:
        """The error for ``cause`` raised while judging ``answer`` (raise it ``from cause``)."""
        return cls.about(task, instance_id, answer, f"{type(cause).__name__}: {cause}")

    def __str__(self) -> str:
        return f"the {self.task} judge failed on {self.instance_id} ({self.detail}); answer: {self.answer_excerpt!r}"
