"""Errors shared by SymBench solvers and tools."""

from __future__ import annotations


class NoSolutionError(ValueError):
    """A reference solver proved that an instance has no valid answer at all.

    Solvers raise it only after a complete search (never because a budget ran out), so that
    ``check_original`` can count the released instances that are unsolvable as stated.
    """


class ExternalDataError(RuntimeError):
    """An external dataset (BBH, GSM-Hard, MATH) could not be loaded; the message says what to do."""


class JudgeError(RuntimeError):
    """A task's judge failed on an answer (a bug in the judge, never a wrong answer)."""
