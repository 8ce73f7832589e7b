"""Settings of a steering run (``SteerConfig``), defaulting to how the paper ran CodeSteer.

Every field is recorded in each trajectory (``Trajectory.config``), so a result always says how
it was produced.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace
from typing import TYPE_CHECKING, Any, Literal

from codesteer.steer.protocol import RULES, Rule

if TYPE_CHECKING:
    from codesteer.steer.roles import Role

SteerStyle = Literal["auto", "finetuned", "prompted"]
SymbolicVariant = Literal["codesteer", "original"]


@dataclass(frozen=True)
class Sampling:
    """Sampling parameters of one kind of model call (``top_p`` ``None``: the provider's default)."""

    temperature: float = 0.0
    max_tokens: int = 2000
    top_p: float | None = None

    def params(self) -> dict[str, Any]:
        """Keyword arguments for ``ChatModel.complete``."""
        out: dict[str, Any] = {"temperature": self.temperature, "max_tokens": self.max_tokens}
        if self.top_p is not None:
            out["top_p"] = self.top_p
        return out


@dataclass(frozen=True)
class SteerConfig:
    """All knobs of the loop and the baselines.

    Defaults follow the paper's runs: 5 guidance rounds; the task model greedy with up to 2,000
    new tokens; a fine-tuned steerer sampled at temperature 0.95 / top-p 0.7 (up to 1,024 tokens);
    a chat model prompted as steerer greedy; 10 s per sandbox run; execution output over about
    2,000 tokens replaced by a notice; execution output shown only to the steering model.
    """

    max_rounds: int = 5
    task_sampling: Sampling = field(default_factory=Sampling)
    finetuned_steer_sampling: Sampling = field(
        default_factory=lambda: Sampling(temperature=0.95, max_tokens=1024, top_p=0.7)
    )
    prompted_steer_sampling: Sampling = field(default_factory=Sampling)
    #: Sampling of the helper calls: self-answer checker code, answer extractor, summariser.
    helper_sampling: Sampling = field(default_factory=Sampling)
    #: ``auto``: the style the steering model declares (its checkpoint's card), else ``prompted``.
    steer_style: SteerStyle = "auto"
    sandbox_timeout_s: float = 10.0
    max_execution_output_tokens: int = 2000
    show_execution_to_task_model: bool = False
    symbolic_checker: SymbolicVariant = "codesteer"
    #: A complexity score at or below this adds the "may not be complex enough" note.
    symbolic_threshold: float = 2.0
    self_check: bool = True
    #: How many scripts the self-answer checker may write per round (a failed run is fed back).
    self_check_attempts: int = 2
    #: Ask a model to extract the answer when no ``<<<...>>>`` is found in either channel.
    model_extractor: bool = False
    #: The CodeSteer loop's words: ``codesteer`` (ours) or ``original:PATH`` (read from a copy of
    #: the release, to drive the released steering model as it was trained).
    prompts: str = "codesteer"
    #: How steering outputs are read: ``strict`` (ours) or ``original`` (the release's substring rule).
    protocol: Rule = "strict"
    #: Decode steering decisions under the protocol's grammar: ``auto`` (where the backend does it
    #: by default: in-process llama.cpp), ``on`` (wherever the backend can), ``off``.
    constrain: str = "auto"

    def __post_init__(self) -> None:
        if self.max_rounds < 0:
            raise ValueError("max_rounds must be >= 0")
        if self.sandbox_timeout_s <= 0:
            raise ValueError("sandbox_timeout_s must be positive")
        if self.self_check_attempts < 1:
            raise ValueError("self_check_attempts must be >= 1")
        if self.steer_style not in ("auto", "finetuned", "prompted"):
            raise ValueError(f"steer_style must be auto, finetuned or prompted, not {self.steer_style!r}")
        if self.constrain not in ("auto", "on", "off"):
            raise ValueError(f"constrain must be auto, on or off, not {self.constrain!r}")
        if self.protocol not in RULES:
            raise ValueError(f"protocol must be {' or '.join(RULES)}, not {self.protocol!r}")
        if self.prompts != "codesteer" and not (self.prompts.startswith("original:") and self.prompts[9:].strip()):
            raise ValueError(f"prompts must be codesteer or original:PATH, not {self.prompts!r}")
        if self.symbolic_checker not in ("codesteer", "original"):
            raise ValueError(f"symbolic_checker must be codesteer or original, not {self.symbolic_checker!r}")

    def sampling(self, role: Role, style: str = "prompted") -> Sampling:
        """How calls of ``role`` sample (for ``steer``, by the steering ``style``)."""
        if role == "task":
            return self.task_sampling
        if role == "steer":
            return self.finetuned_steer_sampling if style == "finetuned" else self.prompted_steer_sampling
        return self.helper_sampling

    def with_(self, **changes: Any) -> SteerConfig:
        return replace(self, **changes)

    def capped(self, max_tokens: int | None) -> SteerConfig:
        """The same settings with every kind of model call limited to ``max_tokens`` new tokens
        (``None``: no cap, the settings unchanged)."""
        if max_tokens is None:
            return self
        return replace(self, **{
            f.name: replace(getattr(self, f.name), max_tokens=min(max_tokens, getattr(self, f.name).max_tokens))
            for f in fields(self) if f.name.endswith("_sampling")
        })

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SteerConfig:
        known = {f.name: f for f in fields(cls)}
        unknown = set(data) - set(known)
        if unknown:
            raise ValueError(f"unknown steering setting(s): {sorted(unknown)}")
        values = {
            k: Sampling(**v) if k.endswith("_sampling") and isinstance(v, dict) else v
            for k, v in data.items()
        }
        return cls(**values)
