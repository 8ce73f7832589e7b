"""BoxLift: lift every box with capacity-limited lifting agents within a step budget.

In each step every agent helps lift at most one box; several agents may combine their
capacities on one heavy box (their summed capacity must reach its weight). Each box is lifted
once. The question states a step budget.

Answer format: one line per step, ``Step k: [(box_weight, [agent indices]), ...]``, agents
numbered from 0, e.g. ``<<<Step 1: [(120, [0, 2]), (45, [1])]\\nStep 2: [(80, [0])]>>>``. A box
is named by its weight (equal weights are interchangeable); a single agent may be written as a
bare index. Step numbers are read in the order written.

Knobs: ``num_boxes``, ``num_lifters``, ``box_weight`` (min, max), ``lifter_capacity`` (min, max).
Left as ``None``, the last three take the released setting for that number of boxes (10/3,
15/4, 20/5, 25/6 lifters, as in the original evaluation set).

Levels: ``paper`` mixes the four released settings; the ladder ``"1"``..``"6"`` grows to 100
boxes and 12 lifters.

Step budget: the original's estimate, computed as it did (:func:`release_plan`): per step the
boxes are walked heaviest first, and a box the free agents can reach together takes free agents
in their listed order until their capacities reach its weight. That walk is itself a valid plan,
so every instance is solvable within its budget. Reference solver: our own packer, which per
step walks the boxes heaviest first and gives each the smallest single free agent that can lift
it, or else the strongest free agents until their capacities reach its weight (then drops any
agent the box no longer needs); where it needs more steps than the budget, the estimate's plan
is the reference answer. Instances keep every box within the agents' total capacity.

Judging: the steps are simulated; only the first ``budget`` steps count. An assignment breaks a
rule when it names an unknown agent, an agent already busy in that step, a weight that is not a
box still waiting, or agents too weak for the box; such an assignment lifts nothing. Correct
when every box is lifted within the budget and no rule is broken; ``score`` is the fraction of
boxes lifted (the original logged this ratio beside its pass/fail).

Deviations from the release: the original skipped rule-breaking assignments silently and could
still pass the answer; we fail it and name the rule (the lifted fraction is still the score).
The original release stores no question for this task; the question is built from the
template below.

Released items: the evaluation set and ``BoxLift_dataset_SFT/``, the instances the authors kept for
training data (loaded with ``data[RELEASE_SPLIT] = "train"``).
"""

from __future__ import annotations

import json
import random
import re
from collections import Counter
from collections.abc import Callable
from typing import Any, ClassVar

from codesteer.symbench.answers import AnswerFormatError, parse_literal
from codesteer.symbench.errors import NoSolutionError
from codesteer.symbench.task import Instance, Knob, OneOf, OriginalDataError, OriginalItem, Task, Verdict

#: The released evaluation settings: boxes -> (lifters, box weight range, lifter capacity range).
PAPER_SETTINGS: dict[int, tuple[int, tuple[int, int], tuple[int, int]]] = {
    10: (3, (10, 100), (40, 80)),
    15: (4, (20, 200), (30, 120)),
    20: (5, (30, 300), (40, 160)),
    25: (6, (40, 400), (50, 200)),
}
_STEP = re.compile(r"step\s*\d+\s*:", re.IGNORECASE)

Step = list[tuple[int, list[int]]]


def greedy_plan(boxes: list[int], lifters: list[int]) -> list[Step]:
    """Our heaviest-first packer (module docstring); raises if a box outweighs all agents together."""
    return _pack(boxes, lifters, _team)


def release_plan(boxes: list[int], lifters: list[int]) -> list[Step]:
    """The plan behind the original's step estimate (the budget stated in the question).

    Per step, with every agent free: walk the waiting boxes heaviest first; when the free agents
    together reach a box's weight, give it free agents in their listed order until their
    capacities reach its weight; otherwise leave the box for a later step.
    """
    return _pack(boxes, lifters, _listed_team)


def _pack(boxes: list[int], lifters: list[int],
          team_for: Callable[[int, list[int], list[int]], list[int] | None]) -> list[Step]:
    """Steps that each walk the waiting boxes heaviest first, lifting every box ``team_for`` finds
    free agents for (a box it finds none for waits for the next step)."""
    if boxes and max(boxes) > sum(lifters):
        raise NoSolutionError("a box is heavier than all agents together can lift")
    waiting = sorted(boxes, reverse=True)
    steps: list[Step] = []
    while waiting:
        free = list(range(len(lifters)))
        step: Step = []
        for weight in list(waiting):
            team = team_for(weight, lifters, free)
            if team is not None:
                step.append((weight, team))
                free = [i for i in free if i not in team]
                waiting.remove(weight)
        steps.append(step)
    return steps


def _team(weight: int, lifters: list[int], free: list[int]) -> list[int] | None:
    """The smallest single free agent strong enough, else the strongest free agents until they
    reach the weight, less any the box does not need."""
    singles = [i for i in free if lifters[i] >= weight]
    if singles:
        return [min(singles, key=lambda i: (lifters[i], i))]
    team: list[int] = []
    for i in sorted(free, key=lambda i: (-lifters[i], i)):
        team.append(i)
        if sum(lifters[j] for j in team) >= weight:
            break
    else:
        return None
    for i in sorted(team, key=lambda i: lifters[i]):  # drop agents the box does not need
        if sum(lifters[j] for j in team) - lifters[i] >= weight:
            team.remove(i)
    return sorted(team)


def _listed_team(weight: int, lifters: list[int], free: list[int]) -> list[int] | None:
    """Free agents in their listed order until their capacities reach the weight (the estimate's way)."""
    if not free or sum(lifters[j] for j in free) < weight:
        return None
    team, total = [], 0
    for j in free:
        team.append(j)
        total += lifters[j]
        if total >= weight:
            break
    return team


def estimate_steps(boxes: list[int], lifters: list[int]) -> int:
    """The step budget stated in the question: the original's estimate (:func:`release_plan`)."""
    return len(release_plan(boxes, lifters))


def reference_plan(boxes: list[int], lifters: list[int]) -> list[Step]:
    """Our packer's plan, or the estimate's own plan where that one takes fewer steps."""
    return min(greedy_plan(boxes, lifters), release_plan(boxes, lifters), key=len)


def format_plan(steps: list[Step]) -> str:
    return "\n".join(
        f"Step {k}: [" + ", ".join(f"({w}, {team})" for w, team in step) + "]" for k, step in enumerate(steps, 1)
    )


def parse_plan(answer: str) -> list[list[tuple[Any, list[Any]]]]:
    """Steps as lists of ``(weight, agents)``; raises ``AnswerFormatError`` on another shape."""
    parts = _STEP.split(answer)
    if len(parts) < 2 or parts[0].strip():
        raise AnswerFormatError("expected lines 'Step 1: [(weight, [agents]), ...]'")
    steps = []
    for number, part in enumerate(parts[1:], 1):
        value = parse_literal(part.strip() or "[]")
        if isinstance(value, tuple) and len(value) == 2 and not isinstance(value[0], tuple | list):
            value = [value]
        if not isinstance(value, list | tuple):
            raise AnswerFormatError(f"step {number} is not a list of (weight, [agents])")
        step = []
        for entry in value:
            if not isinstance(entry, list | tuple) or len(entry) != 2:
                raise AnswerFormatError(f"step {number}: {entry!r} is not (weight, [agents])")
            weight, team = entry
            step.append((weight, list(team) if isinstance(team, list | tuple) else [team]))
        steps.append(step)
    return steps


def simulate(
    boxes: list[int], lifters: list[int], steps: list[list[tuple[Any, list[Any]]]]
) -> tuple[int, str | None]:
    """Boxes lifted by ``steps`` and the first broken rule (``None`` when all were followed)."""
    waiting = Counter(boxes)
    lifted = 0
    problem: str | None = None
    for number, step in enumerate(steps, 1):
        busy: set[int] = set()
        for weight, team in step:
            issue = _assignment_issue(weight, team, lifters, busy, waiting)
            if issue:
                problem = problem or f"step {number}, ({weight}, {team}): {issue}"
                continue
            busy.update(team)
            waiting[weight] -= 1
            lifted += 1
    return lifted, problem


def _assignment_issue(weight: Any, team: list[Any], lifters: list[int], busy: set[int], waiting: Counter) -> str | None:
    if not all(isinstance(i, int) and not isinstance(i, bool) for i in team) or not team:
        return "agents must be a non-empty list of agent indices"
    if any(not 0 <= i < len(lifters) for i in team):
        return f"agents are numbered 0..{len(lifters) - 1}"
    if len(set(team)) != len(team) or busy & set(team):
        return "an agent helps with at most one box per step"
    if not isinstance(weight, int | float) or waiting.get(weight, 0) <= 0:
        return "no box of this weight is still waiting to be lifted"
    capacity = sum(lifters[i] for i in team)
    if capacity < weight:
        return f"the agents' capacity {capacity} is below the weight {weight}"
    return None


def question_text(boxes: list[int], lifters: list[int], budget: int) -> str:
    return (
        "Task: BoxLift\n\n"
        f"There are {len(boxes)} boxes with the following weights: {boxes}\n"
        f"There are {len(lifters)} lifting agents with the following maximum lifting capacities: {lifters}\n\n"
        "Your goal is to lift all the boxes using the agents in the minimum number of steps, "
        f"and in at most {budget} steps. Rules:\n"
        "1. Each box can be lifted only once.\n"
        "2. In each step, each agent can help lift at most one box.\n"
        "3. Several agents can work together to lift one box; their combined capacity must be "
        "at least the box's weight.\n"
        "4. Agents are numbered from 0 in the order of the capacity list.\n\n"
        "Give your solution as a list of steps, one step per line, each step listing the boxes "
        "lifted in it as (box weight, [agent indices]):\n"
        "Step 1: [(box weight, [agent indices]), (box weight, [agent indices]), ...]\n"
        "Step 2: [(box weight, [agent indices]), ...]\n"
        "...\n"
        "Surround the answer with <<<content>>>, for example:\n"
        "<<<Step 1: [(50, [0, 2]), (30, [1])]\nStep 2: [(20, [0])]>>>"
    )


class BoxLift(Task):
    name = "boxlift"
    title = "BoxLift"
    seen = True
    knobs = (
        Knob("num_boxes", "number of boxes", 10),
        Knob("num_lifters", "number of lifting agents (None: the release's setting)", None),
        Knob("box_weight", "(min, max) box weight (None: the release's setting)", None),
        Knob("lifter_capacity", "(min, max) agent capacity (None: the release's setting)", None),
    )
    levels: ClassVar[dict[str, dict[str, Any]]] = {
        "paper": {"num_boxes": OneOf(10, 15, 20, 25)},
        "1": {"num_boxes": 12, "num_lifters": 4, "box_weight": (20, 150), "lifter_capacity": (40, 100)},
        "2": {"num_boxes": 20, "num_lifters": 5, "box_weight": (30, 300), "lifter_capacity": (40, 160)},
        "3": {"num_boxes": 30, "num_lifters": 6, "box_weight": (40, 400), "lifter_capacity": (50, 200)},
        "4": {"num_boxes": 45, "num_lifters": 8, "box_weight": (50, 600), "lifter_capacity": (50, 250)},
        "5": {"num_boxes": 70, "num_lifters": 10, "box_weight": (50, 800), "lifter_capacity": (60, 300)},
        "6": {"num_boxes": 100, "num_lifters": 12, "box_weight": (50, 1000), "lifter_capacity": (60, 350)},
    }
    answer_format = "lines 'Step k: [(box_weight, [agent indices]), ...]' (agents from 0), inside <<<...>>>"
    original_dirs = ("BoxLift_dataset", "BoxLift_dataset_SFT")
    training_dirs = ("BoxLift_dataset_SFT",)

    def _generate(self, rng: random.Random, **knobs: Any) -> tuple[str, dict[str, Any]]:
        n = int(knobs["num_boxes"])
        chosen = [knobs[k] for k in ("num_lifters", "box_weight", "lifter_capacity")]
        if None in chosen and n not in PAPER_SETTINGS:
            raise ValueError(f"boxlift: give num_lifters, box_weight and lifter_capacity for {n} boxes")
        default = PAPER_SETTINGS.get(n, chosen)
        lifters_n, (wlo, whi), (clo, chi) = (d if c is None else c for c, d in zip(chosen, default, strict=True))
        if n < 1 or lifters_n < 1 or not 0 < wlo <= whi or not 0 < clo <= chi:
            raise ValueError("boxlift needs positive counts and ranges with min <= max")
        lifters = [rng.randint(clo, chi) for _ in range(lifters_n)]
        boxes = [min(rng.randint(wlo, whi), sum(lifters)) for _ in range(n)]
        return self._instance_parts(boxes, lifters)

    @staticmethod
    def _instance_parts(boxes: list[int], lifters: list[int]) -> tuple[str, dict[str, Any]]:
        budget = estimate_steps(boxes, lifters)
        return question_text(boxes, lifters, budget), {"boxes": boxes, "lifters": lifters, "budget": budget}

    def judge_answer(self, instance: Instance, answer: str) -> Verdict:
        boxes, lifters, budget = (instance.data[k] for k in ("boxes", "lifters", "budget"))
        steps = parse_plan(answer)
        lifted, problem = simulate(boxes, lifters, steps[:budget])
        score = lifted / len(boxes)
        if len(steps) > budget:
            return Verdict.wrong(f"{len(steps)} steps exceed the budget of {budget}", answer, score)
        if problem:
            return Verdict.wrong(problem, answer, score)
        if lifted < len(boxes):
            return Verdict.wrong(f"only {lifted} of {len(boxes)} boxes lifted", answer, score)
        return Verdict.right(answer)

    def reference_answer(self, instance: Instance) -> str:
        return "<<<" + format_plan(reference_plan(instance.data["boxes"], instance.data["lifters"])) + ">>>"

    def from_original(self, item: OriginalItem) -> Instance:
        try:
            raw = json.loads(item.files["BoxLift.json"])
            boxes, lifters = [int(b) for b in raw["boxes"]], [int(c) for c in raw["lifters"]]
            question, data = self._instance_parts(boxes, lifters)
        except (KeyError, TypeError, ValueError) as exc:
            raise OriginalDataError(f"{item.item_id}: unreadable BoxLift.json ({exc})") from exc
        return Instance(
            task=self.name,
            id=f"{self.name}-original-{item.item_id.replace('/', '-')}",
            question=question,
            data=data,
            complexity={"num_boxes": len(boxes), "num_lifters": len(lifters)},
            source="original:" + item.item_id,
        )
