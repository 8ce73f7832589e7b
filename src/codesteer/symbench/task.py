"""The contract every SymBench task meets: ``Instance``, ``Verdict``, ``Task`` and levels.

A task is one module under :mod:`codesteer.symbench.tasks` defining one ``Task`` subclass with a
``name``; the registry finds it there (see :mod:`codesteer.symbench.registry`).

Determinism: ``generate(seed, ...)`` draws every random choice from one
``random.Random`` seeded from the task name, the seed and the knobs, so equal arguments give
equal instances on every machine and Python version (never use the global ``random``, sets'
iteration order or ``hash()`` in a generator).
"""

from __future__ import annotations

import hashlib
import json
import random
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from codesteer.symbench.answers import MAX_ANSWER_CHARS, AnswerFormatError, extract_wrapped
from codesteer.symbench.errors import JudgeError


@dataclass
class Instance:
    """One question of a task, with everything its judge and solver need.

    ``data`` holds the puzzle state or ground truth (plain JSON data). ``complexity`` holds the
    knob values that produced it. ``source`` is ``"generated"`` or ``"original:<item path>"``.
    """

    task: str
    id: str
    question: str
    data: dict[str, Any]
    complexity: dict[str, Any] = field(default_factory=dict)
    seed: int | None = None
    level: str | None = None
    source: str = "generated"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Instance:
        return cls(**dict(data))


@dataclass(frozen=True)
class Verdict:
    """A judge's decision: ``correct``, a partial ``score`` in 0..1 and a readable ``reason``.

    ``answer`` is the answer text the judge read (the inside of the last ``<<<...>>>``), or
    ``None`` when none could be found. ``readable`` is false when no answer in the task's format
    was there to judge (no block, too long, unreadable): a rejection of the text, not of an answer.
    """

    correct: bool
    score: float
    reason: str
    answer: str | None = None
    readable: bool = True

    @classmethod
    def right(cls, answer: str | None = None, reason: str = "correct") -> Verdict:
        return cls(True, 1.0, reason, answer)

    @classmethod
    def wrong(cls, reason: str, answer: str | None = None, score: float = 0.0) -> Verdict:
        return cls(False, score, reason, answer)

    @classmethod
    def unreadable(cls, reason: str, answer: str | None = None) -> Verdict:
        return cls(False, 0.0, reason, answer, readable=False)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Knob:
    """A named complexity parameter of a task's generator."""

    name: str
    help: str
    default: Any


@dataclass(frozen=True)
class OneOf:
    """A level value meaning "draw one of these per instance" (uniformly, from the instance's rng).

    Levels that reproduce the released data use it, since the release mixes complexities.
    """

    values: tuple[Any, ...]

    def __init__(self, *values: Any) -> None:
        if not values:
            raise ValueError("OneOf needs at least one value")
        object.__setattr__(self, "values", tuple(values))


@dataclass
class OriginalItem:
    """One item of the originally released SymBench data, as :mod:`.original` read it.

    ``files`` maps each small text file of the item's folder to its raw content (for row-based
    layouts — CSV, JSON lists, JSONL — it is empty and ``record`` holds the row). ``question``
    is the stored prompt when the release has one. ``solution`` is the parsed ``solution.json``
    (or the layout's gold field). ``complexity`` is what the release says about it, if anything.
    """

    task_dir: str
    item_id: str
    path: Path
    question: str | None = None
    solution: Any = None
    record: dict[str, Any] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)
    complexity: dict[str, Any] = field(default_factory=dict)


#: Key of ``Instance.data`` holding the released gold answer, written as the text a model would
#: put inside ``<<<...>>>`` in the format the question asks for (absent when the release has none).
RELEASED_ANSWER = "released_answer"
#: Key of ``Instance.data`` naming the release's split of an item that is not in its evaluation
#: set: ``"train"`` for the items the authors kept for training data (a task's ``training_dirs``).
RELEASE_SPLIT = "release_split"


class OriginalDataError(ValueError):
    """An item of the released data cannot be read into an ``Instance`` (the message says why)."""


class Task(ABC):
    """Base class of the SymBench tasks.

    Subclasses set the class attributes and implement ``_generate``, ``judge_answer`` and
    ``reference_answer`` (plus ``from_original`` to read the released data). ``judge`` is final:
    it unwraps the answer and calls ``judge_answer``, whose every rejection is explicit (a wrong
    ``Verdict`` naming the broken rule, or an ``AnswerFormatError`` saying what is unreadable);
    anything else a judge raises is a bug in it and escapes as a ``JudgeError``.
    """

    #: Registry key (snake_case), e.g. ``"game24"``.
    name: ClassVar[str]
    #: Display name as the paper writes it, e.g. ``"Game 24"``.
    title: ClassVar[str]
    #: ``True`` for the paper's 28 seen tasks, ``False`` for its 9 unseen ones.
    seen: ClassVar[bool]
    #: The generator's complexity parameters.
    knobs: ClassVar[tuple[Knob, ...]] = ()
    #: Named presets: ``"paper"`` (the released distribution) and ``"1"``..``"N"`` (a ladder).
    levels: ClassVar[dict[str, dict[str, Any]]] = {}
    #: The accepted answer format, in words (shown by ``bench list`` and ``bench show``).
    answer_format: ClassVar[str] = ""
    #: Whether the answer must be wrapped in ``<<<...>>>`` (a few released tasks did not ask).
    requires_wrapper: ClassVar[bool] = True
    #: Folder (or file) names this task's items have in the original release.
    original_dirs: ClassVar[tuple[str, ...]] = ()
    #: Those of ``original_dirs`` that hold the release's training split (loaded with
    #: ``data[RELEASE_SPLIT] = "train"``).
    training_dirs: ClassVar[tuple[str, ...]] = ()
    #: Tasks drawn from external datasets may have no generator or no reference solver.
    has_generator: ClassVar[bool] = True
    has_solver: ClassVar[bool] = True

    # ----- generation -------------------------------------------------------------------
    def resolve_knobs(self, level: str | None, overrides: Mapping[str, Any]) -> dict[str, Any]:
        """Knob values for a level (default: ``paper``) with explicit overrides on top."""
        known = {k.name: k.default for k in self.knobs}
        unknown = set(overrides) - set(known)
        if unknown:
            raise ValueError(
                f"{self.name}: unknown knob(s) {sorted(unknown)}; known: {sorted(known)}"
            )
        if level is not None and level not in self.levels:
            raise ValueError(f"{self.name}: unknown level {level!r}; known: {list(self.levels)}")
        values = dict(known)
        values.update(self.levels.get(level or "paper", {}))
        values.update(overrides)
        return values

    def generate(self, seed: int, level: str | None = None, **knobs: Any) -> Instance:
        """A deterministic instance for ``seed`` at ``level`` (default ``paper``), knobs overriding."""
        if not self.has_generator:
            raise NotImplementedError(
                f"{self.name} has no generator: its instances come from the released dataset"
            )
        level_name = level or ("paper" if "paper" in self.levels else None)
        values = self.resolve_knobs(level_name, knobs)
        rng = random.Random(f"{self.name}|{seed}|{json.dumps(_plain(values), sort_keys=True)}")
        drawn = {k: (rng.choice(v.values) if isinstance(v, OneOf) else v) for k, v in values.items()}
        question, data = self._generate(rng, **drawn)
        suffix = level_name if level_name and not knobs else "custom-" + hashlib.sha1(
            json.dumps(_plain(values), sort_keys=True).encode()
        ).hexdigest()[:8]
        return Instance(
            task=self.name,
            id=f"{self.name}-{suffix}-{seed}",
            question=question,
            data=data,
            complexity=_plain(drawn),
            seed=seed,
            level=level_name if not knobs else None,
        )

    @abstractmethod
    def _generate(self, rng: random.Random, **knobs: Any) -> tuple[str, dict[str, Any]]:
        """Draw one instance: return its question text and its ``data``."""

    # ----- judging ----------------------------------------------------------------------
    def judge(self, instance: Instance, answer_text: Any) -> Verdict:
        """Judge a model's full reply (or bare answer).

        Every malformed or hostile answer gets a wrong ``Verdict`` with a reason (answers longer
        than ``MAX_ANSWER_CHARS`` once unwrapped are refused unread; a task judging free text
        without a wrapper reads the reply's last ``MAX_ANSWER_CHARS`` characters). Raises ``JudgeError`` (the
        judge's own exception as its ``__cause__``) only when the judge itself fails.
        """
        if not isinstance(answer_text, str):
            return Verdict.unreadable(f"answer must be text, got {type(answer_text).__name__}")
        answer = extract_wrapped(answer_text)
        if answer is None:
            if self.requires_wrapper:
                return Verdict.unreadable("no <<<...>>> answer found")
            answer = answer_text.strip()[-MAX_ANSWER_CHARS:]  # free text: its end holds the answer
        if len(answer) > MAX_ANSWER_CHARS:
            return Verdict.unreadable(f"answer too long: {len(answer)} characters (at most {MAX_ANSWER_CHARS})")
        try:
            return self.judge_answer(instance, answer)
        except AnswerFormatError as exc:
            return Verdict.unreadable(f"unreadable answer: {exc}", answer)
        except Exception as exc:
            raise JudgeError.wrapping(self.name, instance.id, answer, exc) from exc

    @abstractmethod
    def judge_answer(self, instance: Instance, answer: str) -> Verdict:
        """Judge the unwrapped answer text by the task's rules.

        Return a wrong ``Verdict`` naming the broken rule, or raise ``AnswerFormatError`` saying
        why the text cannot be read; any other exception is reported as a bug of the judge.
        """

    # ----- reference answers ------------------------------------------------------------
    @abstractmethod
    def reference_answer(self, instance: Instance) -> str:
        """A reference answer, computed (search, constraint solving, simulation), wrapped in <<<>>>."""

    # ----- original data ----------------------------------------------------------------
    def from_original(self, item: OriginalItem) -> Instance:
        """Read one item of the released data (raise ``OriginalDataError`` with the reason).

        The instance's ``source`` is ``"original:<item_id>"`` and, where the release stores a gold
        answer, ``data[RELEASED_ANSWER]`` holds it as answer text so that it can be judged.
        """
        raise NotImplementedError(f"{self.name} has no reader for the released data")

    def __repr__(self) -> str:
        return f"<Task {self.name}>"


def _plain(value: Any) -> Any:
    """JSON-friendly copy of knob values (tuples to lists, OneOf to its values)."""
    if isinstance(value, OneOf):
        return {"one_of": [_plain(v) for v in value.values]}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value
