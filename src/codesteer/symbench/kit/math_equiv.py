"""Equivalence of MATH-style answers (LaTeX) by meaning, not by spelling.

Pipeline: take the last ``\\boxed{...}`` (nested braces), normalise the LaTeX (``\\dfrac``/``\\tfrac``,
mixed numbers ``2\\frac{1}{2}`` = 5/2 (an integer directly before a fraction of integers),
``\\frac12``, ``\\sqrt2``, ``\\left``/``\\right``, spacing commands, ``^\\circ``/degrees, ``\\%``,
dollars, ``\\text{...}`` units, thousands separators, ``x = ...`` prefixes), convert it to a Python
arithmetic expression (``\\frac{a}{b}`` → ``(a)/(b)``, ``\\sqrt[n]{x}``, ``\\pi``, ``\\binom``, ``n!``,
implicit products such as ``2\\sqrt{3}``), read that with :mod:`ast` into sympy objects (never
``eval``: only numbers, ``+ - * / **``, known functions and one-letter symbols are accepted) and
compare: ``simplify(a - b) == 0``, or equal numeric values to 1e-9 relative. Tuples and intervals
compare element by element (bracket kinds must match); a bare comma list is compared as a multiset.
Answers that cannot be read as mathematics compare by their normalised text.

sympy's own LaTeX parser needs a pinned antlr4 runtime, so this module converts the common forms
itself.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable

import sympy

MAX_CHARS = 400
_MAX_EXPONENT = 200
_MAX_FACTORIAL = 500
_FUNCTIONS: dict[str, Callable[..., sympy.Expr]] = {
    "sqrt": sympy.sqrt,
    "root": lambda x, n: sympy.root(x, n),
    "binomial": sympy.binomial,
    "factorial": sympy.factorial,
}
_CONSTANTS = {"pi": sympy.pi, "oo": sympy.oo, "inf": sympy.oo}
_UNITS = (
    r"square\s+units?|sq\.?\s*units?|cubic\s+units?|units?|square\s+(?:feet|foot|inches|inch|meters?|cm|"
    r"centimeters?|miles?|yards?)|cubic\s+(?:feet|inches|meters?|cm|centimeters?)|feet|foot|ft|inches|inch|"
    r"cm|centimeters?|meters?|km|kilometers?|miles?|yards?|degrees?|dollars?|cents?|hours?|minutes?|"
    r"seconds?|days?|ways|people|students|points|mph|sq\s*ft"
)
_TRAILING_UNIT = re.compile(rf"(?<=[\d}}).\s])\s*(?:{_UNITS})(?:\s*\^\s*\{{?[23]\}}?)?\s*$", re.IGNORECASE)
_MIXED_NUMBER = re.compile(r"(?<![\w.}^])(\d+)\s*\\frac\{(\d+)\}\{(\d+)\}")
_TEXT_CMD = re.compile(r"\\(?:text|textbf|textit|mathrm|mathbf|mbox|textnormal|operatorname)\s*\{([^{}]*)\}")


class MathParseError(ValueError):
    """The answer cannot be read as a mathematical expression."""


# ----- extraction --------------------------------------------------------------------------------
def last_boxed(text: str) -> str | None:
    """Content of the last ``\\boxed{...}`` (or ``\\fbox{...}``, ``\\boxed 5``) in ``text``; ``None`` if none."""
    start = max(text.rfind("\\boxed"), text.rfind("\\fbox"))
    if start < 0:
        return None
    command = re.match(r"\\(?:boxed|fbox)", text[start:])
    rest = text[start + len(command.group(0)):] if command else ""
    if rest.startswith(" ") and not rest.lstrip().startswith("{"):
        return re.split(r"[\s$]", rest.strip(), maxsplit=1)[0]
    if not rest.startswith("{"):
        return None
    depth = 0
    for j, ch in enumerate(rest):
        depth += ch == "{"
        depth -= ch == "}"
        if depth == 0:
            return rest[1:j]
    return None


# ----- normalisation -----------------------------------------------------------------------------
def normalise(answer: str) -> str:
    """Canonical LaTeX-free-ish text of an answer (see the module docstring for each rule)."""
    s = answer.strip()
    boxed = last_boxed(s)
    if boxed is not None:
        s = boxed
    s = re.sub(r"\\[\(\)\[\]]", "", s).replace("\\$", "").replace("$", "")
    for cmd in ("\\left", "\\right", "\\bigl", "\\bigr", "\\Bigl", "\\Bigr", "\\big", "\\Big", "\\displaystyle"):
        s = s.replace(cmd, "")
    s = re.sub(r"\\[!,;:>]|\\ |~", " ", s)
    s = s.replace("{,}", "").replace("\\%", "").replace("%", "").replace("\\$", "")
    s = re.sub(r"\^\s*\{?\s*\\circ\s*\}?|\\circ|°|\\degree", "", s)
    s = s.replace("\\dfrac", "\\frac").replace("\\tfrac", "\\frac").replace("\\cfrac", "\\frac")
    s = _MIXED_NUMBER.sub(r"(\1+\\frac{\2}{\3})", s)
    whole = _TEXT_CMD.fullmatch(s.strip())
    if whole:
        s = whole.group(1)
    s = _TEXT_CMD.sub(lambda m: "" if _is_unit(m.group(1)) else m.group(1), s)
    s = _TRAILING_UNIT.sub("", s.strip())
    s = re.sub(r"^\s*[A-Za-z](?:_\{?\w+\}?)?\s*=\s*(?=\S)", "", s)
    s = re.sub(r"\s+", "", s)
    if re.fullmatch(r"[-+]?\d{1,3}(,\d{3})+(\.\d+)?", s):
        s = s.replace(",", "")
    s = s.rstrip(".")
    return s


def _is_unit(text: str) -> bool:
    return bool(re.fullmatch(rf"\s*(?:{_UNITS})?(?:\s*\^\s*\{{?[23]\}}?)?\s*", text, re.IGNORECASE))


# ----- LaTeX to a Python arithmetic expression ---------------------------------------------------
def latex_to_python(s: str) -> str:
    """Python arithmetic text for normalised LaTeX (raises ``MathParseError`` on unknown commands)."""
    out: list[str] = []
    i = 0
    while i < len(s):
        ch = s[i]
        if ch == "\\":
            name = re.match(r"\\([A-Za-z]+|.)", s[i:])
            cmd = name.group(1) if name else ""
            i += 1 + len(cmd)
            if cmd == "frac":
                num, i = _group(s, i)
                den, i = _group(s, i)
                out.append(f"(({latex_to_python(num)})/({latex_to_python(den)}))")
            elif cmd == "binom":
                n, i = _group(s, i)
                k, i = _group(s, i)
                out.append(f"binomial({latex_to_python(n)},{latex_to_python(k)})")
            elif cmd == "sqrt":
                if s.startswith("[", i):
                    end = s.index("]", i)
                    index = latex_to_python(s[i + 1:end])
                    body, i = _group(s, end + 1)
                    out.append(f"root({latex_to_python(body)},{index})")
                else:
                    body, i = _group(s, i)
                    out.append(f"sqrt({latex_to_python(body)})")
            elif cmd in ("pi", "infty"):
                out.append(" pi " if cmd == "pi" else " oo ")
            elif cmd in ("cdot", "times", "ast"):
                out.append("*")
            elif cmd == "div":
                out.append("/")
            elif cmd in ("{", "}"):
                out.append("(" if cmd == "{" else ")")
            else:
                raise MathParseError(f"unsupported LaTeX command \\{cmd}")
            continue
        if ch == "^":
            out.append("**")
            i += 1
            continue
        if ch == "{":
            out.append("(")
        elif ch == "}":
            out.append(")")
        elif ch == "!":
            out.append("!")
        else:
            out.append(ch)
        i += 1
    return _factorials("".join(out))


def _group(s: str, i: int) -> tuple[str, int]:
    """The argument at ``s[i]``: a ``{...}`` group (nested) or one character (``\\frac12``)."""
    if i >= len(s):
        raise MathParseError("a LaTeX command is missing its argument")
    if s[i] != "{":
        if s[i] == "\\":
            name = re.match(r"\\[A-Za-z]+", s[i:])
            if name:
                return name.group(0), i + len(name.group(0))
        return s[i], i + 1
    depth = 0
    for j in range(i, len(s)):
        depth += s[j] == "{"
        depth -= s[j] == "}"
        if depth == 0:
            return s[i + 1:j], j + 1
    raise MathParseError("unbalanced braces")


def _factorials(text: str) -> str:
    while "!" in text:
        k = text.index("!")
        m = re.search(r"(\d+|[A-Za-z])$", text[:k])
        if not m:
            raise MathParseError("a factorial must follow a number")
        text = f"{text[:m.start()]}factorial({m.group(1)}){text[k + 1:]}"
    return text


_TOKEN = re.compile(r"\s*(\d+\.?\d*|\.\d+|[A-Za-z]+|\*\*|[-+*/(),\[\]])")


def _implicit_products(text: str) -> str:
    """Insert ``*`` where juxtaposition means a product (``2 pi`` → ``2*pi``, ``xy`` → ``x*y``)."""
    tokens: list[str] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m:
            if text[pos:].strip():
                raise MathParseError(f"unexpected character {text[pos]!r}")
            break
        tok = m.group(1)
        pos = m.end()
        if tok.isalpha() and tok not in _FUNCTIONS and tok not in _CONSTANTS:
            tokens.extend(tok)  # a run of letters is a product of one-letter symbols
        else:
            tokens.append(tok)
    out: list[str] = []
    for tok in tokens:
        if out and _ends_operand(out[-1]) and _starts_operand(tok):
            out.append("*")
        out.append(tok)
    return "".join(out)


def _ends_operand(tok: str) -> bool:
    return tok == ")" or ((tok[0].isalnum() or tok[0] == ".") and tok not in _FUNCTIONS)


def _starts_operand(tok: str) -> bool:
    return tok == "(" or tok[0].isalnum() or tok[0] == "."


# ----- reading into sympy ------------------------------------------------------------------------
def to_sympy(python_text: str) -> sympy.Basic | tuple:
    """A sympy value (or a tuple of them) for Python arithmetic text, built from its ``ast``."""
    try:
        tree = ast.parse(python_text, mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        raise MathParseError(f"not an expression: {python_text[:60]!r}") from exc
    return _build(tree.body)


def _build(node: ast.AST):
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float) and not isinstance(node.value, bool):
        return sympy.Integer(node.value) if isinstance(node.value, int) else sympy.Rational(repr(node.value))
    if isinstance(node, ast.Name):
        if node.id in _CONSTANTS:
            return _CONSTANTS[node.id]
        if len(node.id) == 1:
            return sympy.Symbol(node.id)
        raise MathParseError(f"unknown name {node.id}")
    if isinstance(node, ast.Tuple):
        return tuple(_build(e) for e in node.elts)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        value = _build(node.operand)
        return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.BinOp):
        left, right = _build(node.left), _build(node.right)
        if isinstance(node.op, ast.Add):
            return left + right
        if isinstance(node.op, ast.Sub):
            return left - right
        if isinstance(node.op, ast.Mult):
            return left * right
        if isinstance(node.op, ast.Div):
            if right == 0:
                raise MathParseError("division by zero")
            return left / right
        if isinstance(node.op, ast.Pow):
            if right.is_number and abs(right) > _MAX_EXPONENT:
                raise MathParseError("exponent too large")
            return left**right
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _FUNCTIONS:
        args = [_build(a) for a in node.args]
        if node.func.id == "factorial" and (not args[0].is_number or abs(args[0]) > _MAX_FACTORIAL):
            raise MathParseError("factorial argument too large")
        return _FUNCTIONS[node.func.id](*args)
    raise MathParseError(f"unsupported construct {type(node).__name__}")


def read_value(answer: str):
    """The sympy value of an answer: a scalar, or ``(brackets, elements)`` for tuples, intervals and lists."""
    s = normalise(answer)
    if len(s) > MAX_CHARS:
        raise MathParseError("answer too long")
    text = _implicit_products(latex_to_python(s))
    if text[:1] in ("(", "[") and text[-1:] in (")", "]") and _encloses(text):
        inner = _top_level_split(text[1:-1])
        if len(inner) > 1:
            return (text[0] + text[-1], tuple(_scalar(p) for p in inner))
    parts = _top_level_split(text)
    if len(parts) > 1:
        return ("set", tuple(_scalar(p) for p in parts))
    return _scalar(text)


def _scalar(text: str):
    value = to_sympy(text.replace("[", "(").replace("]", ")"))
    if isinstance(value, tuple):
        raise MathParseError("nested tuples are not supported")
    return value


def _top_level_split(text: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        depth += ch in "(["
        depth -= ch in ")]"
        if ch == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return parts


def _encloses(text: str) -> bool:
    depth = 0
    for i, ch in enumerate(text):
        depth += ch in "(["
        depth -= ch in ")]"
        if depth == 0 and i < len(text) - 1:
            return False
    return True


# ----- comparison --------------------------------------------------------------------------------
def equivalent(answer: str, gold: str) -> bool:
    """Whether two MATH answers mean the same value (see the module docstring)."""
    a_text, b_text = normalise(answer), normalise(gold)
    if not a_text:
        return False
    if a_text == b_text:
        return True
    try:
        a, b = read_value(answer), read_value(gold)
    except (MathParseError, ValueError, TypeError, RecursionError, ZeroDivisionError):
        return False
    return _same(a, b)


def _same(a, b) -> bool:
    a_seq, b_seq = isinstance(a, tuple), isinstance(b, tuple)
    if a_seq != b_seq:
        return False
    if not a_seq:
        return _same_scalar(a, b)
    (kind_a, items_a), (kind_b, items_b) = a, b
    if kind_a != kind_b or len(items_a) != len(items_b):
        return False
    if kind_a == "set":
        remaining = list(items_b)
        for x in items_a:
            match = next((k for k, y in enumerate(remaining) if _same_scalar(x, y)), None)
            if match is None:
                return False
            remaining.pop(match)
        return True
    return all(_same_scalar(x, y) for x, y in zip(items_a, items_b, strict=True))


def _same_scalar(a, b) -> bool:
    try:
        diff = sympy.simplify(a - b)
        if diff == 0:
            return True
        if a.free_symbols or b.free_symbols:
            return False
        x, y = complex(sympy.N(a, 30)), complex(sympy.N(b, 30))
    except (TypeError, ValueError, AttributeError, RecursionError, ZeroDivisionError):
        return False
    return abs(x - y) <= 1e-9 * max(1.0, abs(y))
