"""Sandbox fixtures: shared pools (warm and one-shot) and a guard that checks the host afterwards.

The ``host`` guard (autouse) gives every test a sentinel directory the sandbox must not touch and
listeners that must receive nothing (127.0.0.1 TCP and UDP, Unix stream and datagram sockets any
user may connect to); after the test it asserts the host is unharmed: this process alive, no
processes left behind, sentinel intact, listeners untouched.

Under CI (``CI=true``, root on Linux) every isolation mechanism must be in force: ``in_force``
fails a test whose mechanism fell back, where elsewhere the test checks the documented fallback.
"""

from __future__ import annotations

import ctypes
import inspect
import os
import platform
import shutil
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from codesteer.sandbox import SandboxConfig, SandboxPool
from codesteer.sandbox.child import NAME_READY
from codesteer.sandbox.isolation import UID_BASE
from codesteer.sandbox.worker import NAME_SUPERVISOR, ZYGOTE_NAMES

FAST = SandboxConfig(timeout_s=10.0, memory_mb=512)
STRICT = os.environ.get("CI") == "true" and sys.platform == "linux" and os.geteuid() == 0
WAIT_S = 60.0  # how long to wait for an event before calling it missing
# Keyrings through ctypes, for the host and for job programs alike (no keyutils needed).
ADD_KEY_NR, KEYCTL_NR = {"x86_64": (248, 250), "aarch64": (217, 219)}.get(platform.machine(), (None, None))
KEYCTL_JOIN_SESSION_KEYRING, KEYCTL_SEARCH, KEYCTL_READ, KEYCTL_INVALIDATE = 1, 10, 11, 21
KEY_SPEC_SESSION_KEYRING, KEY_SPEC_USER_KEYRING = -3, -4


def keyctl(*args: object) -> int:
    return ctypes.CDLL(None, use_errno=True).syscall(KEYCTL_NR, *args)


def read_key(keyring: int, description: bytes) -> bytes | None:
    """The payload of the 'user' key ``description`` found in ``keyring``, or None."""
    libc = ctypes.CDLL(None, use_errno=True)
    key = libc.syscall(KEYCTL_NR, KEYCTL_SEARCH, keyring, b"user", description, 0)
    buffer = ctypes.create_string_buffer(64)
    size = libc.syscall(KEYCTL_NR, KEYCTL_READ, key, buffer, 64) if key > 0 else -1
    return buffer.raw[:size] if size >= 0 else None


def add_key(keyring: int, description: bytes, payload: bytes) -> int:
    """Add a 'user' key to ``keyring``; its id, or -1."""
    libc = ctypes.CDLL(None, use_errno=True)
    return libc.syscall(ADD_KEY_NR, b"user", description, payload, len(payload), keyring)


def keyring_program(keyring: int, read: bytes, add: tuple[bytes, bytes] | None = None) -> str:
    """Program text that prints what it reads under the 'user' key ``read`` in ``keyring`` and,
    with ``add`` (description, payload), whether it could add such a key there."""
    code = (f"import ctypes\nADD_KEY_NR, KEYCTL_NR, KEYCTL_SEARCH, KEYCTL_READ = {ADD_KEY_NR}, {KEYCTL_NR}, "
            f"{KEYCTL_SEARCH}, {KEYCTL_READ}\n{inspect.getsource(read_key)}{inspect.getsource(add_key)}"
            f"print('read', read_key({keyring}, {read!r}))\n")
    return code + (f"print('added', add_key({keyring}, {add[0]!r}, {add[1]!r}) > 0)\n" if add else "")


def in_forked_child(action: Callable[[], bytes]) -> bytes:
    """What ``action`` returns, run in a forked child of the test process: for what this process
    must not do to itself (take another uid, install a seccomp filter). Empty if it failed."""
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - the forked child
        try:
            os.write(write_end, action())
        finally:
            os._exit(0)
    os.close(write_end)
    os.waitpid(child, 0)
    answer = os.read(read_end, 4096)
    os.close(read_end)
    return answer


def in_force(active: bool, mechanism: str) -> bool:
    """Whether the strongest ``mechanism`` is in force. Under CI a fallback fails the test;
    elsewhere the caller checks the documented fallback instead."""
    if not active and STRICT:
        pytest.fail(f"{mechanism} fell back under CI, where full isolation is required")
    return active


def processes_named(prefix: str) -> dict[int, str]:
    """Processes whose name (comm, which a test program sets with prctl) starts with ``prefix``."""
    return {pid: p.name for pid, p in _processes().items() if p.name.startswith(prefix)}


def wait_for_processes(prefix: str, count: int = 1, *, excluding: frozenset[int] = frozenset()) -> set[int]:
    """Wait until at least ``count`` processes (other than ``excluding``) are named ``prefix...``
    (a test program's way of saying it reached a point); fails after ``WAIT_S``."""
    give_up = time.monotonic() + WAIT_S
    while len(found := set(processes_named(prefix)) - excluding) < count:
        if time.monotonic() > give_up:
            pytest.fail(f"no {count} process(es) named {prefix!r} appeared")
        time.sleep(0.01)
    return found


def name_self(name: str) -> str:
    """Program text that names the running process (how a test program signals a point it reached)."""
    return f"import ctypes\nctypes.CDLL(None).prctl(15, {name.encode()!r}, 0, 0, 0)\n"


# A program that starts a daemon (new session, ignores SIGTERM/SIGHUP, outlives its parent) and
# returns once the daemon is set up: the sandbox must kill it after the run.
DAEMON = (
    "import os, signal, time\n"
    "ready_r, ready_w = os.pipe()\n"
    "if os.fork() == 0:\n"
    "    os.setsid()\n"
    "    if os.fork() == 0:\n"
    "        signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
    "        signal.signal(signal.SIGHUP, signal.SIG_IGN)\n"
    "        os.write(ready_w, b'1')\n"
    "        time.sleep(60)\n"
    "    os._exit(0)\n"
    "os.read(ready_r, 1)\n"
    "print('parent done')\n"
)


def memory_holders(children: int, mib: int, *, hold_forever: bool) -> str:
    """A program whose ``children`` processes each fill ``mib`` MiB and hold it. It prints how
    many hold their memory at once once each has filled it or died; with ``hold_forever`` it then
    waits for them forever (until the sandbox stops the job)."""
    return (
        "import os\n"
        "done_r, done_w = os.pipe()\n"
        "release_r, release_w = os.pipe()\n"
        "children = []\n"
        f"for _ in range({children}):\n"
        "    pid = os.fork()\n"
        "    if pid == 0:\n"
        "        os.close(release_w)\n"
        f"        block = b'\\x01' * ({mib} << 20)\n"
        "        os.write(done_w, b'1')\n"
        "        os.close(done_w)\n"
        "        os.read(release_r, 1)\n"
        "        os._exit(0)\n"
        "    children.append(pid)\n"
        "os.close(done_w)\n"
        "while os.read(done_r, 64):\n"
        "    pass\n"
        "holding = [pid for pid in children if os.waitpid(pid, os.WNOHANG) == (0, 0)]\n"
        "print(len(holding), flush=True)\n"
        f"if {hold_forever}:\n"
        "    os.wait()\n"
        "os.close(release_w)\n"
        "for pid in holding:\n"
        "    os.waitpid(pid, 0)\n"
    )


STANDING = frozenset({*ZYGOTE_NAMES, NAME_SUPERVISOR, NAME_READY})  # an idle worker's own processes


@dataclass(frozen=True)
class Proc:
    ppid: int
    uid: int
    name: str
    sandbox_worker: bool  # a (forked) copy of the sandbox worker program
    namespace_init: bool  # PID 1 of its innermost PID namespace


def _processes() -> dict[int, Proc]:
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            status = dict(line.split(":", 1) for line in Path(f"/proc/{entry}/status").read_text().splitlines())
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes()
        except (OSError, ValueError):
            continue
        found[int(entry)] = Proc(ppid=int(status["PPid"]), uid=int(status["Uid"].split()[0]),
                                 name=status["Name"].strip(), sandbox_worker=b"codesteer.sandbox.worker" in cmdline,
                                 namespace_init=status.get("NSpid", "").split()[-1:] == ["1"])
    return found


def _describe(pid: int, proc: Proc) -> str:
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")[:80]
    except OSError:
        cmdline = b"(gone)"
    return f"{pid} ppid={proc.ppid} uid={proc.uid} {cmdline!r}"


def stray_processes(ignore: frozenset[int] = frozenset()) -> list[str]:
    """Descendants of this test process other than the processes of idle sandbox workers (the
    worker, the init of its PID namespace, its zygotes, supervisor and the job process ready for
    the next job), plus any process anywhere running under a sandbox job uid; pids in ``ignore``
    (what already ran before the test, e.g. multiprocessing's resource tracker left by an earlier
    test module) are not counted."""
    table = _processes()
    workers = {pid for pid, p in table.items()
               if p.sandbox_worker and not (p.ppid in table and table[p.ppid].sandbox_worker)}
    inits = {pid for pid, p in table.items() if p.sandbox_worker and p.ppid in workers and p.namespace_init}
    standing = {pid for pid, p in table.items()
                if p.sandbox_worker and p.name in STANDING and p.uid == os.geteuid()}
    strays, frontier = set(), [os.getpid()]
    while frontier:
        frontier = [pid for pid, p in table.items() if p.ppid in frontier]
        strays.update(pid for pid in frontier if pid not in workers | inits | standing)
    if os.geteuid() == 0:
        strays.update(pid for pid, p in table.items() if p.uid >= UID_BASE)
    return sorted(_describe(pid, table[pid]) for pid in strays - ignore)


def _unix_socket(kind: socket.SocketKind, path: Path) -> socket.socket:
    sock = socket.socket(socket.AF_UNIX, kind)
    sock.bind(str(path))
    path.chmod(0o777)  # anyone may connect, as to many real services' sockets
    if kind == socket.SOCK_STREAM:
        sock.listen()
    return sock


@dataclass
class Listener:
    """TCP and UDP sockets on 127.0.0.1 and Unix stream and datagram sockets in a world-readable
    directory, that record anything that reaches them."""

    tcp: socket.socket = field(default_factory=lambda: socket.create_server(("127.0.0.1", 0)))
    udp: socket.socket = field(default_factory=lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM))
    unix_dir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="codesteer-host-", dir="/tmp")))
    received: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.udp.bind(("127.0.0.1", 0))
        self.unix_dir.chmod(0o755)
        self.unix_stream_path, self.unix_dgram_path = self.unix_dir / "stream.sock", self.unix_dir / "dgram.sock"
        self.unix_stream = _unix_socket(socket.SOCK_STREAM, self.unix_stream_path)
        self.unix_dgram = _unix_socket(socket.SOCK_DGRAM, self.unix_dgram_path)
        for sock in (self.tcp, self.udp, self.unix_stream, self.unix_dgram):
            sock.settimeout(0.05)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    @property
    def tcp_port(self) -> int:
        return self.tcp.getsockname()[1]

    @property
    def udp_port(self) -> int:
        return self.udp.getsockname()[1]

    def _watch(self) -> None:
        while not self._stop.is_set():
            for sock, kind in ((self.tcp, "tcp"), (self.udp, "udp"), (self.unix_stream, "unix stream"),
                               (self.unix_dgram, "unix datagram")):
                try:
                    if sock.type == socket.SOCK_STREAM:
                        conn, peer = sock.accept()
                        conn.close()
                        self.received.append(f"{kind} connection from {peer!r}")
                    else:
                        data, peer = sock.recvfrom(4096)
                        self.received.append(f"{kind} {data!r} from {peer!r}")
                except OSError:
                    continue

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        for sock in (self.tcp, self.udp, self.unix_stream, self.unix_dgram):
            sock.close()
        shutil.rmtree(self.unix_dir)


@dataclass
class Host:
    sentinel_dir: Path
    sentinel: Path
    listener: Listener


@pytest.fixture(scope="session")
def pool() -> Iterator[SandboxPool]:
    with SandboxPool(size=2, config=FAST) as warm:
        yield warm


@pytest.fixture(scope="session")
def oneshot() -> Iterator[SandboxPool]:
    with SandboxPool(size=2, config=FAST, mode="oneshot") as fresh:
        yield fresh


@pytest.fixture(scope="session")
def single() -> Iterator[SandboxPool]:
    """One warm worker, so consecutive jobs are known to share it."""
    with SandboxPool(size=1, config=FAST) as one:
        yield one


@pytest.fixture(params=["pool", "oneshot"])
def runner(request: pytest.FixtureRequest) -> SandboxPool:
    """Each hostile case runs through the warm pool and through one-shot mode."""
    return request.getfixturevalue(request.param)


@pytest.fixture(autouse=True)
def host(tmp_path: Path) -> Iterator[Host]:
    sentinel_dir = tmp_path / "host-files"
    sentinel_dir.mkdir()
    sentinel = sentinel_dir / "precious.txt"
    sentinel.write_text("do not touch")
    listener = Listener()
    guard = Host(sentinel_dir, sentinel, listener)
    shared_tmp = Path(tempfile.gettempdir())
    tmp_mode = shared_tmp.stat().st_mode
    before = frozenset(int(entry.split()[0]) for entry in stray_processes())
    yield guard
    assert shared_tmp.stat().st_mode == tmp_mode, f"the mode of {shared_tmp} changed"
    listener.close()
    assert listener.received == [], "the sandbox reached one of the host's listeners"
    assert sentinel.read_text() == "do not touch"
    assert sorted(p.name for p in sentinel_dir.iterdir()) == ["precious.txt"]
    deadline = time.monotonic() + WAIT_S
    while (strays := stray_processes(before)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert strays == [], f"processes left behind: {strays}"
    assert os.getpid() > 0 and Path(f"/proc/{os.getpid()}").exists()
