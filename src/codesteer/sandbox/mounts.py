"""Let an unprivileged job uid read the interpreter even when it lives in a private home.

A Python installed under e.g. ``/root/.pyenv`` is unreadable once a job drops to its own uid
(``/root`` is ``0700``). In the worker's private mount namespace each directory that others
cannot traverse is covered by an empty read-only-for-others tmpfs, into which only the needed
subtrees are mounted back. The host's view is unchanged, and the rest of that directory (for
``/root``: dotfiles, tokens, caches) becomes invisible to sandboxed code.
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

from codesteer.sandbox import linux


def needed_paths() -> list[str]:
    """Directories a job must read: the import path and the interpreter's own installation."""
    candidates = [*sys.path, sys.prefix, sys.base_prefix, os.path.dirname(os.path.realpath(sys.executable))]
    return sorted({os.path.realpath(p) for p in candidates if p and os.path.isdir(p)})


def _others_can_enter(path: Path) -> bool:
    return bool(path.stat().st_mode & stat.S_IXOTH)


def _first_block(path: str) -> tuple[Path, str] | None:
    """The first proper ancestor of ``path`` that others cannot enter, and the child on the way."""
    parts = Path(path).parts
    for depth in range(1, len(parts) - 1):
        ancestor = Path(*parts[:depth])
        if not _others_can_enter(ancestor):
            return ancestor, parts[depth]
    return None


def make_private() -> None:
    """Stop mount events propagating between this (new) mount namespace and the host's."""
    linux.mount(None, "/", None, linux.MS_REC | linux.MS_PRIVATE)


def mount_scratch(path: str, size_mb: int, mode: str = "0711", *, resize: bool = False) -> None:
    """Put a size-limited tmpfs on ``path`` (job directories and ``/dev/shm`` live there: a
    program cannot fill the host's disk or memory); ``resize=True`` changes an existing one."""
    flags = linux.MS_NOSUID | linux.MS_NODEV | (linux.MS_REMOUNT if resize else 0)
    linux.mount(None if resize else "tmpfs", path, None if resize else "tmpfs", flags,
                f"size={size_mb}m,mode={mode}")


def reveal(paths: list[str]) -> list[str]:
    """Make ``paths`` reachable for other uids; returns the covered directories. Must run in a
    private mount namespace (``make_private``). Raises ``OSError`` if the kernel refuses."""
    covered: list[str] = []
    for _ in range(16):  # each round uncovers one level of nested private directories
        blocks: dict[Path, set[str]] = {}
        for path in paths:
            if (found := _first_block(path)) is not None:
                blocks.setdefault(found[0], set()).add(found[1])
        if not blocks:
            return covered
        for directory, children in blocks.items():
            trees = {child: linux.clone_tree(str(directory / child)) for child in children}
            try:
                linux.mount("tmpfs", str(directory), "tmpfs", linux.MS_NOSUID | linux.MS_NODEV,
                            "mode=0755,size=64k")
                for child, tree in trees.items():
                    (directory / child).mkdir()
                    linux.attach_tree(tree, str(directory / child))
            finally:
                for tree in trees.values():
                    os.close(tree)
            covered.append(str(directory))
    return covered
