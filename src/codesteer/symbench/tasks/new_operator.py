"""New Operator (seen): evaluate an expression built from made-up binary operators.

Each operator is defined by a formula in ``a`` and ``b`` (``a~b = 1*a*b``, ``a&b = 5*a+5*b``,
``a#b = (a + b)/b``); the question asks to calculate a nested expression such as ``(5&3)&6``.
Wording as released, including its answer line "Return your answer with format <<<list of
values and symbols>>>" (sic; the release's extractor then asked for one number).

Answer: one number inside ``<<<...>>>`` (integer, decimal, fraction ``a/b``, or a one-element
list). Judged exactly with fractions: an integer or a fraction must equal the value; a decimal
passes when it is within 0.005 of the value (right to two decimals) or within a relative 1e-12
(a printed float).

Knob ``size`` = [number of operators, number of operations]. Levels: ``paper`` = the release's
two forms in equal shares: one operator applied twice, ``(x&y)&z`` (release complexity 2), and
three operators applied once each, (release complexity 5); ``1``..``7`` grow to 6 operators and
14 operations. Operands are 1..10; coefficients 1..5; formulas ``k*a*b``, ``k*a+m*b`` and
``(a + b)/b`` as released.

Deviations (defect fixed): the release wrote the three-operator form as ``(3~4)&5@6``, which
leaves the order of ``&`` and ``@`` open, and its generator stored the value of the last
operation alone (``5@6``), so 99/100 of its complexity-5 golds are wrong under any order. We
write every operation's bracket (``((3~4)&5)@6``), compute the value of the whole expression,
and draw the operands 1..10 instead of always 3, 4, 5, 6. For released items with an open
order, both left-to-right and right-first evaluation are accepted; their golds are rejected
with the reason that they are the value of one part of the expression only.
"""

from __future__ import annotations

import ast
import random
import re
from fractions import Fraction
from typing import Any, ClassVar

from codesteer.symbench.answers import AnswerFormatError, parse_list, parse_number
from codesteer.symbench.kit.common import and_list, instance_from_folder_item, released_solution
from codesteer.symbench.task import (
    RELEASED_ANSWER,
    Instance,
    Knob,
    OneOf,
    OriginalDataError,
    OriginalItem,
    Task,
    Verdict,
)

SYMBOLS = "~&@%#$"
_TOKEN = re.compile(r"\s*(\d+|[()]|[^\s\d()])")
_ABS_TOL = Fraction(5, 1000)
_REL_TOL = Fraction(1, 10**12)

# An expression tree: a number, or (first operand, [(operator, operand), ...]) for one chain.
Node = Any


def eval_formula(formula: str, a: Fraction, b: Fraction) -> Fraction:
    """Value of an operator's formula (``+ - * /``, numbers, ``a``, ``b``) computed exactly."""
    def walk(node: ast.AST) -> Fraction:
        if isinstance(node, ast.Expression):
            return walk(node.body)
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
            return Fraction(node.value)
        if isinstance(node, ast.Name) and node.id in ("a", "b"):
            return a if node.id == "a" else b
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -walk(node.operand)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Sub | ast.Mult | ast.Div):
            left, right = walk(node.left), walk(node.right)
            if isinstance(node.op, ast.Add):
                return left + right
            if isinstance(node.op, ast.Sub):
                return left - right
            if isinstance(node.op, ast.Mult):
                return left * right
            return left / right
        raise ValueError(f"unsupported formula {formula!r}")

    return walk(ast.parse(formula, mode="eval"))


def parse_expression(text: str) -> Node:
    """Parse ``(3~4)&5@6`` into chains of (operand, [(op, operand), ...])."""
    tokens = _TOKEN.findall(text.strip())
    if "".join(tokens) != re.sub(r"\s+", "", text):
        raise ValueError(f"cannot read expression {text!r}")
    pos = 0

    def operand() -> Node:
        nonlocal pos
        if pos >= len(tokens):
            raise ValueError("expression ends early")
        tok = tokens[pos]
        pos += 1
        if tok.isdigit():
            return Fraction(int(tok))
        if tok == "(":
            node = chain()
            if pos >= len(tokens) or tokens[pos] != ")":
                raise ValueError("unbalanced parentheses")
            pos += 1
            return node
        raise ValueError(f"unexpected {tok!r}")

    def chain() -> Node:
        nonlocal pos
        first, rest = operand(), []
        while pos < len(tokens) and tokens[pos] != ")":
            op = tokens[pos]
            pos += 1
            rest.append((op, operand()))
        return (first, rest) if rest else first

    tree = chain()
    if pos != len(tokens):
        raise ValueError("unbalanced parentheses")
    return tree


def evaluate(tree: Node, ops: dict[str, str], right_first: bool = False) -> Fraction:
    """Value of ``tree``; a chain of several operators runs left to right (or right first)."""
    if isinstance(tree, Fraction):
        return tree
    first, rest = tree
    values = [evaluate(first, ops, right_first)] + [evaluate(v, ops, right_first) for _, v in rest]
    symbols = [op for op, _ in rest]
    if right_first:
        acc = values[-1]
        for op, value in zip(reversed(symbols), reversed(values[:-1]), strict=True):
            acc = eval_formula(ops[op], value, acc)
        return acc
    acc = values[0]
    for op, value in zip(symbols, values[1:], strict=True):
        acc = eval_formula(ops[op], acc, value)
    return acc


def render(tree: Node) -> str:
    """Text of an expression tree (inner chains bracketed)."""
    if isinstance(tree, Fraction):
        return str(tree)
    first, rest = tree
    parts = [_render_operand(first)] + [op + _render_operand(v) for op, v in rest]
    return "".join(parts)


def _render_operand(node: Node) -> str:
    return render(node) if isinstance(node, Fraction) else f"({render(node)})"


def sub_expressions(tree: Node, ops: dict[str, str]) -> list[tuple[str, Fraction]]:
    """Every proper part of the expression that is itself an expression, with its value
    (left to right): ``(3%4)#5&6`` gives ``3%4``, ``(3%4)#5`` and ``5&6``."""
    if isinstance(tree, Fraction):
        return []
    first, rest = tree
    items = [first] + [v for _, v in rest]
    symbols = [op for op, _ in rest]
    out: list[tuple[str, Fraction]] = []
    for item in items:
        out.extend(sub_expressions(item, ops))
        if not isinstance(item, Fraction):
            out.append((render(item), evaluate(item, ops)))
    for i in range(len(items)):
        for j in range(i + 1, len(items)):
            if (i, j) != (0, len(items) - 1):
                part = (items[i], list(zip(symbols[i:j], items[i + 1:j + 1], strict=True)))
                out.append((render(part), evaluate(part, ops)))
    return out


def count_operations(tree: Node) -> int:
    if isinstance(tree, Fraction):
        return 0
    first, rest = tree
    return len(rest) + count_operations(first) + sum(count_operations(v) for _, v in rest)


def question_text(ops: dict[str, str], expression: str) -> str:
    symbols = list(ops)
    lines = [f"Let a and b be numbers. Define a{s}b to be {ops[s]}." for s in symbols]
    head = ""
    if len(symbols) > 1:
        head = f"Let x and y represent two numbers. The new operations {and_list(symbols)} are defined as follows:\n"
    return (
        head + "\n".join(lines) + f"\nCalculate {expression}.\n"
        "Return your answer with format <<<list of values and symbols>>>"
    )


def _formula(rng: random.Random) -> str:
    kind = rng.randrange(3)
    if kind == 0:
        return f"{rng.randint(1, 5)}*a*b"
    if kind == 1:
        return f"{rng.randint(1, 5)}*a+{rng.randint(1, 5)}*b"
    return "(a + b)/b"


def _close(got: Fraction, want: Fraction) -> bool:
    """Whether a decimal answer is the value rounded (to two places or as a printed float)."""
    diff = abs(got - want)
    return diff <= _ABS_TOL or diff <= _REL_TOL * abs(want)


class NewOperator(Task):
    name = "new_operator"
    title = "New Operator"
    seen = True
    knobs = (Knob("size", "[number of operators (1..6), number of operations]", (1, 2)),)
    levels: ClassVar[dict[str, dict[str, Any]]] = {
        "paper": {"size": OneOf((1, 2), (3, 3))},
        "1": {"size": (1, 2)},
        "2": {"size": (2, 3)},
        "3": {"size": (3, 3)},
        "4": {"size": (3, 5)},
        "5": {"size": (4, 7)},
        "6": {"size": (5, 10)},
        "7": {"size": (6, 14)},
    }
    answer_format = "<<<number>>>: the expression's value (integer, decimal or a/b)"
    original_dirs = ("new_operator_dataset",)

    def _generate(self, rng: random.Random, *, size: Any) -> tuple[str, dict[str, Any]]:
        n_ops, n_steps = int(size[0]), int(size[1])
        if not 1 <= n_ops <= len(SYMBOLS) or n_steps < n_ops:
            raise ValueError(f"size needs 1..{len(SYMBOLS)} operators and at least as many operations")
        symbols = rng.sample(SYMBOLS, n_ops)
        ops = {s: _formula(rng) for s in symbols}
        order = symbols + [rng.choice(symbols) for _ in range(n_steps - n_ops)]
        if n_ops > 1:
            rng.shuffle(order)
            symbols = list(dict.fromkeys(order))  # list definitions in order of first use
            ops = {s: ops[s] for s in symbols}
        expression = str(rng.randint(1, 10))
        for i, op in enumerate(order):
            wrapped = f"({expression})" if i else expression
            expression = f"{wrapped}{op}{rng.randint(1, 10)}"
        return question_text(ops, expression), {"operators": ops, "expression": expression}

    def _values(self, instance: Instance) -> tuple[Node, set[Fraction]]:
        ops, tree = instance.data["operators"], parse_expression(instance.data["expression"])
        return tree, {evaluate(tree, ops), evaluate(tree, ops, right_first=True)}

    def judge_answer(self, instance: Instance, answer: str) -> Verdict:
        text = answer.strip()
        if text.startswith("["):
            items = parse_list(text)
            if len(items) != 1:
                raise AnswerFormatError(f"expected one number, got {len(items)} values")
            text = str(items[0])
        got = parse_number(text)
        exact = not re.search(r"[.eE]", text)  # an integer or a fraction means itself, not a rounding
        tree, values = self._values(instance)
        if any(got == v if exact else _close(got, v) for v in values):
            return Verdict.right(answer)
        ops = instance.data["operators"]
        expected = " or ".join(str(v) for v in sorted(values))
        partial = [expr for expr, v in sub_expressions(tree, ops) if v == got]
        if partial:
            return Verdict.wrong(
                f"{got} is the value of the part {partial[0]} alone, not of the whole expression "
                f"{instance.data['expression']} (= {expected})",
                answer,
            )
        return Verdict.wrong(f"{instance.data['expression']} = {expected}, not {got}", answer)

    def reference_answer(self, instance: Instance) -> str:
        tree = parse_expression(instance.data["expression"])
        return f"<<<{evaluate(tree, instance.data['operators'])}>>>"

    def from_original(self, item: OriginalItem) -> Instance:
        sol = released_solution(item)
        match = re.search(r"Calculate (.+?)\.\s*\n", item.question)
        try:
            ops = {str(k): str(v) for k, v in sol["operator_definitions"].items()}
            gold = Fraction(str(sol["solution"]))
            if not match:
                raise ValueError("no 'Calculate ...' line")
            tree = parse_expression(match.group(1))
            evaluate(tree, ops)
        except (KeyError, TypeError, ValueError, AttributeError, ZeroDivisionError) as exc:
            raise OriginalDataError(f"{item.item_id}: unreadable item ({exc})") from exc
        gold_text = str(int(gold)) if gold.denominator == 1 else repr(float(gold))
        data = {"operators": ops, "expression": match.group(1), RELEASED_ANSWER: gold_text}
        return instance_from_folder_item(self, item, data, {"size": [len(ops), count_operations(tree)]})
