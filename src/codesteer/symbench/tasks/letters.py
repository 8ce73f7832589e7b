"""Letters (unseen): count a letter in a word and list its 1-based positions.

The release stores only the words; its runner built the prompt. Ours asks the same question:
"How many 'r's are in the word 'strawberry' and what are their positions? ..." and asks for
``<<<Count: X, Positions: [Y, Z, ...]>>>``.

Answer: ``Count: X, Positions: [Y, Z, ...]`` inside ``<<<...>>>`` (case and spacing free; ``=``
for ``:`` and parentheses for brackets are read too). Judged against the word: the count must
equal the letter's number of occurrences and the positions (1-based, any order, no repeats)
must be exactly where it occurs — as the release judged it.

Knobs: ``length`` = [min, max] word length (inclusive), ``frequency`` = occurrences of the
target letter, ``letter`` = the letter (``None``: drawn at random). Levels: ``paper`` = the
set the paper scored (length bands 10-15, 15-20 and 20-25, frequency 1..5); ``1``..``7`` run
through the release's other bands up to 750-800 letters with 200 occurrences.

Deviation: the release used real dictionary words where enough had the wanted letter count
(downloading a word list at import time) and random strings otherwise; ours are always random
strings over a-z, so no download is needed and the count cannot be recalled from memory.
"""

from __future__ import annotations

import json
import random
import re
import string
from typing import Any, ClassVar

from codesteer.symbench.answers import AnswerFormatError, read_int
from codesteer.symbench.task import (
    Instance,
    Knob,
    OneOf,
    OriginalDataError,
    OriginalItem,
    Task,
    Verdict,
)

_ANSWER_HEAD = re.compile(r"count\s*[:=]\s*(\d+)\s*[,;]?\s*positions?\s*[:=]\s*[\[(]", re.IGNORECASE)
_CLOSING = re.compile(r"[\])]")
_FOLDER = re.compile(r"^([a-z])_(\d+)_\d+$")
_BAND = re.compile(r"min_length_(\d+)_max_length_(\d+)")


def positions(word: str, letter: str) -> list[int]:
    """1-based positions of ``letter`` in ``word``."""
    return [i for i, ch in enumerate(word, 1) if ch == letter]


def question_text(word: str, letter: str) -> str:
    return (
        f"How many '{letter}'s are in the word '{word}' and what are their positions? "
        "The position in the word counts from 1 not 0.\n"
        "Surround the answer with <<<content>>> in the form of <<<Count: X, Positions: [Y, Z, ...]>>>."
    )


def read_answer(answer: str) -> tuple[int, list[int]]:
    """The first ``Count: X, Positions: [...]`` of the answer (read in one pass over it)."""
    head = _ANSWER_HEAD.search(answer)
    closing = _CLOSING.search(answer, head.end()) if head else None
    if not head or not closing:
        raise AnswerFormatError("expected 'Count: X, Positions: [Y, Z, ...]'")
    listed = answer[head.end():closing.start()]
    items = [p for p in re.split(r"[,\s]+", listed.strip()) if p]
    if not all(re.fullmatch(r"\d+", p) for p in items):
        raise AnswerFormatError(f"positions must be whole numbers: {listed[:80]!r}")
    return read_int(head.group(1)), [read_int(p) for p in items]


class Letters(Task):
    name = "letters"
    title = "Letters"
    seen = False
    knobs = (
        Knob("length", "[min, max] word length, inclusive", (10, 15)),
        Knob("frequency", "occurrences of the target letter", 3),
        Knob("letter", "target letter (None: random)", None),
    )
    levels: ClassVar[dict[str, dict[str, Any]]] = {
        "paper": {"length": OneOf((10, 15), (15, 20), (20, 25)), "frequency": OneOf(1, 2, 3, 4, 5)},
        "1": {"length": (5, 10), "frequency": 2},
        "2": {"length": (15, 20), "frequency": 3},
        "3": {"length": (25, 30), "frequency": 5},
        "4": {"length": (50, 100), "frequency": 25},
        "5": {"length": (150, 200), "frequency": 50},
        "6": {"length": (350, 400), "frequency": 100},
        "7": {"length": (750, 800), "frequency": 200},
    }
    answer_format = "<<<Count: X, Positions: [Y, Z, ...]>>> with 1-based positions"
    original_dirs = ("Letters",)

    def _generate(self, rng: random.Random, *, length: Any, frequency: int,
                  letter: str | None) -> tuple[str, dict[str, Any]]:
        lo, hi = int(length[0]), int(length[1])
        frequency = int(frequency)
        if not 1 <= lo <= hi or not 0 <= frequency <= hi:
            raise ValueError("length needs 1 <= min <= max and frequency in 0..max")
        if letter is not None and (len(str(letter)) != 1 or str(letter) not in string.ascii_lowercase):
            raise ValueError("letter must be one of a-z")
        target = str(letter) if letter is not None else rng.choice(string.ascii_lowercase)
        size = rng.randint(max(lo, frequency), hi)
        others = [c for c in string.ascii_lowercase if c != target]
        chars = [rng.choice(others) for _ in range(size)]
        for i in rng.sample(range(size), frequency):
            chars[i] = target
        word = "".join(chars)
        return question_text(word, target), {"word": word, "letter": target}

    def judge_answer(self, instance: Instance, answer: str) -> Verdict:
        word, letter = instance.data["word"], instance.data["letter"]
        count, given = read_answer(answer)
        truth = positions(word, letter)
        if count != len(truth):
            return Verdict.wrong(f"'{letter}' occurs {len(truth)} times, not {count}", answer)
        if len(set(given)) != len(given):
            return Verdict.wrong("a position is listed twice", answer)
        missing, extra = sorted(set(truth) - set(given)), sorted(set(given) - set(truth))
        if missing or extra:
            parts = [f"missing {missing}"] * bool(missing) + [f"'{letter}' is not at {extra}"] * bool(extra)
            return Verdict.wrong("wrong positions: " + "; ".join(parts), answer)
        return Verdict.right(answer)

    def reference_answer(self, instance: Instance) -> str:
        truth = positions(instance.data["word"], instance.data["letter"])
        return f"<<<Count: {len(truth)}, Positions: {truth}>>>"

    def from_original(self, item: OriginalItem) -> Instance:
        folder = _FOLDER.match(item.path.name)
        band = _BAND.search(item.path.parent.name)
        if not folder or "test_words.json" not in item.files:
            raise OriginalDataError(f"{item.item_id}: expected <letter>_<freq>_<k>/test_words.json")
        try:
            word = json.loads(item.files["test_words.json"])
        except json.JSONDecodeError as exc:
            raise OriginalDataError(f"{item.item_id}: test_words.json is not JSON ({exc})") from exc
        if not isinstance(word, str) or not word:
            raise OriginalDataError(f"{item.item_id}: test_words.json does not hold one word")
        letter = folder.group(1)
        complexity: dict[str, Any] = {"frequency": int(folder.group(2))}
        if band:
            complexity["length"] = [int(band.group(1)), int(band.group(2))]
        return Instance(
            task=self.name,
            id=item.item_id,
            question=question_text(word, letter),
            data={"word": word, "letter": letter},
            complexity=complexity,
            source="original:" + item.item_id,
        )
