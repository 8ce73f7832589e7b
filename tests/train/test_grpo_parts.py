"""GRPO's parts without training: token turns, the policy model, batching, the curriculum, rewards, configs.

The policy here is scripted at the token level (a generator returning fixed ids), so every
expectation is exact; the engine, the toy task model, the sandbox and the judges are real.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from pathlib import Path

import pytest

from codesteer.llm.base import ModelError
from codesteer.llm.scripted import ScriptedModel
from codesteer.sandbox import run_async
from codesteer.steer.prompts import render
from codesteer.steer.trajectory import STEER
from codesteer.symbench.plan import Selection, SelectionError
from codesteer.symbench.registry import get_task
from codesteer.train.config import ConfigError, load_config
from codesteer.train.curriculum import Arm, Curriculum, arms_of
from codesteer.train.episodes import Environment, SteeringRollout, StepLog
from codesteer.train.grpo import episode_config
from codesteer.train.multiturn import (
    ChatTemplateError,
    decode_turn,
    encode_text,
    end_of_turn_id,
    prompt_ids,
    user_turn_ids,
)
from codesteer.train.policy import PolicyModel, TurnBatcher
from codesteer.train.reward import episode_reward

from .toy import ARITHMETIC, TASKS, TEXTUAL, mask_runs, reply, toy_task_model

CHOICE = [{"role": "user", "content": "Decide: code or text?"}]


def scripted(tokenizer, answer):
    """A token-level policy: ``answer(prompt_text) -> reply text``, closed with the end-of-turn token."""
    eot = end_of_turn_id(tokenizer)
    seen: list[list[int]] = []

    def generate(batch: list[list[int]]):
        seen.extend(batch)
        return [[*encode_text(tokenizer, answer(decode_turn(tokenizer, ids))), eot] for ids in batch], None

    generate.seen = seen  # type: ignore[attr-defined]
    return generate


def code_then_return(prompt: str) -> str:
    return "I pick code. <<<Code>>>" if prompt.count("<|im_start|>user") == 1 else "<<<Return Answer>>>"


# ----- chat-template turns ---------------------------------------------------------------------
def test_a_user_turn_continues_the_ids_after_the_end_of_turn_token(embedded_tokenizer) -> None:
    tok = embedded_tokenizer
    eot = end_of_turn_id(tok)
    assert tok.convert_ids_to_tokens(eot) == "<|im_end|>"
    reply_ids = [*encode_text(tok, "<<<Code>>>"), eot]
    follow = [{"role": "user", "content": "Latest answer: 42"}]
    ids = prompt_ids(tok, CHOICE) + reply_ids + user_turn_ids(tok, follow, end_of_turn_id(tok))
    conversation = [*CHOICE, {"role": "assistant", "content": "<<<Code>>>"}, *follow]
    assert decode_turn(tok, ids) == tok.apply_chat_template(conversation, tokenize=False, add_generation_prompt=True)


def test_a_template_without_a_special_end_of_turn_is_refused(embedded_tokenizer) -> None:
    from copy import deepcopy

    from codesteer.train.modeling import LLAMA3_TEMPLATE

    tok = deepcopy(embedded_tokenizer)
    tok.chat_template = LLAMA3_TEMPLATE  # its <|eot_id|> is plain text to this tokenizer
    with pytest.raises(ChatTemplateError, match="not a special token"):
        end_of_turn_id(tok)


# ----- the policy model ------------------------------------------------------------------------
def _policy(tok, generate, **options):
    from codesteer.steer.config import Sampling

    sampling = Sampling(temperature=1.0, max_tokens=16, top_p=1.0)
    options.setdefault("max_length", 4096)
    batcher = TurnBatcher(generate)
    batcher.join()
    return PolicyModel(tok, batcher, 0, sampling, stop_ids=[end_of_turn_id(tok)], **options), sampling.params()


async def test_the_policy_keeps_the_ids_it_generated_and_masks_what_it_was_shown(embedded_tokenizer) -> None:
    tok = embedded_tokenizer
    policy, params = _policy(tok, scripted(tok, lambda prompt: "<<<Code>>>" if "Decide" in prompt[-60:] else "ok"))
    first = await policy.complete(CHOICE, **params)
    assert first.text == "<<<Code>>>" and first.finish_reason == "stop"
    assert first.extra["completion_ids"][-1] == end_of_turn_id(tok)
    shown = [*CHOICE, {"role": "assistant", "content": first.text}, {"role": "user", "content": "Result: 42"}]
    second = await policy.complete(shown, **params)
    assert second.text == "ok"
    tokens = policy.tokens()
    assert tokens.prompt_ids == policy.turns[0].prompt_ids
    full = tokens.prompt_ids + tokens.completion_ids
    assert policy.turns[1].prompt_ids == full[: len(policy.turns[1].prompt_ids)]
    policy_runs = mask_runs(tokens.completion_ids, tokens.env_mask, 1)
    assert policy_runs == [t.completion_ids for t in policy.turns]
    shown_runs = mask_runs(tokens.completion_ids, tokens.env_mask, 0)
    assert [decode_turn(tok, r) for r in shown_runs] == ["\n<|im_start|>user\nResult: 42<|im_end|>\n<|im_start|>assistant\n"]
    with pytest.raises(ValueError, match="follows one conversation"):
        await policy.complete([{"role": "user", "content": "another conversation"}], **params)
    with pytest.raises(ValueError, match="trainer samples with"):
        await policy.complete(shown, temperature=0.0, max_tokens=16)


async def test_a_turn_cut_by_length_is_closed_by_the_environment_not_the_policy(embedded_tokenizer) -> None:
    tok = embedded_tokenizer
    words = encode_text(tok, " word" * 16)
    policy, params = _policy(tok, lambda batch: ([words for _ in batch], None))
    first = await policy.complete(CHOICE, **params)
    assert first.finish_reason == "length" and first.text == " word" * 16
    await policy.complete([*CHOICE, {"role": "assistant", "content": first.text},
                           {"role": "user", "content": "go on"}], **params)
    tokens = policy.tokens()
    shown = mask_runs(tokens.completion_ids, tokens.env_mask, 0)[0]
    assert shown[0] == end_of_turn_id(tok)  # the end-of-turn marker is shown to the policy, never trained on
    assert sum(tokens.env_mask) == 2 * len(words)


async def test_a_conversation_past_the_cutoff_is_a_model_error_with_nothing_to_learn(embedded_tokenizer) -> None:
    tok = embedded_tokenizer
    policy, params = _policy(tok, scripted(tok, lambda prompt: "x"), max_length=8)
    with pytest.raises(ModelError, match="cutoff_len"):
        await policy.complete(CHOICE, **params)
    tokens = policy.tokens()
    assert tokens.env_mask == [0] and len(tokens.prompt_ids) < 8


async def test_the_batcher_generates_once_all_running_episodes_wait() -> None:
    calls: list[list[list[int]]] = []

    def generate(batch):
        calls.append(batch)
        return [[len(ids)] for ids in batch], None

    batcher = TurnBatcher(generate)
    for _ in range(3):
        batcher.join()
    first = asyncio.ensure_future(batcher.generate(2, [1, 1]))
    second = asyncio.ensure_future(batcher.generate(0, [1]))
    await asyncio.sleep(0)
    assert not calls  # the third episode neither waits nor has ended
    batcher.leave()
    assert (await first).ids == [2] and (await second).ids == [1]
    assert calls == [[[1], [1, 1]]]  # one call, ordered by episode

    def broken(batch):
        raise RuntimeError("out of memory")

    failing = TurnBatcher(broken)
    failing.join()
    with pytest.raises(RuntimeError, match="out of memory"):
        await failing.generate(0, [1])


# ----- episodes: rewards from the judge --------------------------------------------------------
def _rollout(tok, *, max_rounds: int, task_model=None, levels=("1",), token_weight=0.1, malformed_weight=1.0, log=None):
    cfg = load_config("tiny-cpu-grpo", stage="grpo")
    cfg.grpo.max_rounds, cfg.grpo.token_weight, cfg.grpo.malformed_weight = max_rounds, token_weight, malformed_weight
    tasks = Selection(tasks=TASKS).task_list()
    arms, _ = arms_of(tasks, list(levels))
    curriculum = Curriculum(tasks, arms, group_size=2, seed=7)
    environment = Environment(task_model or toy_task_model(), episode_config(cfg), run_async)
    return SteeringRollout(curriculum, environment, tok, group_size=2, stop_ids=[end_of_turn_id(tok)],
                           max_length=cfg.training.cutoff_len, token_weight=cfg.grpo.token_weight,
                           malformed_weight=cfg.grpo.malformed_weight, log=log)


def test_episode_rewards_are_the_judges_verdict_shaped_by_rounds_and_tokens(embedded_tokenizer, tmp_path) -> None:
    tok = embedded_tokenizer
    rollout = _rollout(tok, max_rounds=2, log=StepLog(tmp_path / "steps.jsonl"))
    try:
        episodes = rollout.play(2, scripted(tok, code_then_return))
    finally:
        rollout.close()
    assert [e.group for e in episodes] == [0, 0, 1, 1]
    assert {e.instance.task for e in episodes} == {ARITHMETIC, TEXTUAL}  # one step mixes the arms
    for e in episodes:
        t = e.trajectory
        task = get_task(e.instance.task)
        final = t.final.executed_output if t.final.channel == "executed_output" else t.final.reply
        assert task.judge(e.instance, final).correct == t.correct == (e.instance.task == ARITHMETIC)
        assert [m["content"] for m in t.conversation(STEER) if m["role"] == "assistant"] == [
            "I pick code. <<<Code>>>", "<<<Return Answer>>>"]
        leaf = 15 - 2 if t.correct else -2
        assert e.reward == pytest.approx(leaf - 0.1 * t.total_tokens / 1000)
        assert t.malformed_steer_outputs == 0
    assert rollout.curriculum.report()[ARITHMETIC]["1"]["window"] == 2


def test_malformed_guidance_costs_reward_and_errors_get_none(embedded_tokenizer) -> None:
    tok = embedded_tokenizer

    def fails_on_text_task(messages):
        if "tell the truth" in messages[0]["content"]:
            raise ModelError("the task model's server went away")
        users = [m["content"] for m in messages if m["role"] == "user"]
        return reply(users[0], users[-1])

    rollout = _rollout(tok, max_rounds=0, task_model=ScriptedModel(fails_on_text_task), token_weight=0.0)
    try:
        episodes = rollout.play(2, scripted(tok, lambda prompt: "<<<>>>"))  # empty block: code, malformed
    finally:
        rollout.close()
    for e in episodes:
        if e.instance.task == TEXTUAL:
            assert e.trajectory.stop_reason == "error" and e.reward is None
        else:
            assert e.trajectory.malformed_steer_outputs == 1 and e.correct
            assert e.reward == 15 - 1 - 1.0  # one round, one malformed output
    assert rollout.curriculum.report()[TEXTUAL]["1"]["window"] == 0  # errors say nothing about the arm
    assert episode_reward(episodes[0].trajectory, 0.0, 0.0) in (14.0, None)


def test_the_step_log_records_success_by_task_and_level_and_drops_redone_steps(embedded_tokenizer, tmp_path) -> None:
    tok = embedded_tokenizer
    log = StepLog(tmp_path / "steps.jsonl")
    rollout = _rollout(tok, max_rounds=0, levels=("1", "2"))
    try:
        for step in (1, 2, 3):
            episodes = rollout.play(2, scripted(tok, lambda prompt: "<<<Text>>>"))
            log.write(step, episodes, rollout.curriculum)
    finally:
        rollout.close()
    records = log.read()
    assert [r["step"] for r in records] == [1, 2, 3]
    last = records[-1]
    played = [(t, lv, c) for t, levels in last["tasks"].items() for lv, c in levels.items() if c["episodes"]]
    assert sum(c["episodes"] for _, _, c in played) == last["episodes"] == 4
    for task, _, cell in played:
        assert cell["success"] == (1.0 if task == TEXTUAL else 0.0)
    assert set(last["tasks"]) == {ARITHMETIC, TEXTUAL} and set(last["tasks"][TEXTUAL]) == {"1", "2"}
    log.keep_through(1)
    assert [json.loads(line)["step"] for line in log.path.read_text().splitlines()] == [1]


# ----- the curriculum --------------------------------------------------------------------------
def _curriculum(**options) -> Curriculum:
    tasks = Selection(tasks=TASKS).task_list()
    arms, _ = arms_of(tasks, ["1", "2"])
    return Curriculum(tasks, arms, group_size=4, seed=11, **options)


def test_the_curriculum_favours_arms_at_intermediate_success() -> None:
    cur = _curriculum(window=8, floor=0.05)
    solved, unsolved, half = Arm(ARITHMETIC, "1"), Arm(ARITHMETIC, "2"), Arm(TEXTUAL, "1")
    for arm, outcomes in ((solved, [True] * 8), (unsolved, [False] * 8), (half, [True, False] * 4)):
        cur.recent[arm].extend(outcomes)
    fresh = Arm(TEXTUAL, "2")
    assert cur.weight(half) > cur.weight(solved) and cur.weight(half) > cur.weight(unsolved)
    assert cur.weight(unsolved) == pytest.approx(1 - 0.1**4 - 0.9**4) and cur.weight(fresh) == pytest.approx(0.875)
    drawn = Counter((i.task, i.level) for _ in range(200) for i in cur.draw(1))
    assert drawn[(TEXTUAL, "1")] > 2 * drawn[(ARITHMETIC, "1")]
    assert min(drawn.values()) > 0  # the floor keeps every arm in play


def test_one_steps_questions_come_from_distinct_arms_and_are_fresh() -> None:
    cur = _curriculum()
    step = cur.draw(4)
    assert len({(i.task, i.level) for i in step}) == 4
    assert len({i.id for i in step + cur.draw(4)}) == 8


def test_a_restored_curriculum_draws_what_the_uninterrupted_one_would(tmp_path: Path) -> None:
    cur = _curriculum()
    cur.draw(2)
    cur.record([(i, i.task == ARITHMETIC) for i in cur.draw(3)])
    cur.save(tmp_path)
    expected = [i.id for i in cur.draw(5)]
    restored = _curriculum()
    restored.load(tmp_path)
    assert [i.id for i in restored.draw(5)] == expected
    other = Curriculum(Selection(tasks=ARITHMETIC).task_list(), [Arm(ARITHMETIC, "1")], group_size=4, seed=11)
    with pytest.raises(ConfigError, match="other tasks, levels or seed"):
        other.load(tmp_path)


def test_arms_skip_tasks_without_generator_and_missing_levels() -> None:
    tasks = Selection(tasks="gsm_hard,number_multiply,web_of_lies").task_list()
    arms, notices = arms_of(tasks, ["7"])
    assert arms == [Arm(ARITHMETIC, "7")]
    assert any("gsm_hard" in n and "no generator" in n for n in notices)
    assert any("web_of_lies at level 7" in n for n in notices)
    ladder, _ = arms_of(Selection(tasks=TEXTUAL).task_list(), "ladder")
    assert [a.level for a in ladder] == ["1", "2", "3", "4", "5", "6"]
    with pytest.raises(SelectionError, match="no \\(task, level\\)"):
        arms_of(Selection(tasks="gsm_hard").task_list(), "ladder")


# ----- configs ---------------------------------------------------------------------------------
def test_the_shipped_grpo_configs() -> None:
    tiny = load_config("tiny-cpu-grpo", stage="grpo")
    assert tiny.model.tiny is not None and tiny.grpo.num_generations == 4
    big = load_config("llama3-8b-lora-grpo", stage="grpo")
    assert big.finetuning.method == "lora" and big.grpo.use_vllm and big.grpo.vllm_mode == "colocate"
    assert big.model.chat_template == "llama3" and big.training.max_steps > 0
    steer = episode_config(big)
    assert steer.steer_style == "finetuned" and steer.finetuned_steer_sampling.max_tokens == big.grpo.max_completion_length
    with pytest.raises(ConfigError, match="not a grpo"):
        load_config("llama3-8b-sft", stage="grpo")


@pytest.mark.parametrize(("block", "message"), [
    ("training: {max_steps: -1}", "max_steps"),
    ("grpo: {num_generations: 1}", "at least 2"),
    ("training: {max_steps: 4, per_device_train_batch_size: 3, gradient_accumulation_steps: 1}\n"
     "grpo: {num_generations: 2}", "multiple of"),
    ("grpo: {max_completion_length: 8000}", "below training.cutoff_len"),
    ("grpo: {curriculum: {levels: []}}", "ladder"),
    ("grpo: {vllm_mode: remote}", "colocate or server"),
])
def test_bad_grpo_settings_are_config_errors(block: str, message: str, tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    base = "stage: grpo\noutput_dir: x\nmodel: {name_or_path: m}\n"
    extra = "" if "max_steps" in block else "training: {max_steps: 4, per_device_train_batch_size: 8}\n"
    path.write_text(base + extra + block + "\n")
    with pytest.raises(ConfigError, match=message):
        load_config(path)


def test_the_toy_answers_right_only_under_the_right_instruction() -> None:
    multiply = get_task(ARITHMETIC).generate(3, level="2")
    lies = get_task(TEXTUAL).generate(3, level="2")
    code, text = render("task_code").text, render("task_text").text
    assert "```python" in reply(multiply.question, code) and "```" not in reply(multiply.question, text)
    assert get_task(TEXTUAL).judge(lies, reply(lies.question, text)).correct
    assert not get_task(TEXTUAL).judge(lies, reply(lies.question, code)).correct
    assert not get_task(ARITHMETIC).judge(multiply, reply(multiply.question, text)).correct
