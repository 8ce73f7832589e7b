"""The GRPO curriculum: which SymBench question the next group of episodes plays.

Questions are drawn fresh from the task generators, over *arms* — (task, complexity level)
pairs. A GRPO group of ``G`` episodes only moves the policy when its rewards differ, which
happens with probability ``1 - p^G - (1 - p)^G`` for an arm whose episodes succeed with
probability ``p``: an arm is drawn with that weight, where ``p`` is its recent success —
``(successes + 1) / (episodes + 2)`` over its last ``window`` episodes (an arm not played yet
counts as ``p = 1/2``, the most informative) — and never below ``floor``. Arms the policy always
or never solves fade; arms at intermediate success are played most. The questions of one step come
from distinct arms while there are arms left, so a step contrasts tasks and levels.

Draw ``k`` of a run generates its question from the seed ``instance_seed(seed, k)``; the
state (draw count, random generator, recent outcomes) is saved with every checkpoint, so a
resumed run draws what the uninterrupted run would have.
"""

from __future__ import annotations

import json
import random
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from codesteer.symbench.plan import SelectionError, instance_seed
from codesteer.symbench.task import Instance, Task
from codesteer.train.config import ConfigError

STATE_FILE = "curriculum.json"


@dataclass(frozen=True)
class Arm:
    task: str
    level: str

    def __str__(self) -> str:
        return f"{self.task}/{self.level}"


def arms_of(tasks: Sequence[Task], levels: Sequence[str] | str) -> tuple[list[Arm], list[str]]:
    """The arms of ``tasks`` at ``levels`` (``ladder``: each task's numbered levels), and notices
    for what was skipped (no generator, a level the task lacks)."""
    arms: list[Arm] = []
    notices: list[str] = []
    for task in tasks:
        if not task.has_generator:
            notices.append(f"skipped {task.name}: it has no generator to draw questions from")
            continue
        wanted = [lv for lv in task.levels if lv.isdigit()] if levels == "ladder" else [str(lv) for lv in levels]
        for level in wanted:
            if level in task.levels:
                arms.append(Arm(task.name, level))
            else:
                notices.append(f"skipped {task.name} at level {level}: its levels are {', '.join(task.levels)}")
    if not arms:
        raise SelectionError("no (task, level) to draw questions from: " + "; ".join(notices or ["no tasks"]))
    return arms, notices


class Curriculum:
    """Draws instances over ``arms`` by their recent success (see the module docstring)."""

    def __init__(self, tasks: Sequence[Task], arms: Sequence[Arm], *, group_size: int, seed: int,
                 window: int = 32, floor: float = 0.05) -> None:
        self.tasks = {t.name: t for t in tasks}
        self.arms = list(arms)
        self.group_size, self.seed, self.window, self.floor = group_size, seed, window, floor
        self.draws = 0
        self.rng = random.Random(f"codesteer-grpo|{seed}")
        self.recent: dict[Arm, deque[bool]] = {arm: deque(maxlen=window) for arm in self.arms}

    def success(self, arm: Arm) -> float:
        """The recent success estimate ``(successes + 1) / (episodes + 2)``."""
        outcomes = self.recent[arm]
        return (sum(outcomes) + 1) / (len(outcomes) + 2)

    def weight(self, arm: Arm) -> float:
        """The chance a group on ``arm`` has rewards that differ, at least ``floor``."""
        p, g = self.success(arm), self.group_size
        return max(self.floor, 1 - p**g - (1 - p) ** g)

    def draw(self, n: int) -> list[Instance]:
        """The questions of one step: ``n`` arms drawn by weight without repeating one while others
        are left (a step that mixes tasks contrasts them), each giving a fresh instance."""
        chosen: list[Arm] = []
        left: list[Arm] = []
        for _ in range(n):
            left = left or list(self.arms)
            arm = self.rng.choices(left, weights=[self.weight(a) for a in left])[0]
            left.remove(arm)
            chosen.append(arm)
        instances = []
        for arm in chosen:
            instances.append(self.tasks[arm.task].generate(instance_seed(self.seed, self.draws), level=arm.level))
            self.draws += 1
        return instances

    def record(self, outcomes: Iterable[tuple[Instance, bool]]) -> None:
        """Add finished episodes' outcomes (correct or not) to their arms' recent windows."""
        for instance, correct in outcomes:
            self.recent[Arm(instance.task, str(instance.level))].append(correct)

    def report(self) -> dict[str, dict[str, dict[str, float]]]:
        """Per task and level: recent success estimate, weight, and episodes in the window."""
        out: dict[str, dict[str, dict[str, float]]] = {}
        for arm in self.arms:
            out.setdefault(arm.task, {})[arm.level] = {
                "recent": round(self.success(arm), 4), "weight": round(self.weight(arm), 4),
                "window": len(self.recent[arm]),
            }
        return out

    # ----- checkpoints ------------------------------------------------------------------------
    def state(self) -> dict[str, Any]:
        version, internal, gauss = self.rng.getstate()
        return {
            "draws": self.draws, "rng": [version, list(internal), gauss],
            "recent": {str(arm): list(outcomes) for arm, outcomes in self.recent.items()},
            "arms": [str(arm) for arm in self.arms], "seed": self.seed,
        }

    def save(self, folder: str | Path) -> Path:
        path = Path(folder) / STATE_FILE
        path.write_text(json.dumps(self.state()) + "\n", encoding="utf-8")
        return path

    def load(self, folder: str | Path) -> None:
        """Restore the state saved in a checkpoint folder (it must be a run over the same arms)."""
        path = Path(folder) / STATE_FILE
        try:
            state = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ConfigError(f"{path}: cannot read the curriculum state to resume from ({exc})") from exc
        if state["arms"] != [str(a) for a in self.arms] or state["seed"] != self.seed:
            raise ConfigError(f"{path}: the checkpoint was trained on other tasks, levels or seed "
                             f"({', '.join(state['arms'])}; seed {state['seed']})")
        self.draws = int(state["draws"])
        version, internal, gauss = state["rng"]
        self.rng.setstate((version, tuple(internal), gauss))
        for arm in self.arms:
            self.recent[arm] = deque((bool(x) for x in state["recent"][str(arm)]), maxlen=self.window)
