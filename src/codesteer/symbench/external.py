"""Load the external datasets SymBench draws on (BIG-Bench Hard, GSM-Hard, MATH) and judge GSM-Hard numbers.

Each loader takes ``source``: a local path in the release's layout (a file or the folder holding
it), or ``None`` / ``"hf"`` to download from the Hugging Face hub with ``datasets`` (the ``[hf]``
extra). The records come back in the release's shape, so the tasks' ``from_original`` reads both:

* BBH: ``{"input", "target"}`` per example (hub: ``lukaemon/bbh``, split ``test``);
* GSM-Hard: ``{"input", "code", "target"}`` (hub: ``reasoning-machines/gsm-hard``, split ``train``);
* MATH: ``{"problem", "level", "type", "solution"}`` (hub: ``EleutherAI/hendrycks_math``).

:func:`external_instances` turns them into ``Instance`` objects of a registered task. Failures
(offline, missing extra, wrong path) raise :class:`~codesteer.symbench.errors.ExternalDataError`
with a one-line explanation. GSM-Hard answers are compared with :func:`numeric_close`: relative
tolerance 1e-3 (the original judge's rule), absolute 1e-9 near zero.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from codesteer.symbench.answers import AnswerFormatError, parse_number
from codesteer.symbench.errors import ExternalDataError
from codesteer.symbench.kit.math_equiv import read_value
from codesteer.symbench.original import iter_bbh_items, iter_json_file_items, iter_jsonl_items
from codesteer.symbench.task import OriginalItem

if TYPE_CHECKING:
    from codesteer.symbench.task import Instance, Task

GSM_RELATIVE_TOLERANCE = 1e-3
GSM_ABSOLUTE_TOLERANCE = 1e-9
HUB = {
    "bbh": ("lukaemon/bbh", "test"),
    "gsm_hard": ("reasoning-machines/gsm-hard", "train"),
    "math": ("EleutherAI/hendrycks_math", "train"),
}


# ----- loaders -----------------------------------------------------------------------------------
def load_bbh(task: str, source: str | Path | None = None) -> list[dict[str, Any]]:
    """The examples of one BBH task (e.g. ``navigate``) from a local copy or the hub."""
    if _is_hub(source):
        return _hub_rows(HUB["bbh"][0], task, HUB["bbh"][1])
    path = _local(source, f"BIG-Bench-Hard/bbh/{task}.json", f"bbh/{task}.json", f"{task}.json")
    return [item.record for item in _checked(iter_bbh_items(path))]


def load_gsm_hard(source: str | Path | None = None) -> list[dict[str, Any]]:
    """GSM-Hard records from a local ``gsmhardv2.jsonl`` (or a folder holding it) or the hub."""
    if _is_hub(source):
        return _hub_rows(HUB["gsm_hard"][0], None, HUB["gsm_hard"][1])
    path = _local(source, "gsmhardv2.jsonl")
    return [item.record for item in _checked(iter_jsonl_items(path))]


def load_math(subject: str, source: str | Path | None = None, split: str = "train") -> list[dict[str, Any]]:
    """MATH records of one subject (``geometry``, ``counting_and_probability``, ...) and split."""
    if _is_hub(source):
        return _hub_rows(HUB["math"][0], subject, split)
    path = _local(source, f"MATH/{split}/{subject}", f"{split}/{subject}", subject)
    return [item.record for item in _checked(iter_json_file_items(path))]


def external_instances(task: Task, records: list[dict[str, Any]], name: str) -> list[Instance]:
    """Instances of ``task`` for loaded records (ids ``<name>#<index>``), read by its ``from_original``."""
    instances = []
    for index, record in enumerate(records):
        item = OriginalItem(
            task_dir=name,
            item_id=f"{name}#{index}",
            path=Path(name),
            question=record.get("input") or record.get("problem"),
            solution=record.get("target", record.get("solution")),
            record=dict(record),
        )
        instances.append(task.from_original(item))
    return instances


def _is_hub(source: str | Path | None) -> bool:
    return source is None or str(source) == "hf"


def _local(source: str | Path | None, *candidates: str) -> Path:
    """The dataset file or folder at ``source`` (or at one of ``candidates`` inside it)."""
    base = Path(str(source)).expanduser()
    if not base.exists():
        raise ExternalDataError(f"{base} does not exist")
    path = next((base / c for c in candidates if (base / c).exists()), base)
    wants_file = candidates[0].endswith((".json", ".jsonl"))
    if wants_file != path.is_file():
        raise ExternalDataError(f"{base} does not hold {candidates[0]}")
    return path


def _checked(items: Iterator[OriginalItem]) -> Iterator[OriginalItem]:
    for item in items:
        if isinstance(item.solution, Exception):
            raise ExternalDataError(f"{item.item_id}: {item.solution}")
        yield item


def _hub_rows(dataset: str, config: str | None, split: str) -> list[dict[str, Any]]:
    try:
        import datasets
    except ImportError as exc:
        raise ExternalDataError(
            "loading from the Hugging Face hub needs the 'datasets' package: "
            "pip install 'codesteer[hf]' (or pass a local path)"
        ) from exc
    try:
        rows = datasets.load_dataset(dataset, config, split=split)
    except Exception as exc:  # network, missing config, offline mode: all user-facing
        raise ExternalDataError(
            f"could not load {dataset}{'/' + config if config else ''} from the hub "
            f"({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}); "
            "pass a local path instead"
        ) from exc
    return [dict(row) for row in rows]


# ----- GSM-Hard answers --------------------------------------------------------------------------
def read_number(text: str) -> float:
    """A numeric answer: plain, ``1,234.5``, ``$12``, ``3/4``, ``12%`` or LaTeX such as ``\\frac{3}{4}``.

    Numbers beyond floating point read as ``±inf`` (close to no target); anything else than one
    real number raises ``AnswerFormatError`` (a ``MathTooLargeError`` when too large to evaluate).
    """
    s = text.strip().replace("$", "").replace("\\%", "").rstrip("%").strip()
    try:
        return _float(parse_number(s))
    except AnswerFormatError:
        pass
    value = read_value(s)
    if isinstance(value, tuple):
        raise AnswerFormatError("expected one number, got several")
    if value.free_symbols:
        raise AnswerFormatError(f"not a number: {text[:80]!r}")
    real, imaginary = value.evalf(30).as_real_imag()
    if not (real.is_Number and imaginary == 0):
        raise AnswerFormatError(f"not a real number: {text[:80]!r}")
    return _float(real)


def _float(value: Any) -> float:
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


def numeric_close(value: float, target: float) -> bool:
    """GSM-Hard's rule: equal within a relative 1e-3 (absolute 1e-9 near zero)."""
    return math.isclose(value, target, rel_tol=GSM_RELATIVE_TOLERANCE, abs_tol=GSM_ABSOLUTE_TOLERANCE)


def format_number(value: float) -> str:
    """A released float as answer text: ``125.0`` → ``125``, else its shortest repr."""
    if math.isfinite(value) and value == int(value):
        return str(int(value))
    return repr(value)

