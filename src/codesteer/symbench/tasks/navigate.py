"""Navigate (seen, BIG-Bench Hard): do these walking instructions return to the starting point?

Two kinds of walk, as in BBH: *always face forward* (``Always face forward. Take 3 steps
left. Take 2 steps backward. ...``: the heading never changes, steps go forward, backward, left
or right) and *turning* (``Take 4 steps. Turn right. Turn around. ...``: steps go where the
walker faces; turns change the heading).

Answer: ``<<<Yes>>>`` or ``<<<No>>>`` (any case, a trailing period or parentheses forgiven;
anything else is rejected). Judged exactly against the walk's end point, which the reference
solver computes by simulating the walk on the integer grid.

Knobs: ``mode`` (``"forward"`` or ``"turning"``), ``instructions`` (count, not counting the
``Always face forward`` line), ``max_steps`` (most steps in one instruction). A walk that
returns is drawn with probability 0.42, BBH's share of Yes (105 of 250): such walks are built
to close (for forward walks, groups of moves on one axis that cancel; for turning walks, a
random start followed by the turns and steps leading back), the others are redrawn until
they end away from the start.
Levels: ``paper`` = the generated counterpart of the released items (both modes; 2..9
instructions with BBH's frequencies; 1..10 steps); ladder ``1``..``6`` = 3, 6, 10, 16, 25, 40 instructions (up to 10,
10, 10, 15, 20, 30 steps), both modes.

Released data: ``BIG-Bench-Hard/bbh/navigate.json`` is the ``paper`` item set; the walk is
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
from codesteer.symbench.kit.common import weighted
from codesteer.symbench.original import iter_bbh_items, register_layout
from codesteer.symbench.task import Instance, Knob, OneOf, OriginalItem, Task, Verdict

YES_SHARE = 0.42
INTRO = "If you follow these instructions, do you return to the starting point?"
FACE_FORWARD = "Always face forward."
OPTIONS = "Options:\n- Yes\n- No"
#: Unit vector of each relative direction for a walker facing +y.
DIRECTIONS = {"forward": (0, 1), "backward": (0, -1), "left": (-1, 0), "right": (1, 0)}
TURNS = {"left": 1, "around": 2, "right": 3}  # quarter turns counter-clockwise
_TURN_NAMES = {quarters: name for name, quarters in TURNS.items()}

_STEP = re.compile(r"Take (\d+) steps?(?: (forward|backward|left|right))?")
_TURN = re.compile(r"Turn (left|right|around)")

Move = list[Any]  # ["step", n, direction or None] or ["turn", which]


def _rotate(vector: tuple[int, int], quarter_turns: int) -> tuple[int, int]:
    x, y = vector
    for _ in range(quarter_turns % 4):
        x, y = -y, x
    return x, y


def walk(moves: list[Move]) -> tuple[tuple[int, int], int]:
    """End position and heading (quarter turns counter-clockwise from the start) of a walk."""
    x, y, heading = 0, 0, 0
    for move in moves:
        if move[0] == "turn":
            heading = (heading + TURNS[move[1]]) % 4
        else:
            dx, dy = _rotate(DIRECTIONS[move[2] or "forward"], heading)
            x, y = x + dx * move[1], y + dy * move[1]
    return (x, y), heading


def returns(moves: list[Move]) -> bool:
    return walk(moves)[0] == (0, 0)


def sentence(move: Move) -> str:
    if move[0] == "turn":
        return f"Turn {move[1]}."
    steps = f"Take {move[1]} step{'s' if move[1] != 1 else ''}"
    return f"{steps} {move[2]}." if move[2] else f"{steps}."


def question_text(moves: list[Move], face_forward: bool) -> str:
    """The BBH-style item text (without the answer-format line)."""
    lines = ([FACE_FORWARD] if face_forward else []) + [sentence(m) for m in moves]
    return f"{INTRO} {' '.join(lines)}\n{OPTIONS}"


def parse_walk(text: str) -> tuple[list[Move], bool]:
    """The moves of a BBH navigate text and whether it says to always face forward."""
    body = text.strip()
    if not body.startswith(INTRO) or not body.endswith(OPTIONS):
        raise ValueError("not a navigate question (intro or Yes/No options missing)")
    sentences = [s.strip() for s in body[len(INTRO):-len(OPTIONS)].split(".") if s.strip()]
    face_forward = bool(sentences) and sentences[0] + "." == FACE_FORWARD
    moves: list[Move] = []
    for s in sentences[1:] if face_forward else sentences:
        step, turn = _STEP.fullmatch(s), _TURN.fullmatch(s)
        if step:
            moves.append(["step", int(step.group(1)), step.group(2)])
        elif turn:
            moves.append(["turn", turn.group(1)])
        else:
            raise ValueError(f"unreadable instruction {s!r}")
    if not moves:
        raise ValueError("no instructions")
    return moves, face_forward


def _forward_walk(rng: random.Random, count: int, max_steps: int, closed: bool) -> list[Move]:
    if not closed:
        return [["step", rng.randint(1, max_steps), rng.choice(list(DIRECTIONS))] for _ in range(count)]
    # Closed: groups on one axis whose two sides carry equal step totals.
    moves: list[Move] = []
    left = count
    while left:
        size = left if left <= 3 else rng.randint(2, min(4, left - 2))
        a, b = rng.choice((("forward", "backward"), ("left", "right")))
        if rng.random() < 0.5:
            a, b = b, a
        few = rng.randint(1, size - 1)
        if max(few, size - few) > min(few, size - few) * max_steps:
            few = size // 2
        total = rng.randint(max(few, size - few), min(few, size - few) * max_steps)
        parts = _split(rng, total, few, max_steps) + _split(rng, total, size - few, max_steps)
        moves += [["step", n, a] for n in parts[:few]] + [["step", n, b] for n in parts[few:]]
        left -= size
    rng.shuffle(moves)
    return moves


def _split(rng: random.Random, total: int, pieces: int, max_steps: int) -> list[int]:
    """``total`` as ``pieces`` parts of 1..max_steps (requires pieces <= total <= pieces*max)."""
    parts = [1] * pieces
    for _ in range(total - pieces):
        i = rng.choice([j for j in range(pieces) if parts[j] < max_steps])
        parts[i] += 1
    return parts


def _turning_walk(rng: random.Random, count: int, max_steps: int, closed: bool) -> list[Move]:
    def random_move() -> Move:
        if rng.random() < 0.64:
            return ["step", rng.randint(1, max_steps), None]
        return ["turn", rng.choice(list(TURNS))]

    if not closed:
        return [random_move() for _ in range(count)]
    for _ in range(100):
        moves = [random_move() for _ in range(count)]
        # The longest random start whose way back fits; turns after arriving change nothing.
        for length in range(count - 1, 0, -1):
            tail = _way_back(rng, moves[:length], max_steps)
            if length + len(tail) <= count:
                pad = count - length - len(tail)
                return moves[:length] + tail + [["turn", rng.choice(list(TURNS))] for _ in range(pad)]
    raise ValueError(f"could not build a closed turning walk of {count} instructions")


def _way_back(rng: random.Random, moves: list[Move], max_steps: int) -> list[Move]:
    """Turns and steps leading from the end of ``moves`` back to the start."""
    (x, y), heading = walk(moves)
    tail: list[Move] = []
    for vector, distance in (((-1 if x > 0 else 1, 0), abs(x)), ((0, -1 if y > 0 else 1), abs(y))):
        if not distance:
            continue
        needed = next(q for q in range(4) if _rotate((0, 1), q) == vector)
        turn = (needed - heading) % 4
        if turn:
            tail.append(["turn", _TURN_NAMES[turn]])
        heading = needed
        pieces = -(-distance // max_steps)
        tail += [["step", n, None] for n in _split(rng, distance, pieces, max_steps)]
    return tail


def answer_of(moves: list[Move]) -> str:
    return "Yes" if returns(moves) else "No"


class Navigate(Task):
    name = "navigate"
    title = "Navigate"
    seen = True
    knobs = (
        Knob("mode", "'forward' (always face forward) or 'turning' (steps and turns)", "forward"),
        Knob("instructions", "instructions in the walk (not counting 'Always face forward')", 5),
        Knob("max_steps", "most steps in one instruction", 10),
    )
    levels: ClassVar[dict[str, dict[str, Any]]] = {
        "paper": {
            "mode": OneOf("forward", "turning"),
            "instructions": weighted((2, 12), (3, 44), (4, 55), (5, 41), (6, 32), (7, 32), (8, 24), (9, 10)),
            "max_steps": 10,
        },
        "1": {"mode": OneOf("forward", "turning"), "instructions": 3, "max_steps": 10},
        "2": {"mode": OneOf("forward", "turning"), "instructions": 6, "max_steps": 10},
        "3": {"mode": OneOf("forward", "turning"), "instructions": 10, "max_steps": 10},
        "4": {"mode": OneOf("forward", "turning"), "instructions": 16, "max_steps": 15},
        "5": {"mode": OneOf("forward", "turning"), "instructions": 25, "max_steps": 20},
        "6": {"mode": OneOf("forward", "turning"), "instructions": 40, "max_steps": 30},
    }
    answer_format = "<<<Yes>>> or <<<No>>>"
    original_dirs = (bbh_path("navigate"),)

    def _generate(self, rng: random.Random, *, mode: str, instructions: int,
                  max_steps: int) -> tuple[str, dict[str, Any]]:
        if mode not in ("forward", "turning"):
            raise ValueError(f"navigate mode must be 'forward' or 'turning', got {mode!r}")
        if instructions < 2 or max_steps < 2:
            raise ValueError("navigate needs at least 2 instructions and max_steps >= 2")
        closed = rng.random() < YES_SHARE
        build = _forward_walk if mode == "forward" else _turning_walk
        for _ in range(1000):
            moves = build(rng, instructions, max_steps, closed)
            if returns(moves) == closed:
                break
        else:
            raise ValueError("could not draw a walk with the wanted answer")
        data = {"moves": moves, "face_forward": mode == "forward", "target": answer_of(moves)}
        return with_instruction(question_text(moves, mode == "forward")), data

    def judge_answer(self, instance: Instance, answer: str) -> Verdict:
        (x, y), _ = walk(instance.data["moves"])
        offsets = [f"{abs(x)} steps {'right' if x > 0 else 'left'}"] if x else []
        offsets += [f"{abs(y)} steps {'forward' if y > 0 else 'backward'}"] if y else []
        where = " and ".join(offsets) + " of the start (as first faced)" if offsets else "the start"
        return check_binary(instance, answer, f"the walk ends at {where}")

    def reference_answer(self, instance: Instance) -> str:
        return f"<<<{answer_of(instance.data['moves'])}>>>"

    def from_original(self, item: OriginalItem) -> Instance:
        moves, face_forward = parse_released(item, parse_walk)
        complexity = {"mode": "forward" if face_forward else "turning", "instructions": len(moves)}
        data = {"moves": moves, "face_forward": face_forward, "target": answer_of(moves)}
        return instance_from_bbh_example(self, item, data, complexity)


register_layout(Navigate.name, iter_bbh_items)
