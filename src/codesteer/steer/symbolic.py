"""The symbolic checker: static analysis of the task model's code, no model involved.

Two scorings, both always computed and recorded:

* ``original`` — the released rule: count the substrings ``for|while``, ``if|elif|else`` and
  ``try|except`` anywhere in the source text (identifiers and comments included) and add 0.25
  per binary operation in the AST. Easily fooled both ways (a comment saying "verify the
  geometry" scores 3; ``from itertools import permutations`` is not noticed).
* ``codesteer`` (default) — counted on the AST only: loops (with a bonus for nesting),
  recursion, branches, search and exact-math libraries, ``eval``/``exec``, and 0.25 per
  arithmetic operation (at most 2 in all). Code whose printed values are literals, or are
  computed only from literals without loops or calls (a hand-typed answer), scores 0 and says so.

A score at or below the threshold (default 2, as in the paper) adds the note that the code may
not be complex enough to compute the answer symbolically. The summary lists each finding once.
"""

from __future__ import annotations

import ast
import re
from dataclasses import asdict, dataclass, field
from typing import Any

SEARCH_MODULES = {"itertools", "heapq", "networkx", "collections", "functools", "bisect"}
EXACT_MODULES = {"sympy", "fractions", "decimal", "z3", "constraint", "ortools", "pulp", "scipy", "numpy"}
LOW_NOTE = "The code may not be complex enough to compute the answer symbolically."


@dataclass
class SymbolicReport:
    """What the checker found. ``score`` is the configured variant's score."""

    variant: str
    score: float
    codesteer_score: float
    original_score: float
    low: bool
    literal_answer: bool
    summary: str
    findings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def original_score(code: str, tree: ast.AST | None) -> float:
    """The released scoring rule (raw-text substring counts + 0.25 per binary operation)."""
    if tree is None:
        return 0.0
    text_hits = sum(len(re.findall(p, code)) for p in ("for|while", "if|elif|else", "try|except"))
    binops = sum(isinstance(n, ast.BinOp) for n in ast.walk(tree))
    return text_hits + 0.25 * binops


@dataclass
class _Features:
    loops: int = 0
    max_depth: int = 0
    branches: int = 0
    tries: int = 0
    arithmetic: int = 0
    recursive: list[str] = field(default_factory=list)
    search_modules: set[str] = field(default_factory=set)
    exact_modules: set[str] = field(default_factory=set)
    dynamic_eval: set[str] = field(default_factory=set)


class _Visitor(ast.NodeVisitor):
    def __init__(self) -> None:
        self.f = _Features()
        self._depth = 0
        self._functions: list[str] = []

    def _loop(self, node: ast.AST) -> None:
        self.f.loops += 1
        self._depth += 1
        self.f.max_depth = max(self.f.max_depth, self._depth)
        self.generic_visit(node)
        self._depth -= 1

    visit_For = visit_AsyncFor = visit_While = _loop

    def visit_comprehension(self, node: ast.comprehension) -> None:
        self.f.loops += 1
        self.f.max_depth = max(self.f.max_depth, self._depth + 1)
        self.generic_visit(node)

    def visit_If(self, node: ast.If) -> None:
        self.f.branches += 1
        self.generic_visit(node)

    visit_IfExp = visit_If  # type: ignore[assignment]

    def visit_Try(self, node: ast.Try) -> None:
        self.f.tries += 1
        self.generic_visit(node)

    def visit_BinOp(self, node: ast.BinOp) -> None:
        self.f.arithmetic += 1
        self.generic_visit(node)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._module(alias.name)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.module:
            self._module(node.module)

    def _module(self, name: str) -> None:
        root = name.split(".")[0]
        if root in SEARCH_MODULES:
            self.f.search_modules.add(root)
        if root in EXACT_MODULES:
            self.f.exact_modules.add(root)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self._functions.append(node.name)
        self.generic_visit(node)
        self._functions.pop()

    visit_AsyncFunctionDef = visit_FunctionDef  # type: ignore[assignment]

    def visit_Call(self, node: ast.Call) -> None:
        if isinstance(node.func, ast.Name):
            if node.func.id in ("eval", "exec"):
                self.f.dynamic_eval.add(node.func.id)
            name = node.func.id
            if self._functions and name == self._functions[-1] and name not in self.f.recursive:
                self.f.recursive.append(name)
        self.generic_visit(node)


def _is_constant(node: ast.AST, constants: set[str]) -> bool:
    """Whether ``node`` is built only from literals (and names bound only to literals)."""
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and sub.id not in constants:
            return False
        if isinstance(sub, ast.Call | ast.Attribute | ast.Subscript | ast.Lambda | ast.comprehension):
            return False
    return True


def _literal_answer(tree: ast.Module, features: _Features) -> bool:
    """Whether every printed value is a literal or literal arithmetic, with nothing searched."""
    if features.loops or features.recursive or features.dynamic_eval:
        return False
    constants: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and _is_constant(node.value, constants):
            constants.update(t.id for t in node.targets if isinstance(t, ast.Name))
    prints = [
        n for n in ast.walk(tree)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "print"
    ]
    if not prints:
        return False
    other_calls = [
        n for n in ast.walk(tree)
        if isinstance(n, ast.Call) and not (isinstance(n.func, ast.Name) and n.func.id == "print")
    ]
    if other_calls:
        return False
    return all(_is_constant(arg, constants) for call in prints for arg in call.args)


def _codesteer_score(f: _Features) -> float:
    score = f.loops + max(0, f.max_depth - 1) + 2 * len(f.recursive)
    score += 0.5 * (f.branches + f.tries)
    score += 2 * bool(f.search_modules) + 2 * bool(f.exact_modules) + 1.5 * bool(f.dynamic_eval)
    return score + min(2.0, 0.25 * f.arithmetic)


def _findings(f: _Features, literal: bool) -> list[str]:
    out = []
    if literal:
        out.append("Only prints literal values (or arithmetic on literals): nothing is computed or searched.")
    if f.loops:
        out.append(f"Searches with {f.loops} loop(s)/comprehension(s), nested {f.max_depth} deep.")
    if f.recursive:
        out.append(f"Uses recursion ({', '.join(f.recursive)}).")
    if f.search_modules:
        out.append(f"Uses search/data-structure modules: {', '.join(sorted(f.search_modules))}.")
    if f.exact_modules:
        out.append(f"Uses exact or symbolic math modules: {', '.join(sorted(f.exact_modules))}.")
    if f.dynamic_eval:
        out.append(f"Evaluates built expressions with {'/'.join(sorted(f.dynamic_eval))}.")
    if f.branches or f.tries:
        out.append(f"Checks conditions: {f.branches} branch(es), {f.tries} try block(s).")
    if f.arithmetic:
        out.append(f"Performs {f.arithmetic} arithmetic operation(s).")
    return out


def analyze(code: str, *, variant: str = "codesteer", threshold: float = 2.0) -> SymbolicReport:
    """Score ``code`` and explain the score; never raises."""
    try:
        tree: ast.Module | None = ast.parse(code)
    except (SyntaxError, ValueError) as exc:
        tree = None
        error = f"The code does not parse: {exc}."
    if tree is None:
        summary = f"{error}\nComplexity score: 0\n{LOW_NOTE}"
        return SymbolicReport(variant, 0.0, 0.0, 0.0, True, False, summary, [error])
    visitor = _Visitor()
    visitor.visit(tree)
    literal = _literal_answer(tree, visitor.f)
    ours = 0.0 if literal else _codesteer_score(visitor.f)
    theirs = original_score(code, tree)
    score = ours if variant == "codesteer" else theirs
    findings = _findings(visitor.f, literal) or ["No loops, branches, calculations or libraries found."]
    low = score <= threshold
    lines = [*findings, f"Complexity score: {score:g}"] + ([LOW_NOTE] if low else [])
    return SymbolicReport(variant, score, ours, theirs, low, literal, "\n".join(lines), findings)
