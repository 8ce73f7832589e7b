"""GRPO end to end on the tiny CPU policy: rollouts through TRL's trainer, the learning signal,
resuming after a kill, TensorBoard, the CLI, and the checkpoint in the engine."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from codesteer.steer.trajectory import STEER
from codesteer.train import load_config, run_sft
from codesteer.train.grpo import prepare_grpo, run_grpo
from codesteer.train.multiturn import decode_turn, end_of_turn_id

from .toy import TASKS, mask_runs, toy_task_model

pytestmark = [pytest.mark.train]
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def one_thread():
    """One torch thread: on two shared cores, two threads per process slow everything down."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def tiny_grpo(out: Path, **training):
    cfg = load_config("tiny-cpu-grpo", stage="grpo", output_dir=str(out))
    for key, value in training.items():
        setattr(cfg.training, key, value)
    return cfg


@pytest.mark.slow
def test_trainer_rollouts_train_on_exactly_the_ids_generated(tmp_path: Path) -> None:
    """TRL's own generation (random tiny policy, 3 steering turns): the ids of every turn decode to the
    text the engine used, the mask covers the policy's tokens only, the sample is the conversation."""
    cfg = tiny_grpo(tmp_path / "run", max_steps=1)
    cfg.grpo.max_rounds = 2
    run = prepare_grpo(cfg, TASKS, toy_task_model())
    try:
        slots = [run.trainer.train_dataset[i]["prompt"] for i in range(2)]
        prompts = [p for p in slots for _ in range(cfg.grpo.num_generations)]
        out = run.rollout(prompts, run.trainer)
    finally:
        run.rollout.close()
    tok = run.tokenizer
    marker = decode_turn(tok, [end_of_turn_id(tok)])
    episodes = out["episode"]
    assert len(episodes) == len(out["prompt_ids"]) == len(out["completion_ids"]) == len(out["env_mask"]) == 8
    assert out["logprobs"] is None  # plain generate reports none; vLLM would
    assert len({e.instance.id for e in episodes[:4]}) == 1 and episodes[0].instance.id != episodes[4].instance.id
    multi_turn = 0
    for e, prompt, completion, mask in zip(episodes, out["prompt_ids"], out["completion_ids"], out["env_mask"],
                                           strict=True):
        said = [m["content"] for m in e.trajectory.conversation(STEER) if m["role"] == "assistant"]
        turns = e.policy.turns
        assert [t.text for t in turns] == said
        for turn, text in zip(turns, said, strict=True):
            generated = turn.completion_ids[:-1] if turn.stopped else turn.completion_ids
            assert decode_turn(tok, generated) == text
        assert prompt == turns[0].prompt_ids
        assert mask_runs(completion, mask, 1) == [t.completion_ids for t in turns]
        full = prompt + completion
        for turn in turns:
            assert full[: len(turn.prompt_ids)] == turn.prompt_ids  # generated from a prefix of the sample
        rendered = tok.apply_chat_template(e.trajectory.conversation(STEER), tokenize=False)
        decoded = decode_turn(tok, full)
        assert rendered.startswith(decoded) and rendered[len(decoded):].replace(marker, "").strip() == ""
        multi_turn += len(turns) > 1
    assert multi_turn > 0


def _warm_start(root: Path, steps: int) -> Path:
    """SFT on the steering format, choosing code or text at random (not by task): a policy that speaks
    the protocol but has not learnt which mode suits which question."""
    from codesteer.steer.prompts import render
    from codesteer.symbench.registry import get_task

    from .toy import ARITHMETIC, TEXTUAL

    records = []
    for i in range(16):
        instance = get_task((ARITHMETIC, TEXTUAL)[i % 2]).generate(10_000 + i, level="1")
        later = render("steer_round", reply="The answer is <<<42>>>.", checker="(checker disabled)", code_notes="")
        records.append({"messages": [
            {"role": "user", "content": render("steer_choice", question=instance.question).text},
            {"role": "assistant", "content": ("<<<Code>>>", "<<<Text>>>")[(i // 2) % 2]},
            {"role": "user", "content": later.text},
            {"role": "assistant", "content": ("<<<Code>>>", "<<<Text>>>")[(i // 4) % 2]},
        ]})
    data = root / "sft.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in records))
    cfg = load_config("tiny-cpu", stage="sft", output_dir=str(root / "sft"))
    cfg.training.max_steps, cfg.training.learning_rate, cfg.training.save_steps = steps, 1e-2, 10_000
    return run_sft(cfg, data).final_checkpoint


TOY_CLI = """
import sys
import torch
torch.set_num_threads(1)
from codesteer.cli import main
from codesteer.llm.spec import register_provider
from tests.train.toy import toy_task_model
register_provider("toy", lambda rest: toy_task_model(), usage="toy", summary="the GRPO tests' toy task model")
sys.argv = ["codesteer", *sys.argv[1:]]
main()
"""


@pytest.mark.slow
def test_a_killed_run_resumes_from_its_last_checkpoint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``codesteer train grpo`` killed with SIGKILL after a checkpoint; the same command resumes it."""
    import yaml
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    from typer.testing import CliRunner

    from codesteer.cli import app
    from codesteer.llm import spec
    from codesteer.llm.card import read_card
    from codesteer.train.config import resolve_config_path
    from codesteer.train.curriculum import STATE_FILE

    raw = yaml.safe_load(resolve_config_path("tiny-cpu-grpo").read_text())
    raw["training"].update(max_steps=4, save_steps=2, report_to=["tensorboard"])
    config = tmp_path / "grpo.yaml"
    config.write_text(yaml.safe_dump(raw))
    out = tmp_path / "run"
    command = ["train", "grpo", "--config", str(config), "--tasks", TASKS, "--task-model", "toy", "-o", str(out)]
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'src'}"}
    process = subprocess.Popen([sys.executable, "-c", TOY_CLI, *command], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 600
    while not (out / "checkpoint-2" / "codesteer.json").is_file():
        assert process.poll() is None, process.communicate()[1].decode()[-3000:]
        assert time.monotonic() < deadline, "no checkpoint within 10 minutes"
        time.sleep(0.1)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL
    assert not (out / "final").exists()

    monkeypatch.setitem(spec.PROVIDERS, "toy", spec.Provider("toy", lambda rest: toy_task_model(), "toy", "toy"))
    result = CliRunner().invoke(app, command)
    assert result.exit_code == 0, result.output
    assert "resumed from" in result.output and f"final checkpoint: {out / 'final'}" in result.output
    assert f"codesteer eval --steer-model hf:{out / 'final'}" in result.output
    steps = [json.loads(line)["step"] for line in (out / "curriculum.jsonl").read_text().splitlines()]
    assert steps == [1, 2, 3, 4]  # each step logged once: the steps after the checkpoint were redone
    state = json.loads((out / "checkpoint-4" / "trainer_state.json").read_text())
    assert [e["step"] for e in state["log_history"] if "loss" in e] == [1, 2, 3, 4]
    for folder in [*out.glob("checkpoint-*"), out / "final"]:
        card = read_card(folder)
        assert card is not None and card.stage == "grpo" and card.steer_style == "finetuned"
    assert all((c / STATE_FILE).is_file() for c in out.glob("checkpoint-*"))
    tags = set()
    for run in out.glob("runs/*"):
        tags |= set(EventAccumulator(str(run)).Reload().Tags()["scalars"])
    assert {"train/loss", "train/reward", "train/success"} <= tags
    assert any(t.startswith("train/success/number_multiply/") for t in tags)


def test_cli_errors_are_one_line(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from codesteer.cli import app

    runner = CliRunner()
    base = ["train", "grpo", "--config", "tiny-cpu-grpo", "--task-model", "local", "-o", str(tmp_path / "x")]
    result = runner.invoke(app, [*base, "--tasks", "no_such_task"])
    assert result.exit_code == 1 and "unknown task 'no_such_task'" in result.output
    result = runner.invoke(app, [*base, "--tasks", "gsm_hard"])
    assert result.exit_code == 1 and "no generator" in result.output
    result = runner.invoke(app, [*base, "--tasks", "game24", "--from", str(tmp_path / "missing")])
    assert result.exit_code == 1 and "checkpoint not found" in result.output
    result = runner.invoke(app, ["train", "grpo", "--config", "tiny-cpu", "--task-model", "local"])
    assert result.exit_code == 1 and "must be a multiple of grpo.num_generations (8)" in result.output


async def _share_rewarded(checkpoint: Path, n: int = 40) -> float:
    """The share of right first decisions of ``checkpoint`` as steerer (greedy) on held-out toy
    questions, played through the engine as ``codesteer eval`` would (``hf:``, its card)."""
    from codesteer.llm.hf import TransformersModel
    from codesteer.sandbox import run_async
    from codesteer.steer import SteerConfig, solve
    from codesteer.steer.config import Sampling
    from codesteer.symbench.registry import get_task

    from .toy import ARITHMETIC, TEXTUAL

    steer = TransformersModel(str(checkpoint))
    config = SteerConfig(max_rounds=0, self_check=False, finetuned_steer_sampling=Sampling(max_tokens=16))
    right = 0
    for i in range(n):
        instance = get_task((ARITHMETIC, TEXTUAL)[i % 2]).generate(50_000 + i, level="1")
        t = await solve(instance, task_model=toy_task_model(), steer_model=steer, config=config, executor=run_async)
        assert t.steering.style == "finetuned" and t.steering.source == "card"
        right += bool(t.correct)
    return right / n


@pytest.mark.slow
async def test_the_learning_signal_is_real(tmp_path: Path) -> None:
    """The toy: the task model answers right only when told <<<Code>>> on Number Multiply and
    <<<Text>>> on Web of Lies. SFT teaches the tiny policy the protocol with the mode picked at
    random; GRPO must learn which mode each question needs from the judged rewards alone.

    The tiny-cpu-grpo config, one decision per episode (max_rounds 0), level 1. Figures: docs/training.md."""
    from codesteer.llm.card import read_card

    start = _warm_start(tmp_path, steps=40)
    cfg = tiny_grpo(tmp_path / "grpo", save_steps=1000)
    cfg.grpo.max_rounds, cfg.grpo.curriculum.levels = 0, ["1"]
    result = run_grpo(cfg, TASKS, toy_task_model(), start)

    before, after = await _share_rewarded(start), await _share_rewarded(result.final_checkpoint)
    success = result.success
    first, last = sum(success[:8]) / 8, sum(success[-8:]) / 8
    print(f"held-out share of rewarded decisions (greedy): {before:.3f} -> {after:.3f}; "
          f"training episodes' success, first 8 steps {first:.3f}, last 8 steps {last:.3f}")
    assert after >= before + 0.3 and after >= 0.8, (before, after)
    assert len(success) == 30 and last > first, success
    card, parent = read_card(result.final_checkpoint), read_card(start)
    assert card.stage == "grpo" and card.base == str(start) and card.templates == parent.templates


@pytest.mark.slow
async def test_lora_grpo_ends_in_a_merged_checkpoint_the_engine_can_drive(tmp_path: Path) -> None:
    from codesteer.llm.hf import TransformersModel
    from codesteer.llm.scripted import ScriptedModel
    from codesteer.steer import SteerConfig, solve

    cfg = tiny_grpo(tmp_path / "lora", max_steps=2, save_steps=1)
    cfg.finetuning.method = "lora"
    result = run_grpo(cfg, TASKS, toy_task_model())
    assert [s["step"] for s in result.steps] == [1, 2] and result.resumed_from is None
    assert (result.final_checkpoint / "model.safetensors").is_file()  # adapters merged
    assert not (result.final_checkpoint / "adapter_config.json").exists()
    assert (tmp_path / "lora" / "checkpoint-2" / "adapter_config.json").is_file()
    steerer = TransformersModel(str(result.final_checkpoint))
    task_model = ScriptedModel(["```python\nprint('<<<6>>>')\n```"], repeat_last=True)
    t = await solve("What is 1+2+3?", task_model=task_model, steer_model=steerer,
                    config=SteerConfig(max_rounds=1, self_check=False).capped(8))
    assert t.steering.source == "card" and t.final is not None
