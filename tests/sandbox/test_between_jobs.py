"""Nothing of one job reaches the next one through a reused worker: not its data in memory, its
SysV IPC objects, its keys, nor the files it left; and no job leftover can break the worker.
Judged from the next job's view and from the host's (the worker's IPC namespace, the job uid's
keyrings after the pool closed)."""

from __future__ import annotations

import os
import secrets
import subprocess

import pytest

from codesteer.sandbox import SandboxPool

from .conftest import FAST, KEY_SPEC_USER_KEYRING, KEYCTL_NR, in_forked_child, keyring_program, read_key

# The next job searches its own memory (every writable mapping) for markers followed by a token;
# its code holds the marker only split, so it never finds itself.
SCAN_MEMORY = (
    "import ctypes, re\n"
    "pattern = re.compile(rb'LEAK' + rb'MARK([0-9a-f]{32})')\n"
    "found = set()\n"
    "for line in open('/proc/self/maps'):\n"
    "    fields = line.split()\n"
    "    if fields[1].startswith('rw'):\n"
    "        start, end = (int(x, 16) for x in fields[0].split('-'))\n"
    "        found.update(t.decode() for t in pattern.findall(ctypes.string_at(start, end - start)))\n"
    "print(sorted(found))\n"
)


def test_a_job_finds_nothing_of_the_previous_job_in_its_memory(single: SandboxPool) -> None:
    in_code, in_stdin = secrets.token_hex(16), secrets.token_hex(16)
    first = single.run_sync(
        f"# LEAKMARK{in_code}\nimport sys\ndata = sys.stdin.read()\nprint('LEAKMARK' + data.split('LEAKMARK')[1][:32][::-1])\n",
        stdin=f"LEAKMARK{in_stdin}\n" * 200)
    assert first.ok and first.stdout.strip() == f"LEAKMARK{in_stdin[::-1]}", first.stderr
    second = single.run_sync(SCAN_MEMORY)
    assert second.ok, second.stderr
    leaked = {in_code: "its code", in_stdin: "its stdin", in_stdin[::-1]: "its stdout"}
    found = [what for token, what in leaked.items() if token in second.stdout]
    assert found == [], f"the next job found the previous job's {', '.join(found)} in its memory"


SYSV = "import ctypes\nlibc = ctypes.CDLL(None, use_errno=True)\nlibc.shmat.restype = ctypes.c_void_p\n"
IPC_KEY = 0x5EC2E7


def _sysv_objects_in_namespace_of(pid: int) -> list[str]:
    """The SysV IPC objects in the IPC namespace of ``pid``, seen by the host (nsenter)."""
    objects = []
    for kind in ("shm", "msg", "sem"):
        listing = subprocess.run(["nsenter", f"--ipc=/proc/{pid}/ns/ipc", "cat", f"/proc/sysvipc/{kind}"],
                                 capture_output=True, text=True, check=True).stdout
        objects += [f"{kind}: {line}" for line in listing.splitlines()[1:]]
    return objects


def test_sysv_ipc_objects_end_with_their_job(single: SandboxPool) -> None:
    (worker,) = single._live
    first = single.run_sync(SYSV + (
        f"shm = libc.shmget({IPC_KEY}, 32 << 20, 0o1600)\n"  # IPC_CREAT | 0600
        "addr = libc.shmat(shm, None, 0)\n"
        "ctypes.memset(addr, 1, 32 << 20)\n"  # 32 MiB resident
        "class Message(ctypes.Structure):\n"
        "    _fields_ = [('kind', ctypes.c_long), ('text', ctypes.c_char * 16)]\n"
        f"queue = libc.msgget({IPC_KEY}, 0o1600)\n"
        "sent = libc.msgsnd(queue, ctypes.byref(Message(1, b'secret message')), 16, 0)\n"
        f"semaphores = libc.semget({IPC_KEY}, 1, 0o1600)\n"
        "print(shm >= 0, addr not in (None, 2 ** 64 - 1), queue >= 0, sent == 0, semaphores >= 0)\n"))
    assert first.stdout == "True True True True True\n", first.stderr
    assert _sysv_objects_in_namespace_of(worker.process.pid) == [], "job objects stay in the worker's namespace"
    second = single.run_sync(SYSV + (
        f"print(libc.shmget({IPC_KEY}, 0, 0), libc.msgget({IPC_KEY}, 0), libc.semget({IPC_KEY}, 0, 0))\n"
        "print([len(open(f'/proc/sysvipc/{kind}').readlines()) - 1 for kind in ('shm', 'msg', 'sem')])\n"))
    assert second.stdout == "-1 -1 -1\n[0, 0, 0]\n", second.stdout + second.stderr


def _user_keyring_of(uid: int) -> bytes | None:
    """What the host finds under 'codesteer-carry' in ``uid``'s user keyring (a forked helper
    takes the uid)."""

    def look() -> bytes:
        os.setresuid(uid, uid, uid)
        found = read_key(KEY_SPEC_USER_KEYRING, b"codesteer-carry")
        return b"-" if found is None else b"+" + found

    answer = in_forked_child(look)
    assert answer, "the keyring helper failed"
    return answer[1:] if answer.startswith(b"+") else None


@pytest.mark.skipif(os.geteuid() != 0, reason="a separate job uid (whose keyrings the host inspects) needs root")
@pytest.mark.skipif(KEYCTL_NR is None, reason="keyring system-call numbers unknown for this architecture")
@pytest.mark.parametrize("disable", [(), ("seccomp",)], ids=["keyring-calls-refused", "keyrings-emptied"])
def test_a_job_uid_keyring_carries_nothing_to_the_next_job_nor_past_the_pool(disable: tuple[str, ...]) -> None:
    """Under the job filter a job cannot make a key at all; without it (``seccomp`` disabled) it
    can, and the worker empties the job uid's keyrings before the next job."""
    with SandboxPool(size=1, config=FAST, disable=disable) as own:
        (worker,) = own._live
        first = own.run_sync(keyring_program(KEY_SPEC_USER_KEYRING, b"codesteer-carry",
                                             add=(b"codesteer-carry", b"from job A")))
        second = own.run_sync(keyring_program(KEY_SPEC_USER_KEYRING, b"codesteer-carry"))
        refused = "keyring system calls refused" in own.isolation.keyrings
    assert refused == (not disable)
    assert first.stdout == f"read None\nadded {not refused}\n", first.stderr
    assert second.stdout == "read None\n", "the next job read the previous job's key"
    assert worker.job_uid is not None
    assert _user_keyring_of(worker.job_uid) is None, "the job's key outlived the pool"


def test_a_deep_directory_tree_does_not_harm_the_worker(single: SandboxPool, capfd: pytest.CaptureFixture[str]) -> None:
    (worker,) = single._live
    deep = single.run_sync("import os\nfor _ in range(3000):\n    os.mkdir('d')\n    os.chdir('d')\nprint('deep')\n")
    assert deep.ok and deep.stdout == "deep\n", deep
    assert single.run_sync("print('next')").stdout == "next\n"
    assert single._live == {worker} and worker.alive, "the worker must survive whatever a job leaves behind"
    assert "Traceback" not in capfd.readouterr().err
