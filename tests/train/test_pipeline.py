"""SFT then DPO on the tiny CPU config, end to end, and the trained model served in-process."""

from __future__ import annotations

from pathlib import Path

import pytest

from codesteer.train import load_config, run_dpo, run_sft
from tests.train.conftest import need_training_stack

pytestmark = [pytest.mark.train, pytest.mark.slow]
need_training_stack()


@pytest.fixture(scope="module")
def trained(tmp_path_factory, request):
    """One SFT run shared by the tests below (the GGUF tokenizer takes seconds to read)."""
    root = tmp_path_factory.mktemp("train")
    sft_data = request.getfixturevalue("sft_file_module")
    cfg = load_config("tiny-cpu", stage="sft", output_dir=str(root / "sft"))
    return run_sft(cfg, sft_data), root


@pytest.fixture(scope="module")
def sft_file_module(tmp_path_factory):
    from tests.train.conftest import conversation, write_jsonl

    path = tmp_path_factory.mktemp("data") / "sft.jsonl"
    return write_jsonl(path, [{"messages": conversation(i)} for i in (3, 4)])


def test_sft_loss_goes_down_on_a_fixed_batch(trained) -> None:
    result, _ = trained
    losses = result.losses
    assert len(losses) == 8
    assert losses[-1] < losses[0] * 0.9
    assert (result.final_checkpoint / "model.safetensors").is_file()
    assert (result.final_checkpoint / "tokenizer_config.json").is_file()


def test_dpo_from_the_sft_checkpoint_prefers_the_chosen_guidance(trained, dpo_file: Path, tmp_path: Path) -> None:
    sft, _ = trained
    cfg = load_config("tiny-cpu", stage="dpo", output_dir=str(tmp_path / "dpo"))
    result = run_dpo(cfg, dpo_file, sft.final_checkpoint)
    losses = result.losses
    assert losses[0] == pytest.approx(0.6931, abs=1e-3)  # policy == reference at the start
    assert losses[-1] < losses[0]
    margins = [e["rewards/margins"] for e in result.log_history if "rewards/margins" in e]
    assert margins[-1] > 0


def test_training_resumes_from_the_last_checkpoint(sft_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "resume"
    first = run_sft(load_config("tiny-cpu", stage="sft", output_dir=str(out)), sft_file)
    assert first.resumed_from is None
    cfg = load_config("tiny-cpu", stage="sft", output_dir=str(out))
    cfg.training.max_steps = 12
    second = run_sft(cfg, sft_file)
    assert second.resumed_from is not None and second.resumed_from.endswith("checkpoint-8")
    steps = [e["step"] for e in second.log_history if "loss" in e]
    # The history restored from the checkpoint plus the new steps: each step logged once.
    assert steps == list(range(1, 13))


async def test_the_trained_checkpoint_answers_through_the_model_layer(trained) -> None:
    from codesteer.llm.hf import TransformersModel

    result, _ = trained
    model = TransformersModel(str(result.final_checkpoint))
    completion = await model.complete(
        [{"role": "user", "content": "Decide code or text for question 5"}], max_tokens=8
    )
    assert completion.completion_tokens > 0
    assert completion.prompt_tokens > 5
    assert completion.model == f"hf:{result.final_checkpoint}"


async def test_the_trained_steering_model_runs_in_the_engine(trained) -> None:
    """The checkpoint steers one CodeSteer round of a scripted task model (the sandbox runs the code)."""
    from codesteer.llm.hf import TransformersModel
    from codesteer.llm.scripted import ScriptedModel
    from codesteer.steer import SteerConfig, solve

    result, _ = trained
    steerer = TransformersModel(str(result.final_checkpoint))

    def task(messages) -> str:  # answers with a program printing how long its latest instruction was
        return f"```python\nprint('<<<' + str({len(messages[-1]['content'])}) + '>>>')\n```"

    config = SteerConfig(max_rounds=1, self_check=False, steer_style="finetuned").capped(8)
    trajectory = await solve("What is 1+2+3?", task_model=ScriptedModel(task), steer_model=steerer, config=config)
    steer_calls = [c for c in trajectory.calls if c.conversation.kind == "steer"]
    assert steer_calls and all(c.model == steerer.name for c in steer_calls)
    assert trajectory.steering.style == "finetuned"
    # the checkpoint's own output reached the task model, and the answer came from running its program
    instructions = [m["content"] for m in trajectory.conversation("task") if m["role"] == "user"]
    assert trajectory.rounds[0].guidance in instructions[0]
    assert trajectory.final is not None and trajectory.final.answer == str(len(instructions[-1]))
    assert trajectory.final.channel == "executed_output"


async def test_the_engine_drives_the_trained_checkpoint_in_the_format_it_was_trained_on(trained) -> None:
    """The checkpoint declares its steering style (codesteer.json); ``auto`` reads it, never the name."""
    from codesteer.llm.card import read_card
    from codesteer.llm.hf import TransformersModel
    from codesteer.llm.scripted import ScriptedModel
    from codesteer.steer import SteerConfig, solve
    from codesteer.steer.prompts import render
    from codesteer.steer.trajectory import STEER

    result, _ = trained
    card = read_card(result.final_checkpoint)
    assert card is not None and card.steer_style == "finetuned" and card.stage == "sft"
    assert card.templates["steer_round"] >= 1 and card.chat_template
    assert all(read_card(c) == card for c in result.output_dir.glob("checkpoint-*"))
    steerer = TransformersModel(str(result.final_checkpoint))
    task_model = ScriptedModel(["```python\nprint('<<<6>>>')\n```"], repeat_last=True)
    config = SteerConfig(max_rounds=1, self_check=False).capped(8)  # steer_style: auto
    t = await solve("What is 1+2+3?", task_model=task_model, steer_model=steerer, config=config)
    assert t.steering.style == "finetuned" and t.steering.source == "card"
    turns = [m for m in t.messages if m.conversation == STEER and m.role == "user"]
    header = render("steer_decision", question="What is 1+2+3?").text
    assert len(turns) == 2 and all(header not in m.content and m.bare is None for m in turns)
    assert turns[1].content.startswith("Latest answer of the assistant")
    sampled = [c.params for c in t.calls if c.conversation == STEER]
    assert all(p["temperature"] == 0.95 and p["top_p"] == 0.7 for p in sampled)


def test_dpo_keeps_what_the_sft_checkpoint_declared(trained, dpo_file: Path, tmp_path: Path) -> None:
    from codesteer.llm.card import read_card

    sft, _ = trained
    cfg = load_config("tiny-cpu", stage="dpo", output_dir=str(tmp_path / "dpo"))
    cfg.training.max_steps = 2
    result = run_dpo(cfg, dpo_file, sft.final_checkpoint)
    card = read_card(result.final_checkpoint)
    assert card is not None and card.stage == "dpo" and card.base == str(sft.final_checkpoint)
    assert card.steer_style == "finetuned" and card.templates == read_card(sft.final_checkpoint).templates


@pytest.mark.parametrize("method", ["lora", "qlora"])
def test_lora_and_qlora_train_a_step_and_save_a_servable_checkpoint(trained, sft_file: Path, tmp_path: Path,
                                                                    method: str) -> None:
    """From the tiny SFT checkpoint (QLoRA quantises it to 4 bits with bitsandbytes on the CPU)."""
    from codesteer.llm.card import read_card

    sft, _ = trained
    cfg = load_config("tiny-cpu", stage="sft", output_dir=str(tmp_path / method))
    cfg.model.name_or_path, cfg.model.tiny, cfg.model.tokenizer = str(sft.final_checkpoint), None, None
    cfg.finetuning.method = method
    cfg.finetuning.lora.r = 4
    cfg.training.max_steps = 2
    result = run_sft(cfg, sft_file)
    assert len(result.losses) == 2 and all(loss > 0 for loss in result.losses)
    assert (result.final_checkpoint / "model.safetensors").is_file()  # merged: a plain checkpoint
    assert read_card(result.final_checkpoint).stage == "sft"
