"""Matrix Transformation (seen): rotate a character matrix 90 degrees clockwise.

The question (released wording) shows the matrix one row per line, cells separated by spaces,
and asks for the rotated matrix.

Answer: ``<<<A,B,C,D>>>``, the rotated matrix flattened row-major, comma-separated. Also read:
a bracketed (possibly nested) list of the cells, or the cells separated by whitespace / one row
per line. Judged cell by cell against the rotation computed from the instance's matrix; the
count of cells must match.

Knob ``matrix`` = [rows, cols, content] with content one of ``letters`` (A-Z), ``numbers``
(0-9), ``mixed`` (both) and ``symbols`` (``!@#$%^&*+=?``; characters that a grader's cleaning
or list syntax would change — comma, period, quotes, brackets — are never used). Levels:
``paper`` = the release's configurations in equal shares (2x2 letters, 2x3 numbers, 3x3
letters, 3x4 mixed, 4x4 symbols); ``1``..``7`` grow to 20x20 mixed matrices.
Deviation: the release's prompt says "letter matrix" whatever the content; so does ours, to
keep the wording identical.
"""

from __future__ import annotations

import random
import re
import string
from typing import Any, ClassVar

from codesteer.symbench.answers import AnswerFormatError
from codesteer.symbench.kit.common import (
    compare_flat,
    flatten,
    instance_from_folder_item,
    parse_flat,
    released_solution,
    rotate_cw,
    rows_text,
)
from codesteer.symbench.task import (
    RELEASED_ANSWER,
    Instance,
    Knob,
    OneOf,
    OriginalDataError,
    OriginalItem,
    Task,
    Verdict,
)

CONTENTS = {
    "letters": string.ascii_uppercase,
    "numbers": string.digits,
    "mixed": string.ascii_uppercase + string.digits,
    "symbols": "!@#$%^&*+=?",
}


def question_text(matrix: list[list[str]]) -> str:
    return (
        "Given a 2D array of strings, which represents a letter matrix. Your task is to rotate this "
        "matrix 90 degrees clockwise and output the result.\n"
        f"If the matrix is \n{rows_text(matrix)}.\n"
        "What is the result?\n"
        "Return your answer with format <<<list of values and symbols>>>, For example, "
        "<<<A,B,C,D>>> represents a 2D array."
    )


def _cell(value: Any) -> str:
    text = str(value).strip()
    if not text:
        raise ValueError("empty cell")
    return text


def read_cells(answer: str, count: int) -> list[str]:
    """The answer's cells: a comma list, a bracketed list or whitespace-separated cells."""
    text = answer.strip()
    if "," not in text and not text.startswith("[") and re.search(r"\s", text):
        cells = text.split()
        if len(cells) != count:
            raise AnswerFormatError(f"expected {count} cells, got {len(cells)}")
        return cells
    return parse_flat(text, count, _cell, "cell")


class MatrixTransformation(Task):
    name = "matrix_transformation"
    title = "Matrix Transformation"
    seen = True
    knobs = (Knob("matrix", "[rows, cols, content (letters|numbers|mixed|symbols)]", (3, 3, "letters")),)
    levels: ClassVar[dict[str, dict[str, Any]]] = {
        "paper": {
            "matrix": OneOf(
                (2, 2, "letters"), (2, 3, "numbers"), (3, 3, "letters"), (3, 4, "mixed"), (4, 4, "symbols")
            )
        },
        "1": {"matrix": (2, 2, "letters")},
        "2": {"matrix": (3, 3, "letters")},
        "3": {"matrix": (3, 4, "mixed")},
        "4": {"matrix": (4, 4, "symbols")},
        "5": {"matrix": (6, 7, "mixed")},
        "6": {"matrix": (10, 10, "mixed")},
        "7": {"matrix": (20, 20, "mixed")},
    }
    answer_format = "<<<A,B,C,D>>>: the rotated matrix flattened row-major, comma-separated"
    original_dirs = ("matrix_transformation_dataset",)

    def _generate(self, rng: random.Random, *, matrix: Any) -> tuple[str, dict[str, Any]]:
        rows, cols, content = int(matrix[0]), int(matrix[1]), str(matrix[2])
        if rows < 1 or cols < 1 or content not in CONTENTS:
            raise ValueError(f"matrix needs rows, cols >= 1 and content in {sorted(CONTENTS)}")
        alphabet = CONTENTS[content]
        grid = [[rng.choice(alphabet) for _ in range(cols)] for _ in range(rows)]
        return question_text(grid), {"matrix": grid}

    def judge_answer(self, instance: Instance, answer: str) -> Verdict:
        expected = flatten(rotate_cw(instance.data["matrix"]))
        got = read_cells(answer, len(expected))
        return compare_flat(expected, got, answer, "cell")

    def reference_answer(self, instance: Instance) -> str:
        return "<<<" + ",".join(flatten(rotate_cw(instance.data["matrix"]))) + ">>>"

    def from_original(self, item: OriginalItem) -> Instance:
        sol = released_solution(item)
        try:
            grid = [[str(c) for c in row] for row in sol["matrix"]]
            gold = str(sol["formatted_solution"])
        except (KeyError, TypeError) as exc:
            raise OriginalDataError(f"{item.item_id}: malformed solution.json ({exc})") from exc
        if not grid or any(len(r) != len(grid[0]) for r in grid):
            raise OriginalDataError(f"{item.item_id}: matrix is not rectangular")
        data = {"matrix": grid, RELEASED_ANSWER: gold}
        return instance_from_folder_item(self, item, data, {"matrix": [len(grid), len(grid[0])]})
