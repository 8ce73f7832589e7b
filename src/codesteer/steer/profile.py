"""How the engine talks to a steering model: its *steering style* and *prompt set*.

``finetuned`` style: the steering model sees only the bare round bodies (the question only in
round 0), as the paper's fine-tuned steerer was trained; ``prompted``: a chat model gets the
instruction header and the question on every turn. The style comes from an explicit setting
(``--steer-style``), else from what the steering model declares (its checkpoint's
``codesteer.json``, see :mod:`codesteer.llm.card`), else ``prompted``. A model's name is never
looked at.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from codesteer.llm.base import ChatModel
from codesteer.llm.card import SteerStyle

#: Where the style came from: the run's settings, the model's card, or the default.
StyleSource = Literal["setting", "card", "default"]


@dataclass(frozen=True)
class SteerProfile:
    """``prompts``: the prompt set the engine speaks (``codesteer``: the shipped templates)."""

    style: SteerStyle
    source: StyleSource = "default"
    prompts: str = "codesteer"


def resolve(setting: str, model: ChatModel) -> SteerProfile:
    """The profile of ``model`` as steerer under the ``steer_style`` setting (``auto`` or a style)."""
    if setting in ("finetuned", "prompted"):
        return SteerProfile(setting, "setting")  # type: ignore[arg-type]
    if setting != "auto":
        raise ValueError(f"steer style must be auto, finetuned or prompted, not {setting!r}")
    if model.card is not None:
        return SteerProfile(model.card.steer_style, "card")
    return SteerProfile("prompted", "default")
