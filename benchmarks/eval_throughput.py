"""Throughput of the evaluation harness: N CodeSteer jobs at concurrency 1 vs 8/32/64, and on Ray workers.

A local OpenAI-compatible server (a separate process on 127.0.0.1) answers every chat
completion after a fixed delay with canned replies: the steerer asks for code and then returns
the answer, the task model writes a small program, the self-answer checker writes a check
script. Everything else is real: model specs and the HTTP client, the concurrent runner with its
per-endpoint limits, the sandbox (each job runs two programs), the judge and the SQLite store.
Concurrency 1 is what the original sequential scripts do. Prints, per concurrency, the wall
time, the speed-up over concurrency 1, the efficiency (speed-up / concurrency; the goal is
>= 0.8 up to 64), the share of job time spent outside model calls, and the CPU per job that
each group of processes spent in the jobs phase: this process (driver), the sandbox's workers
and job processes, the judge pool, the canned server (read from /proc: Linux only). N defaults to 256, a
multiple of every level: with N = 200 the last of four waves of 64 jobs holds only 8, which
alone caps the efficiency at 64 to 200/256 = 0.78.

``--ray`` instead times the same jobs in this process and on a local Ray instance (this
machine's CPUs) with 1 and 2 workers of ``--ray-concurrency`` jobs each (one CPU and one sandbox
worker each), and prints jobs/s and the scaling efficiency from 1 to 2 workers
(jobs/s with 2 / (2 x jobs/s with 1)). Worker start-up is not timed (it is before the run starts).

    python benchmarks/eval_throughput.py [--n 256] [--delay 0.2] [--concurrency 1,8,32,64]
    python benchmarks/eval_throughput.py --ray [--n 256] [--ray-concurrency 16]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

CHECK_MARK = "checks whether the proposed answer is correct"
TASK_REPLY = "Search all expressions.\n```python\nprint('<<<' + '(1 + 2 + 3) * 4' + '>>>')\n```"
CHECK_REPLY = "```python\nprint('Correct' if (1 + 2 + 3) * 4 == 24 else 'Wrong')\n```"


def reply_for(payload: dict) -> str:
    first = payload["messages"][0]["content"]
    if payload["model"] == "steer":
        return "<<<Code>>>" if len(payload["messages"]) == 1 else "<<<Return Answer>>>"
    return CHECK_REPLY if CHECK_MARK in first else TASK_REPLY


def completion(payload: dict) -> bytes:
    """The chat completion the canned server answers ``payload`` with (a JSON body)."""
    text = reply_for(payload)
    return json.dumps({
        "id": "x", "object": "chat.completion", "model": payload["model"],
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": sum(len(m["content"].split()) for m in payload["messages"]),
                  "completion_tokens": len(text.split())},
    }).encode()


class _CannedHttp(asyncio.Protocol):
    """One keep-alive HTTP/1.1 connection of the canned server: each request (a chat completion
    POST) is answered ``delay`` seconds after it arrived, in order."""

    def __init__(self, delay: float) -> None:
        self.delay, self.buffer = delay, b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while (end := self.buffer.find(b"\r\n\r\n")) >= 0:
            head = self.buffer[:end].lower()
            at = head.find(b"content-length:")
            length = int(head[at + 15:].split(b"\r\n", 1)[0]) if at >= 0 else 0
            if len(self.buffer) < end + 4 + length:
                return
            body, self.buffer = self.buffer[end + 4:end + 4 + length], self.buffer[end + 4 + length:]
            answer = completion(json.loads(body))
            response = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(answer)
                        + answer)
            asyncio.get_running_loop().call_later(self.delay, self._send, response)

    def _send(self, response: bytes) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(response)

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None


def serve(port: int, delay: float) -> None:
    """The canned server: every chat completion answered after ``delay`` seconds. It stands in
    for a model endpoint on another machine, so it is a bare asyncio protocol (keep-alive
    HTTP/1.1, no framework): the CPU it takes from the measured processes is kept small."""

    async def main() -> None:
        server = await asyncio.get_running_loop().create_server(lambda: _CannedHttp(delay), "127.0.0.1", port,
                                                                backlog=1024)
        async with server:
            await server.serve_forever()

    asyncio.run(main())


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait(port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("the canned server did not start")


GROUPS = ("driver", "sandbox", "judges", "server", "other")
_TICK = os.sysconf("SC_CLK_TCK")


def _group(cmdline: bytes) -> str:
    """The group of a child of this process (its descendants stay in it)."""
    if b"codesteer.sandbox.worker" in cmdline:
        return "sandbox"
    if b"multiprocessing" in cmdline:
        return "judges"
    return "server" if b"--serve" in cmdline else "other"


@dataclass(frozen=True)
class ProcessCpu:
    """One process's CPU seconds: its own, and that of the children it has reaped."""

    group: str
    parent: int
    own: float
    reaped: float


def cpu_snapshot() -> dict[int, ProcessCpu]:
    """This process and every descendant (a child is in its parent's group unless its parent is
    this process)."""
    stats: dict[int, list[bytes]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError, IndexError), open(f"/proc/{entry}/stat", "rb") as handle:
                stats[int(entry)] = handle.read().rsplit(b")", 1)[1].split()
    children: dict[int, list[int]] = {}
    for pid, fields in stats.items():
        children.setdefault(int(fields[1]), []).append(pid)
    me, found = os.getpid(), {}
    frontier = [(me, "driver")]
    while frontier:
        pid, group = frontier.pop()
        if pid not in stats:
            continue
        if pid != me and stats[pid][1] == str(me).encode():
            with contextlib.suppress(OSError), open(f"/proc/{pid}/cmdline", "rb") as handle:
                group = _group(handle.read())
        fields = stats[pid]
        times = [int(x) / _TICK for x in fields[11:15]]  # utime stime cutime cstime
        found[pid] = ProcessCpu(group, int(fields[1]), times[0] + times[1], times[2] + times[3])
        frontier.extend((child, group) for child in children.get(pid, []))
    return found


def cpu_between(first: dict[int, ProcessCpu], last: dict[int, ProcessCpu]) -> dict[str, float]:
    """CPU seconds per group between two snapshots. A process that ended in between counted its
    whole life in its parent's reaped time: what it had used before is taken off again, and what
    this process reaped goes to the group of the children it lost."""
    me = os.getpid()
    seconds = dict.fromkeys(GROUPS, 0.0)
    lost = {f.group for pid, f in first.items() if pid not in last and f.parent == me}
    for pid, now in last.items():
        before = first.get(pid, ProcessCpu(now.group, now.parent, 0.0, 0.0))
        if pid == me:
            seconds["driver"] += now.own - before.own
            seconds[lost.pop() if len(lost) == 1 else "other"] += now.reaped - before.reaped
        else:
            seconds[now.group] += now.own + now.reaped - before.own - before.reaped
    for pid, before in first.items():
        if pid not in last:
            seconds[before.group] -= before.own + before.reaped
    return seconds


class CpuWindow:
    """The runner's progress hook: CPU by group from the start of the jobs phase to its last job."""

    def __init__(self) -> None:
        self.first: dict[int, ProcessCpu] = {}
        self.last: dict[int, ProcessCpu] = {}
        self.left = 0

    def start(self, total: int, done: int, correct: int, notices: object) -> None:
        self.first, self.left = cpu_snapshot(), total - done

    def advance(self, result: object) -> None:
        self.left -= 1
        if self.left == 0:
            self.last = cpu_snapshot()

    def per_job_ms(self, jobs: int) -> dict[str, float]:
        if not self.last:  # no job ran (an earlier run had stored them all)
            return dict.fromkeys(GROUPS, 0.0)
        return {g: 1000 * s / max(1, jobs) for g, s in cpu_between(self.first, self.last).items()}


def measure(url: str, n: int, concurrency: int, root: Path, backend: object = None, label: str = "") -> dict[str, float]:
    from codesteer.eval import EvalSpec, RunStore, run_eval

    spec = EvalSpec(methods="codesteer", task_models=f"openai:task@{url}", steer_model=f"openai:steer@{url}",
                    tasks="game24", n=n, seed=concurrency)
    out = root / f"c{concurrency}{label}"
    window = CpuWindow()
    start = time.perf_counter()
    summary = run_eval(spec, out, concurrency=concurrency, cache=False, backend=backend, progress=window)
    total = time.perf_counter() - start
    with RunStore(out) as store:
        rows = store.jobs()
        run = store.runs()[0]
    job_s = sum(r.wall_s for r in rows)
    wall = run.finished_at - run.started_at  # the jobs phase: after planning the instances
    return {"wall_s": wall, "setup_s": total - wall, "jobs": summary.done_now, "errors": summary.errors,
            "outside_share": (job_s - sum(r.model_s for r in rows)) / job_s if job_s else 0.0,
            "calls": sum(r.calls for r in rows), "cpu_ms": window.per_job_ms(summary.done_now)}


def _local_table(results: dict[int, dict[str, float]], levels: list[int], n: int, delay: float) -> None:
    base = results[levels[0]]["wall_s"]
    first = results[levels[0]]
    print(f"{n} CodeSteer jobs, server delay {delay * 1000:.0f} ms, "
          f"{first['calls'] / max(1, first['jobs']):.1f} model calls and 2 sandbox runs per job; "
          f"wall = the jobs phase (planning the instances took {first['setup_s']:.1f} s more per run)")
    cpu_head = " ".join(f"{g:>7}" for g in GROUPS)
    print(f"{'':>56} {'CPU ms per job in the jobs phase':>39}")
    print(f"{'concurrency':>11} {'wall s':>8} {'jobs/s':>7} {'speed-up':>9} {'efficiency':>10} {'outside':>7} "
          f"{cpu_head} {'all':>7}")
    for c, r in results.items():
        speedup = base / r["wall_s"]
        cpu = r["cpu_ms"]
        print(f"{c:>11} {r['wall_s']:>8.2f} {r['jobs'] / r['wall_s']:>7.2f} {speedup:>9.2f} "
              f"{speedup / c * levels[0]:>10.2f} {100 * r['outside_share']:>6.1f}% "
              + " ".join(f"{cpu[g]:>7.1f}" for g in GROUPS) + f" {sum(cpu.values()):>7.1f}"
              + (f"  ({r['errors']} errors)" if r["errors"] else ""))
    print("outside: the share of job time spent outside model calls; CPU: of this process (driver), the "
          "sandbox's workers and job processes, the judge pool, the canned server")


def _ray_table(url: str, n: int, concurrency: int, delay: float, root: Path) -> None:
    import ray

    from codesteer.dist import RayBackend

    rows = {"this process": measure(url, n, concurrency, root, label="-local")}
    ray.init(address="local", include_dashboard=False, log_to_driver=False)
    try:
        for workers in (1, 2):
            backend = RayBackend(workers=workers, worker_cpus=1)
            rows[f"Ray, {workers} worker(s)"] = measure(url, n, concurrency, root, backend, label=f"-ray{workers}")
    finally:
        ray.shutdown()
    rate = {name: r["jobs"] / r["wall_s"] for name, r in rows.items()}
    print(f"{n} CodeSteer jobs, server delay {delay * 1000:.0f} ms, {concurrency} jobs in flight per worker "
          f"(this process counts as one); wall = the jobs phase")
    print(f"{'where':>18} {'wall s':>8} {'jobs/s':>7} {'outside model calls':>20}")
    for name, r in rows.items():
        print(f"{name:>18} {r['wall_s']:>8.2f} {rate[name]:>7.2f} {100 * r['outside_share']:>19.1f}%"
              + (f"  ({r['errors']} errors)" if r["errors"] else ""))
    one, two = rate["Ray, 1 worker(s)"], rate["Ray, 2 worker(s)"]
    print(f"scaling efficiency, 1 -> 2 Ray workers: {two / (2 * one):.2f}; "
          f"1 Ray worker / this process: {one / rate['this process']:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=256, help="CodeSteer jobs per concurrency level")
    parser.add_argument("--delay", type=float, default=0.2, help="server delay per completion (s)")
    parser.add_argument("--concurrency", default="1,8,32,64", help="comma-separated levels; the first is the baseline")
    parser.add_argument("--ray", action="store_true", help="compare this process with 1 and 2 Ray workers")
    parser.add_argument("--ray-concurrency", type=int, default=16, help="--ray: jobs in flight per worker")
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.delay)
        return
    levels = [int(c) for c in args.concurrency.split(",")]
    port = _free_port()
    server = subprocess.Popen([sys.executable, __file__, "--serve", str(port), "--delay", str(args.delay)])
    try:
        _wait(port)
        url = f"http://127.0.0.1:{port}/v1"
        from codesteer.sandbox import default_pool

        default_pool().start()  # warm workers before timing, as in a long run
        with tempfile.TemporaryDirectory() as tmp:
            if args.ray:
                _ray_table(url, args.n, args.ray_concurrency, args.delay, Path(tmp))
            else:
                _local_table({c: measure(url, args.n, c, Path(tmp)) for c in levels}, levels, args.n, args.delay)
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
