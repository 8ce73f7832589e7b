"""``python -m codesteer.sandbox [FILE|-] [--timeout S] [--memory MB] [--report]``.

Runs a Python file (or stdin with ``-``) in a one-shot sandbox and prints the program's stdout,
then its stderr, then one JSON line with the outcome; ``--report`` prints which isolation
mechanisms this machine supports. The exit status is the program's (124 on timeout, 137 when
killed or out of memory).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path

from codesteer.sandbox.pool import SandboxPool
from codesteer.sandbox.types import SandboxConfig

_STATUS = {"timed_out": 124, "killed": 137, "memory_exceeded": 137}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m codesteer.sandbox", description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", help="Python file to run, or - for standard input")
    parser.add_argument("--timeout", type=float, default=SandboxConfig.timeout_s, help="seconds (default 10)")
    parser.add_argument("--memory", type=int, default=SandboxConfig.memory_mb, help="MiB (default 1024)")
    parser.add_argument("--report", action="store_true", help="print the isolation report and exit")
    args = parser.parse_args(argv)
    with SandboxPool(size=1, mode="oneshot") as sandbox:
        if args.report or args.file is None:
            print(json.dumps(asdict(sandbox.isolation), indent=2))
            return 0
        try:
            code = sys.stdin.read() if args.file == "-" else Path(args.file).read_text(encoding="utf-8")
            config = SandboxConfig(timeout_s=args.timeout, memory_mb=args.memory)
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        result = sandbox.run_sync(code, config=config)
    sys.stdout.write(result.stdout)
    sys.stderr.write(result.stderr)
    summary = {k: v for k, v in result.to_dict().items() if k not in ("stdout", "stderr")}
    print(json.dumps(summary), file=sys.stderr)
    return _STATUS.get(result.outcome, result.exit_code or 0)


if __name__ == "__main__":
    sys.exit(main())
