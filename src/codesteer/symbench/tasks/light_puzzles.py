"""Light Puzzles: press buttons that toggle sets of lights on an n*n grid; report the final grid.

The question shows an n*n grid of lights (1 lit, 0 unlit), buttons named A, B, ... each toggling
a listed set of cells (1-based ``["row", "column"]``), and a sequence of presses ("Round k:
Button X"). The answer is the final grid flattened row-major: ``<<<0,1,1,...>>>`` (n² values;
a bracketed or nested list is read too). Judged by simulating the presses (:func:`press_all`)
and comparing every cell; a wrong answer's reason names the first wrong cell.

Knobs: ``n`` (grid side), ``buttons`` (how many), ``presses`` (rounds); ``None`` buttons or presses
means "as the release paired them with this n" (:data:`RELEASED_SHAPES`). Levels: ``paper`` mixes
the release's configurations with its frequencies (n = 2/3/4/5 for 14/14/22/150 of 200 items);
the ladder ``1``..``6`` grows to a 20*20 grid, 8 buttons and 40 presses. The release judged by exact match with a stored grid, which is
the same as simulating; no defects known.
"""

from __future__ import annotations

import random
from typing import Any, ClassVar

from codesteer.symbench.answers import AnswerFormatError, parse_list
from codesteer.symbench.kit.common import flatten, instance_from_folder_item, released_solution, weighted
from codesteer.symbench.task import (
    RELEASED_ANSWER,
    Instance,
    Knob,
    OriginalDataError,
    OriginalItem,
    Task,
    Verdict,
)

Grid = list[list[int]]
Cell = tuple[int, int]
#: The release's (buttons, presses) per grid side, repeated by frequency.
RELEASED_SHAPES: dict[int, tuple[tuple[int, int], ...]] = {
    2: ((1, 1),), 3: ((2, 2),), 4: ((2, 3),) * 7 + ((3, 3),) * 4, 5: ((3, 4),),
}

_INTRO = (
    "There is an n*n grid with some lights randomly distributed. A lit light is represented by 1, and an "
    "unlit light is represented by 0. There are some buttons which can change the state of the lights in "
    "certain positions when they are pressed, like turning some lights on or off. Different buttons may "
    "control the state of the same light."
)


def press_all(initial: Grid, buttons: dict[str, list[Cell]], operations: list[str]) -> Grid:
    """The grid after pressing ``operations`` in order; each press toggles its button's cells (1-based)."""
    grid = [row[:] for row in initial]
    for name in operations:
        for r, c in buttons[name]:
            grid[r - 1][c - 1] ^= 1
    return grid


def question_text(initial: Grid, buttons: dict[str, list[Cell]], operations: list[str]) -> str:
    """The question text, worded as the release worded it."""
    n = len(initial)
    lines = [_INTRO, f"Given n={n} and the number of buttons={len(buttons)}, the initial network is:"]
    lines += ["".join(str(v) for v in row) for row in initial]
    lines.append("")
    for name, cells in buttons.items():
        listed = ", ".join(f'["{r}", "{c}"]' for r, c in cells)
        lines.append(f"Button {name} controls the lights at {listed}")
    lines.append("")
    lines += [f"Round {i}: Button {name}" for i, name in enumerate(operations, 1)]
    lines.append("")
    lines.append("Please write the result after all rounds of operation based on the lights controlled by the button.")
    zeros = ",".join("0" * (n * n))
    lines.append(f"For example, <<<{zeros}>>> represents a fully unlit light network.")
    return "\n".join(lines)


def read_grid_answer(answer: str, n: int) -> list[int]:
    """The answer's n² light values (0/1), flattened row-major."""
    values = flatten(parse_list(answer))
    if len(values) != n * n:
        raise AnswerFormatError(f"expected {n * n} values (an {n}*{n} grid flattened), got {len(values)}")
    bad = [v for v in values if v not in (0, 1) or isinstance(v, bool)]
    if bad:
        raise AnswerFormatError(f"every value must be 0 or 1, got {bad[0]!r}")
    return [int(v) for v in values]


class LightPuzzles(Task):
    name = "light_puzzles"
    title = "Light Puzzles"
    seen = True
    knobs = (
        Knob("n", "grid side length", 5),
        Knob("buttons", "number of buttons", 3),
        Knob("presses", "number of button presses (rounds)", 4),
    )
    levels: ClassVar[dict[str, dict[str, Any]]] = {
        "paper": {"n": weighted((2, 14), (3, 14), (4, 22), (5, 150)), "buttons": None, "presses": None},
        "1": {"n": 3, "buttons": 2, "presses": 2},
        "2": {"n": 5, "buttons": 3, "presses": 4},
        "3": {"n": 7, "buttons": 4, "presses": 8},
        "4": {"n": 10, "buttons": 5, "presses": 12},
        "5": {"n": 14, "buttons": 6, "presses": 20},
        "6": {"n": 20, "buttons": 8, "presses": 40},
    }
    answer_format = "<<<v1,v2,...>>>: the final n*n grid of 0/1 flattened row-major"
    original_dirs = ("light_puzzles_dataset",)

    def _generate(
        self, rng: random.Random, n: int, buttons: int | None, presses: int | None
    ) -> tuple[str, dict[str, Any]]:
        if buttons is None or presses is None:
            if n not in RELEASED_SHAPES:
                raise ValueError(f"light_puzzles: give buttons and presses for n={n} (released: n=2..5)")
            shape = rng.choice(RELEASED_SHAPES[n])
            buttons = shape[0] if buttons is None else buttons
            presses = shape[1] if presses is None else presses
        if n < 1 or not 1 <= buttons <= 26 or presses < 1:
            raise ValueError("light_puzzles needs n >= 1, 1..26 buttons and at least one press")
        cells = [(r, c) for r in range(1, n + 1) for c in range(1, n + 1)]
        initial = [[rng.randint(0, 1) for _ in range(n)] for _ in range(n)]
        most = max(2, (n * n * 2) // 5)
        table = {
            chr(ord("A") + i): rng.sample(cells, rng.randint(min(2, n * n), min(most, n * n)))
            for i in range(buttons)
        }
        operations = [rng.choice(list(table)) for _ in range(presses)]
        data = {"n": n, "initial_state": initial, "buttons": table, "operations": operations}
        return question_text(initial, table, operations), data

    def _final(self, instance: Instance) -> list[int]:
        d = instance.data
        buttons = {k: [tuple(c) for c in v] for k, v in d["buttons"].items()}
        return [v for row in press_all(d["initial_state"], buttons, d["operations"]) for v in row]

    def judge_answer(self, instance: Instance, answer: str) -> Verdict:
        n = instance.data["n"]
        got = read_grid_answer(answer, n)
        expected = self._final(instance)
        wrong = [i for i in range(n * n) if got[i] != expected[i]]
        if not wrong:
            return Verdict.right(answer)
        r, c = divmod(wrong[0], n)
        return Verdict.wrong(
            f"{len(wrong)} light(s) wrong: light ({r + 1}, {c + 1}) ends "
            f"{'lit' if expected[wrong[0]] else 'unlit'} after the presses, answer says {got[wrong[0]]}",
            answer,
        )

    def reference_answer(self, instance: Instance) -> str:
        return "<<<" + ",".join(str(v) for v in self._final(instance)) + ">>>"

    def from_original(self, item: OriginalItem) -> Instance:
        sol = released_solution(item)
        try:
            data = {
                "n": int(sol["n"]),
                "initial_state": [[int(v) for v in row] for row in sol["initial_state"]],
                "buttons": {str(k): [[int(r), int(c)] for r, c in v] for k, v in sol["buttons"].items()},
                "operations": [str(op) for op in sol["operations"]],
                RELEASED_ANSWER: ",".join(str(int(v)) for v in sol["solution"]),
            }
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise OriginalDataError(f"malformed light puzzle solution.json: {exc}") from exc
        if unknown := set(data["operations"]) - set(data["buttons"]):
            raise OriginalDataError(f"presses name unknown buttons {sorted(unknown)}")
        return instance_from_folder_item(self, item, data)
