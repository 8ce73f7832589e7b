"""String rewrite rules applied "first applicable rule, from rule 1 again, until none applies".

Used by the String Deletion and Modification task (generator, solver and judge). Each rule of
:data:`POOL` is a sentence as the question prints it plus the function that applies it
(returning ``None`` when the rule does not fire). :func:`rewrite` runs a rule list to its fixed
point and returns every intermediate state; rules that cycle raise :class:`RewriteCycleError`
(a :class:`~codesteer.symbench.errors.NoSolutionError`: no final string exists).
"""

from __future__ import annotations

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


def _suffix(old: str, new: str, prepend: str = "") -> Apply:
    return lambda s: prepend + s[: -len(old)] + new if s.endswith(old) else None


def _prefix(old: str, new: str, append: str = "", drop_last: bool = False) -> Apply:
    def apply(s: str) -> str | None:
        if not s.startswith(old):
            return None
        out = new + s[len(old):] + append
        return out[:-1] if drop_last else out

    return apply


def _first(old: str, new: str, start: int = 0) -> Apply:
    def apply(s: str) -> str | None:
        i = s.find(old, start)
        return None if i < 0 else s[:i] + new + s[i + len(old):]

    return apply


def _drop_middle(longer_than: int) -> Apply:
    return lambda s: s[: len(s) // 2] + s[len(s) // 2 + 1:] if len(s) > longer_than else None


def _even_count(letter: str, append: str) -> Apply:
    return lambda s: s + append if s.count(letter) and s.count(letter) % 2 == 0 else None


#: The rule pool: each instance draws its rules from here (in a random order).
POOL: tuple[Rule, ...] = (
    Rule("If the string suffix is 'ac', replace it with 'cb'.", _suffix("ac", "cb")),
    Rule("If the string starts with 'cc', remove the first two characters.", _prefix("cc", "")),
    Rule("If the string contains 'abc', replace the first occurrence with 'cab'.", _first("abc", "cab")),
    Rule("If the string prefix is 'bc', delete the first two characters and append 'aa' to the end.",
         _prefix("bc", "", append="aa")),
    Rule("If the string contains 'ca' (not at the start), remove the first occurrence found after the "
         "first character.", _first("ca", "", start=1)),
    Rule("If the string suffix is 'bb', delete the last two characters.", _suffix("bb", "")),
    Rule("If the string length is greater than 15, remove the middle character.", _drop_middle(15)),
    Rule("If the string contains 'bca', delete the first occurrence entirely.", _first("bca", "")),
    Rule("If the string starts with 'ac', replace the first two characters with 'zz'.", _prefix("ac", "zz")),
    Rule("If the string prefix is 'aa', remove the first character.", _prefix("aa", "a")),
    Rule("If the string contains an even number of 'b's (and at least one 'b'), append 'ab' at the end.",
         _even_count("b", "ab")),
    Rule("If the string suffix is 'cc', replace it with 'b' and prepend 'a' to the start.",
         _suffix("cc", "b", prepend="a")),
    Rule("If the string starts with 'bb', remove the second character.", _prefix("bb", "b")),
    Rule("If the string prefix is 'cb', replace it with 'aa' and delete the last character.",
         _prefix("cb", "aa", drop_last=True)),
    Rule("If the string prefix is 'ca', replace it with 'bb' and append 'c' to the end.",
         _prefix("ca", "bb", append="c")),
    Rule("If the string ends with 'ca', remove the last character.", _suffix("ca", "c")),
    Rule("If the string ends with 'aa', replace it with 'cc'.", _suffix("aa", "cc")),
    Rule("If the string contains 'acb', replace the first occurrence with its reverse ('bca').",
         _first("acb", "bca")),
    Rule("If the string ends with 'ba', replace it with 'ab'.", _suffix("ba", "ab")),
    Rule("If the string contains 'cbc', replace the first occurrence with 'b'.", _first("cbc", "b")),
)
BY_TEXT: dict[str, Rule] = {rule.text: rule for rule in POOL}


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
