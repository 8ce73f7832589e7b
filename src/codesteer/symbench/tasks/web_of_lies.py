"""Web of Lies (seen, BIG-Bench Hard): follow a chain of "X says Y lies" to its last person.

The first person is stated to tell the truth or to lie; each next person says the previous one
tells the truth or lies; the question asks whether the last person tells the truth.

Answer: ``<<<Yes>>>`` or ``<<<No>>>`` (any case, a trailing period or parentheses forgiven;
anything else, such as ``Yes/No`` or ``True``, is rejected). Judged exactly against the truth of
the last person, which the reference solver computes by propagating truth along the chain (a
person tells the truth exactly when what they say is true).

Knobs: ``people`` (length of the chain). Levels: ``paper`` = the generated counterpart of the
released items (5 people, as in all 250 BBH examples); ladder ``1``..``6`` = 3, 5, 8, 12, 20,
30 people.
Generated questions follow the BBH wording (``Question: ... Does Z tell the truth?``) with
names drawn from a list of our own and each statement drawn at random (so both answers occur
about equally often, as in BBH's 122 Yes / 128 No).

Released data: ``BIG-Bench-Hard/bbh/web_of_lies.json`` is the ``paper`` item set; its chain is
parsed from the text and the judge accepts the answer computed from it (every released
``target`` agrees). No deviations: the original judged with a gpt-4o call whose "correct" substring test also passed
"Incorrect"; ours is exact.
"""

from __future__ import annotations

import random
import re
from typing import Any, ClassVar

from codesteer.symbench.kit.bbh import (
    bbh_path,
    check_binary,
    instance_from_bbh_example,
    parse_released,
    with_instruction,
)
from codesteer.symbench.original import iter_bbh_items, register_layout
from codesteer.symbench.task import Instance, Knob, OriginalItem, Task, Verdict

NAMES = (
    "Abel", "Adele", "Alma", "Amos", "Bettina", "Bram", "Calla", "Cyrus", "Dara", "Desmond",
    "Edda", "Emil", "Faye", "Florin", "Greta", "Hollis", "Ines", "Ivo", "Jola", "Kasimir",
    "Leona", "Lorcan", "Mabel", "Marten", "Nell", "Odile", "Orrin", "Petra", "Quincy", "Rosalind",
    "Soren", "Talia", "Tobin", "Ulla", "Vesna", "Wendel", "Xenia", "Yusuf", "Zelda", "Zoran",
)

_FIRST = re.compile(r"([A-Z][\w'-]*) (tells the truth|lies)")
_SAYS = re.compile(r"([A-Z][\w'-]*) says ([A-Z][\w'-]*) (tells the truth|lies)")
_ASK = re.compile(r"Does ([A-Z][\w'-]*) tell the truth\?")


def _claim(truthful: bool) -> str:
    return "tells the truth" if truthful else "lies"


def truths(first_truthful: bool, claims: list[bool]) -> list[bool]:
    """Whether each person of the chain tells the truth (``claims[i]``: person i+1's claim)."""
    out = [first_truthful]
    for claim in claims:
        out.append(claim == out[-1])
    return out


def question_text(names: list[str], first_truthful: bool, claims: list[bool]) -> str:
    """The BBH-style item text (without the answer-format line)."""
    parts = [f"{names[0]} {_claim(first_truthful)}."]
    parts += [f"{names[i + 1]} says {names[i]} {_claim(c)}." for i, c in enumerate(claims)]
    return f"Question: {' '.join(parts)} Does {names[-1]} tell the truth?"


def parse_chain(text: str) -> dict[str, Any]:
    """The names, first fact and claims of a BBH web-of-lies text (``ValueError`` if unreadable)."""
    body = text.strip().removeprefix("Question:").strip()
    sentences = [s.strip() for s in re.split(r"(?<=[.?])\s+", body) if s.strip()]
    if len(sentences) < 3:
        raise ValueError("too few statements")
    first = _FIRST.fullmatch(sentences[0].rstrip("."))
    ask = _ASK.fullmatch(sentences[-1])
    if not first or not ask:
        raise ValueError("expected 'X tells the truth/lies.' first and 'Does Z tell the truth?' last")
    names, claims = [first.group(1)], []
    for sentence in sentences[1:-1]:
        says = _SAYS.fullmatch(sentence.rstrip("."))
        if not says or says.group(2) != names[-1]:
            raise ValueError(f"statement does not continue the chain: {sentence!r}")
        names.append(says.group(1))
        claims.append(says.group(3) == "tells the truth")
    if ask.group(1) != names[-1]:
        raise ValueError("the question is not about the last person of the chain")
    return {"names": names, "first_truthful": first.group(2) == "tells the truth", "claims": claims}


def answer_of(data: dict[str, Any]) -> str:
    return "Yes" if truths(data["first_truthful"], data["claims"])[-1] else "No"


class WebOfLies(Task):
    name = "web_of_lies"
    title = "Web of Lies"
    seen = True
    knobs = (Knob("people", "people in the chain of statements", 5),)
    levels: ClassVar[dict[str, dict[str, Any]]] = {
        "paper": {"people": 5},
        "1": {"people": 3},
        "2": {"people": 5},
        "3": {"people": 8},
        "4": {"people": 12},
        "5": {"people": 20},
        "6": {"people": 30},
    }
    answer_format = "<<<Yes>>> or <<<No>>>"
    original_dirs = (bbh_path("web_of_lies"),)

    def _generate(self, rng: random.Random, *, people: int) -> tuple[str, dict[str, Any]]:
        if not 2 <= people <= len(NAMES):
            raise ValueError(f"web_of_lies needs 2..{len(NAMES)} people, got {people}")
        data = {
            "names": rng.sample(NAMES, people),
            "first_truthful": rng.random() < 0.5,
            "claims": [rng.random() < 0.5 for _ in range(people - 1)],
        }
        data["target"] = answer_of(data)
        return with_instruction(question_text(data["names"], data["first_truthful"], data["claims"])), data

    def judge_answer(self, instance: Instance, answer: str) -> Verdict:
        data = instance.data
        names, truth = data["names"], truths(data["first_truthful"], data["claims"])
        liars = ", ".join(n for n, t in zip(names, truth, strict=True) if not t) or "nobody"
        return check_binary(instance, answer, f"following the chain, the liars are {liars}")

    def reference_answer(self, instance: Instance) -> str:
        return f"<<<{answer_of(instance.data)}>>>"

    def from_original(self, item: OriginalItem) -> Instance:
        data = parse_released(item, parse_chain)
        data["target"] = answer_of(data)
        return instance_from_bbh_example(self, item, data, {"people": len(data["names"])})


register_layout(WebOfLies.name, iter_bbh_items)
