"""Reading strings out of Python source with :mod:`ast`, without running it: :class:`Format`
(literal parts and named holes of a string or f-string) and :class:`Source` (one file)."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path


class ReleaseError(ValueError):
    """The folder is not a readable copy of the release (the message names the file and string)."""


@dataclass(frozen=True)
class Format:
    """A string with holes: ``parts`` alternate literal text and ``(hole,)`` names."""

    parts: tuple[str | tuple[str], ...]

    @property
    def holes(self) -> tuple[str, ...]:
        return tuple(p[0] for p in self.parts if isinstance(p, tuple))

    def fill(self, **values: str) -> str:
        missing = set(self.holes) - set(values)
        if missing:
            raise ReleaseError(f"no value for {sorted(missing)} in a format of the release")
        return "".join(p if isinstance(p, str) else str(values[p[0]]) for p in self.parts)

    def __add__(self, other: Format) -> Format:
        return Format(self.parts + other.parts)


def string_format(node: ast.expr, where: str) -> Format:
    """A string expression (constant, f-string, or ``+`` of those) as a Format."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return Format((node.value,))
    if isinstance(node, ast.JoinedStr):
        parts: list[str | tuple[str]] = []
        for value in node.values:
            if isinstance(value, ast.Constant):
                parts.append(value.value)
            elif isinstance(value, ast.FormattedValue) and value.conversion == -1 and value.format_spec is None:
                parts.append((ast.unparse(value.value),))
            else:
                raise ReleaseError(f"{where}: unexpected f-string part {ast.unparse(value)!r}")
        return Format(tuple(parts))
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return string_format(node.left, where) + string_format(node.right, where)
    raise ReleaseError(f"{where}: expected a string, found {ast.unparse(node)[:80]!r}")


class Source:
    def __init__(self, root: Path, name: str) -> None:
        self.path = root / name
        if not self.path.is_file():
            raise ReleaseError(f"{root} is not a copy of the CodeSteer release: {name} is missing")
        self.name = name
        self.bytes = self.path.read_bytes()
        try:
            self.tree = ast.parse(self.bytes, filename=name)
        except SyntaxError as exc:
            raise ReleaseError(f"{self.path}: not readable Python ({exc})") from exc

    def where(self, what: str) -> str:
        return f"{self.path} ({what})"

    def constant(self, name: str) -> str:
        """A module-level string assigned to ``name`` (an f-string without holes counts)."""
        for node in self.tree.body:
            if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
                fmt = string_format(node.value, self.where(name))
                if fmt.holes:
                    raise ReleaseError(f"{self.where(name)}: expected a plain string")
                return fmt.fill()
        raise ReleaseError(f"{self.where(name)}: no such string")

    def function(self, name: str) -> ast.FunctionDef:
        for node in ast.walk(self.tree):
            if isinstance(node, ast.FunctionDef) and node.name == name:
                return node
        raise ReleaseError(f"{self.where(name)}: no such function")

    def assigned(self, name: str, scope: ast.AST | None = None) -> list[Format]:
        """Every string expression assigned (or ``+=``-ed) to ``name``, in source order."""
        found = []
        for node in ast.walk(scope or self.tree):
            target = node.targets[0] if isinstance(node, ast.Assign) and len(node.targets) == 1 else (
                node.target if isinstance(node, ast.AugAssign) else None)
            if isinstance(target, ast.Name) and target.id == name:
                value = node.value
                if isinstance(value, ast.BinOp) and isinstance(value.left, ast.Name) and value.left.id == name:
                    value = value.right  # ``x = x + f"..."``: the suffix
                try:
                    found.append((node.lineno, string_format(value, self.where(name))))
                except ReleaseError:
                    continue  # a non-string assignment of the same name
        return [fmt for _, fmt in sorted(found, key=lambda item: item[0])]


def only(formats: list[Format], holes: set[str], where: str) -> Format:
    chosen = list(dict.fromkeys(f for f in formats if set(f.holes) == holes))  # repeats of one format count once
    if len(chosen) != 1:
        raise ReleaseError(f"{where}: expected one format with holes {sorted(holes)}, found {len(chosen)}")
    return chosen[0]


def appended(function: ast.FunctionDef, where: str) -> list[Format]:
    """The string arguments of ``x.append(...)`` calls in ``function``, in source order."""
    out = []
    for node in ast.walk(function):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "append"
                and len(node.args) == 1 and isinstance(node.args[0], ast.Constant | ast.JoinedStr)):
            out.append((node.lineno, node.col_offset, string_format(node.args[0], where)))
    return [fmt for *_, fmt in sorted(out, key=lambda item: item[:2])]


def dict_values(function: ast.FunctionDef, key: str, where: str) -> list[Format]:
    """The string values stored under ``key`` in dict literals of ``function``."""
    return [string_format(value, where) for node in ast.walk(function) if isinstance(node, ast.Dict)
            for k, value in zip(node.keys, node.values, strict=True)
            if isinstance(k, ast.Constant) and k.value == key]
