"""Equivalence of MATH-style answers (LaTeX) by meaning, not by spelling.

Pipeline: take the last ``\\boxed{...}`` (nested braces), normalise the LaTeX (``\\dfrac``/``\\tfrac``,
mixed numbers ``2\\frac{1}{2}`` = 5/2 (an integer directly before a fraction of integers),
``\\frac12``, ``\\sqrt2``, ``\\left``/``\\right``, spacing commands, ``^\\circ``/degrees, ``\\%``,
dollars, ``\\text{...}`` units, thousands separators, ``x = ...`` prefixes), convert it to a Python
arithmetic expression (``\\frac{a}{b}`` → ``(a)/(b)``, ``\\sqrt[n]{x}``, ``\\pi``, ``\\binom``, ``n!``,
implicit products such as ``2\\sqrt{3}``), read that with :mod:`ast` into sympy objects (never
``eval``: only numbers, ``+ - * / **``, known functions and one-letter symbols are accepted) and
compare numerically: equal values to 1e-9 relative (30-digit evaluation), where expressions with
symbols are compared at a few fixed points (equal polynomials agree everywhere; different ones
almost never at those points). Tuples and intervals compare element by element (bracket kinds
must match); a bare comma list is compared as a multiset. Answers that cannot be read as
mathematics compare by their normalised text.

Work is bounded by the size of what is computed, never by the spelling: every power, factorial
and binomial is sized *before* it is computed (:data:`MAX_BITS` for any exact number,
:data:`MAX_RADICAND_BITS` under a root) and refused with :class:`MathTooLargeError` ("too large
to evaluate") beyond that; answers longer than :data:`MAX_ANSWER_CHARS` are refused unread.

sympy's own LaTeX parser needs a pinned antlr4 runtime, so this module converts the common forms
itself.
"""

from __future__ import annotations

import ast
import math
import re
from collections.abc import Callable

import sympy

from codesteer.symbench.answers import AnswerFormatError, parse_python

#: Longest answer read (characters, before normalising) and longest normalised expression.
MAX_ANSWER_CHARS = 2_000
MAX_CHARS = 400
#: Largest exact number computed (bits of numerator plus denominator, estimated beforehand).
MAX_BITS = 10_000
#: Largest rational number a fractional power is taken of (finding its perfect powers costs
#: seconds for ten thousand bits).
MAX_RADICAND_BITS = 1_000
#: The symbolic size allowed inside a factorial or binomial with symbols.
_MAX_SYMBOLIC_ARGUMENT = 64
#: Where expressions with symbols are compared (all symbols take each point's value in turn).
_POINTS = (sympy.Rational(7, 13), sympy.Rational(-11, 17), sympy.Rational(23, 7))
_DIGITS = 30
_RELATIVE = sympy.Float(1e-18, _DIGITS)  # (1e-9 relative)²
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


class MathParseError(AnswerFormatError):
    """The answer cannot be read as a mathematical expression."""


class MathTooLargeError(MathParseError):
    """Evaluating the answer would compute a number larger than the bounds (or it is too long)."""


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
        tree = parse_python(python_text)
    except AnswerFormatError as exc:
        raise MathParseError(f"not an expression: {python_text[:60]!r}") from exc
    return _build(tree)


def _build(node: ast.AST):
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float) and not isinstance(node.value, bool):
        if isinstance(node.value, float) and not math.isfinite(node.value):
            raise MathTooLargeError("too large to evaluate: a number beyond floating point")
        value = sympy.Integer(node.value) if isinstance(node.value, int) else sympy.Rational(repr(node.value))
        return _bounded(value)
    if isinstance(node, ast.Name):
        if node.id in _CONSTANTS:
            return _CONSTANTS[node.id]
        if len(node.id) == 1:
            return sympy.Symbol(node.id)
        raise MathParseError(f"unknown name {node.id}")
    if isinstance(node, ast.Tuple):
        return tuple(_build(e) for e in node.elts)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        value = _scalar_of(_build(node.operand))
        return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Sub | ast.Mult | ast.Div | ast.Pow):
        left, right = _scalar_of(_build(node.left)), _scalar_of(_build(node.right))
        if isinstance(node.op, ast.Pow):
            return _power(left, right)
        if isinstance(node.op, ast.Div) and right == 0:
            raise MathParseError("division by zero")
        if isinstance(node.op, ast.Add):
            return _bounded(left + right)
        if isinstance(node.op, ast.Sub):
            return _bounded(left - right)
        return _bounded(left * right if isinstance(node.op, ast.Mult) else left / right)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _FUNCTIONS:
        args = [_scalar_of(_build(a)) for a in node.args]
        return _call(node.func.id, args)
    raise MathParseError(f"unsupported construct {type(node).__name__}")


def _scalar_of(value):
    if isinstance(value, tuple):
        raise MathParseError("a tuple cannot be computed with")
    return value


def _call(name: str, args: list):
    arity = {"sqrt": 1, "root": 2, "binomial": 2, "factorial": 1}[name]
    if len(args) != arity:
        raise MathParseError(f"{name} takes {arity} argument(s), got {len(args)}")
    if name == "sqrt":
        return _power(args[0], sympy.Rational(1, 2))
    if name == "root":
        if args[1] == 0:
            raise MathParseError("a root of index zero")
        return _power(args[0], _bounded(1 / args[1]))
    if name == "factorial":
        estimate = _factorial_bits(args[0])
    else:
        estimate = _binomial_bits(*args)
    if estimate > MAX_BITS:
        raise MathTooLargeError(f"too large to evaluate: a {name} of more than {MAX_BITS} bits")
    return _bounded(_FUNCTIONS[name](*args))


def _factorial_bits(n) -> float:
    """Bits of ``n!`` for an integer; other arguments (gamma, symbols) must be small expressions."""
    if n.is_Integer:
        if n < 0:
            return 0.0
        return math.lgamma(int(n) + 1) / math.log(2) if n <= 100_000 else math.inf
    return 0.0 if size(n) <= _MAX_SYMBOLIC_ARGUMENT else math.inf


def _binomial_bits(n, k) -> float:
    """Bits of ``C(n, k)``: sympy multiplies out ``k`` factors whenever ``k`` is an integer."""
    if k.is_Integer:
        if n.is_Integer and (k < 0 or (n >= 0 and k > n)):
            return 0.0
        factors = min(int(k), int(n - k)) if n.is_Integer and n >= 0 else abs(int(k))
        return factors * (size(n) + math.log2(abs(int(k)) + 2))
    return 0.0 if size(n) + size(k) <= _MAX_SYMBOLIC_ARGUMENT else math.inf


def _power(base, exponent):
    """``base ** exponent``, sized first: refused when its exact result would pass the bounds."""
    if exponent.is_Rational:
        estimate = float(abs(exponent)) * size(base)
        if estimate > MAX_BITS:
            raise MathTooLargeError(f"too large to evaluate: a power of about {estimate:.3g} bits")
        if not exponent.is_Integer and base.is_Rational and size(base) > MAX_RADICAND_BITS:
            raise MathTooLargeError(f"too large to evaluate: a root of a number of more than {MAX_RADICAND_BITS} bits")
    elif size(base) + size(exponent) > MAX_BITS:
        raise MathTooLargeError("too large to evaluate: a power with a large exponent")
    return _bounded(base**exponent)


def size(value) -> float:
    """An estimate of the bits an exact evaluation of ``value`` holds (symbols and constants: 1)."""
    if value.is_Rational:
        return math.log2(max(abs(value.p), 1)) + math.log2(value.q)
    if value.is_Atom:
        return 1.0
    if value.is_Pow and value.exp.is_Rational:
        return float(abs(value.exp)) * size(value.base)
    return sum(size(arg) for arg in value.args)


def _bounded(value):
    if size(value) > MAX_BITS:
        raise MathTooLargeError(f"too large to evaluate: more than {MAX_BITS} bits")
    return value


def read_value(answer: str):
    """The sympy value of an answer: a scalar, or ``(brackets, elements)`` for tuples, intervals and lists.

    Raises :class:`MathParseError` when it cannot be read, :class:`MathTooLargeError` when it is
    too long or would compute numbers beyond the bounds.
    """
    _check_length(answer)
    s = normalise(answer)
    if len(s) > MAX_CHARS:
        raise MathTooLargeError(f"answer too long: more than {MAX_CHARS} characters of mathematics")
    text = _implicit_products(latex_to_python(s))
    if text[:1] in ("(", "[") and text[-1:] in (")", "]") and _encloses(text):
        inner = _top_level_split(text[1:-1])
        if len(inner) > 1:
            return (text[0] + text[-1], tuple(_scalar(p) for p in inner))
    parts = _top_level_split(text)
    if len(parts) > 1:
        return ("set", tuple(_scalar(p) for p in parts))
    return _scalar(text)


def _check_length(answer: str) -> None:
    if len(answer) > MAX_ANSWER_CHARS:
        raise MathTooLargeError(f"answer too long: {len(answer)} characters (at most {MAX_ANSWER_CHARS})")


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
    """Whether two MATH answers mean the same value (see the module docstring).

    Raises :class:`MathTooLargeError` when the answer is too long or too large to evaluate; an
    answer that cannot be read as mathematics is equivalent only when its normalised text is.
    """
    _check_length(answer)
    a_text, b_text = normalise(answer), normalise(gold)
    if not a_text:
        return False
    if a_text == b_text:
        return True
    try:
        a = read_value(answer)
    except MathTooLargeError:
        raise
    except MathParseError:
        return False
    try:
        b = read_value(gold)
    except MathParseError:
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
    """Equal values (to 1e-9 relative) everywhere they are compared (see :data:`_POINTS`)."""
    if a == b:
        return True
    symbols = sorted(a.free_symbols | b.free_symbols, key=str)
    points = [{s: p for s in symbols} for p in _POINTS] if symbols else [{}]
    return all(_close(_evaluate(a, point), _evaluate(b, point)) for point in points)


def _evaluate(value, point: dict) -> tuple | None:
    """``(real, imaginary)`` as 30-digit numbers, a non-finite value itself, or ``None`` when the
    value does not reduce to a number."""
    number = value.evalf(_DIGITS, subs=point) if point else value.evalf(_DIGITS)
    if number.has(sympy.nan):
        return None
    if number.has(sympy.zoo, sympy.oo):
        return (number,)
    real, imaginary = number.as_real_imag()
    if not (real.is_Number and imaginary.is_Number):
        return None
    return real, imaginary


def _close(x: tuple | None, y: tuple | None) -> bool:
    if x is None or y is None or len(x) != len(y):
        return False
    if len(x) == 1:
        return x == y
    (xr, xi), (yr, yi) = x, y
    distance = (xr - yr) ** 2 + (xi - yi) ** 2
    return bool(distance <= _RELATIVE * max(1, yr**2 + yi**2))
