"""Path Plan: plan a robot's waypoint path through a room of coloured boxes under an instruction.

The room is 3 x 3 with four black walls; coloured axis-aligned boxes are given as ``(x_start,
x_end, y_start, y_end)``. The instruction names boxes to enter (in order when it says "Navigate
into A and go to B", in any order for "Visit ..." and "At some point ...") and boxes never to
enter. The path is the polyline through the waypoints.

Answer format: ``<<<[(x0, y0), (x1, y1), ...]>>>`` (lists instead of tuples are fine).

Judging (exact: every coordinate is read as the exact rational value of its decimal, and each
straight segment is clipped against each closed rectangle): at least two waypoints; the first
equals the start and the last the end (within 1e-6); no segment touches a wall; no segment
touches a forbidden box, boundary included ("entering means the trajectory intersects with the
box, including the boundary", as the question says); every required box is touched by some
segment, and for ordered instructions the boxes are reached in the stated order (each one at or
after the moment the previous one was reached; passing through a box earlier as well is fine).
Pass/fail.

Knobs: ``num_boxes`` (coloured boxes, at most 16), ``box_size`` (min, max side length),
``instruction`` = (phrasing, visits, avoid) with phrasing ``"ordered"``, ``"some_point"`` or
``"visit"``, ``visits`` the number of boxes to enter and ``avoid`` a number of boxes to avoid or
``"rest"`` (all the others).

Levels: ``paper`` draws 7 boxes with sides 0.3-1.2 (released: 0.3-1.95, mean 0.73), start and end near corners or
inside the room, and one of the ten released instruction shapes (for the 140 released
instances themselves use ``--source original``); the ladder ``"1"``..``"6"`` adds boxes (up to
16, smaller, so passages narrow), longer visit lists with order, and more boxes to avoid, up to
"all the others". Generated worlds are kept only when the reference planner solves them.

Reference solver: a visibility graph over the forbidden rectangles grown by a small margin
(corners as nodes, plus start, end and candidate points inside each required box), shortest
paths between those points, then a dynamic programme over which required box comes next; the
result is rounded, then checked by the judge.

Deviations from the original judge: it tested "entering" by a segment crossing one of a box's
four edges (so touching a boundary or corner was not always entering, contrary to its own
question), did not check the visiting order, required exact tuple equality of the endpoints,
and, when a reply contained code, judged it against instruction 0's rule (a loop index was
shadowed). We judge the closed rectangles exactly, check order for ordered instructions, and
always use the instance's own rule.
"""

from __future__ import annotations

import heapq
import itertools
import json
import math
import random
from fractions import Fraction
from typing import Any, ClassVar

from codesteer.symbench.answers import AnswerFormatError, parse_literal
from codesteer.symbench.kit.common import and_list
from codesteer.symbench.kit.geometry import Point, clip_segment, contains, first_visit_after, inflate
from codesteer.symbench.task import Instance, Knob, OneOf, OriginalDataError, OriginalItem, Task, Verdict

WALLS: list[list[float]] = [[-1.5, -1.4, -1.5, 1.5], [1.4, 1.5, -1.5, 1.5], [-1.5, 1.5, -1.5, -1.4], [-1.5, 1.5, 1.4, 1.5]]
ROOM = 1.4  # the free room is the open square (-ROOM, ROOM)^2 inside the walls
COLORS = ("red", "yellow", "green", "blue", "orange", "purple", "pink", "brown",
          "cyan", "gray", "olive", "navy", "teal", "maroon", "lime", "magenta")
ENDPOINT_TOLERANCE = Fraction(1, 10**6)
_MARGIN = 0.01  # planner clearance from forbidden rectangles
_CORNERS = (-1.3, 1.3)

#: The ten instruction shapes of the released instances (one of them used twice).
PAPER_INSTRUCTIONS = (
    ("ordered", 2, 0), ("ordered", 2, 0), ("ordered", 4, 0), ("ordered", 4, 1), ("visit", 1, "rest"),
    ("ordered", 2, 1), ("ordered", 2, 3), ("ordered", 3, 1), ("visit", 3, "rest"), ("some_point", 3, 1),
)


# ----- question text -------------------------------------------------------------------------
def _num(value: Any) -> str:
    return repr(value)


def _rect_text(rect: list[Any]) -> str:
    return "(" + ", ".join(_num(v) for v in rect) + ")"


def instruction_text(phrasing: str, visit: list[str], avoid: list[str], rest: bool) -> str:
    """The instruction sentence, worded as the released instructions are."""
    if phrasing == "visit":
        if len(visit) == 1:
            head = f"Visit {visit[0]} region during your trajectory, but "
            return head + ("never enter all the other colored boxes." if rest else f"never enter the {_areas(avoid)}.")
        head = f"Visit {and_list(visit, serial_comma=True)} areas, but remember "
        return head + ("never enter all the other colored areas." if rest else f"never enter the {_areas(avoid)}.")
    if phrasing == "some_point":
        text = ", and ".join(f"at some point go to the {c} box" for c in visit[:-1])
        text = (text[0].upper() + text[1:] + ", and " if text else "") + f"enter the {visit[-1]} box"
        if rest:
            return text + ", and always do not enter all the other colored areas."
        return text + (f", and always do not enter the {_areas(avoid)}." if avoid else ".")
    if len(visit) <= 3:
        text = f"Navigate into the {visit[0]} room" + "".join(f" and go to the {c} room" for c in visit[1:]) + "."
    else:
        text = (f"Navigate into the {visit[0]} room, go to the {visit[1]} room, "
                + ", ".join(f"and to the {c} room" for c in visit[2:]) + ".")
    if rest:
        return text + " Remember do not enter all the other colored areas all the time."
    return text + (f" Remember do not enter the {_areas(avoid)} all the time." if avoid else "")


def _areas(names: list[str]) -> str:
    return f"{and_list(names, serial_comma=True)} area" + ("s" if len(names) > 1 else "")


def question_text(world: dict[str, Any]) -> str:
    """The released question template filled with ``world``."""
    walls = ", ".join(_rect_text(w) for w in world["walls"])
    boxes = "; ".join(f"a {c} colored box {_rect_text(r)}" for c, r in world["boxes"].items())
    start, end = world["start"], world["end"]
    return (
        "I am a mobile robot and I hope you can help me plan the trajectory to fulfill the navigation "
        "instruction. I will give you the position and size of each box in the whole environment and the "
        "instruction is to enter or avoid the box. Each box is of square shape, I will give you (x_start, "
        "x_end, y_start, y_end) to describe the shape of squares/boxes. x_start, x_end denote the boundary "
        "of squares/boxes in x coordinates. y_start, y_end denote the boundary of squares/boxes in y "
        "coordinates. \n\n"
        f"First, there are four black colored walls with position {walls}. Then the boxes are: {boxes}.\n\n"
        "During navigation, the trajectory should always not touch the black wall. The starting position "
        f"of the car is ({_num(start[0])}, {_num(start[1])}), the ending position of the car is "
        f"({_num(end[0])}, {_num(end[1])}).\n\n"
        f"The instruction is '{world['instruction']}'. The car should fulfill the instruction and in the "
        "end stop at the end position. Could you give me the trajectory to realize the above instruction? "
        "Return your answer with a list of waypoints [(x0, y0), (x1, y1)...].\n\n"
        "Note that the whole trajectory is acquired by directly connecting the near waypoints with "
        "straight lines. These straight lines should also fulfill the instruction requirements. "
        "Particularly check whether the interpolated straight lines enter into the areas that should "
        "avoid.\n\n"
        "Note that entering in the area means the trajectory intersects with the box, including the "
        "boundary of the box. Hence, the trajectory should not intersect with the boundary of the box if "
        "the instruction is to avoid the box.\n"
    )


# ----- judging -------------------------------------------------------------------------------
def parse_waypoints(answer: str) -> list[tuple[Fraction, Fraction]]:
    """Waypoints as exact rationals; raises ``AnswerFormatError`` on another shape."""
    value = parse_literal(answer)
    if not isinstance(value, list | tuple):
        raise AnswerFormatError("expected a list of waypoints [(x0, y0), (x1, y1), ...]")
    points = []
    for point in value:
        if not (isinstance(point, list | tuple) and len(point) == 2
                and all(isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in point)):
            raise AnswerFormatError(f"waypoint {point!r} is not a pair of numbers (x, y)")
        points.append((Fraction(point[0]), Fraction(point[1])))
    return points


def _exact(rect: list[Any]) -> tuple[Fraction, ...]:
    return tuple(Fraction(v) for v in rect)


def path_problem(world: dict[str, Any], path: list[tuple[Fraction, Fraction]]) -> str | None:
    """Which rule the path breaks (``None`` when it follows them all)."""
    if len(path) < 2:
        return "a path needs at least two waypoints (start and end)"
    for label, point, want in (("first", path[0], world["start"]), ("last", path[-1], world["end"])):
        if any(abs(a - Fraction(b)) > ENDPOINT_TOLERANCE for a, b in zip(point, want, strict=True)):
            return f"the {label} waypoint must be the {'start' if label == 'first' else 'end'} {tuple(want)}"
    segments = list(itertools.pairwise(path))
    for k, (p, q) in enumerate(segments):
        for wall in world["walls"]:
            if clip_segment(p, q, _exact(wall)) is not None:
                return f"segment {k + 1} {_show(p)} -> {_show(q)} touches a wall"
        for color in world["avoid"]:
            if clip_segment(p, q, _exact(world["boxes"][color])) is not None:
                return f"segment {k + 1} {_show(p)} -> {_show(q)} enters the {color} box, which must be avoided"
    moment: tuple[int, Any] = (0, 0)
    for i, color in enumerate(world["visit"]):
        after = moment if world["ordered"] else (0, 0)
        reached = first_visit_after(path, _exact(world["boxes"][color]), after)
        if reached is None:
            if world["ordered"] and i and first_visit_after(path, _exact(world["boxes"][color]), (0, 0)):
                return f"the path does not enter the {color} box after the {world['visit'][i - 1]} box"
            return f"the path never enters the {color} box"
        moment = reached
    return None


def _show(point: tuple[Fraction, Fraction]) -> str:
    return "(" + ", ".join(f"{float(v):g}" for v in point) + ")"


# ----- planning ------------------------------------------------------------------------------
def plan_path(world: dict[str, Any]) -> list[tuple[float, float]] | None:
    """Waypoints meeting the instruction, or ``None`` if the planner finds none (module docstring)."""
    blocked = [inflate(r, _MARGIN) for r in world["walls"]] + [
        inflate(world["boxes"][c], _MARGIN) for c in world["avoid"]
    ]
    checked = [inflate(r, _MARGIN / 2) for r in world["walls"]] + [
        inflate(world["boxes"][c], _MARGIN / 2) for c in world["avoid"]
    ]

    def free(point: Point) -> bool:
        return not any(contains(r, point) for r in checked)

    def visible(p: Point, q: Point) -> bool:
        return not any(clip_segment(p, q, r) is not None for r in checked)

    corners = [(x, y) for r in blocked for x in r[:2] for y in r[2:]]
    nodes: list[Point] = [tuple(world["start"]), tuple(world["end"])]
    if not all(free(p) for p in nodes):
        return None
    nodes += [p for p in corners if -ROOM < p[0] < ROOM and -ROOM < p[1] < ROOM and free(p)]
    candidates: list[list[int]] = []
    for color in world["visit"]:
        x0, x1, y0, y1 = world["boxes"][color]
        points = [(x0 + fx * (x1 - x0), y0 + fy * (y1 - y0)) for fx in (0.5, 0.1, 0.9) for fy in (0.5, 0.1, 0.9)]
        found = [p for p in points if free(p)]
        if not found:
            return None
        candidates.append(list(range(len(nodes), len(nodes) + len(found))))
        nodes += found
    graph = _visibility_graph(nodes, visible)
    specials = [0, 1, *itertools.chain.from_iterable(candidates)]
    routes = {s: _dijkstra(graph, s) for s in specials}
    order = _best_order(world, candidates, routes)
    if order is None:
        return None
    path = [0]
    for a, b in itertools.pairwise([0, *order, 1]):
        path += _route(routes[a][1], a, b)[1:]
    return [nodes[i] for i in path]


def _visibility_graph(nodes: list[Point], visible) -> dict[int, list[tuple[int, float]]]:
    graph: dict[int, list[tuple[int, float]]] = {i: [] for i in range(len(nodes))}
    for i, j in itertools.combinations(range(len(nodes)), 2):
        if visible(nodes[i], nodes[j]):
            d = math.dist(nodes[i], nodes[j])
            graph[i].append((j, d))
            graph[j].append((i, d))
    return graph


def _dijkstra(graph: dict[int, list[tuple[int, float]]], source: int) -> tuple[dict[int, float], dict[int, int]]:
    dist, prev = {source: 0.0}, {}
    heap = [(0.0, source)]
    while heap:
        d, u = heapq.heappop(heap)
        if d > dist[u]:
            continue
        for v, w in graph[u]:
            if d + w < dist.get(v, math.inf):
                dist[v], prev[v] = d + w, u
                heapq.heappush(heap, (d + w, v))
    return dist, prev


def _route(prev: dict[int, int], source: int, target: int) -> list[int]:
    path = [target]
    while path[-1] != source:
        path.append(prev[path[-1]])
    return path[::-1]


def _best_order(world: dict[str, Any], candidates: list[list[int]], routes: dict) -> list[int] | None:
    """Candidate node per required box, in visiting order, minimising the path length.

    Dynamic programme over (boxes visited so far, current node); ordered instructions may only
    take the next box of their list.
    """
    n = len(candidates)
    best: dict[tuple[int, int], tuple[float, list[int]]] = {(0, 0): (0.0, [])}
    for size in range(n):
        layer = {k: v for k, v in best.items() if bin(k[0]).count("1") == size}
        for (mask, node), (cost, chosen) in layer.items():
            boxes = [size] if world["ordered"] else [b for b in range(n) if not mask >> b & 1]
            for b in boxes:
                for c in candidates[b]:
                    d = routes[node][0].get(c)
                    key = (mask | 1 << b, c)
                    if d is not None and cost + d < best.get(key, (math.inf, []))[0]:
                        best[key] = (cost + d, [*chosen, c])
    finals = [(cost + routes[node][0].get(1, math.inf), chosen)
              for (mask, node), (cost, chosen) in best.items() if mask == (1 << n) - 1]
    cost, chosen = min(finals, default=(math.inf, []))
    return chosen if cost < math.inf else None


def format_path(path: list[tuple[float, float]]) -> str:
    return "[" + ", ".join(f"({round(x, 4):g}, {round(y, 4):g})" for x, y in path) + "]"


# ----- generation ----------------------------------------------------------------------------
def _random_world(rng: random.Random, num_boxes: int, size: tuple[float, float]) -> dict[str, Any]:
    def draw(low: float, high: float) -> float:
        return round(rng.uniform(low, high) * 20) / 20

    boxes = {}
    for color in COLORS[:num_boxes]:
        w, h = draw(*size), draw(*size)
        x0, y0 = draw(-ROOM, ROOM - w), draw(-ROOM, ROOM - h)
        boxes[color] = [x0, round(x0 + w, 2), y0, round(y0 + h, 2)]
    order = list(boxes)
    rng.shuffle(order)
    boxes = {c: boxes[c] for c in order}
    while True:
        start, end = (_endpoint(rng) for _ in range(2))
        if math.dist(start, end) >= 1.5 and not any(contains(r, p) for r in boxes.values() for p in (start, end)):
            return {"walls": WALLS, "boxes": boxes, "start": start, "end": end}


def _endpoint(rng: random.Random) -> list[float]:
    if rng.random() < 0.7:
        return [rng.choice(_CORNERS), rng.choice(_CORNERS)]
    return [round(rng.uniform(-1.3, 1.3), 1), round(rng.uniform(-1.3, 1.3), 1)]


def _random_instruction(rng: random.Random, colors: list[str], shape: tuple[str, int, int | str]) -> dict[str, Any]:
    phrasing, visits, avoid = shape
    picked = rng.sample(colors, len(colors))
    visit = picked[:visits]
    rest = avoid == "rest"
    avoided = picked[visits:] if rest else picked[visits:visits + int(avoid)]
    return {
        "instruction": instruction_text(phrasing, visit, avoided, rest),
        "visit": visit, "avoid": avoided, "ordered": phrasing == "ordered",
    }


class PathPlan(Task):
    name = "path_plan"
    title = "Path Plan"
    seen = True
    knobs = (
        Knob("num_boxes", "coloured boxes in the room (at most 16)", 7),
        Knob("box_size", "(min, max) side length of a box", (0.3, 1.0)),
        Knob("instruction", "(phrasing: ordered|some_point|visit, boxes to enter, boxes to avoid or 'rest')",
             ("ordered", 2, 1)),
    )
    levels: ClassVar[dict[str, dict[str, Any]]] = {
        "paper": {"num_boxes": 7, "box_size": (0.3, 1.2), "instruction": OneOf(*PAPER_INSTRUCTIONS)},
        "1": {"num_boxes": 8, "box_size": (0.3, 0.9),
              "instruction": OneOf(("ordered", 3, 1), ("some_point", 3, 2), ("visit", 2, "rest"))},
        "2": {"num_boxes": 9, "box_size": (0.3, 0.8),
              "instruction": OneOf(("ordered", 3, 2), ("some_point", 4, 2), ("visit", 3, "rest"))},
        "3": {"num_boxes": 10, "box_size": (0.25, 0.75), "instruction": OneOf(("ordered", 4, 3), ("visit", 3, "rest"))},
        "4": {"num_boxes": 12, "box_size": (0.25, 0.7), "instruction": OneOf(("ordered", 5, 4), ("visit", 4, "rest"))},
        "5": {"num_boxes": 14, "box_size": (0.25, 0.6), "instruction": ("ordered", 5, "rest")},
        "6": {"num_boxes": 16, "box_size": (0.2, 0.55), "instruction": ("ordered", 6, "rest")},
    }
    answer_format = "a list of waypoints [(x0, y0), (x1, y1), ...] from start to end, inside <<<...>>>"
    original_dirs = ("path_plan",)

    def _generate(self, rng: random.Random, **knobs: Any) -> tuple[str, dict[str, Any]]:
        num_boxes, size, shape = int(knobs["num_boxes"]), tuple(knobs["box_size"]), tuple(knobs["instruction"])
        phrasing, visits, avoid = shape
        if phrasing not in ("ordered", "some_point", "visit") or not 1 <= num_boxes <= len(COLORS):
            raise ValueError("path_plan: phrasing is ordered|some_point|visit and num_boxes is 1..16")
        if not 1 <= visits <= num_boxes or (avoid != "rest" and visits + int(avoid) > num_boxes):
            raise ValueError("path_plan: more boxes to enter and avoid than boxes in the room")
        if not 0.05 <= size[0] <= size[1] <= 2.5:
            raise ValueError("path_plan: box_size must satisfy 0.05 <= min <= max <= 2.5")
        for _ in range(200):
            world = _random_world(rng, num_boxes, size)
            world.update(_random_instruction(rng, list(world["boxes"]), shape))
            if plan_path(world) is not None:
                return question_text(world), world
        raise ValueError("path_plan: no solvable world found for these knobs; loosen them")

    def judge_answer(self, instance: Instance, answer: str) -> Verdict:
        problem = path_problem(instance.data, parse_waypoints(answer))
        return Verdict.wrong(problem, answer) if problem else Verdict.right(answer)

    def reference_answer(self, instance: Instance) -> str:
        path = plan_path(instance.data)
        if path is None:
            raise ValueError(f"{instance.id}: the planner found no path")
        return "<<<" + format_path(path) + ">>>"

    def from_original(self, item: OriginalItem) -> Instance:
        try:
            raw = json.loads(item.files["world.json"])
            world = {key: raw[key] for key in ("walls", "boxes", "start", "end", "instruction")}
            world.update(visit=list(raw["must_enter"]), avoid=list(raw["must_avoid"]),
                         ordered=raw["instruction"].startswith("Navigate into"))
            if any(c not in world["boxes"] for c in world["visit"] + world["avoid"]):
                raise ValueError("the instruction names a box the world lacks")
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise OriginalDataError(f"{item.item_id}: unreadable world.json ({exc})") from exc
        return Instance(
            task=self.name,
            id=f"{self.name}-original-{item.item_id.replace('/', '-')}",
            question=item.question or question_text(world),
            data=world,
            complexity={"num_boxes": len(world["boxes"]), "visits": len(world["visit"]), "avoid": len(world["avoid"])},
            source="original:" + item.item_id,
        )

