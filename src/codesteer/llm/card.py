"""What a steering checkpoint declares about itself: ``codesteer.json`` beside its weights.

``codesteer train`` writes it into every checkpoint it saves, and ``hf:`` / ``local:`` models
read it, so the engine drives a trained steering model in the format it was trained on (its
*steering style* and *prompt set*) without guessing from the model's name. A model served over
HTTP carries no card: give ``--steer-style`` instead.

The card of a checkpoint folder is ``FOLDER/codesteer.json``; the card of a GGUF file is the
``codesteer.json`` in the same folder.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

FILE_NAME = "codesteer.json"
FORMAT = 1

SteerStyle = Literal["finetuned", "prompted"]


class CardError(ValueError):
    """A ``codesteer.json`` that cannot be read (the message names the file)."""


@dataclass(frozen=True)
class ModelCard:
    """``steer_style``: ``finetuned`` (trained on the bare steering turns) or ``prompted``.
    ``prompts``: the prompt set the training data was written in (``codesteer`` or ``original``);
    ``templates``: the versions of the steering templates in that data (``name -> version``);
    ``chat_template``: the Jinja chat template the model was trained with; ``stage``: the last
    training stage (``sft``, ``dpo``, ``grpo``); ``base``: what training started from."""

    steer_style: SteerStyle
    prompts: str = "codesteer"
    templates: dict[str, int] = field(default_factory=dict)
    chat_template: str | None = None
    stage: str | None = None
    base: str | None = None
    codesteer_version: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"format": FORMAT, **asdict(self)}

    def write(self, folder: str | Path) -> Path:
        path = Path(folder) / FILE_NAME
        path.write_text(json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        return path

    @classmethod
    def from_dict(cls, data: dict[str, Any], where: str = "card") -> ModelCard:
        values = {k: v for k, v in data.items() if k != "format"}
        if values.get("steer_style") not in ("finetuned", "prompted"):
            raise CardError(f"{where}: steer_style must be finetuned or prompted, not {values.get('steer_style')!r}")
        try:
            return cls(**values)
        except TypeError as exc:
            raise CardError(f"{where}: {exc}") from exc


def read_card(weights: str | Path) -> ModelCard | None:
    """The card of a checkpoint folder or model file, or ``None`` when it has none."""
    where = Path(weights).expanduser()
    path = (where if where.is_dir() else where.parent) / FILE_NAME
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CardError(f"{path}: not a readable model card ({exc})") from exc
    if not isinstance(data, dict):
        raise CardError(f"{path}: expected a JSON object")
    return ModelCard.from_dict(data, str(path))
