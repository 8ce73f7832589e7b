"""Training the steering model: multi-round SFT, then DPO (TRL + PEFT; ``[train]`` extra).

Heavy imports (torch, transformers, TRL) happen inside the functions, so importing this package
is cheap and the CLI can give a clear message when the extra is missing.
"""

from codesteer.train.config import ConfigError, TrainConfig, load_config, shipped_configs
from codesteer.train.runner import TrainResult, run_dpo, run_sft

__all__ = ["ConfigError", "TrainConfig", "TrainResult", "load_config", "run_dpo", "run_sft", "shipped_configs"]
