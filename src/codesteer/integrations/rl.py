"""RL training on SymBench: the dataset row, and rewards in TRL's and verl's signatures.

A row (:func:`rl_row`, written by ``codesteer bench export --format rl``) carries the question as
chat messages (``prompt``) and the serialised instance (``instance``, JSON text) that the rewards
parse back with ``Instance.from_dict``. verl hands its reward only ``reward_model.ground_truth``,
so that field holds the same JSON. Every reward judges with the task's own judge
(:func:`judge_completion`): the reward is the verdict's score (1.0 right, 0.0 wrong, partial
only where a task grades partially). A malformed completion is a wrong answer with a reason; a
judge that crashes (``JudgeError``) or a row that is not a SymBench instance raises, since those
are bugs, never a policy's mistake.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from codesteer.symbench.registry import get_task
from codesteer.symbench.task import Instance, Verdict

#: ``ability`` of every row (verl's dataset convention: the skill a row exercises).
ABILITY = "symbolic"


def data_source(task_name: str) -> str:
    """verl's ``data_source`` of a task's rows: ``symbench/<task>``."""
    return f"symbench/{task_name}"


def rl_row(instance: Instance) -> dict[str, Any]:
    """One training row: chat ``prompt``, the ``instance`` JSON, and verl's fields around it."""
    payload = instance.to_json()
    return {
        "prompt": [{"role": "user", "content": instance.question}],
        "instance": payload,
        "task": instance.task,
        "id": instance.id,
        "level": instance.level,
        "seed": instance.seed,
        "data_source": data_source(instance.task),
        "ability": ABILITY,
        "reward_model": {"style": "rule", "ground_truth": payload},
    }


def parse_instance(value: str | Mapping[str, Any] | Instance) -> Instance:
    """The instance a row carries (its JSON text, the parsed mapping, or the instance itself)."""
    if isinstance(value, Instance):
        return value
    try:
        data = json.loads(value) if isinstance(value, str) else dict(value)
        instance = Instance.from_dict(data)
        get_task(instance.task)
    except (TypeError, ValueError, KeyError) as exc:
        raise ValueError(f"not a serialised SymBench instance ({type(exc).__name__}: {exc}): "
                         f"{str(value)[:120]!r}") from exc
    return instance


def completion_text(completion: Any) -> Any:
    """The text of a completion: a string as it is, a chat completion (a list of messages, as
    TRL passes conversational completions) as its last assistant message's content. Anything
    else is returned unchanged, for the judge to reject with a reason."""
    if isinstance(completion, Sequence) and not isinstance(completion, str):
        replies = [m for m in completion if isinstance(m, Mapping) and m.get("role") == "assistant"]
        return replies[-1].get("content") if replies else None
    return completion


def judge_completion(instance: str | Mapping[str, Any] | Instance, completion: Any) -> Verdict:
    """The task judge's verdict on a completion (raises ``JudgeError`` if the judge crashes)."""
    parsed = parse_instance(instance)
    return get_task(parsed.task).judge(parsed, completion_text(completion))


def symbench_reward(completions: Sequence[Any], instance: Sequence[str], **kwargs: Any) -> list[float]:
    """TRL reward function (``GRPOTrainer(reward_funcs=symbench_reward)``).

    TRL passes the dataset's other columns as keyword lists, so ``instance[i]`` is the row of
    ``completions[i]``; the remaining keywords (``prompts``, ``trainer_state``, ...) are unused.
    """
    if len(completions) != len(instance):
        raise ValueError(f"{len(completions)} completions but {len(instance)} instances: the dataset "
                         "needs the 'instance' column of `codesteer bench export --format rl`")
    return [judge_completion(row, completion).score for completion, row in zip(completions, instance, strict=True)]


def compute_score(data_source: str, solution_str: str, ground_truth: str,
                  extra_info: Mapping[str, Any] | None = None, **kwargs: Any) -> dict[str, float]:
    """verl reward (``custom_reward_function.path`` = this file, ``.name`` = ``compute_score``).

    ``ground_truth`` is the row's ``reward_model.ground_truth`` (the instance JSON). Returns
    ``score`` (the reward) and ``acc`` (1.0 when the answer is right), which verl logs.
    """
    verdict = judge_completion(ground_truth, solution_str)
    return {"score": verdict.score, "acc": float(verdict.correct)}
