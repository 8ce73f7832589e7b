"""Removing a directory tree a program left behind, whatever its shape.

A hostile program can leave a tree deeper than any recursion limit or path length, and lock its
directories (mode 0). ``remove_tree`` never recurses and never builds long paths: it moves each
subdirectory up to the top directory before emptying it, so it works with two open directories
at a time, and it unlocks directories on the way. It never raises.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import stat

_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC


def _free_name(top: int, counter: itertools.count) -> str:
    while True:
        name = f".removing-{next(counter)}"
        try:
            os.lstat(name, dir_fd=top)
        except FileNotFoundError:
            return name


def _empty(top: int, name: str | None, counter: itertools.count) -> list[str]:
    """Delete the files of directory ``name`` in ``top`` (``top`` itself for None) and move its
    subdirectories into ``top``; returns their new names."""
    if name is not None:
        os.chmod(name, 0o700, dir_fd=top)  # a locked directory cannot be read or emptied
    fd = top if name is None else os.open(name, _DIR_FLAGS, dir_fd=top)
    moved = []
    try:
        for entry in list(os.scandir(fd)):
            if entry.is_dir(follow_symlinks=False):
                if name is None:
                    moved.append(entry.name)
                    continue
                os.chmod(entry.name, 0o700, dir_fd=fd)  # moving a directory rewrites its ".."
                new = _free_name(top, counter)
                os.rename(entry.name, new, src_dir_fd=fd, dst_dir_fd=top)
                moved.append(new)
            else:
                os.unlink(entry.name, dir_fd=fd)
    finally:
        if fd != top:
            os.close(fd)
    return moved


def remove_tree(path: str) -> bool:
    """Delete the tree at ``path`` (``path`` itself stays if it is a mount point); True when it is
    all gone. Anything that cannot be removed is left, never raised."""
    try:
        if not stat.S_ISDIR(os.lstat(path).st_mode):
            os.unlink(path)
            return True
        os.chmod(path, 0o700)
        top = os.open(path, _DIR_FLAGS)
    except OSError:
        return not os.path.lexists(path)
    counter = itertools.count()
    try:
        pending = _empty(top, None, counter)
        while pending:
            name = pending.pop()
            pending.extend(_empty(top, name, counter))
            os.rmdir(name, dir_fd=top)
    except OSError:
        return False
    finally:
        os.close(top)
    with contextlib.suppress(OSError):
        if not os.path.ismount(path):
            os.rmdir(path)
    return not os.path.lexists(path) or os.path.ismount(path)
