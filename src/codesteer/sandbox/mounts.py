"""What a sandboxed program sees of the host's filesystem, arranged in the worker's mount namespace.

Jobs must read the interpreter and its packages, which often live in a private place: a home
directory (``/root/.pyenv``) or a project folder (``~/project/.venv``, next to the project's
``.env``). Every top-level directory holding such a path, other than the system trees (``/usr``,
``/lib``, ``/etc``, ...), is covered by an empty tmpfs into which only the needed paths are mounted
back, read-only: the interpreter's ``bin`` and ``lib`` (of the venv and of its base), the import
path (stdlib, site-packages, the sandbox's own source). The rest of that directory (other files
of the project, dotfiles, tokens, other checkouts) does not exist for the job. The host's view
is unchanged.
"""

from __future__ import annotations

import os
import sys

from codesteer.sandbox import linux

SYSTEM_TREES = frozenset({"/usr", "/lib", "/lib32", "/lib64", "/libx32", "/bin", "/sbin", "/etc", "/dev",
                          "/proc", "/sys", "/nix", "/gnu"})


def needed_paths() -> list[str]:
    """What a job must read (real paths): the interpreter's ``bin`` and ``lib`` directories, a
    venv's ``pyvenv.cfg``, and every directory of the import path."""
    candidates = [os.path.dirname(sys.executable), os.path.dirname(os.path.realpath(sys.executable)), *sys.path]
    for prefix in {sys.prefix, sys.base_prefix}:
        candidates += [os.path.join(prefix, name) for name in ("bin", "lib", "lib64", "pyvenv.cfg")]
    return sorted({os.path.realpath(p) for p in candidates if p and os.path.exists(p)})


def make_private() -> None:
    """Stop mount events propagating between this (new) mount namespace and the host's."""
    linux.mount(None, "/", None, linux.MS_REC | linux.MS_PRIVATE)


def mount_scratch(path: str, size_mb: int, mode: str = "0711", *, resize: bool = False) -> None:
    """Put a size-limited tmpfs on ``path`` (job directories and ``/dev/shm`` live there: a
    program cannot fill the host's disk or memory); ``resize=True`` changes an existing one."""
    flags = linux.MS_NOSUID | linux.MS_NODEV | (linux.MS_REMOUNT if resize else 0)
    linux.mount(None if resize else "tmpfs", path, None if resize else "tmpfs", flags,
                f"size={size_mb}m,mode={mode}")


def _outermost(paths: list[str]) -> list[str]:
    kept: list[str] = []
    for path in sorted(paths):
        if not any(path == k or path.startswith(k.rstrip("/") + "/") for k in kept):
            kept.append(path)
    return kept


def _top(path: str) -> str:
    return "/" + path.split("/")[1]


def _mount_back(tree: int, path: str, *, directory: bool, read_only: bool) -> None:
    """Attach a cloned tree at ``path`` inside a covering tmpfs, making the way to it first."""
    os.makedirs(path if directory else os.path.dirname(path), mode=0o755, exist_ok=True)
    if not directory:
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o644))
    if read_only:
        linux.make_tree_read_only(tree)
    linux.attach_tree(tree, path)


def show_only(read_only: list[str], writable: list[str]) -> list[str]:
    """Cover every non-system top-level directory that holds one of the paths with an empty tmpfs
    and mount the paths back (``read_only`` ones read-only). ``writable`` paths that lie in a
    covered directory are mounted back as they are. Returns the covered directories. Must run in
    a private mount namespace (``make_private``); raises ``OSError`` if the kernel refuses."""
    wanted = {path: True for path in _outermost(read_only)}
    wanted.update({path: False for path in writable if path not in wanted})
    tops: dict[str, list[str]] = {}
    for path in wanted:
        if _top(path) not in SYSTEM_TREES and path != "/":
            tops.setdefault(_top(path), []).append(path)
    covered = []
    for top, paths in sorted(tops.items()):
        needed = [path for path in paths if wanted[path]]
        if top in needed or not needed:
            continue  # the whole directory is needed, or only writable places lie in it
        directories = {path: os.path.isdir(path) for path in paths}
        trees = {path: linux.clone_tree(path) for path in paths}  # taken before the cover hides them
        try:
            linux.mount("tmpfs", top, "tmpfs", linux.MS_NOSUID | linux.MS_NODEV, "mode=0755,size=64k")
            for path, tree in trees.items():
                _mount_back(tree, path, directory=directories[path], read_only=wanted[path])
        finally:
            for tree in trees.values():
                os.close(tree)
        linux.mount(None, top, None, linux.MS_REMOUNT | linux.MS_RDONLY | linux.MS_NOSUID | linux.MS_NODEV,
                    "mode=0755,size=64k")
        covered.append(top)
    return covered
