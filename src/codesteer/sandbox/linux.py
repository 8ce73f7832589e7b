"""Thin ctypes wrappers over the Linux primitives the sandbox uses (namespaces, prctl, Landlock).

Python 3.11 has no ``os.unshare``; everything here is a direct system call through libc so the
sandbox needs no extra package. Each function raises ``OSError`` on failure.
"""

from __future__ import annotations

import ctypes
import os

_libc = ctypes.CDLL(None, use_errno=True)

CLONE_NEWNS = 0x00020000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000

PR_SET_PDEATHSIG = 1
PR_SET_NO_NEW_PRIVS = 38
PR_SET_CHILD_SUBREAPER = 36

# Landlock: the syscall numbers are shared by every architecture (added after the unification).
_SYS_LANDLOCK_CREATE_RULESET = 444
_SYS_LANDLOCK_ADD_RULE = 445
_SYS_LANDLOCK_RESTRICT_SELF = 446
_LANDLOCK_CREATE_RULESET_VERSION = 1
_LANDLOCK_RULE_PATH_BENEATH = 1

# Filesystem rights that change something; reading and executing stay unrestricted.
_FS_WRITE_FILE = 1 << 1
_FS_WRITE_RIGHTS_BY_ABI = {
    1: sum(1 << bit for bit in (1, 4, 5, 6, 7, 8, 9, 10, 11, 12)),
    2: 1 << 13,  # REFER
    3: 1 << 14,  # TRUNCATE
    5: 1 << 15,  # IOCTL_DEV
}
_FILE_ONLY_RIGHTS = _FS_WRITE_FILE | (1 << 14) | (1 << 15)
_NET_BIND_CONNECT_TCP = 0b11  # ABI 4
_SCOPE_ABSTRACT_UNIX_AND_SIGNAL = 0b11  # ABI 6


def _check(result: int) -> int:
    if result < 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))
    return result


def unshare(flags: int) -> None:
    """Move the calling process into new namespaces (``unshare(2)``)."""
    _check(_libc.unshare(ctypes.c_int(flags)))


MS_NOSUID = 2
MS_REMOUNT = 32
MS_NODEV = 4
MS_NOEXEC = 8
MS_REC = 1 << 14
MS_PRIVATE = 1 << 18
_SYS_OPEN_TREE = 428
_SYS_MOVE_MOUNT = 429
_OPEN_TREE_CLONE = 1
_AT_RECURSIVE = 0x8000
_AT_FDCWD = -100
_MOVE_MOUNT_F_EMPTY_PATH = 0x4


def mount(source: str | None, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    _check(_libc.mount(source and source.encode(), target.encode(), fstype and fstype.encode(),
                       ctypes.c_ulong(flags), data and data.encode()))


def clone_tree(path: str) -> int:
    """A detached copy of the mount tree at ``path`` (``open_tree(OPEN_TREE_CLONE)``), as an fd."""
    return _check(_libc.syscall(ctypes.c_long(_SYS_OPEN_TREE), ctypes.c_int(_AT_FDCWD), path.encode(),
                                ctypes.c_uint(_OPEN_TREE_CLONE | _AT_RECURSIVE | os.O_CLOEXEC)))


def attach_tree(tree_fd: int, target: str) -> None:
    """Mount a tree from ``clone_tree`` at ``target`` (``move_mount``)."""
    _check(_libc.syscall(ctypes.c_long(_SYS_MOVE_MOUNT), ctypes.c_int(tree_fd), b"", ctypes.c_int(_AT_FDCWD),
                         target.encode(), ctypes.c_uint(_MOVE_MOUNT_F_EMPTY_PATH)))


def prctl(option: int, arg: int = 0) -> None:
    _check(_libc.prctl(ctypes.c_int(option), ctypes.c_ulong(arg), ctypes.c_ulong(0), ctypes.c_ulong(0),
                       ctypes.c_ulong(0)))


class _CapHeader(ctypes.Structure):
    _fields_ = (("version", ctypes.c_uint32), ("pid", ctypes.c_int))


class _CapData(ctypes.Structure):
    _fields_ = (("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                ("inheritable", ctypes.c_uint32))


def drop_capabilities() -> None:
    """Clear every capability of the calling thread (``capset(2)`` with empty sets)."""
    header = _CapHeader(0x20080522, 0)
    data = (_CapData * 2)()
    _check(_libc.capset(ctypes.byref(header), ctypes.byref(data)))


def landlock_abi() -> int:
    """The Landlock ABI version the kernel offers, 0 when Landlock is unavailable."""
    result = _libc.syscall(ctypes.c_long(_SYS_LANDLOCK_CREATE_RULESET), None, ctypes.c_size_t(0),
                           ctypes.c_uint32(_LANDLOCK_CREATE_RULESET_VERSION))
    return max(int(result), 0)


class _RulesetAttr(ctypes.Structure):
    _fields_ = (("handled_access_fs", ctypes.c_uint64), ("handled_access_net", ctypes.c_uint64),
                ("scoped", ctypes.c_uint64))


class _PathBeneathAttr(ctypes.Structure):
    _pack_ = 1
    _fields_ = (("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32))


def landlock_confine(abi: int, writable_dirs: list[str], writable_files: list[str], *,
                     deny_tcp: bool = True) -> None:
    """Restrict the calling process (and its future children) with Landlock.

    Writes are allowed only beneath ``writable_dirs`` and to ``writable_files``; with ABI >= 4
    TCP bind/connect are denied; with ABI >= 6 signals and abstract Unix sockets are scoped to the
    sandbox (it cannot signal or connect to anything outside). Requires ``no_new_privs``.
    ``deny_tcp=False`` leaves TCP alone (for jobs that are allowed the network).
    """
    write_rights = sum(bits for level, bits in _FS_WRITE_RIGHTS_BY_ABI.items() if abi >= level)
    attr = _RulesetAttr(write_rights, _NET_BIND_CONNECT_TCP if abi >= 4 and deny_tcp else 0,
                        _SCOPE_ABSTRACT_UNIX_AND_SIGNAL if abi >= 6 else 0)
    size = 24 if abi >= 6 else 16 if abi >= 4 else 8
    ruleset = _check(_libc.syscall(ctypes.c_long(_SYS_LANDLOCK_CREATE_RULESET), ctypes.byref(attr),
                                   ctypes.c_size_t(size), ctypes.c_uint32(0)))
    try:
        for path, rights in [(d, write_rights) for d in writable_dirs] + [
            (f, write_rights & _FILE_ONLY_RIGHTS) for f in writable_files
        ]:
            fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
            try:
                rule = _PathBeneathAttr(rights, fd)
                _check(_libc.syscall(ctypes.c_long(_SYS_LANDLOCK_ADD_RULE), ctypes.c_int(ruleset),
                                     ctypes.c_int(_LANDLOCK_RULE_PATH_BENEATH), ctypes.byref(rule),
                                     ctypes.c_uint32(0)))
            finally:
                os.close(fd)
        _check(_libc.syscall(ctypes.c_long(_SYS_LANDLOCK_RESTRICT_SELF), ctypes.c_int(ruleset),
                             ctypes.c_uint32(0)))
    finally:
        os.close(ruleset)
