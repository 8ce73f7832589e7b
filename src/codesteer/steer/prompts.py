"""Prompt templates: text files under ``steer/prompts/``, one per role, versioned.

A file starts with header lines beginning with ``#``: ``# version: N`` and a one-line
description. The body follows a blank line and uses ``$name`` placeholders
(:class:`string.Template`), so braces and dollar signs inside questions are never touched.
Every rendered message carries its template's name and version into the trajectory.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from functools import cache
from importlib import resources

_VERSION = re.compile(r"^#\s*version:\s*(\d+)\s*$")


class TemplateError(ValueError):
    """A template is missing, has no version header, or was rendered with wrong fields."""


@dataclass(frozen=True)
class Template:
    name: str
    version: int
    description: str
    body: str

    def render(self, **values: str) -> str:
        try:
            return string.Template(self.body).substitute(values)
        except (KeyError, ValueError) as exc:
            raise TemplateError(f"template {self.name!r}: cannot fill placeholder {exc}") from exc


@dataclass(frozen=True)
class Rendered:
    """A message text and the templates that produced it (``name@version``, outermost first)."""

    text: str
    templates: tuple[str, ...]


#: A message: rendered from templates, or text passed on verbatim.
Text = Rendered | str


def text_of(message: Text) -> str:
    return message.text if isinstance(message, Rendered) else message


@cache
def template(name: str) -> Template:
    """The template ``prompts/<name>.txt``."""
    path = resources.files("codesteer.steer") / "prompts" / f"{name}.txt"
    if not path.is_file():
        raise TemplateError(f"no prompt template named {name!r}")
    lines = path.read_text(encoding="utf-8").splitlines()
    header = []
    while lines and lines[0].startswith("#"):
        header.append(lines.pop(0))
    version = next((int(m.group(1)) for h in header if (m := _VERSION.match(h))), None)
    if version is None:
        raise TemplateError(f"template {name!r} has no '# version: N' header line")
    description = next((h.lstrip("# ").strip() for h in header if not _VERSION.match(h)), "")
    while lines and not lines[0].strip():
        lines.pop(0)
    return Template(name, version, description, "\n".join(lines).rstrip() + "\n")


def render(name: str, **values: str | Rendered) -> Rendered:
    """Fill template ``name``; values may be rendered templates, whose origins are kept."""
    tpl = template(name)
    origins = [f"{tpl.name}@{tpl.version}"]
    texts = {}
    for key, value in values.items():
        if isinstance(value, Rendered):
            origins.extend(value.templates)
            value = value.text
        texts[key] = value
    return Rendered(tpl.render(**texts).rstrip("\n"), tuple(origins))


#: The templates of what a fine-tuned steering model is shown (the bare steering turns).
STEERING_TEMPLATES = ("steer_choice", "steer_round", "steer_code_notes", "execution_note")


def versions(names: tuple[str, ...] = STEERING_TEMPLATES) -> dict[str, int]:
    """``name -> version`` of shipped templates (recorded in a trained steering model's card)."""
    return {name: template(name).version for name in names}


def available() -> list[str]:
    """Names of all shipped templates."""
    folder = resources.files("codesteer.steer") / "prompts"
    return sorted(p.name[:-4] for p in folder.iterdir() if p.name.endswith(".txt"))
