"""RL rewards (TRL, verl, verifiers) on exported rows: right, near-miss and malformed completions."""

from __future__ import annotations

import asyncio
import json

import pytest
import verifiers.v1 as vf
from verifiers.v1.configs.agent import AgentConfig
from verifiers.v1.trace import AgentInfo, Trace, TraceTask

from codesteer.integrations.rl import compute_score, judge_completion, rl_row, symbench_reward
from codesteer.integrations.verifiers import SymbenchConfig, SymbenchTaskset
from codesteer.symbench import get_task
from codesteer.symbench.errors import JudgeError

from .conftest import near_miss, reference_answer

TASKS = ["game24", "letters", "pooling"]
MALFORMED = [None, 42, "", "no wrapped answer at all", "<<<>>>", "<<<(((>>>", [{"role": "user", "content": "hi"}]]


def cases(name: str, seed: int = 1):
    task = get_task(name)
    instance = task.generate(seed)
    wrong, why = near_miss(task, instance)
    return task, instance, rl_row(instance), reference_answer(task, instance), wrong, why


@pytest.mark.parametrize("name", TASKS)
def test_trl_reward_scores_right_near_miss_and_malformed(name: str) -> None:
    task, instance, row, right, wrong, why = cases(name)
    completions = [f"Reasoning...\n{right}", wrong, *MALFORMED,
                   [{"role": "assistant", "content": right}]]  # a conversational completion
    rewards = symbench_reward(completions, instance=[row["instance"]] * len(completions), prompts=["..."] * 9)
    assert rewards == [1.0, 0.0, *[0.0] * len(MALFORMED), 1.0]
    assert why in judge_completion(row["instance"], wrong).reason
    assert judge_completion(row["instance"], None).reason == "answer must be text, got NoneType"
    assert judge_completion(row["instance"], "<<<>>>").reason == task.judge(instance, "<<<>>>").reason


@pytest.mark.parametrize("name", TASKS)
def test_verl_compute_score_reads_the_ground_truth(name: str) -> None:
    _, _, row, right, wrong, _ = cases(name)
    truth = row["reward_model"]["ground_truth"]
    assert compute_score(row["data_source"], right, truth) == {"score": 1.0, "acc": 1.0}
    assert compute_score(row["data_source"], wrong, truth, extra_info={"index": 0}) == {"score": 0.0, "acc": 0.0}
    assert compute_score(row["data_source"], "", truth)["score"] == 0.0
    assert row["data_source"] == f"symbench/{name}" and truth == row["instance"]


def test_rows_carry_the_prompt_and_the_instance() -> None:
    _, instance, row, *_ = cases("game24")
    assert row["prompt"] == [{"role": "user", "content": instance.question}]
    assert json.loads(row["instance"]) == instance.to_dict()
    assert (row["task"], row["id"], row["level"], row["seed"]) == ("game24", "game24-paper-1", "paper", 1)


def test_a_row_that_is_not_an_instance_is_an_error_not_a_zero() -> None:
    with pytest.raises(ValueError, match="not a serialised SymBench instance"):
        symbench_reward(["<<<1>>>"], instance=["{not json"])
    with pytest.raises(ValueError, match="not a serialised SymBench instance"):
        compute_score("symbench/x", "<<<1>>>", json.dumps({"task": "no_such_task", "id": "x", "question": "q", "data": {}}))
    with pytest.raises(ValueError, match="1 completions but 2 instances"):
        symbench_reward(["<<<1>>>"], instance=["{}", "{}"])


def test_a_crashing_judge_raises_instead_of_scoring(monkeypatch) -> None:
    task, _, row, right, *_ = cases("game24")

    def crash(instance, text):
        raise JudgeError.about("game24", instance.id, text, "ZeroDivisionError: division by zero")

    monkeypatch.setattr(task, "judge", crash)
    with pytest.raises(JudgeError):
        symbench_reward([right], instance=[row["instance"]])
    with pytest.raises(JudgeError):
        compute_score(row["data_source"], right, row["reward_model"]["ground_truth"])


def _score(task: vf.Task, reply: str) -> float:
    trace = Trace(task=TraceTask(type="symbench", data=task.data), agent=AgentInfo(config=AgentConfig()),
                  root_reply=reply)
    asyncio.run(task.score(trace))
    return trace.rewards["judged"].score


def test_verifiers_taskset_loads_instances_and_rewards_the_judges_score() -> None:
    from verifiers.v1.utils.loaders import load_taskset, taskset_config_type

    config = taskset_config_type("codesteer_symbench").model_validate(
        {"id": "codesteer_symbench", "tasks": "game24,letters", "n": 2, "seed": 1})
    tasks = list(load_taskset(config))
    assert [t.key for t in tasks] == ["game24-paper-1", "game24-paper-2", "letters-paper-1", "letters-paper-2"]
    for vf_task in (tasks[0], tasks[2]):
        _, instance, _, right, wrong, _ = cases(vf_task.data.task)
        assert vf_task.data.prompt == instance.question
        assert [_score(vf_task, reply) for reply in (right, wrong, "", "<<<(>>>")] == [1.0, 0.0, 0.0, 0.0]
    suite = SymbenchTaskset(SymbenchConfig(tasks="seen", n=1))
    assert "gsm_hard" not in {t.data.task for t in suite} and len(list(suite)) == 25
