"""Base classes of the tasks whose instances come only from external datasets (GSM-Hard, MATH).

They have no generator and no reference solver: their only level is ``paper`` (the dataset's
items, read by ``from_original`` from the release or from :mod:`codesteer.symbench.external`).
"""

from __future__ import annotations

import random
from abc import abstractmethod
from typing import Any, ClassVar

from codesteer.symbench.answers import AnswerFormatError
from codesteer.symbench.kit.math_equiv import equivalent, last_boxed
from codesteer.symbench.original import iter_json_file_items, register_layout
from codesteer.symbench.task import RELEASED_ANSWER, Instance, OriginalDataError, OriginalItem, Task, Verdict

#: The answer instruction the original appended to GSM-Hard and MATH questions.
ANSWER_SUFFIX = "Output final answer with the format <<<answer>>> such as <<<123.42>>>, <<<125.0>>>, <<<-9867>>>."


class DatasetTask(Task):
    """A task drawn from an external dataset: no generator, no solver, only the ``paper`` level."""

    has_generator = False
    has_solver = False
    levels: ClassVar[dict[str, dict[str, Any]]] = {"paper": {}}

    def _generate(self, rng: random.Random, **knobs: Any) -> tuple[str, dict[str, Any]]:
        raise NotImplementedError(f"{self.name} has no generator: its instances come from its dataset")

    def reference_answer(self, instance: Instance) -> str:
        raise NotImplementedError(f"{self.name} has no reference solver: it is judged against its dataset's answer")

    def judge_answer(self, instance: Instance, answer: str) -> Verdict:
        if not answer.strip():
            raise AnswerFormatError("empty answer")
        reason = self._mismatch(instance, answer)
        return Verdict.wrong(reason, answer) if reason else Verdict.right(answer)

    def from_original(self, item: OriginalItem) -> Instance:
        if isinstance(item.solution, Exception):
            raise OriginalDataError(f"{item.item_id}: {item.solution}")
        problem, data = self._read(item)
        return Instance(
            task=self.name,
            id=item.item_id,
            question=f"{problem}\n{ANSWER_SUFFIX}",
            data=data,
            complexity=dict(item.complexity),
            source="original:" + item.item_id,
        )

    @abstractmethod
    def _mismatch(self, instance: Instance, answer: str) -> str | None:
        """Why a non-empty ``answer`` is wrong, or ``None`` when it matches the dataset's answer."""

    @abstractmethod
    def _read(self, item: OriginalItem) -> tuple[str, dict[str, Any]]:
        """A dataset item's problem text and the judge's data (``OriginalDataError`` if unreadable)."""


class MathTask(DatasetTask):
    """A MATH subject: the gold is the last ``\\boxed{}`` of the solution, judged by equivalence."""

    subject: ClassVar[str]
    answer_format = (
        "<<<answer>>> with the final answer in LaTeX or plain text (e.g. \\frac{7}{33}, 7/33, 2\\sqrt{3}, "
        "(18, -18)); judged by mathematical equivalence"
    )

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "name" in cls.__dict__:
            register_layout(cls.name, iter_json_file_items)

    def _mismatch(self, instance: Instance, answer: str) -> str | None:
        gold = instance.data["answer"]
        return None if equivalent(answer, gold) else f"not equivalent to the reference answer {gold}"

    def _read(self, item: OriginalItem) -> tuple[str, dict[str, Any]]:
        problem = item.record.get("problem")
        gold = last_boxed(item.solution) if isinstance(item.solution, str) else None
        if not problem or gold is None:
            raise OriginalDataError(f"{item.item_id}: needs a problem and a solution with a \\boxed answer")
        return problem, {"answer": gold, "level": item.record.get("level"), "subject": self.subject,
                         RELEASED_ANSWER: gold}
