"""What the sandbox takes (``SandboxConfig``) and what it returns (``Execution``)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
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
    max_disk_mb: int = 256
    network: bool = False

    def __post_init__(self) -> None:
        for name in ("timeout_s", "memory_mb", "max_output_bytes", "max_processes", "max_open_files",
                     "max_file_size_mb", "max_disk_mb"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
                raise ValueError(f"sandbox option {name} must be a positive number, got {value!r}")

    def with_(self, **changes: Any) -> SandboxConfig:
        """A copy with some options changed; unknown option names raise ``ValueError``."""
        unknown = sorted(set(changes) - {f.name for f in fields(self)})
        if unknown:
            raise ValueError(f"unknown sandbox option(s): {', '.join(unknown)}")
        return replace(self, **changes)


@dataclass(frozen=True)
class IsolationReport:
    """Which mechanism confines each aspect of a sandboxed program on this machine.

    Each field names the mechanism in use; ``warnings`` lists every place where the sandbox fell
    back to something weaker than its best mechanism (they are also logged).
    """

    user: str
    network: str
    unix_sockets: str
    filesystem: str
    host_files: str
    process_tree: str
    signals: str
    ipc: str
    keyrings: str
    memory: str
    warnings: tuple[str, ...] = ()

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> IsolationReport:
        return cls(**{**data, "warnings": tuple(data.get("warnings", ()))})


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
