"""``python -m codesteer.train sft|dpo|grpo ...``: the form multi-GPU launchers expect.

Example: ``accelerate launch --num_processes 4 -m codesteer.train sft --config llama3-8b-sft --data sft.jsonl``.
"""

from codesteer.cli.train import train_app

train_app()
