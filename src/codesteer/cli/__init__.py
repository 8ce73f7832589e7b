"""The ``codesteer`` command. Thin: each submodule of this package adds its commands.

A module here defines ``register(app: typer.Typer) -> None``; modules are discovered, so adding
a command group is adding one module. Commands call the Python API and print; they hold no logic
of their own.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys

import typer

from codesteer import __version__
from codesteer.cli._common import bare_ray
from codesteer.llm.base import ModelError

app = typer.Typer(
    name="codesteer",
    help="Steer language models between code and text on symbolic tasks (CodeSteer + SymBench).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"codesteer {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version."),
) -> None:
    """Steer language models between code and text on symbolic tasks."""


def _register_commands() -> None:
    for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if not module.name.startswith("_"):
            importlib.import_module(f"{__name__}.{module.name}").register(app)


_register_commands()


def main() -> None:
    """Entry point of the console script: user-facing errors print as one line, no traceback."""
    try:
        app(args=bare_ray(sys.argv[1:]))
    except ModelError as exc:
        typer.secho(f"error: {exc}", fg=typer.colors.RED, err=True)
        sys.exit(1)
    except BrokenPipeError:  # output piped into `head` and the like: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
    except OSError as exc:  # a path that cannot be written or read, a full disk
        where = f": {exc.filename}" if exc.filename else ""
        typer.secho(f"error: {exc.strerror or exc}{where}", fg=typer.colors.RED, err=True)
        sys.exit(1)
