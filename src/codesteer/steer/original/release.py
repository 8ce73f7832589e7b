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

from codesteer.steer.original.source import (
    Format,
    ReleaseError,
    Source,
    appended,
    dict_values,
    only,
    string_format,
)

__all__ = ["Format", "Release", "ReleaseError", "read_release"]

RUNNER_GLOB = "benchmark/run_*_CodeSteer_test.py"
PREFERRED_RUNNER = "benchmark/run_Logic_Game_CodeSteer_test.py"


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
    prompts, runner, models, checker = (Source(root, n) for n in names)
    loop = runner.function("run_logic_game") if runner.name == PREFERRED_RUNNER else runner.tree
    turns = runner.assigned("CodeSteer_input_prompt", loop)
    where = runner.where("the steering turn formats")
    executed = runner.assigned("response", loop)
    notes = [f.fill() for f in runner.assigned("code_complexity_summary", loop) if not f.holes]
    check = models.function("LLM_answer_code_checker")
    returns = [string_format(n.value, models.where("checker feedback")) for n in ast.walk(check)
               if isinstance(n, ast.Return) and n.value is not None]
    no_code = [f for f in models.assigned("errors", check) if not f.holes]
    explain = checker.function("analyze_code_and_explain")
    lines = appended(explain, checker.where("explanations"))
    if len(notes) != 1 or len(no_code) != 1:
        raise ReleaseError(f"{where}: unexpected layout (the complexity note or the checker's no-code message)")
    return Release(
        root=root, digest=digest,
        choice=prompts.constant("code_text_choice_prompt"),
        decision=prompts.constant("decision_prompt"),
        code_instruction=prompts.constant("with_COT_code_output_prompt"),
        text_instruction=prompts.constant("text_output_prompt"),
        checker_instruction=prompts.constant("Code_checker_prompt"),
        header=only(runner.assigned("CodeSteer_input_prompt_head", loop), {"decision_prompt", "question"}, where),
        turn_with_code=only(turns, {"response", "check_result", "code_complexity_summary"}, where),
        turn_without_code=only(turns, {"response", "check_result"}, where),
        low_complexity_note=notes[0],
        executed=only(executed, {"output", "errors"}, where),
        executed_errors_only=only(executed, {"errors"}, where),
        executed_too_long=only(executed, set(), where).fill(),
        timeout_error=only(runner.assigned("errors", loop), {"e.cmd", "e.timeout"}, where),
        checker_request=only(models.assigned("Input_prompt", check),
                             {"Code_checker_prompt", "question", "response"}, models.where("checker request")),
        checker_output=only(returns, {"output"}, models.where("checker feedback")),
        checker_errors=only(returns, {"errors"}, models.where("checker feedback")),
        checker_both=only(returns, {"output", "errors"}, models.where("checker feedback")),
        checker_no_code=no_code[0].fill(),
        checker_too_long=only(returns, set(), models.where("checker feedback")).fill(),
        explanations=tuple(f.fill() for f in appended(checker.function("analyze_computational_approach"),
                                                      checker.where("explanations"))),
        headings=tuple(f.fill() for f in lines if not f.holes),
        score_line=only(lines, {"results['complexity_score']"}, checker.where("score line")),
        parse_error=only(dict_values(checker.function("analyze_computational_approach"), "message",
                                      checker.where("parse error")), {"str(e)"}, checker.where("parse error")),
    )

