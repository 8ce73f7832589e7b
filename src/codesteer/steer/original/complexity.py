"""The original's code-complexity summary, computed our way with the release's wording.

The released analyser (described in docs/steering.md, "original" scoring) walks the code's AST:
a loop explanation per ``for``/``while`` node and an itertools one per ``import`` whose first
name contains "itertools" (so ``from itertools import ...`` is missed), then one for
``eval(``/``exec(`` anywhere in the text, one for string formatting (``format``, ``f"``, ``f'``
anywhere), and one per binary operation. The summary lists the explanations under three
headings (search, symbolic, numerical: chosen by keywords in the explanations), then the score:
raw-text counts of ``for|while``, ``if|elif|else`` and ``try|except`` plus 0.25 per binary
operation, always a float. Code that does not parse gets the parse error and score 0. A score
at or below 2 adds the "not complex enough" note (the loop does that, not the analyser).
"""

from __future__ import annotations

import ast

from codesteer.steer.original.release import Release
from codesteer.steer.symbolic import original_score

#: Which explanation belongs under which heading: keywords of the heading's filter.
_HEADING_KEYWORDS = (("search",), ("symbol", "expression"), ("mathematical",))


def complexity_summary(code: str, release: Release) -> tuple[str, float]:
    """The summary text the released loop showed its steering model, and the score."""
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError) as exc:
        return release.parse_error.fill(**{"str(e)": str(exc)}), 0
    loops, itertools_, eval_, formatting, math = release.explanations
    found: list[str] = []
    flags = [False, False, False]  # searching, symbolic, numerical
    for node in ast.walk(tree):
        if isinstance(node, ast.For | ast.While):
            flags[0] = True
            found.append(loops)
        if isinstance(node, ast.Import | ast.ImportFrom) and "itertools" in node.names[0].name:
            flags[0] = True
            found.append(itertools_)
    if "eval(" in code or "exec(" in code:
        flags[1] = True
        found.append(eval_)
    if any(marker in code for marker in ("format", 'f"', "f'")):
        flags[1] = True
        found.append(formatting)
    binops = sum(isinstance(node, ast.BinOp) for node in ast.walk(tree))
    if binops:
        flags[2] = True
        found.extend([math] * binops)
    score = float(original_score(code, tree))
    lines: list[str] = []
    for flag, heading, keywords in zip(flags, release.headings, _HEADING_KEYWORDS, strict=True):
        if flag:
            lines.append(heading)
            lines.extend(f"- {e}" for e in found if any(k in e.lower() for k in keywords))
    lines.append(release.score_line.fill(**{"results['complexity_score']": str(score)}))
    return "\n".join(lines), score
