"""BoxNet: agents on a grid, one per cell, move coloured boxes onto same-coloured targets.

Cells are named by their centres, ``square[row + 0.5, col + 0.5]``, and the agent of a cell is
``Agent[row + 0.5, col + 0.5]``. In one step each agent may do one action on a box that was in
its cell when the step began: move it to an edge-adjacent cell, ``move(box_red, square[0.5,
1.5])``, or onto a same-coloured target in its cell, ``move(box_red, target_red)``, which removes
both box and target. Goal: every box on a target.

Answer format: a JSON list with one dict per step mapping agents to actions, e.g.
``<<<[{"Agent[0.5, 0.5]": "move(box_blue, square[0.5, 1.5])"}, {"Agent[0.5, 1.5]":
"move(box_blue, target_blue)"}]>>>``; agents with nothing to do are left out. A Python literal
with single quotes is accepted too.

Knobs: ``grid`` (rows, cols), ``colors`` (how many colours, at most 8), ``boxes_per_color``
(min, max). Each colour has as many targets as boxes, all placed uniformly at random.

Levels: ``paper`` mixes the five released grids (1x2, 2x2, 2x4, 4x4, 4x8) with 5 colours and 1-3
boxes per colour, as the released evaluation set; the ladder ``"1"``..``"6"`` grows to a 6x8 grid
with 8 colours and up to 5 boxes per colour.

Judging: the plan is simulated step by step; actions are checked against the state at the start
of their step and applied together. An action breaks a rule when its agent is not on the grid,
the agent appears twice in a step, the box is not in the agent's cell, the destination is not
adjacent, or no matching target is in the cell; it then does nothing. Correct when every box
is delivered and no rule is broken; ``score`` is the fraction of boxes delivered (the original
logged this "lifted ratio").

Deviations from the release: the original ignored inapplicable actions silently and did not
detect an agent listed twice in one step (its JSON reader kept the last); we fail the answer
and name the rule, keeping the delivered fraction as the score. Actions see the state at the
start of the step (a box moved into a cell can be moved again only in a later step). The
original release stores no question for this task; the question is built from the template
below.

Released items: the evaluation set and ``BoxNet1_dataset_SFT/``, the instances the authors kept for
training data (loaded with ``data[RELEASE_SPLIT] = "train"``).
"""

from __future__ import annotations

import json
import math
import random
import re
from collections import Counter
from itertools import permutations
from typing import Any, ClassVar

from codesteer.symbench.answers import AnswerFormatError, parse_literal
from codesteer.symbench.task import Instance, Knob, OneOf, OriginalDataError, OriginalItem, Task, Verdict

COLORS = ("red", "blue", "green", "purple", "orange", "yellow", "pink", "cyan")
Cell = tuple[int, int]
Grid = dict[Cell, list[str]]

_AGENT = re.compile(r"\s*agent\s*\[\s*([\d.]+)\s*,\s*([\d.]+)\s*\]\s*", re.IGNORECASE)
_ACTION = re.compile(
    r"\s*move\s*\(\s*box_(\w+)\s*,\s*(?:square\s*\[\s*([\d.]+)\s*,\s*([\d.]+)\s*\]|target_(\w+))\s*\)\s*",
    re.IGNORECASE,
)


def _coord(text: str) -> int | None:
    """Index of a cell-centre coordinate (``1.5`` -> 1), ``None`` if it is not one."""
    try:
        value = float(text) - 0.5
    except ValueError:
        return None
    return int(value) if math.isfinite(value) and value == int(value) and value >= 0 else None


def _name(cell: Cell) -> str:
    return f"[{cell[0] + 0.5}, {cell[1] + 0.5}]"


def grid_from_json(raw: dict[str, list[str]]) -> Grid:
    """A grid from the release's ``{"0.5_1.5": ["box_red", ...]}`` form."""
    grid: Grid = {}
    for key, items in raw.items():
        row, col = (_coord(part) for part in key.split("_"))
        if row is None or col is None:
            raise OriginalDataError(f"bad cell key {key!r}")
        grid[(row, col)] = list(items)
    return grid


def grid_to_json(grid: Grid) -> dict[str, list[str]]:
    return {f"{r + 0.5}_{c + 0.5}": list(items) for (r, c), items in sorted(grid.items())}


def neighbours(grid: Grid, cell: Cell) -> list[Cell]:
    r, c = cell
    return [n for n in ((r - 1, c), (r + 1, c), (r, c - 1), (r, c + 1)) if n in grid]


class _Pairs(list):
    """A dict's items in written order (so that a repeated agent stays visible)."""


def parse_plan(answer: str) -> list[list[tuple[str, str]]]:
    """Steps as ``(agent, action)`` pairs in written order (duplicates kept, to be judged).

    A single dict is read as a one-step plan.
    """
    try:
        value: Any = json.loads(answer, object_pairs_hook=_Pairs)
    except RecursionError as exc:
        raise AnswerFormatError("brackets nested too deeply") from exc
    except ValueError:  # not JSON (or a number too long for it): maybe a Python literal
        value = parse_literal(answer)
        value = _Pairs(value.items()) if isinstance(value, dict) else value
        if isinstance(value, list | tuple):
            value = [_Pairs(step.items()) if isinstance(step, dict) else step for step in value]
    if isinstance(value, _Pairs):
        value = [value]
    if not isinstance(value, list | tuple):
        raise AnswerFormatError("expected a list of per-step dicts")
    steps = []
    for number, step in enumerate(value, 1):
        if not isinstance(step, _Pairs) or not all(
            isinstance(p, list | tuple) and len(p) == 2 and all(isinstance(x, str) for x in p) for p in step
        ):
            raise AnswerFormatError(f"step {number} is not a dict of agent -> action text")
        steps.append([(str(a), str(b)) for a, b in step])
    return steps


def simulate(grid: Grid, steps: list[list[tuple[str, str]]]) -> tuple[int, str | None]:
    """Boxes delivered by the plan and the first broken rule (``None`` when all were followed)."""
    cells = {cell: Counter(items) for cell, items in grid.items()}
    delivered = 0
    problem: str | None = None
    for number, step in enumerate(steps, 1):
        start = {cell: Counter(items) for cell, items in cells.items()}
        acted: set[Cell] = set()
        for agent, action in step:
            outcome = _apply(grid, start, cells, acted, agent, action)
            if isinstance(outcome, str):
                problem = problem or f"step {number}, {agent}: {action}: {outcome}"
            else:
                delivered += outcome
    return delivered, problem


def _apply(grid: Grid, start: dict, cells: dict, acted: set[Cell], agent: str, action: str) -> int | str:
    """Apply one action (1 if it delivered a box, else 0) or say which rule it breaks."""
    who = _AGENT.fullmatch(agent)
    cell = (_coord(who.group(1)), _coord(who.group(2))) if who else None
    if cell not in grid:
        return "no such agent on the grid"
    if cell in acted:
        return "an agent does at most one action per step"
    acted.add(cell)
    what = _ACTION.fullmatch(action)
    if not what:
        return "not an action 'move(box_<color>, square[x, y])' or 'move(box_<color>, target_<color>)'"
    color, x, y, target = what.groups()
    box = f"box_{color}"
    if start[cell][box] < 1:
        return f"no {box} in the agent's square at the start of the step"
    if target is not None:
        if target != color:
            return "a box can only go onto a target of its own colour"
        if start[cell][f"target_{color}"] < 1:
            return f"no target_{color} in the agent's square"
        cells[cell][box] -= 1
        cells[cell][f"target_{color}"] -= 1
        return 1
    dest = (_coord(x), _coord(y))
    if dest not in neighbours(grid, cell):
        return f"square[{x}, {y}] is not a square next to the agent's"
    cells[cell][box] -= 1
    cells[dest][box] += 1
    return 0


def plan(grid: Grid) -> list[dict[str, str]]:
    """A conflict-free plan: match boxes to targets, then move each along a shortest path.

    Each step, every cell's agent moves the box (present at the step's start) with the longest
    remaining route, so every step makes progress and the plan ends.
    """
    jobs = _assign(grid)
    pos = {i: src for i, (src, _, _) in enumerate(jobs)}
    steps: list[dict[str, str]] = []
    while pos:
        busy: set[Cell] = set()
        step: dict[str, str] = {}
        for i in sorted(pos, key=lambda i: (-_distance(pos[i], jobs[i][1]), i)):
            here, (_, goal, color) = pos[i], jobs[i]
            if here in busy:
                continue
            busy.add(here)
            if here == goal:
                step[f"Agent{_name(here)}"] = f"move(box_{color}, target_{color})"
                del pos[i]
            else:
                nxt = _toward(here, goal)
                step[f"Agent{_name(here)}"] = f"move(box_{color}, square{_name(nxt)})"
                pos[i] = nxt
        steps.append(step)
    return steps


def _distance(a: Cell, b: Cell) -> int:
    return abs(a[0] - b[0]) + abs(a[1] - b[1])


def _toward(a: Cell, b: Cell) -> Cell:
    if a[0] != b[0]:
        return (a[0] + (1 if b[0] > a[0] else -1), a[1])
    return (a[0], a[1] + (1 if b[1] > a[1] else -1))


def _assign(grid: Grid) -> list[tuple[Cell, Cell, str]]:
    """(box cell, target cell, colour) per box, pairing each colour's boxes and targets cheaply."""
    jobs = []
    for color in sorted({item.split("_", 1)[1] for items in grid.values() for item in items}):
        boxes = [cell for cell in sorted(grid) for item in grid[cell] if item == f"box_{color}"]
        targets = [cell for cell in sorted(grid) for item in grid[cell] if item == f"target_{color}"]
        if len(boxes) != len(targets):
            raise ValueError(f"colour {color} has {len(boxes)} boxes but {len(targets)} targets")
        if len(boxes) <= 6:
            order = min(permutations(targets), key=lambda ts: sum(map(_distance, boxes, ts)))
        else:
            order = tuple(_greedy_pairing(boxes, targets))
        jobs += [(b, t, color) for b, t in zip(boxes, order, strict=True)]
    return jobs


def _greedy_pairing(boxes: list[Cell], targets: list[Cell]) -> list[Cell]:
    left = list(targets)
    paired = []
    for box in boxes:
        best = min(left, key=lambda t: _distance(box, t))
        left.remove(best)
        paired.append(best)
    return paired


def render_state(grid: Grid) -> str:
    lines = []
    for cell in sorted(grid):
        moves = [f"move({item}, square{_name(n)})" for item in sorted(set(grid[cell])) if item.startswith("box_")
                 for n in neighbours(grid, cell)]
        moves += [f"move({item}, target_{item[4:]})" for item in sorted(set(grid[cell]))
                  if item.startswith("box_") and f"target_{item[4:]}" in grid[cell]]
        lines.append(f"Agent{_name(cell)}: I am in square{_name(cell)}, I can observe {grid[cell]}, "
                     f"I can do {moves}")
    return "\n".join(lines)


def question_text(grid: Grid) -> str:
    rows = max(r for r, _ in grid) + 1
    cols = max(c for _, c in grid) + 1
    return (
        "You are a central planner directing agents in a grid-like field to move coloured boxes. "
        f"The field has {rows} x {cols} squares; each agent is assigned to one 1x1 square and can only "
        "interact with objects in its square. Squares are identified by their centre coordinates, "
        "e.g. square[0.5, 0.5]. In each step an agent can do at most one action: move a box in its "
        "square to a neighbouring square (sharing an edge), e.g. move(box_red, square[0.5, 1.5]), "
        "or onto a target of the same colour in its square, e.g. move(box_red, target_red), which "
        "matches the box and removes both. A box moved into a square can be moved again from the "
        "next step on. Your task is to match every box to a target of its colour, in as few steps "
        "as you can.\n\n"
        f"The current state of the field:\n{render_state(grid)}\n\n"
        "Specify your action plan as a list with one dict per step, mapping each agent that acts in "
        'that step to its action, e.g. [{"Agent[0.5, 0.5]":"move(box_blue, square[0.5, 1.5])", '
        '"Agent[1.5, 0.5]":"move(box_red, target_red)"}, {"Agent[0.5, 1.5]":"move(box_blue, '
        'target_blue)"}]. Include an agent in a step only if it acts in it.\n'
        "Surround the answer with <<<content>>>."
    )


class BoxNet(Task):
    name = "boxnet"
    title = "BoxNet"
    seen = True
    knobs = (
        Knob("grid", "(rows, cols) of the field", (2, 2)),
        Knob("colors", "number of box colours (at most 8)", 5),
        Knob("boxes_per_color", "(min, max) boxes of each colour", (1, 3)),
    )
    levels: ClassVar[dict[str, dict[str, Any]]] = {
        "paper": {"grid": OneOf((1, 2), (2, 2), (2, 4), (4, 4), (4, 8)), "colors": 5, "boxes_per_color": (1, 3)},
        "1": {"grid": (2, 3), "colors": 3, "boxes_per_color": (1, 2)},
        "2": {"grid": (3, 3), "colors": 4, "boxes_per_color": (1, 3)},
        "3": {"grid": (3, 4), "colors": 5, "boxes_per_color": (2, 3)},
        "4": {"grid": (4, 5), "colors": 6, "boxes_per_color": (2, 4)},
        "5": {"grid": (5, 6), "colors": 7, "boxes_per_color": (3, 4)},
        "6": {"grid": (6, 8), "colors": 8, "boxes_per_color": (3, 5)},
    }
    answer_format = 'JSON list of per-step dicts {"Agent[x, y]": "move(box_c, square[x, y] | target_c)"}, in <<<...>>>'
    original_dirs = ("BoxNet1_dataset", "BoxNet1_dataset_SFT")
    training_dirs = ("BoxNet1_dataset_SFT",)

    def _generate(self, rng: random.Random, **knobs: Any) -> tuple[str, dict[str, Any]]:
        (rows, cols), colors, (lo, hi) = knobs["grid"], int(knobs["colors"]), knobs["boxes_per_color"]
        if rows < 1 or cols < 1 or rows * cols < 2 or not 1 <= colors <= len(COLORS) or not 1 <= lo <= hi:
            raise ValueError("boxnet needs at least 2 squares, 1..8 colours and 1 <= min <= max boxes per colour")
        grid: Grid = {(r, c): [] for r in range(rows) for c in range(cols)}
        cells = sorted(grid)
        for color in COLORS[:colors]:
            for _ in range(rng.randint(lo, hi)):
                grid[rng.choice(cells)].append(f"box_{color}")
                grid[rng.choice(cells)].append(f"target_{color}")
        return question_text(grid), {"grid": grid_to_json(grid)}

    def judge_answer(self, instance: Instance, answer: str) -> Verdict:
        grid = grid_from_json(instance.data["grid"])
        total = sum(item.startswith("box_") for items in grid.values() for item in items)
        delivered, problem = simulate(grid, parse_plan(answer))
        score = delivered / total if total else 1.0
        if problem:
            return Verdict.wrong(problem, answer, score)
        if delivered < total:
            return Verdict.wrong(f"only {delivered} of {total} boxes matched to targets", answer, score)
        return Verdict.right(answer)

    def reference_answer(self, instance: Instance) -> str:
        return "<<<" + json.dumps(plan(grid_from_json(instance.data["grid"]))) + ">>>"

    def from_original(self, item: OriginalItem) -> Instance:
        texts = [text for name, text in item.files.items() if name.endswith(".json")]
        try:
            grid = grid_from_json(json.loads(texts[0]))
            _assign(grid)
        except (IndexError, ValueError, AttributeError, TypeError) as exc:
            raise OriginalDataError(f"{item.item_id}: unreadable BoxNet state ({exc})") from exc
        rows = max(r for r, _ in grid) + 1
        cols = max(c for _, c in grid) + 1
        return Instance(
            task=self.name,
            id=f"{self.name}-original-{item.item_id.replace('/', '-')}",
            question=question_text(grid),
            data={"grid": grid_to_json(grid)},
            complexity={"grid": [rows, cols], "boxes": sum(i.startswith("box_") for v in grid.values() for i in v)},
            source="original:" + item.item_id,
        )
