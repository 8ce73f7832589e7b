"""GRPO rollouts: each question played as a group of full CodeSteer episodes by the real engine.

:class:`SteeringRollout` is TRL's ``rollout_func``. For each group of the generation batch it
draws a question from the :class:`~codesteer.train.curriculum.Curriculum` and plays it ``G``
times with :func:`codesteer.steer.solve` (``method="codesteer"``, the fine-tuned steering style):
the steering model is a :class:`~codesteer.train.policy.PolicyModel` generating with the
trainer's policy, the task model is any model, the code runs in the sandbox, both checkers run
as configured, and the engine's scorer judges the final answer. Each episode comes back as its
first prompt, everything after it with the mask of the policy's own tokens, the sampled tokens'
log-probabilities (vLLM) and the :class:`Episode` (trajectory, reward) for the reward function.

The dataset rows TRL samples are draw slots, not questions: TRL picks rows before the previous
step's outcomes are known (and replays its sampler on resume), while the curriculum must react
to them; so the question of a group is drawn here, when its episodes start.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from codesteer.llm.base import ChatModel
from codesteer.steer.code_runner import Executor
from codesteer.steer.config import SteerConfig
from codesteer.steer.engine import solve
from codesteer.steer.roles import Role
from codesteer.steer.trajectory import Trajectory
from codesteer.symbench.task import Instance
from codesteer.train.curriculum import Curriculum
from codesteer.train.policy import EpisodeTokens, Generator, PolicyModel, TurnBatcher
from codesteer.train.reward import episode_reward

T = TypeVar("T")


@dataclass
class Episode:
    """One played episode: its question, group, trajectory, token sample and reward."""

    instance: Instance
    group: int
    trajectory: Trajectory
    policy: PolicyModel
    tokens: EpisodeTokens
    reward: float | None

    @property
    def correct(self) -> bool:
        return bool(self.trajectory.correct)


@dataclass
class Environment:
    """Everything an episode needs besides the policy: the task model (and helper roles), the
    loop's settings and the sandbox."""

    task_model: ChatModel
    config: SteerConfig
    executor: Executor
    helpers: Mapping[Role, ChatModel] | None = None

    async def play(self, instance: Instance, policy: PolicyModel) -> Trajectory:
        return await solve(instance, method="codesteer", task_model=self.task_model, steer_model=policy,
                           helpers=self.helpers, config=self.config, executor=self.executor)

    async def aclose(self) -> None:
        for model in {id(m): m for m in [self.task_model, *(self.helpers or {}).values()]}.values():
            await model.aclose()


def outcomes_by_arm(episodes: list[Episode]) -> dict[tuple[str, str], list[bool]]:
    """Each (task, level)'s episode outcomes (right or not), in the order the arms first appear."""
    arms: dict[tuple[str, str], list[bool]] = {}
    for e in episodes:
        arms.setdefault((e.instance.task, str(e.instance.level)), []).append(e.correct)
    return arms


class StepLog:
    """``OUTPUT_DIR/curriculum.jsonl``: one line per training step, success by task and level."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def write(self, step: int, episodes: list[Episode], curriculum: Curriculum) -> dict[str, Any]:
        scored = [e.reward for e in episodes if e.reward is not None]
        tasks: dict[str, dict[str, dict[str, Any]]] = {}
        for (task, level), outcomes in outcomes_by_arm(episodes).items():
            tasks.setdefault(task, {})[level] = {"episodes": len(outcomes), "correct": sum(outcomes)}
        for task, levels in curriculum.report().items():
            for level, now in levels.items():
                cell = tasks.setdefault(task, {}).setdefault(level, {"episodes": 0, "correct": 0})
                cell["success"] = round(cell["correct"] / cell["episodes"], 4) if cell["episodes"] else None
                cell.update(now)
        correct = sum(e.correct for e in episodes)
        record = {
            "step": step, "episodes": len(episodes), "correct": correct,
            "success": round(correct / len(episodes), 4),
            "reward": round(sum(scored) / len(scored), 4) if scored else None,
            "unscored": len(episodes) - len(scored), "tasks": tasks,
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as out:
            out.write(json.dumps(record) + "\n")
        return record

    def read(self) -> list[dict[str, Any]]:
        if not self.path.is_file():
            return []
        return [json.loads(line) for line in self.path.read_text(encoding="utf-8").splitlines() if line.strip()]

    def keep_through(self, step: int) -> None:
        """Drop the lines of steps after ``step`` (a resumed run redoes them)."""
        kept = [r for r in self.read() if r["step"] <= step]
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text("".join(json.dumps(r) + "\n" for r in kept), encoding="utf-8")


class SteeringRollout:
    """TRL ``rollout_func``: ``G`` engine episodes per drawn question (see the module docstring).

    ``generator_of(trainer)`` gives the policy's generation for a trainer (TRL's own, see
    :func:`codesteer.train.grpo.trainer_generation`); ``stop_ids`` are the tokens it stops at,
    ``max_length`` the run's cutoff; ``token_weight`` and ``malformed_weight`` shape the reward.
    Episodes run on an event loop of their own, in a thread: the trainer calls from plain code.
    """

    def __init__(self, curriculum: Curriculum, environment: Environment, tokenizer: Any, *, group_size: int,
                 stop_ids: list[int], max_length: int, token_weight: float, malformed_weight: float,
                 log: StepLog | None = None, generator_of: Callable[[Any], Generator] | None = None) -> None:
        self.curriculum, self.environment, self.tokenizer = curriculum, environment, tokenizer
        self.group_size, self.stop_ids, self.max_length = group_size, stop_ids, max_length
        self.token_weight, self.malformed_weight = token_weight, malformed_weight
        self.log, self.generator_of = log, generator_of
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="grpo-episodes", daemon=True)
        self._thread.start()

    def __call__(self, prompts: list[Any], trainer: Any) -> dict[str, Any]:
        g = self.group_size
        if len(prompts) % g or any(prompts[i] != prompts[i - i % g] for i in range(len(prompts))):
            raise RuntimeError(f"expected the draw slots in groups of {g} identical rows (TRL's GRPO sampler)")
        if self.generator_of is None:
            raise RuntimeError("this rollout was made without generator_of: it can only play(groups, generate)")
        episodes = self.play(len(prompts) // g, self.generator_of(trainer))
        if self.log is not None:
            self.log.write(trainer.state.global_step + 1, episodes, self.curriculum)
        with_logprobs = all(e.tokens.logprobs is not None for e in episodes)
        return {
            "prompt_ids": [e.tokens.prompt_ids for e in episodes],
            "completion_ids": [e.tokens.completion_ids for e in episodes],
            "env_mask": [e.tokens.env_mask for e in episodes],
            "logprobs": [e.tokens.logprobs for e in episodes] if with_logprobs else None,
            "episode": episodes,
        }

    def play(self, groups: int, generate: Generator) -> list[Episode]:
        """Draw ``groups`` questions, play each ``G`` times; the outcomes update the curriculum."""
        instances = self.curriculum.draw(groups)
        episodes = self._run(self._play(instances, generate))
        self.curriculum.record((e.instance, e.correct) for e in episodes if e.reward is not None)
        return episodes

    def _run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Run on the episodes' own event loop (its thread), so a caller inside a loop can train too."""
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result()

    async def _play(self, instances: list[Instance], generate: Generator) -> list[Episode]:
        batcher = TurnBatcher(generate)
        sampling = self.environment.config.finetuned_steer_sampling
        jobs = [(group, instance) for group, instance in enumerate(instances) for _ in range(self.group_size)]
        policies = [PolicyModel(self.tokenizer, batcher, key, sampling, stop_ids=self.stop_ids,
                                max_length=self.max_length) for key in range(len(jobs))]
        for _ in policies:
            batcher.join()

        async def episode(policy: PolicyModel, group: int, instance: Instance) -> Episode:
            try:
                trajectory = await self.environment.play(instance, policy)
            finally:
                batcher.leave()
            reward = episode_reward(trajectory, self.token_weight, self.malformed_weight)
            return Episode(instance, group, trajectory, policy, policy.tokens(), reward)

        return list(await asyncio.gather(*(episode(p, g, i) for p, (g, i) in zip(policies, jobs, strict=True))))

    def close(self) -> None:
        """Release the environment's models and the event loop episodes ran on."""
        try:
            self._run(self.environment.aclose())
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join()
            self.loop.close()
