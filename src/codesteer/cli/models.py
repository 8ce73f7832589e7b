"""``codesteer models`` (what is configured, and with --check whether it answers) and
``codesteer chat MODEL PROMPT`` (try a model once)."""

from __future__ import annotations

import asyncio

import typer

from codesteer.cli._common import fail
from codesteer.llm.base import ChatModel, Completion, Message, ModelError, message
from codesteer.llm.inventory import CheckResult, check_provider, configured_models, ping
from codesteer.llm.spec import PROVIDERS, load_model


def models(
    check: bool = typer.Option(False, "--check", help="Ask each configured model whether it answers."),
    specs: list[str] = typer.Argument(None, help="More model specs to ping with --check.", show_default=False),
) -> None:
    """Show which models are configured (embedded model file, API keys, base URL)."""
    entries = configured_models()
    width = max(len(e.spec) for e in entries)
    for entry in entries:
        mark = "yes" if entry.configured else "no "
        typer.echo(f"{entry.spec:<{width}}  configured: {mark}  {entry.detail}")
    typer.echo("\nmodel specs:")
    for provider in PROVIDERS.values():
        typer.echo(f"  {provider.usage:<26} {provider.summary}")
    if not check:
        return

    async def run_checks() -> list[CheckResult]:
        results = [await check_provider(e) for e in entries if e.configured]
        return results + [await ping(spec) for spec in specs or ()]

    results = asyncio.run(run_checks())
    typer.echo("\ncheck:")
    for result in results:
        state = typer.style("ok  ", fg=typer.colors.GREEN) if result.ok else typer.style("FAIL", fg=typer.colors.RED)
        typer.echo(f"  {state} {result.spec}: {result.detail}")
    if not results:
        typer.echo("  nothing configured to check")
    if not all(r.ok for r in results):
        raise typer.Exit(1)


async def _ask(model: ChatModel, messages: list[Message], params: dict) -> Completion:
    try:
        return await model.complete(messages, **params)
    finally:
        await model.aclose()


def chat(
    model: str = typer.Argument(..., help="Model spec: local, openai:gpt-4o, anthropic:..., ..."),
    prompt: str = typer.Argument(..., help="The user message."),
    system: str | None = typer.Option(None, "--system", help="A system message."),
    temperature: float = typer.Option(0.0, "--temperature", min=0.0, help="Sampling temperature."),
    max_tokens: int = typer.Option(512, "--max-tokens", min=1, help="Most tokens to generate."),
    seed: int | None = typer.Option(None, "--seed", help="Sampling seed (distinct seeds, distinct cached samples)."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Ask the model even if the answer is cached."),
) -> None:
    """Send one prompt to a model and print its answer with token counts and latency."""
    messages = ([message("system", system)] if system else []) + [message("user", prompt)]
    params = {"temperature": temperature, "max_tokens": max_tokens, "seed": seed}
    try:
        chat_model = load_model(model, cache=not no_cache)
        reply = asyncio.run(_ask(chat_model, messages, {k: v for k, v in params.items() if v is not None}))
    except ModelError as exc:
        fail(str(exc))
    typer.echo(reply.text.rstrip())
    typer.secho(
        f"--\n{chat_model.name}: prompt tokens {reply.prompt_tokens}, completion tokens "
        f"{reply.completion_tokens}, latency {reply.latency_s:.2f} s, cached: {'yes' if reply.cached else 'no'}",
        dim=True,
    )


def register(app: typer.Typer) -> None:
    """Add ``models`` and ``chat`` to the ``codesteer`` command."""
    app.command("models")(models)
    app.command("chat")(chat)
