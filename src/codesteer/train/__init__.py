"""Training the steering model: multi-round SFT, DPO, then GRPO (TRL + PEFT; ``[train]`` extra).

Heavy imports (torch, transformers, TRL) happen inside the functions, so importing this package
is cheap and the CLI can give a clear message when the extra is missing.
"""

from codesteer.train.config import ConfigError, TrainConfig, load_config, shipped_configs
from codesteer.train.grpo import GrpoResult, run_grpo
from codesteer.train.runner import TrainResult, run_dpo, run_sft

__all__ = ["ConfigError", "GrpoResult", "TrainConfig", "TrainResult", "load_config", "run_dpo", "run_grpo", "run_sft",
           "shipped_configs"]
