"""What the four BIG-Bench-Hard tasks share: released items, options and answer readers.

The original runner asked each BBH ``input`` followed by one line, :data:`ANSWER_INSTRUCTION`.
:func:`parse_released` reads a released example's text; :func:`instance_from_bbh_example` builds that
question for it and stores its ``target`` as ``data[RELEASED_ANSWER]``. Generated items have the
same shape (``data["target"]`` is computed from the parsed item where the task can, so a gold
that breaks the task's rules is rejected).

Answers are read as a fair human grader reads them, and no more leniently:

* multiple choice (:func:`read_choice`): the option letter with or without parentheses and in
  either case (``(B)``, ``B``, ``b)``), the letter followed by its option's text (``(B)
  12/25/1937``; the text must be that option's), or an option's full text alone. Two letters,
  a letter with another option's text, or anything else is rejected with a reason;
* binary (:func:`read_binary`): one of two words (``Yes``/``No``, ``True``/``False``) in any case,
  optionally in parentheses.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from codesteer.symbench.answers import AnswerFormatError
from codesteer.symbench.task import RELEASED_ANSWER, Instance, OriginalDataError, OriginalItem, Verdict

if TYPE_CHECKING:
    from codesteer.symbench.task import Task

T = TypeVar("T")

#: The line the original runner appended to every BBH input.
ANSWER_INSTRUCTION = "Output final answer with the format <<<answer>>>."
#: Option letters, in order.
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

_LETTER_ONLY = re.compile(r"\(?\s*([A-Za-z])\s*\)?")
_LETTER_AND_TEXT = re.compile(r"\(\s*([A-Za-z])\s*\)\s*[:.\-]?\s*(.+)|([A-Za-z])\s*[).:\-]\s*(.+)", re.DOTALL)
_SEPARATORS = re.compile(r"(?:[\s,;/&+]|\band\b|\bor\b)+|(?<=\))(?=\()", re.IGNORECASE)
_OPTION_LINE = re.compile(r"^\(([A-Z])\)\s*(.*)$")


def bbh_path(stem: str) -> str:
    """Where a BBH file lies in the release (``original_dirs`` entry)."""
    return f"BIG-Bench-Hard/bbh/{stem}.json"


def with_instruction(text: str) -> str:
    """The question a model sees: the item's text, then the answer-format line."""
    return f"{text.rstrip()}\n{ANSWER_INSTRUCTION}"


def released_fields(item: OriginalItem) -> tuple[str, str]:
    """The ``input`` and ``target`` of a released example (``OriginalDataError`` when missing)."""
    if isinstance(item.solution, Exception):
        raise OriginalDataError(f"{item.item_id}: {item.solution}")
    text, target = item.question, item.solution
    if not isinstance(text, str) or not text.strip():
        raise OriginalDataError(f"{item.item_id}: no 'input' text")
    if not isinstance(target, str) or not target.strip():
        raise OriginalDataError(f"{item.item_id}: no 'target' answer")
    return text, target.strip()


def parse_released(item: OriginalItem, parse: Callable[[str], T]) -> T:
    """``parse`` applied to a released example's ``input``; its ``ValueError`` becomes ``OriginalDataError``."""
    text, _ = released_fields(item)
    try:
        return parse(text)
    except ValueError as exc:
        raise OriginalDataError(f"{item.item_id}: {exc}") from exc


def instance_from_bbh_example(task: Task, item: OriginalItem, data: dict[str, Any],
                      complexity: dict[str, Any]) -> Instance:
    """The ``Instance`` of a released example whose parsed state is ``data``.

    ``data["target"]``, the answer the judge accepts, is the one the task computed from the
    parsed state when ``data`` has it (so a gold that breaks the rules is rejected), else the gold.
    """
    text, target = released_fields(item)
    return Instance(
        task=task.name,
        id=item.item_id,
        question=with_instruction(text),
        data={"target": target, **data, RELEASED_ANSWER: target},
        complexity=complexity,
        source="original:" + item.item_id,
    )


# ----- options ------------------------------------------------------------------------------
def options_block(texts: Sequence[str]) -> tuple[str, list[list[str]]]:
    """The ``Options:`` block for ``texts`` and the ``[letter, text]`` pairs it lists."""
    if len(texts) > len(LETTERS):
        raise ValueError(f"at most {len(LETTERS)} options, got {len(texts)}")
    options = [[LETTERS[i], text] for i, text in enumerate(texts)]
    return "Options:\n" + "\n".join(f"({letter}) {text}" for letter, text in options), options


def split_options(text: str) -> tuple[str, list[list[str]]]:
    """A BBH input split into its body and its ``(X) text`` options (``ValueError`` if none)."""
    body, sep, block = text.partition("\nOptions:\n")
    if not sep:
        raise ValueError("no 'Options:' block")
    options = []
    for line in block.strip().splitlines():
        match = _OPTION_LINE.match(line.strip())
        if not match:
            raise ValueError(f"unreadable option line {line!r}")
        options.append([match.group(1), match.group(2).strip()])
    letters = [letter for letter, _ in options]
    if letters != list(LETTERS[: len(letters)]):
        raise ValueError(f"option letters out of order: {letters}")
    return body, options


def _norm(text: str) -> str:
    return " ".join(text.strip().rstrip(".").split()).casefold()


def read_choice(answer: str, options: Sequence[Sequence[str]]) -> tuple[str, str | None]:
    """The letter ``answer`` names, and the option text it wrote alongside (if any).

    Raises ``AnswerFormatError`` when the answer is not one option.
    """
    s = answer.strip()
    letters = {letter: text for letter, text in options}
    tokens = [t for t in _SEPARATORS.split(s) if t]
    if len(tokens) > 1 and all(_LETTER_ONLY.fullmatch(t) for t in tokens):
        raise AnswerFormatError(f"names {len(tokens)} options ({', '.join(tokens)}); give exactly one")
    match = _LETTER_ONLY.fullmatch(s)
    if match:
        letter = match.group(1).upper()
        if letter not in letters:
            raise AnswerFormatError(f"({letter}) is not one of the options {_span(options)}")
        return letter, None
    match = _LETTER_AND_TEXT.fullmatch(s)
    if match:
        letter = (match.group(1) or match.group(3)).upper()
        text = match.group(2) or match.group(4)
        if letter in letters and _norm(text) != _norm(letters[letter]):
            raise AnswerFormatError(
                f"({letter}) is written with the text {text.strip()!r}, which is not option "
                f"({letter}) {letters[letter]!r}"
            )
        if letter in letters:
            return letter, text.strip()
    by_text = [letter for letter, text in options if _norm(text) == _norm(s)]
    if len(by_text) == 1:
        return by_text[0], s
    raise AnswerFormatError(
        f"expected one option letter such as (A), one of {_span(options)}; got {answer[:80]!r}"
    )


def _span(options: Sequence[Sequence[str]]) -> str:
    return f"({options[0][0]})..({options[-1][0]})" if options else "(none)"


def letter_of(target: str) -> str:
    """The letter of a gold like ``(B)``."""
    match = re.fullmatch(r"\(([A-Z])\)", target.strip())
    if not match:
        raise ValueError(f"not an option label: {target!r}")
    return match.group(1)


def check_choice(instance: Instance, answer: str, why: str | None = None) -> Verdict:
    """Judge a multiple-choice answer against ``data["target"]`` among ``data["options"]``.

    ``why`` (when given) explains the gold in a wrong verdict's reason.
    """
    options = instance.data["options"]
    letter, _ = read_choice(answer, options)
    gold = letter_of(instance.data["target"])
    if letter == gold:
        return Verdict.right(answer)
    chosen = dict((lt, text) for lt, text in options)[letter]
    reason = f"option ({letter}) {chosen!r} is false; the true option is ({gold})"
    return Verdict.wrong(f"{reason}: {why}" if why else reason, answer)


def read_binary(answer: str, words: tuple[str, str] = ("Yes", "No")) -> str:
    """``words[0]`` or ``words[1]`` as ``answer`` names it (any case, optional parentheses)."""
    s = answer.strip()
    if s.startswith("(") and s.endswith(")"):
        s = s[1:-1].strip()
    s = s.rstrip(".").strip()
    for word in words:
        if s.casefold() == word.casefold():
            return word
    raise AnswerFormatError(f"expected {words[0]} or {words[1]}, got {answer[:80]!r}")


def check_binary(instance: Instance, answer: str, why: str,
                 words: tuple[str, str] = ("Yes", "No")) -> Verdict:
    """Judge a binary answer against ``data["target"]``; ``why`` explains the gold when wrong."""
    got = read_binary(answer, words)
    if got == instance.data["target"]:
        return Verdict.right(answer)
    return Verdict.wrong(f"the answer is {instance.data['target']}, not {got}: {why}", answer)
