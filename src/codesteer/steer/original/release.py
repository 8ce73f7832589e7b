"""Reading the strings that define the original CodeSteer loop from a user's copy of the release.

We never ship the original's prompt text. A user points ``--prompts original:PATH`` at a checkout
of ``yongchao98/CodeSteer-v1.0``; this module parses its files with :mod:`ast` (nothing of it is
executed) and keeps each string or f-string as a :class:`Format`: literal parts and named holes.
Every file read goes into a SHA-256 digest, recorded in every trajectory that uses the release.

Read from the release:

- ``prompt.py``: the round-0 choice prompt, the prompted steerer's header, the standard code and
  text instructions, the checker's instruction;
- ``benchmark/run_Logic_Game_CodeSteer_test.py`` (or another ``run_*_CodeSteer_test.py``): the
  steering turn formats (with and without the code-complexity summary), the prompted header
  format, the execution suffixes appended to the task model's reply, the "not complex enough" note;
- ``generation_models.py``: the checker's request format and the formats of its feedback;
- ``symbolic_code_check.py``: the code-complexity explanations.
"""

from __future__ import annotations

import ast
import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

RUNNER_GLOB = "benchmark/run_*_CodeSteer_test.py"
PREFERRED_RUNNER = "benchmark/run_Logic_Game_CodeSteer_test.py"


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


def _format(node: ast.expr, where: str) -> Format:
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
        return _format(node.left, where) + _format(node.right, where)
    raise ReleaseError(f"{where}: expected a string, found {ast.unparse(node)[:80]!r}")


class _Source:
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
                fmt = _format(node.value, self.where(name))
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
                    found.append((node.lineno, _format(value, self.where(name))))
                except ReleaseError:
                    continue  # a non-string assignment of the same name
        return [fmt for _, fmt in sorted(found, key=lambda item: item[0])]


def _one(formats: list[Format], holes: set[str], where: str) -> Format:
    chosen = list(dict.fromkeys(f for f in formats if set(f.holes) == holes))  # repeats of one format count once
    if len(chosen) != 1:
        raise ReleaseError(f"{where}: expected one format with holes {sorted(holes)}, found {len(chosen)}")
    return chosen[0]


def _appended(function: ast.FunctionDef, where: str) -> list[Format]:
    """The string arguments of ``x.append(...)`` calls in ``function``, in source order."""
    out = []
    for node in ast.walk(function):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "append"
                and len(node.args) == 1 and isinstance(node.args[0], ast.Constant | ast.JoinedStr)):
            out.append((node.lineno, node.col_offset, _format(node.args[0], where)))
    return [fmt for *_, fmt in sorted(out, key=lambda item: item[:2])]


@dataclass(frozen=True)
class Release:
    """Everything the original loop says, as read from one copy of the release."""

    root: Path
    digest: str
    choice: str
    decision: str
    code_instruction: str
    text_instruction: str
    checker_instruction: str
    header: Format
    turn_with_code: Format
    turn_without_code: Format
    low_complexity_note: str
    executed: Format
    executed_errors_only: Format
    executed_too_long: str
    timeout_error: Format
    checker_request: Format
    checker_output: Format
    checker_errors: Format
    checker_both: Format
    checker_no_code: str
    checker_too_long: str
    explanations: tuple[str, ...]
    headings: tuple[str, ...]
    score_line: Format
    parse_error: Format

    @property
    def name(self) -> str:
        return f"original@{self.digest[:12]}"


def _runner(root: Path) -> str:
    if (root / PREFERRED_RUNNER).is_file():
        return PREFERRED_RUNNER
    found = sorted(root.glob(RUNNER_GLOB))
    if not found:
        raise ReleaseError(f"{root} is not a copy of the CodeSteer release: no {RUNNER_GLOB}")
    return str(found[0].relative_to(root))


def read_release(path: str | Path) -> Release:
    """Read (once per folder and content) the release at ``path``."""
    root = Path(path).expanduser().resolve()
    if not root.is_dir():
        raise ReleaseError(f"{root} is not a folder (give the checkout of yongchao98/CodeSteer-v1.0)")
    names = ("prompt.py", _runner(root), "generation_models.py", "symbolic_code_check.py")
    digest = hashlib.sha256(b"".join((root / n).read_bytes() for n in names if (root / n).is_file())).hexdigest()
    return _read(root, names, digest)


@cache
def _read(root: Path, names: tuple[str, ...], digest: str) -> Release:
    prompts, runner, models, checker = (_Source(root, n) for n in names)
    loop = runner.function("run_logic_game") if runner.name == PREFERRED_RUNNER else runner.tree
    turns = runner.assigned("CodeSteer_input_prompt", loop)
    where = runner.where("the steering turn formats")
    executed = runner.assigned("response", loop)
    notes = [f.fill() for f in runner.assigned("code_complexity_summary", loop) if not f.holes]
    check = models.function("LLM_answer_code_checker")
    returns = [_format(n.value, models.where("checker feedback")) for n in ast.walk(check)
               if isinstance(n, ast.Return) and n.value is not None]
    no_code = [f for f in models.assigned("errors", check) if not f.holes]
    explain = checker.function("analyze_code_and_explain")
    lines = _appended(explain, checker.where("explanations"))
    if len(notes) != 1 or len(no_code) != 1:
        raise ReleaseError(f"{where}: unexpected layout (the complexity note or the checker's no-code message)")
    return Release(
        root=root, digest=digest,
        choice=prompts.constant("code_text_choice_prompt"),
        decision=prompts.constant("decision_prompt"),
        code_instruction=prompts.constant("with_COT_code_output_prompt"),
        text_instruction=prompts.constant("text_output_prompt"),
        checker_instruction=prompts.constant("Code_checker_prompt"),
        header=_one(runner.assigned("CodeSteer_input_prompt_head", loop), {"decision_prompt", "question"}, where),
        turn_with_code=_one(turns, {"response", "check_result", "code_complexity_summary"}, where),
        turn_without_code=_one(turns, {"response", "check_result"}, where),
        low_complexity_note=notes[0],
        executed=_one(executed, {"output", "errors"}, where),
        executed_errors_only=_one(executed, {"errors"}, where),
        executed_too_long=_one(executed, set(), where).fill(),
        timeout_error=_one(runner.assigned("errors", loop), {"e.cmd", "e.timeout"}, where),
        checker_request=_one(models.assigned("Input_prompt", check),
                             {"Code_checker_prompt", "question", "response"}, models.where("checker request")),
        checker_output=_one(returns, {"output"}, models.where("checker feedback")),
        checker_errors=_one(returns, {"errors"}, models.where("checker feedback")),
        checker_both=_one(returns, {"output", "errors"}, models.where("checker feedback")),
        checker_no_code=no_code[0].fill(),
        checker_too_long=_one(returns, set(), models.where("checker feedback")).fill(),
        explanations=tuple(f.fill() for f in _appended(checker.function("analyze_computational_approach"),
                                                      checker.where("explanations"))),
        headings=tuple(f.fill() for f in lines if not f.holes),
        score_line=_one(lines, {"results['complexity_score']"}, checker.where("score line")),
        parse_error=_one(_dict_values(checker.function("analyze_computational_approach"), "message",
                                      checker.where("parse error")), {"str(e)"}, checker.where("parse error")),
    )


def _dict_values(function: ast.FunctionDef, key: str, where: str) -> list[Format]:
    """The string values stored under ``key`` in dict literals of ``function``."""
    return [_format(value, where) for node in ast.walk(function) if isinstance(node, ast.Dict)
            for k, value in zip(node.keys, node.values, strict=True)
            if isinstance(k, ast.Constant) and k.value == key]
