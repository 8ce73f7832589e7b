"""inspect-ai: SymBench tasks, method solvers and our judge as scorer, run with inspect's mockllm."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from inspect_ai import eval as inspect_eval
from inspect_ai._cli.main import inspect as inspect_cli
from inspect_ai.log import read_eval_log
from inspect_ai.model import ModelAPI, ModelOutput, ModelUsage, get_model, modelapi

from codesteer.integrations.inspect import InspectChatModel, symbench_task
from codesteer.integrations.inspect.dataset import instances
from codesteer.integrations.inspect.solvers import TRAJECTORY_KEY
from codesteer.steer import trajectory_json
from codesteer.symbench import get_task

from .conftest import reference_answer

GAME24 = get_task("game24")


def output(text: str) -> ModelOutput:
    """A mockllm output with its usage set (mockllm would otherwise count tokens with a
    tokenizer it downloads)."""
    out = ModelOutput.from_content("mockllm/model", text)
    out.usage = ModelUsage(input_tokens=len(text.split()), output_tokens=len(text.split()),
                           total_tokens=2 * len(text.split()))
    return out


def mock(*texts: str):
    return get_model("mockllm/model", custom_outputs=[output(t) for t in texts])


def run(task, model, tmp_path: Path, **kwargs):
    [log] = inspect_eval(task, model=model, log_dir=str(tmp_path), display="none", max_samples=1, **kwargs)
    assert log.status == "success", log.error
    return log


def test_scores_are_our_judges_verdicts(tmp_path: Path) -> None:
    generated = [GAME24.generate(seed) for seed in range(4)]
    right = reference_answer(GAME24, generated[0])
    numbers = generated[1].data["numbers"]
    near_miss = "<<<" + "+".join(map(str, numbers)) + ">>>"  # every number once, but not 24
    replies = [f"Here it is: {right}", near_miss, "(no wrapped answer) 24", "<<<(1+2>>>"]
    log = run(symbench_task("game24", n=4, seed=0), mock(*replies), tmp_path)
    samples = sorted(log.samples, key=lambda s: s.id)
    assert [s.id for s in samples] == [i.id for i in generated]
    for sample, instance, reply in zip(samples, generated, replies, strict=True):
        verdict = GAME24.judge(instance, reply)
        score = sample.scores["symbench_judge"]
        assert (score.value, score.explanation, score.answer) == (verdict.score, verdict.reason, verdict.answer)
    assert [s.scores["symbench_judge"].value for s in samples] == [1.0, 0.0, 0.0, 0.0]
    assert "no <<<...>>> answer found" in samples[2].scores["symbench_judge"].explanation
    assert log.results.scores[0].metrics["accuracy"].value == pytest.approx(0.25)


async def test_inspect_model_as_our_chat_model() -> None:
    model = InspectChatModel(mock("an answer"))
    completion = await model.complete([{"role": "system", "content": "be brief"}, {"role": "user", "content": "hi"}],
                                      temperature=0.0, max_tokens=5, stop=["\n\n"])
    assert completion.text == "an answer" and completion.completion_tokens == 2
    assert model.name == "inspect:mockllm/model" and completion.finish_reason == "stop"
    with pytest.raises(ValueError, match="unknown message role"):
        await model.complete([{"role": "tool", "content": "x"}])


def test_codesteer_solver_steers_runs_code_in_the_sandbox_and_logs_the_rounds(tmp_path: Path) -> None:
    instance = GAME24.generate(0)
    answer = reference_answer(GAME24, instance)
    task_model = mock(f"Plan: print it.\n```python\nprint('{answer}')\n```")
    steer = mock("Use code. <<<Code>>>", "<<<Return Answer>>>")
    task = symbench_task("game24", n=1, method="codesteer", config={"self_check": False, "sandbox_timeout_s": 10})
    log = run(task, task_model, tmp_path, model_roles={"steer": steer})
    [sample] = log.samples
    trajectory = trajectory_json.from_dict(sample.store[TRAJECTORY_KEY])
    assert trajectory.final.channel == "executed_output" and trajectory.rounds[0].execution.outcome == "ok"
    assert trajectory.models["steer"] == "inspect:mockllm/model" and trajectory.stop_reason == "return_answer"
    score = sample.scores["symbench_judge"]
    verdict = GAME24.judge(instance, f"<<<{trajectory.final.answer}>>>")
    assert verdict.correct and (score.value, score.explanation) == (verdict.score, verdict.reason)
    # the rounds, as the log viewer shows them: the task conversation and the engine's events
    assert [m.role for m in sample.messages] == ["user", "assistant"]
    notes = [e.data for e in sample.events if e.event == "info" and e.source == "codesteer"]
    assert any(n.startswith("**round 0 · steering: code**") for n in notes)
    assert any(n.startswith("**round 0 · execution: ok**") and answer in n for n in notes)
    assert any(n.startswith("**round 1 · steering: return_answer**") for n in notes)
    assert sum(e.event == "model" for e in sample.events) == 3  # steer, task, steer


def test_a_method_that_writes_no_answer_scores_wrong_with_the_judges_reason(tmp_path: Path) -> None:
    task = symbench_task("game24", n=1, method="all_text_cot")
    log = run(task, mock("I think it cannot be done."), tmp_path)
    [sample] = log.samples
    verdict = GAME24.judge(GAME24.generate(0), "I think it cannot be done.")
    score = sample.scores["symbench_judge"]
    assert score.value == 0.0 and score.explanation == verdict.reason


def test_a_sandbox_failure_is_a_sample_error_not_a_wrong_answer(tmp_path: Path, monkeypatch) -> None:
    from codesteer.sandbox.pool import SandboxError
    from codesteer.steer import engine

    async def broken(code, *, config):
        raise SandboxError("no worker could start")

    monkeypatch.setattr(engine, "default_executor", lambda: broken)
    task = symbench_task("game24", n=1, method="all_code")
    [log] = inspect_eval(task, model=mock("```python\nprint('<<<1>>>')\n```"), log_dir=str(tmp_path),
                         display="none", fail_on_error=False)
    [sample] = log.samples
    assert sample.error is not None and "no worker could start" in sample.error.message
    assert not sample.scores


def test_datasets_from_levels_suites_and_the_release(original_root: Path) -> None:
    level3 = instances("game24", level=3, n=2, seed=7)  # as inspect's command line reads -T level=3
    assert [i.id for i in level3] == ["game24-3-7", "game24-3-8"] and len(level3[0].data["numbers"]) == 6
    unseen = instances("unseen", n=1)
    assert {i.task for i in unseen} == {t.name for t in map(get_task, [i.task for i in unseen])}
    assert len(unseen) == 9
    released = instances("pooling,navigate", n=2, original=str(original_root))
    assert [i.task for i in released] == ["pooling", "pooling", "navigate", "navigate"]
    assert all(i.source.startswith("original:") for i in released)
    with pytest.raises(ValueError, match="no generator"):
        instances("gsm_hard")
    with pytest.raises(ValueError, match="not a folder"):
        instances("game24", original=str(original_root / "missing"))


# ----- `inspect eval codesteer/symbench_game24` through inspect's own command line -------------------
_QUESTIONS = {GAME24.generate(seed).question: GAME24.generate(seed) for seed in range(2)}


class ReferenceAPI(ModelAPI):
    """A model that answers the two Game 24 questions above with our reference answers."""

    async def generate(self, input, tools, tool_choice, config):
        question = input[-1].text
        instance = _QUESTIONS[question]
        return output(f"Answer: {reference_answer(GAME24, instance)}")


@modelapi(name="symbench-reference")
def reference_api():
    return ReferenceAPI


def test_inspect_eval_finds_the_tasks_through_the_entry_point(tmp_path: Path) -> None:
    from importlib.metadata import entry_points

    assert any(ep.value == "codesteer.integrations.inspect" for ep in entry_points(group="inspect_ai")), \
        "reinstall codesteer (pip install -e .) so that its inspect_ai entry point is registered"
    result = CliRunner().invoke(inspect_cli, [
        "eval", "codesteer/symbench_game24", "--model", "symbench-reference/any", "-T", "n=2",
        "--log-dir", str(tmp_path), "--display", "none", "--log-format", "json",
    ], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    [path] = tmp_path.glob("*.json")
    log = read_eval_log(str(path))
    assert log.eval.task == "codesteer/symbench_game24" and log.status == "success"
    assert [s.scores["symbench_judge"].value for s in log.samples] == [1.0, 1.0]
    assert json.loads(log.samples[0].metadata["instance"])["task"] == "game24"
