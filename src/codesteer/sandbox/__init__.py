"""Run model-written Python safely and fast: ``run``, ``run_async``, ``SandboxPool``.

``run``/``run_async`` use one process-wide warm pool, created on first use and closed at exit.
See docs/sandbox.md for what is isolated and how. The host-side pool (and asyncio) is imported
lazily, so that sandbox workers, which import this package, start quickly.
"""

from __future__ import annotations

import _thread
import atexit
from typing import TYPE_CHECKING, Any

from codesteer.sandbox.types import Execution, IsolationReport, Outcome, SandboxConfig

if TYPE_CHECKING:
    from codesteer.sandbox.pool import SandboxError, SandboxPool, default_pool_size

__all__ = ["Execution", "IsolationReport", "Outcome", "SandboxConfig", "SandboxError", "SandboxPool",
           "default_pool", "default_pool_size", "isolation_report", "run", "run_async"]

_LAZY = {"SandboxPool", "SandboxError", "default_pool_size"}
_default: SandboxPool | None = None
# _thread, not threading: sandbox workers import this package, and a zygote that holds threading
# runs its after-fork handler in every job process (copying pages of its memory on each fork).
_default_lock = _thread.allocate_lock()


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from codesteer.sandbox import pool

        return getattr(pool, name)
    raise AttributeError(f"module 'codesteer.sandbox' has no attribute {name!r}")


def default_pool() -> SandboxPool:
    """The process-wide warm pool (``default_pool_size()`` workers), created on first use (and
    anew in a forked child process)."""
    from codesteer.sandbox.pool import SandboxPool

    global _default
    with _default_lock:
        if _default is None or _default.closed or not _default.usable_here:
            _default = SandboxPool()
            atexit.register(_default.close)
        return _default


def run(code: str, *, stdin: str | None = None, config: SandboxConfig | None = None,
        **overrides: Any) -> Execution:
    """Run ``code`` in the sandbox and wait for it, e.g. ``run(code, timeout_s=5, memory_mb=512)``."""
    return default_pool().run_sync(code, stdin=stdin, config=config, **overrides)


async def run_async(code: str, *, stdin: str | None = None, config: SandboxConfig | None = None,
                    **overrides: Any) -> Execution:
    """Async ``run``; safe to await from many tasks at once (bounded by the pool size)."""
    return await default_pool().run(code, stdin=stdin, config=config, **overrides)


def isolation_report() -> IsolationReport:
    """Which isolation mechanisms the sandbox uses on this machine (and what degraded)."""
    return default_pool().isolation
