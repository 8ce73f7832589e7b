"""Thin ctypes wrappers over the Linux primitives the sandbox uses (namespaces, mounts, prctl,
Landlock, seccomp, keyrings).

Python 3.11 has no ``os.unshare``; everything here is a direct system call through libc so the
sandbox needs no extra package. Each function raises ``OSError`` on failure.
"""

from __future__ import annotations

import ctypes
import errno
import functools
import os
import platform
import socket

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
# ABI 9: connecting to a pathname Unix socket is a filesystem right; handled and never granted, a
# job reaches only the sockets it made itself.
_FS_RESOLVE_UNIX = 1 << 16
LANDLOCK_UNIX_SOCKETS_ABI = 9


def _check(result: int) -> int:
    if result < 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))
    return result


def unshare(flags: int) -> None:
    """Move the calling process into new namespaces (``unshare(2)``)."""
    _check(_libc.unshare(ctypes.c_int(flags)))


MS_RDONLY = 1
MS_NOSUID = 2
MS_REMOUNT = 32
MS_NODEV = 4
MS_NOEXEC = 8
MS_REC = 1 << 14
MS_PRIVATE = 1 << 18
_SYS_OPEN_TREE = 428
_SYS_MOVE_MOUNT = 429
_SYS_MOUNT_SETATTR = 442
_MOUNT_ATTR_RDONLY = 0x1
_AT_EMPTY_PATH = 0x1000
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


class _MountAttr(ctypes.Structure):
    _fields_ = (("attr_set", ctypes.c_uint64), ("attr_clr", ctypes.c_uint64), ("propagation", ctypes.c_uint64),
                ("userns_fd", ctypes.c_uint64))


def make_tree_read_only(tree_fd: int) -> None:
    """Make every mount of a tree from ``clone_tree`` read-only (``mount_setattr``, Linux >= 5.12);
    unlike a remount this leaves the other flags (locked ones included) as they are."""
    attr = _MountAttr(_MOUNT_ATTR_RDONLY, 0, 0, 0)
    _check(_libc.syscall(ctypes.c_long(_SYS_MOUNT_SETATTR), ctypes.c_int(tree_fd), b"",
                         ctypes.c_uint(_AT_EMPTY_PATH | _AT_RECURSIVE), ctypes.byref(attr),
                         ctypes.c_size_t(ctypes.sizeof(attr))))


_PR_SET_NAME = 15


def set_process_name(name: str) -> None:
    """Name the calling process (``/proc/<pid>/comm``, at most 15 bytes), so that its role in the
    worker shows in ``ps``."""
    _check(_libc.prctl(ctypes.c_int(_PR_SET_NAME), ctypes.c_char_p(name.encode()), ctypes.c_ulong(0),
                       ctypes.c_ulong(0), ctypes.c_ulong(0)))


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
    sandbox (it cannot signal or connect to anything outside); with ABI >= 9 pathname Unix sockets
    made outside the sandbox cannot be reached. Requires ``no_new_privs``.
    ``deny_tcp=False`` leaves TCP alone (for jobs that are allowed the network).
    """
    write_rights = sum(bits for level, bits in _FS_WRITE_RIGHTS_BY_ABI.items() if abi >= level)
    handled = write_rights | (_FS_RESOLVE_UNIX if abi >= LANDLOCK_UNIX_SOCKETS_ABI else 0)
    attr = _RulesetAttr(handled, _NET_BIND_CONNECT_TCP if abi >= 4 and deny_tcp else 0,
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


# Kernel keyrings (``keyctl(2)``); the special ids name the caller's own keyrings.
_KEYRING_CALLS = {"x86_64": (248, 249, 250), "aarch64": (217, 218, 219)}  # add_key, request_key, keyctl
_SYS_KEYCTL = _KEYRING_CALLS.get(platform.machine(), (None, None, None))[2]
_KEYCTL_JOIN_SESSION_KEYRING = 1
_KEYCTL_CLEAR = 7
_KEYCTL_UNLINK = 9
_KEYCTL_GET_PERSISTENT = 22
_KEY_SPEC_SESSION_KEYRING = -3
_KEY_SPEC_USER_KEYRING = -4
_KEY_SPEC_USER_SESSION_KEYRING = -5


def _keyctl(operation: int, *args: int | None) -> int:
    if _SYS_KEYCTL is None:
        raise OSError(errno.ENOSYS, f"keyctl: unsupported architecture {platform.machine()}")
    return _check(_libc.syscall(ctypes.c_long(_SYS_KEYCTL), ctypes.c_int(operation),
                                *(ctypes.c_long(arg or 0) for arg in args)))


def keyrings_supported() -> bool:
    """Whether the keyring calls below know this machine's system-call number."""
    return _SYS_KEYCTL is not None


def join_new_session_keyring() -> None:
    """Give the calling process a fresh, empty, anonymous session keyring (its children inherit
    it): whatever session keyring it had before (the host's) is out of its reach."""
    _keyctl(_KEYCTL_JOIN_SESSION_KEYRING, None)


def clear_own_user_keyrings() -> None:
    """Empty the user, user-session and persistent keyrings of the caller's real uid: the keyrings
    that outlive every process of that uid."""
    _keyctl(_KEYCTL_CLEAR, _KEY_SPEC_USER_KEYRING)
    _keyctl(_KEYCTL_CLEAR, _KEY_SPEC_USER_SESSION_KEYRING)
    try:
        persistent = _keyctl(_KEYCTL_GET_PERSISTENT, -1, _KEY_SPEC_SESSION_KEYRING)
    except OSError as exc:
        if exc.errno != errno.EOPNOTSUPP:  # kernels without persistent keyrings
            raise
        return
    _keyctl(_KEYCTL_CLEAR, persistent)
    _keyctl(_KEYCTL_UNLINK, persistent, _KEY_SPEC_SESSION_KEYRING)


# The seccomp filter every job runs under (where the architecture's system-call numbers are known).
# It refuses the kernel keyring calls (add_key, request_key, keyctl): keyrings are not namespaced,
# and a uid's own keyrings outlive its processes, so a job that could make keys could leave them to
# the next job of its uid (container runtimes' default profiles refuse these calls for the same
# reason). Where Landlock cannot restrict pathname Unix sockets (ABI < 9) it also refuses
# socket(AF_UNIX, ...), so no path socket can be connected or sent to, and allows socketpair() for
# stream pairs only (asyncio, multiprocessing), whose peers are fixed. io_uring is refused because
# its operations would bypass the filter; foreign system-call ABIs are refused entirely.
_AUDIT_ARCH = {"x86_64": (0xC000003E, 41, 53), "aarch64": (0xC00000B7, 198, 199)}
_X32_SYSCALL_BIT = 0x40000000
_SYS_IO_URING_FIRST, _SYS_IO_URING_END = 425, 428
_SECCOMP_RET_ALLOW = 0x7FFF0000
_SECCOMP_RET_ERRNO = 0x00050000
_PR_SET_SECCOMP = 22
_SECCOMP_MODE_FILTER = 2
_LD_W_ABS, _JEQ, _JGE, _AND, _RET = 0x20, 0x15, 0x35, 0x54, 0x06
_NR, _ARCH, _ARG0, _ARG1 = 0, 4, 16, 24  # offsets in struct seccomp_data (argument low words)


class _SockFilter(ctypes.Structure):
    _fields_ = (("code", ctypes.c_uint16), ("jt", ctypes.c_uint8), ("jf", ctypes.c_uint8), ("k", ctypes.c_uint32))


class _SockFprog(ctypes.Structure):
    _fields_ = (("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_SockFilter)))


def seccomp_supported() -> bool:
    """Whether ``install_job_filter`` knows this machine's system-call numbers (and, if so, both
    variants of its filter assembled ahead of time)."""
    return platform.machine() in _AUDIT_ARCH and all(_job_program(unix) is not None for unix in (False, True))


def _job_filter(unix_sockets: bool) -> list[tuple[int | str, int, str | int, str | int]]:
    """The BPF program as (code, k, jump-if-true, jump-if-false); jumps name labels (``"@name"``
    lines) or are 0 (next instruction)."""
    arch, sys_socket, sys_socketpair = _AUDIT_ARCH[platform.machine()]
    foreign = [(_JGE, _X32_SYSCALL_BIT, "deny", 0)] if platform.machine() == "x86_64" else []
    keyrings = [(_JEQ, number, "deny", 0) for number in _KEYRING_CALLS[platform.machine()]]
    sockets = [(_JEQ, sys_socket, "socket", 0), (_JEQ, sys_socketpair, "socketpair", 0)] if unix_sockets else []
    socket_rules = [
        ("@socket", 0, 0, 0), (_LD_W_ABS, _ARG0, 0, 0), (_JEQ, socket.AF_UNIX, "deny", "allow"),
        ("@socketpair", 0, 0, 0), (_LD_W_ABS, _ARG0, 0, 0), (_JEQ, socket.AF_UNIX, 0, "allow"),
        (_LD_W_ABS, _ARG1, 0, 0), (_AND, 0xF, 0, 0), (_JEQ, socket.SOCK_STREAM, "allow", "deny"),
    ] if unix_sockets else []
    return [
        (_LD_W_ABS, _ARCH, 0, 0), (_JEQ, arch, 0, "deny"),
        (_LD_W_ABS, _NR, 0, 0), *foreign, *keyrings, *sockets,
        (_JGE, _SYS_IO_URING_FIRST, 0, "allow"), (_JGE, _SYS_IO_URING_END, "allow", "deny"),
        *socket_rules,
        ("@allow", 0, 0, 0), (_RET, _SECCOMP_RET_ALLOW, 0, 0),
        ("@deny", 0, 0, 0), (_RET, _SECCOMP_RET_ERRNO | errno.EACCES, 0, 0),
    ]


def _assemble(program: list[tuple[int | str, int, str | int, str | int]]) -> list[_SockFilter]:
    labels: dict[str, int] = {}
    instructions: list[tuple[int, int, str | int, str | int]] = []
    for code, k, jt, jf in program:
        if isinstance(code, str):
            labels[code[1:]] = len(instructions)
        else:
            instructions.append((code, k, jt, jf))

    def offset(here: int, target: str | int) -> int:
        return target if isinstance(target, int) else labels[target] - here - 1

    return [_SockFilter(code, offset(i, jt), offset(i, jf), k) for i, (code, k, jt, jf) in enumerate(instructions)]


@functools.cache
def _job_program(unix_sockets: bool) -> _SockFprog:
    """The assembled filter; built in the worker (``seccomp_supported``), so that job processes
    only install it."""
    instructions = _assemble(_job_filter(unix_sockets))
    return _SockFprog(len(instructions), (_SockFilter * len(instructions))(*instructions))


def install_job_filter(unix_sockets: bool) -> None:
    """Install the seccomp filter described above on the calling process (inherited by its
    children, irrevocable); ``unix_sockets``: also refuse Unix sockets. Requires ``no_new_privs``."""
    if not seccomp_supported():
        raise OSError(errno.ENOSYS, f"seccomp filter: unsupported architecture {platform.machine()}")
    program = _job_program(unix_sockets)
    _check(_libc.prctl(ctypes.c_int(_PR_SET_SECCOMP), ctypes.c_ulong(_SECCOMP_MODE_FILTER),
                       ctypes.c_void_p(ctypes.addressof(program)), ctypes.c_ulong(0), ctypes.c_ulong(0)))
