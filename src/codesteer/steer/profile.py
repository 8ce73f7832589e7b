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


def resolve(setting: str, model: ChatModel, prompts: str = "codesteer") -> SteerProfile:
    """The profile of ``model`` as steerer under the ``steer_style`` setting (``auto`` or a style),
    speaking the prompt set named ``prompts``."""
    if setting in ("finetuned", "prompted"):
        return SteerProfile(setting, "setting", prompts)  # type: ignore[arg-type]
    if setting != "auto":
        raise ValueError(f"steer style must be auto, finetuned or prompted, not {setting!r}")
    if model.card is not None:
        return SteerProfile(model.card.steer_style, "card", prompts)
    return SteerProfile("prompted", "default", prompts)


def check_fit(steering: SteerProfile, model: ChatModel) -> None:
    """Refuse to drive ``model`` in a way it was not made for (``ValueError`` saying what to give).

    A steering model whose card declares a prompt set must be spoken to in that set; the released
    steering model (the ``original`` set, fine-tuned style) never saw a system turn, so a chat
    template that adds one (as Llama 3.1's does) would drive it out of distribution.
    """
    kind = steering.prompts.split("@")[0]
    card = model.card
    if card is not None and card.prompts != kind:
        raise ValueError(f"{model.name} was trained on the {card.prompts} prompt set, not {kind}; give "
                         + ("--prompts original:PATH" if card.prompts == "original" else "--prompts codesteer"))
    if kind == "original" and steering.style == "finetuned":
        added = model.added_system_turn()
        if added is not None:
            raise ValueError(f"the chat template of {model.name} adds a system turn ({added.strip()[:120]!r}) that "
                             "the released steering model never saw; give it a Llama-3 template without one")
