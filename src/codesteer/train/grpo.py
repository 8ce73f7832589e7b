"""GRPO of the steering model, with the whole CodeSteer loop as its environment.

The policy is the steering model. Each step draws questions from the curriculum
(:mod:`codesteer.train.curriculum`), plays each as ``G`` full CodeSteer episodes through the
engine (:mod:`codesteer.train.episodes`), scores each episode with the SymBench judge shaped by
its cost (:mod:`codesteer.train.reward`), and updates the policy with TRL's ``GRPOTrainer`` on
its own tokens of every steering turn, nothing it was shown (``env_mask``).

TRL's ``rollout_func`` fits this without a trainer subclass: it receives the trainer, returns
per episode the first prompt, everything after it and the mask of the policy's tokens, and
passes extra fields (the episodes) to the reward function. Generation stays the trainer's own
(:func:`trainer_generation`): plain ``generate`` on CPU, TRL's vLLM engine (colocated) or
client (server) where configured, weights synced each step.

Checkpoints carry the model card (stage ``grpo``) and the curriculum's state; rerunning the same
command resumes from the last one. ``OUTPUT_DIR/curriculum.jsonl`` logs each step's success by
task and level; TensorBoard gets TRL's metrics plus ``success`` per task and level.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from codesteer.llm.base import ChatModel
from codesteer.llm.card import ModelCard
from codesteer.steer.code_runner import Executor, default_executor
from codesteer.steer.config import Sampling, SteerConfig
from codesteer.steer.roles import Role
from codesteer.symbench.plan import Selection
from codesteer.train.config import ConfigError, TrainConfig
from codesteer.train.curriculum import Curriculum, arms_of
from codesteer.train.episodes import Environment, Episode, SteeringRollout, StepLog, outcomes_by_arm
from codesteer.train.modeling import (
    checkpoint_writer,
    load_tokenizer,
    load_trainable,
    lora_config,
    steering_card,
)
from codesteer.train.multiturn import end_of_turn_id
from codesteer.train.policy import Generator
from codesteer.train.runner import TrainResult, start_from, train_and_save, training_arguments

STEP_LOG = "curriculum.jsonl"


@dataclass
class GrpoResult(TrainResult):
    """A GRPO run: the Trainer's log history, the per-step records of ``curriculum.jsonl`` and
    notices about tasks or levels left out of the curriculum."""

    steps: list[dict[str, Any]] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)

    @property
    def success(self) -> list[float]:
        """The share of episodes judged correct, step by step."""
        return [s["success"] for s in self.steps]


def trainer_generation(trainer: Any) -> Generator:
    """The trainer's own generation for the policy, one completion per prompt.

    ``GRPOTrainer._generate_single_turn`` is what TRL generates single turns with: ``generate``
    under its unwrap context (DeepSpeed, PEFT), or its vLLM engine/client with the weights it
    synced. ``rollout_func`` receives the trainer for exactly this; TRL has no public name for it.
    """

    def generate(prompts: list[list[int]]) -> tuple[list[list[int]], list[list[float]] | None]:
        return trainer._generate_single_turn(prompts, None, {}, 1)

    return generate


def steering_reward(episode: list[Episode], log_metric: Any = None, **_: Any) -> list[float | None]:
    """TRL reward function: each episode's judged, cost-shaped reward; logs success by task and level."""
    if log_metric is not None:
        log_metric("success", sum(e.correct for e in episode) / len(episode))
        for (task, level), outcomes in sorted(outcomes_by_arm(episode).items()):
            log_metric(f"success/{task}/{level}", sum(outcomes) / len(outcomes))
    return [e.reward for e in episode]


steering_reward.__name__ = "judge"


def episode_config(config: TrainConfig) -> SteerConfig:
    """The CodeSteer loop an episode runs: fine-tuned steering style, sampled as the trainer samples."""
    g = config.grpo
    steer = Sampling(temperature=g.temperature, max_tokens=g.max_completion_length, top_p=g.top_p)
    return SteerConfig(max_rounds=g.max_rounds, steer_style="finetuned", self_check=g.self_check,
                       sandbox_timeout_s=g.sandbox_timeout_s, finetuned_steer_sampling=steer,
                       task_sampling=Sampling(max_tokens=g.task_max_tokens),
                       helper_sampling=Sampling(max_tokens=g.task_max_tokens))


def _stop_ids(model: Any, tokenizer: Any) -> list[int]:
    """The tokens generation stops at: the template's end of turn, the tokenizer's and model's eos."""
    ids = [end_of_turn_id(tokenizer), tokenizer.eos_token_id]
    configured = model.generation_config.eos_token_id
    ids += configured if isinstance(configured, list) else [configured]
    return list(dict.fromkeys(i for i in ids if i is not None))


def _check_vllm(config: TrainConfig) -> None:
    if config.grpo.use_vllm:
        from trl.import_utils import is_vllm_available

        if not is_vllm_available():
            raise ConfigError(f"{config.source}: grpo.use_vllm needs vLLM (pip install vllm); set it to false to "
                              "generate with transformers")


@dataclass
class GrpoRun:
    """A prepared GRPO run: the trainer and what its rollouts are played and logged with."""

    config: TrainConfig
    trainer: Any
    tokenizer: Any
    rollout: SteeringRollout
    curriculum: Curriculum
    step_log: StepLog
    card: ModelCard
    output_dir: Path
    notices: list[str]

    def train(self) -> GrpoResult:
        """Train (resuming from the last checkpoint), save ``final``, release the models."""
        try:
            result = train_and_save(self.trainer, self.config, self.tokenizer, self.output_dir, self.card,
                                    self._restore)
        finally:
            self.rollout.close()
        return GrpoResult(result.output_dir, result.final_checkpoint, result.log_history, result.resumed_from,
                          steps=self.step_log.read(), notices=self.notices)

    def _restore(self, checkpoint: str | None) -> None:
        """What the Trainer does not restore: the curriculum, and the step log as of the checkpoint."""
        if checkpoint is not None:
            self.curriculum.load(checkpoint)
        self.step_log.keep_through(int(Path(checkpoint).name.rpartition("-")[2]) if checkpoint else 0)


def prepare_grpo(
    config: TrainConfig,
    tasks: str,
    task_model: str | ChatModel,
    from_checkpoint: str | Path | None = None,
    output_dir: str | Path | None = None,
    *,
    levels: list[str] | None = None,
    helpers: Mapping[Role, str | ChatModel] | None = None,
    executor: Executor | None = None,
    cache: bool = True,
) -> GrpoRun:
    """A GRPO run of the steering model on ``tasks`` (``seen``, ``all``, names...), played with
    ``task_model`` (a spec or a model; ``helpers`` for the helper roles, default the task model),
    starting from ``from_checkpoint`` (an SFT/DPO checkpoint) or the config's model.
    ``levels`` replaces the config's curriculum levels; ``executor`` the sandbox (tests)."""
    from datasets import Dataset
    from trl import GRPOConfig, GRPOTrainer

    from codesteer.eval.limits import Limits
    from codesteer.llm.spec import load_model
    from codesteer.sandbox import default_pool_size

    if int(os.environ.get("WORLD_SIZE", "1")) > 1:
        raise ConfigError("GRPO runs its episodes in one training process; launch it without several processes")
    _check_vllm(config)
    g, t = config.grpo, config.training
    out = Path(output_dir or config.output_dir)
    if from_checkpoint is not None:
        config, tokenizer, parent = start_from(config, from_checkpoint)
        base = str(from_checkpoint)
    else:
        tokenizer, parent, base = load_tokenizer(config.model), None, config.model.name_or_path or "tiny"
    selected = Selection(tasks=tasks).task_list()
    arms, notices = arms_of(selected, levels if levels is not None else g.curriculum.levels)
    curriculum = Curriculum(selected, arms, group_size=g.num_generations, seed=g.curriculum.seed,
                            window=g.curriculum.window, floor=g.curriculum.floor)

    model = load_trainable(config, tokenizer)
    stop_ids = _stop_ids(model, tokenizer)
    model.generation_config.eos_token_id = stop_ids
    limits = Limits(g.concurrency, default_pool_size())

    def built(spec: str | ChatModel) -> ChatModel:
        return limits.wrap(load_model(spec, cache=cache) if isinstance(spec, str) else spec)

    environment = Environment(built(task_model), episode_config(config), limits.executor(executor or default_executor()),
                              {role: built(m) for role, m in (helpers or {}).items()})
    step_log = StepLog(out / STEP_LOG)
    rollout = SteeringRollout(curriculum, environment, tokenizer, group_size=g.num_generations, stop_ids=stop_ids,
                              max_length=t.cutoff_len, token_weight=g.token_weight,
                              malformed_weight=g.malformed_weight, log=step_log,
                              generator_of=trainer_generation)
    episodes_per_step = t.per_device_train_batch_size * t.gradient_accumulation_steps
    slots = Dataset.from_list([{"prompt": [{"role": "user", "content": f"draw slot {i}"}]}
                               for i in range(t.max_steps * episodes_per_step // g.num_generations)])
    vllm = {"vllm_mode": g.vllm_mode, "vllm_gpu_memory_utilization": g.vllm_gpu_memory_utilization,
            "vllm_server_base_url": g.vllm_server_base_url, "vllm_max_model_length": t.cutoff_len + g.max_completion_length,
            "generation_kwargs": {"stop_token_ids": stop_ids}} if g.use_vllm else {}
    args = training_arguments(
        config, GRPOConfig, out, False, num_generations=g.num_generations, max_completion_length=g.max_completion_length,
        temperature=g.temperature, top_p=g.top_p, beta=g.beta, epsilon=g.epsilon, loss_type=g.loss_type,
        scale_rewards=g.scale_rewards, top_entropy_quantile=g.top_entropy_quantile, use_vllm=g.use_vllm,
        shuffle_dataset=False, log_completions=False, **vllm,
    )
    try:
        trainer = GRPOTrainer(model=model, reward_funcs=[steering_reward], args=args, train_dataset=slots,
                              processing_class=tokenizer, peft_config=lora_config(config), rollout_func=rollout)
    except BaseException:
        rollout.close()
        raise
    trainer.add_callback(checkpoint_writer(curriculum.save))
    card = steering_card(tokenizer, "grpo", base, parent=parent)
    return GrpoRun(config, trainer, tokenizer, rollout, curriculum, step_log, card, out, notices)


def run_grpo(config: TrainConfig, tasks: str, task_model: str | ChatModel,
             from_checkpoint: str | Path | None = None, output_dir: str | Path | None = None,
             **options: Any) -> GrpoResult:
    """Prepare (:func:`prepare_grpo`, same arguments) and train a GRPO run; rerunning resumes."""
    return prepare_grpo(config, tasks, task_model, from_checkpoint, output_dir, **options).train()
