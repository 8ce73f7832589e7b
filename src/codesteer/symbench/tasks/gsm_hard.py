"""GSM-Hard (seen): grade-school word problems with large, awkward numbers (external dataset).

Answer: ``<<<number>>>``: an integer or decimal (``1,234.5``, ``$12``, ``3/4`` and ``\\frac{3}{4}``
are read too). Judged numerically against the dataset's ``target``: correct within a relative
1e-3 (the original's rule; absolute 1e-9 near zero).
No generator, no solver, only the ``paper`` level: instances come from ``gsmhardv2.jsonl`` in the
release, or from :func:`codesteer.symbench.external.load_gsm_hard` (a local file or the hub).
Question: the problem's ``input`` followed by the original's answer instruction.
Deviations: the original asked gpt-4o whether the numbers agree and counted a sample correct
unless both of its verdicts were exactly "False"; ours computes the comparison.
"""

from __future__ import annotations

import math
from typing import Any

from codesteer.symbench.external import format_number, numeric_close, read_number
from codesteer.symbench.kit.dataset_tasks import DatasetTask
from codesteer.symbench.original import iter_jsonl_items, register_layout
from codesteer.symbench.task import RELEASED_ANSWER, Instance, OriginalDataError, OriginalItem


class GsmHard(DatasetTask):
    name = "gsm_hard"
    title = "GSM-Hard"
    seen = True
    answer_format = "<<<number>>>, correct within a relative 1e-3 of the dataset's target"
    original_dirs = ("gsmhardv2.jsonl",)

    def _mismatch(self, instance: Instance, answer: str) -> str | None:
        value, target = read_number(answer), instance.data["target"]
        if numeric_close(value, target):
            return None
        return f"{format_number(value)} is not within a relative 1e-3 of {format_number(target)}"

    def _read(self, item: OriginalItem) -> tuple[str, dict[str, Any]]:
        question = item.record.get("input")
        try:
            target = float(item.record["target"])
        except (KeyError, TypeError, ValueError) as exc:
            raise OriginalDataError(f"{item.item_id}: no numeric 'target'") from exc
        if not question or not math.isfinite(target):
            raise OriginalDataError(f"{item.item_id}: needs an 'input' and a finite 'target'")
        return question, {"target": target, RELEASED_ANSWER: format_number(target)}


register_layout(GsmHard.name, iter_jsonl_items)
