"""Sandbox fixtures: shared pools (warm and one-shot) and a guard that checks the host afterwards.

The ``host`` guard (autouse) gives every test a sentinel directory the sandbox must not touch and
a 127.0.0.1 TCP + UDP listener that must receive nothing; after the test it asserts the host is
unharmed: this process alive, no processes left behind, sentinel intact, listener untouched.
"""

from __future__ import annotations

import os
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from codesteer.sandbox import SandboxConfig, SandboxPool
from codesteer.sandbox.isolation import UID_BASE

FAST = SandboxConfig(timeout_s=10.0, memory_mb=512)


@dataclass(frozen=True)
class Proc:
    ppid: int
    uid: int
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
                                 sandbox_worker=b"codesteer.sandbox.worker" in cmdline,
                                 namespace_init=status.get("NSpid", "").split()[-1:] == ["1"])
    return found


def _describe(pid: int, proc: Proc) -> str:
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")[:80]
    except OSError:
        cmdline = b"(gone)"
    return f"{pid} ppid={proc.ppid} uid={proc.uid} {cmdline!r}"


def stray_processes(ignore: frozenset[int] = frozenset()) -> list[str]:
    """Descendants of this test process other than idle sandbox workers (and the init of each
    worker's PID namespace), plus any process anywhere running under a sandbox job uid; pids in
    ``ignore`` (what already ran before the test, e.g. multiprocessing's resource tracker left by
    an earlier test module) are not counted."""
    table = _processes()
    workers = {pid for pid, p in table.items()
               if p.sandbox_worker and not (p.ppid in table and table[p.ppid].sandbox_worker)}
    inits = {pid for pid, p in table.items() if p.sandbox_worker and p.ppid in workers and p.namespace_init}
    strays, frontier = set(), [os.getpid()]
    while frontier:
        frontier = [pid for pid, p in table.items() if p.ppid in frontier]
        strays.update(pid for pid in frontier if pid not in workers | inits)
    if os.geteuid() == 0:
        strays.update(pid for pid, p in table.items() if p.uid >= UID_BASE)
    return sorted(_describe(pid, table[pid]) for pid in strays - ignore)


@dataclass
class Listener:
    """TCP and UDP sockets on 127.0.0.1 that record anything that reaches them."""

    tcp: socket.socket = field(default_factory=lambda: socket.create_server(("127.0.0.1", 0)))
    udp: socket.socket = field(default_factory=lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM))
    received: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.udp.bind(("127.0.0.1", 0))
        self.tcp.settimeout(0.1)
        self.udp.settimeout(0.1)
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
            for sock, kind in ((self.tcp, "tcp"), (self.udp, "udp")):
                try:
                    if kind == "tcp":
                        conn, peer = sock.accept()
                        conn.close()
                        self.received.append(f"tcp connection from {peer}")
                    else:
                        data, peer = sock.recvfrom(4096)
                        self.received.append(f"udp {data!r} from {peer}")
                except OSError:
                    continue

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.tcp.close()
        self.udp.close()


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
    assert listener.received == [], "the sandbox reached the host's 127.0.0.1 listener"
    assert sentinel.read_text() == "do not touch"
    assert sorted(p.name for p in sentinel_dir.iterdir()) == ["precious.txt"]
    deadline = time.monotonic() + 3
    while (strays := stray_processes(before)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert strays == [], f"processes left behind: {strays}"
    assert os.getpid() > 0 and Path(f"/proc/{os.getpid()}").exists()
