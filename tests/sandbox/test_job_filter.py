"""The job's seccomp filter, both variants, installed in a forked child of the test process: the
keyring calls are refused either way, Unix sockets only in the variant for kernels whose Landlock
cannot restrict them (the reference machine runs that one; the other is for Landlock ABI >= 9)."""

from __future__ import annotations

import ctypes
import errno
import json
import socket

import pytest

from codesteer.sandbox import linux

from .conftest import KEYCTL_JOIN_SESSION_KEYRING, KEYCTL_NR, in_forked_child


def _under_filter(unix_sockets: bool) -> dict[str, int]:
    """In a forked child under the filter: the errno of each attempt (0: it worked)."""

    def attempt() -> bytes:
        linux.prctl(linux.PR_SET_NO_NEW_PRIVS, 1)
        linux.install_job_filter(unix_sockets)
        libc = ctypes.CDLL(None, use_errno=True)
        outcome = {"keyctl": 0 if libc.syscall(KEYCTL_NR, KEYCTL_JOIN_SESSION_KEYRING, None) >= 0 else ctypes.get_errno()}
        try:
            socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM).close()
            outcome["unix socket"] = 0
        except OSError as exc:
            outcome["unix socket"] = exc.errno or -1
        socket.socket(socket.AF_INET, socket.SOCK_STREAM).close()
        outcome["inet socket"] = 0
        return json.dumps(outcome).encode()

    answer = in_forked_child(attempt)
    assert answer, "the filtered child failed"
    return json.loads(answer)


@pytest.mark.skipif(KEYCTL_NR is None or not linux.seccomp_supported(),
                    reason="the job filter knows only x86-64 and aarch64 system-call numbers")
@pytest.mark.parametrize("unix_sockets", [True, False], ids=["landlock-below-9", "landlock-9"])
def test_the_job_filter_refuses_keyrings_and_unix_sockets_only_where_asked(unix_sockets: bool) -> None:
    outcome = _under_filter(unix_sockets)
    assert outcome == {"keyctl": errno.EACCES, "unix socket": errno.EACCES if unix_sockets else 0, "inet socket": 0}
