"""String rewrite rules applied "first applicable rule, from rule 1 again, until none applies".

Used by the String Deletion and Modification task (generator, solver and judge). A rule is a
sentence as the question prints it plus the function that applies it (returning ``None`` when
the rule does not fire); :func:`parse_rule` reads the function from the sentence, so every rule
of a question is understood from its wording (the release's rules and our :data:`POOL` alike). :func:`rewrite` runs a rule list to its fixed
point and returns every intermediate state; rules that cycle raise :class:`RewriteCycleError`
(a :class:`~codesteer.symbench.errors.NoSolutionError`: no final string exists).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from codesteer.symbench.errors import NoSolutionError

Apply = Callable[[str], str | None]


@dataclass(frozen=True)
class Rule:
    """One rewrite rule: the question's sentence and its effect."""

    text: str
    apply: Apply


class RewriteLimitError(ValueError):
    """The rules did not reach a string where none applies within the step limit."""


class RewriteCycleError(RewriteLimitError, NoSolutionError):
    """The rules come back to a string they produced before, so no final string exists."""


def _starting(old: str, keep_from: int, new: str = "", append: str = "", drop_last: bool = False) -> Apply:
    """When ``s`` starts with ``old``: ``new`` + ``s`` from ``keep_from`` on + ``append``, less its last
    character with ``drop_last``."""
    def apply(s: str) -> str | None:
        if not s.startswith(old):
            return None
        out = new + s[keep_from:] + append
        return out[:-1] if drop_last else out

    return apply


def _ending(old: str, cut: int, new: str = "", prepend: str = "") -> Apply:
    """When ``s`` ends with ``old``: ``prepend`` + ``s`` less its last ``cut`` characters + ``new``."""
    return lambda s: prepend + s[: len(s) - cut] + new if s.endswith(old) else None


def _first(old: str, new: str, start: int = 0) -> Apply:
    def apply(s: str) -> str | None:
        i = s.find(old, start)
        return None if i < 0 else s[:i] + new + s[i + len(old):]

    return apply


def _drop_middle(longer_than: int) -> Apply:
    return lambda s: s[: len(s) // 2] + s[len(s) // 2 + 1:] if len(s) > longer_than else None


def _even_count(letter: str, append: str) -> Apply:
    return lambda s: s + append if s.count(letter) and s.count(letter) % 2 == 0 else None


def _count(word: str | None) -> int:
    return {None: 1, "one": 1, "two": 2, "three": 3}[word]


_Q = r"'([a-z]+)'"
_START = r"If the string (?:prefix is|starts with) " + _Q
_END = r"If the string (?:suffix is|ends with) " + _Q
_CONTAINS = r"If the string contains " + _Q
_FIRST = r"the first (?:(one|two|three) characters|character)"
_LAST = r"the last (?:(one|two|three) characters|character)"
#: The sentence families of the rules (the release's pool and ours), each with the effect it states.
_GRAMMAR: tuple[tuple[re.Pattern[str], Callable[..., Apply]], ...] = tuple(
    (re.compile(pattern + r"\.?"), build) for pattern, build in (
        (_START + r", replace it with " + _Q, lambda old, new: _starting(old, len(old), new)),
        (_START + r", replace it with " + _Q + r" and delete the last character",
         lambda old, new: _starting(old, len(old), new, drop_last=True)),
        (_START + r", replace it with " + _Q + r" and append " + _Q + r" to the end",
         lambda old, new, tail: _starting(old, len(old), new, append=tail)),
        (_START + r", replace " + _FIRST + r" with " + _Q, lambda old, k, new: _starting(old, _count(k), new)),
        (_START + r", (?:remove|delete) " + _FIRST, lambda old, k: _starting(old, _count(k))),
        (_START + r", (?:remove|delete) " + _FIRST + r" and append " + _Q + r" to the end",
         lambda old, k, tail: _starting(old, _count(k), append=tail)),
        (_START + r", remove the second character", lambda old: _starting(old, 2, old[:1])),
        (_END + r", replace it with " + _Q, lambda old, new: _ending(old, len(old), new)),
        (_END + r", replace it with " + _Q + r" and prepend " + _Q + r" to the start",
         lambda old, new, head: _ending(old, len(old), new, prepend=head)),
        (_END + r", (?:remove|delete) " + _LAST, lambda old, k: _ending(old, _count(k))),
        (_CONTAINS + r", replace the first occurrence with " + _Q, lambda old, new: _first(old, new)),
        (_CONTAINS + r", replace the first occurrence with its reverse \(" + _Q + r"\)",
         lambda old, new: _first(old, new)),
        (_CONTAINS + r", delete the first occurrence entirely", lambda old: _first(old, "")),
        (_CONTAINS + r" \(not at the start\), remove the first occurrence found after the first character",
         lambda old: _first(old, "", start=1)),
        (r"If the string length is greater than (\d+), remove the middle character",
         lambda n: _drop_middle(int(n))),
        (r"If the string contains an even number of '([a-z])'s \(and at least one '\1'\), append " + _Q
         + r" at the end", _even_count),
    )
)


class RuleTextError(ValueError):
    """A sentence is not one of the rule families :func:`parse_rule` reads."""


@functools.lru_cache(maxsize=256)
def parse_rule(text: str) -> Rule:
    """The rule a question's sentence states (any sentence of the rule families, with any strings)."""
    sentence = " ".join(text.split())
    for pattern, build in _GRAMMAR:
        match = pattern.fullmatch(sentence)
        if match:
            return Rule(text, build(*match.groups()))
    raise RuleTextError(f"not a rule this reader knows: {text[:100]!r}")


#: The rule pool: each generated instance draws its rules from here (in a random order).
POOL: tuple[Rule, ...] = tuple(parse_rule(text) for text in (
    "If the string suffix is 'ac', replace it with 'cb'.",
    "If the string starts with 'cc', remove the first two characters.",
    "If the string contains 'abc', replace the first occurrence with 'cab'.",
    "If the string prefix is 'bc', delete the first two characters and append 'aa' to the end.",
    "If the string contains 'ca' (not at the start), remove the first occurrence found after the first "
    "character.",
    "If the string suffix is 'bb', delete the last two characters.",
    "If the string length is greater than 15, remove the middle character.",
    "If the string contains 'bca', delete the first occurrence entirely.",
    "If the string starts with 'ac', replace the first two characters with 'zz'.",
    "If the string prefix is 'aa', remove the first character.",
    "If the string contains an even number of 'b's (and at least one 'b'), append 'ab' at the end.",
    "If the string suffix is 'cc', replace it with 'b' and prepend 'a' to the start.",
    "If the string starts with 'bb', remove the second character.",
    "If the string prefix is 'cb', replace it with 'aa' and delete the last character.",
    "If the string prefix is 'ca', replace it with 'bb' and append 'c' to the end.",
    "If the string ends with 'ca', remove the last character.",
    "If the string ends with 'aa', replace it with 'cc'.",
    "If the string contains 'acb', replace the first occurrence with its reverse ('bca').",
    "If the string ends with 'ba', replace it with 'ab'.",
    "If the string contains 'cbc', replace the first occurrence with 'b'.",
))


def first_applicable(rules: Sequence[Rule], s: str) -> tuple[int, str] | None:
    """Index of the first rule that fires on ``s`` and its result, or ``None`` if none fires."""
    for i, rule in enumerate(rules):
        out = rule.apply(s)
        if out is not None:
            return i, out
    return None


def rewrite(rules: Sequence[Rule], s: str, max_steps: int = 10_000) -> list[str]:
    """Every state from ``s`` to the fixed point, applying the first applicable rule each step."""
    states = [s]
    seen = {s}
    while (step := first_applicable(rules, states[-1])) is not None:
        if step[1] in seen:
            raise RewriteCycleError(f"the rules do not terminate: they come back to {step[1][:60]!r}")
        if len(states) > max_steps:
            raise RewriteLimitError(f"no fixed point within {max_steps} steps")
        states.append(step[1])
        seen.add(step[1])
    return states
