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

from codesteer import sandbox
from codesteer.sandbox import SandboxConfig, SandboxPool
from codesteer.sandbox.worker import UID_BASE

FAST = SandboxConfig(timeout_s=10.0, memory_mb=512)


def _processes() -> dict[int, tuple[int, int]]:
    """pid -> (ppid, uid) for every process on the machine."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_bytes()
            status = Path(f"/proc/{entry}/status").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(b")", 1)[1].split()[1])
        uid = int(next(line for line in status.splitlines() if line.startswith("Uid:")).split()[1])
        found[int(entry)] = (ppid, uid)
    return found


def _describe(pid: int) -> str:
    try:
        status = Path(f"/proc/{pid}/status").read_text().splitlines()
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")[:80]
    except OSError:
        return f"{pid} (gone)"
    fields = {line.split(":")[0]: line.split(":", 1)[1].strip() for line in status}
    return f"{pid} {fields['State']} ppid={fields['PPid']} uid={fields['Uid'].split()[0]} {cmdline!r}"


def stray_processes(allowed: set[int]) -> list[int]:
    """Descendants of this test process other than the ``allowed`` (idle) workers and their
    PID-namespace init (a root child of the worker), plus any process running under a job uid."""
    table = _processes()
    inits = {pid for pid, (ppid, uid) in table.items() if ppid in allowed and uid == 0}
    mine, frontier = [], [os.getpid()]
    while frontier:
        frontier = [pid for pid, (ppid, _) in table.items() if ppid in frontier]
        mine.extend(pid for pid in frontier if pid not in allowed | inits)
    by_uid = [pid for pid, (_, uid) in table.items() if uid >= UID_BASE and os.geteuid() == 0]
    return sorted(set(mine) | set(by_uid))


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
    pools: list[SandboxPool]

    def allowed(self) -> set[int]:
        """The idle workers of the shared pools (and of the process-wide default pool)."""
        pools = [*self.pools, *([sandbox._default] if sandbox._default is not None else [])]
        return {worker.process.pid for pool in pools for worker in pool._live}


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
def host(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Host]:
    sentinel_dir = tmp_path / "host-files"
    sentinel_dir.mkdir()
    sentinel = sentinel_dir / "precious.txt"
    sentinel.write_text("do not touch")
    listener = Listener()
    pools = [request.getfixturevalue(name) for name in ("pool", "oneshot", "single")]
    guard = Host(sentinel_dir, sentinel, listener, pools)
    shared_tmp = Path(tempfile.gettempdir())
    tmp_mode = shared_tmp.stat().st_mode
    yield guard
    assert shared_tmp.stat().st_mode == tmp_mode, f"the mode of {shared_tmp} changed"
    listener.close()
    assert listener.received == [], "the sandbox reached the host's 127.0.0.1 listener"
    assert sentinel.read_text() == "do not touch"
    assert sorted(p.name for p in sentinel_dir.iterdir()) == ["precious.txt"]
    deadline = time.monotonic() + 3
    while (strays := stray_processes(guard.allowed())) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert strays == [], f"processes left behind: {[_describe(pid) for pid in strays]}"
    assert os.getpid() > 0 and Path(f"/proc/{os.getpid()}").exists()
