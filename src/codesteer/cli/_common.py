"""What several commands print the same way: a one-line error, an interrupted run, the command line."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import typer

if TYPE_CHECKING:
    from codesteer.dist import RayBackend


def fail(message: str) -> NoReturn:
    """Print ``error: message`` in red on stderr and exit with status 1."""
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    raise typer.Exit(1)


def interrupted(out: Path, what: str) -> NoReturn:
    """Ctrl-C during a resumable run: say where the finished ``what`` are and exit with status 130."""
    typer.secho(f"interrupted: finished {what} are stored in {out}; run the same command again to resume",
                fg=typer.colors.YELLOW, err=True)
    raise typer.Exit(130) from None


def command_line() -> str:
    """The command as typed (recorded with each run of a run directory)."""
    return shlex.join(["codesteer", *sys.argv[1:]])


STEER_STYLE_HELP = ("finetuned (bare turns, as a trained steerer), prompted (instruction header every turn), "
                    "or auto: what the steering model's checkpoint declares, else prompted.")
ROLE_HELP = "ROLE=SPEC for a helper role (self_check, extractor, summariser); repeatable."
PROMPTS_HELP = ("The CodeSteer loop's words: codesteer (ours) or original:PATH, read from a checkout of "
                "yongchao98/CodeSteer-v1.0 to drive the released steering model as it was trained.")
PROTOCOL_HELP = "How steering outputs are read: strict (ours) or original (the release's substring rule)."

RAY_HELP = ("Solve the jobs on Ray workers (needs the dist extra): alone, a local Ray instance for this run; auto, the "
            "cluster `ray start` runs here; HOST:PORT or ray://HOST:PORT, that cluster. This process still "
            "writes the run directory.")
RAY_WORKERS_HELP = "Ray workers (default: the cluster's CPUs / --ray-worker-cpus); each runs --concurrency jobs."
RAY_CPUS_HELP = "CPUs each Ray worker reserves (and its sandbox pool's size unless --sandbox-concurrency)."
#: What ``--ray`` alone means (the command line also takes it before another option or at the end).
RAY_LOCAL = "local"


def bare_ray(argv: list[str]) -> list[str]:
    """``--ray`` given no address (last, or followed by another option) as ``--ray local``."""
    out: list[str] = []
    for i, arg in enumerate(argv):
        out.append(arg)
        if arg == "--ray" and (i + 1 == len(argv) or argv[i + 1].startswith("-")):
            out.append(RAY_LOCAL)
    return out


def ray_backend(address: str | None, workers: int | None, worker_cpus: int) -> RayBackend | None:
    """The backend ``--ray`` asks for, or None for a run in this process."""
    if address is None:
        return None
    from codesteer.dist import RayBackend

    return RayBackend(address, workers=workers, worker_cpus=worker_cpus)
CONSTRAIN_HELP = ("Decode steering decisions under the protocol's grammar: auto (where the backend does it by "
                  "default: local:), on (also vllm: and llamacpp: servers), off.")
