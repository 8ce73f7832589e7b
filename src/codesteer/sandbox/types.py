"""What the sandbox takes (``SandboxConfig``) and what it returns (``Execution``)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any, Literal

Outcome = Literal["ok", "error", "timed_out", "memory_exceeded", "killed"]


@dataclass(frozen=True)
class SandboxConfig:
    """Limits for one execution. Defaults are sized for SymBench (the paper ran code for 10 s)."""

    timeout_s: float = 10.0
    memory_mb: int = 1024
    max_output_bytes: int = 64_000
    max_processes: int = 64
    max_open_files: int = 256
    max_file_size_mb: int = 64
    network: bool = False

    def with_(self, **changes: Any) -> SandboxConfig:
        return replace(self, **changes)


@dataclass
class Execution:
    """The result of running one program.

    ``outcome``: ``ok`` (exit 0), ``error`` (non-zero exit, e.g. an exception),
    ``timed_out`` (killed at the deadline), ``memory_exceeded`` (hit the memory limit) or
    ``killed`` (ended by a signal for another reason). Output beyond the configured size is cut
    and ends with a marker; ``*_truncated`` say so.
    """

    stdout: str
    stderr: str
    exit_code: int | None
    outcome: Outcome
    wall_s: float
    cpu_s: float
    stdout_truncated: bool = False
    stderr_truncated: bool = False

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"

    @property
    def timed_out(self) -> bool:
        return self.outcome == "timed_out"

    @property
    def killed(self) -> bool:
        return self.outcome == "killed"

    @property
    def memory_exceeded(self) -> bool:
        return self.outcome == "memory_exceeded"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Execution:
        return cls(**data)
