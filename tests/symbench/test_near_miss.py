"""Near misses of the right answer fail for the right reason, on every task.

Each task registers mutators for its answer's shape (a number off by one, two items swapped, one
cell changed, one item repeated or dropped, ...). A mutator damages the reference answer in a way
that is wrong for certain, and names the reason the judge must give (a regular expression
matched against the verdict's reason). The right answer wrapped in prose still passes.
Run one task's share with ``pytest tests/symbench/test_near_miss.py -k <task_name>``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from codesteer.symbench import Instance, all_tasks

from .judging import assert_rejected, reference_text, sample_instances

#: mutate(right answer, instance) -> the damaged answer, or None where the mutation does not apply
Mutate = Callable[[str, Instance], str | None]


@dataclass(frozen=True)
class Mutator:
    name: str
    mutate: Mutate
    reason: str


_NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?![\w.])")


# ----- shape-level damage ------------------------------------------------------------------------
def bump_number(index: int = 0, delta: int = 1) -> Mutate:
    """The ``index``-th number of the answer plus ``delta`` (keeps its written form)."""
    def mutate(answer: str, _: Instance) -> str | None:
        found = list(_NUMBER.finditer(answer))
        if len(found) <= index:
            return None
        m = found[index]
        text = m.group(0)
        if "." in text:
            head, tail = text.split(".")
            new = f"{int(head) + delta}.{tail}"
        else:
            new = str(int(text) + delta)
        return answer[:m.start()] + new + answer[m.end():]
    return mutate


def _items(answer: str) -> tuple[str, list[str], str]:
    """(opening, comma-separated items, closing) of a flat list answer."""
    text = answer.strip()
    opening, closing = ("[", "]") if text.startswith("[") and text.endswith("]") else ("", "")
    return opening, [p.strip() for p in text[len(opening):len(text) - len(closing)].split(",")], closing


def _join(opening: str, items: list[str], closing: str) -> str:
    return opening + ", ".join(items) + closing


def drop_item(index: int = -1) -> Mutate:
    def mutate(answer: str, _: Instance) -> str | None:
        opening, items, closing = _items(answer)
        return _join(opening, items[:index] + items[index:][1:], closing) if len(items) > 1 else None
    return mutate


def repeat_item(source: int = 0, target: int = 1) -> Mutate:
    """Item ``target`` replaced by a copy of item ``source`` (where they differ)."""
    def mutate(answer: str, _: Instance) -> str | None:
        opening, items, closing = _items(answer)
        if len(items) <= max(source, target) or items[source] == items[target]:
            return None
        items[target] = items[source]
        return _join(opening, items, closing)
    return mutate


def swap_items(applies: Callable[[Instance], bool] = lambda _: True) -> Mutate:
    """The first two different items exchanged (where ``applies``: the answer is unique)."""
    def mutate(answer: str, instance: Instance) -> str | None:
        opening, items, closing = _items(answer)
        pair = next(((0, j) for j in range(1, len(items)) if items[j] != items[0]), None)
        if pair is None or not applies(instance):
            return None
        i, j = pair
        items[i], items[j] = items[j], items[i]
        return _join(opening, items, closing)
    return mutate


def replace_item(index: int, new: str) -> Mutate:
    def mutate(answer: str, _: Instance) -> str | None:
        opening, items, closing = _items(answer)
        if len(items) <= index or items[index] == new:
            return None
        items[index] = new
        return _join(opening, items, closing)
    return mutate


def lines(change: Callable[[list[str], Instance], list[str] | None]) -> Mutate:
    """Damage applied to the answer's non-empty lines."""
    def mutate(answer: str, instance: Instance) -> str | None:
        rows = [row for row in answer.splitlines() if row.strip()]
        changed = change(rows, instance)
        return None if changed is None else "\n".join(changed)
    return mutate


def replaced(old: str, new: str) -> Mutate:
    """The first ``old`` (a regular expression) replaced by ``new``."""
    return lambda answer, _: re.sub(old, new, answer, count=1) if re.search(old, answer) else None


def appended(tail: str) -> Mutate:
    return lambda answer, _: answer + tail


def unique(instance: Instance) -> bool:
    return bool(instance.data.get("unique"))


# ----- task-specific damage ----------------------------------------------------------------------
def _other_option(answer: str, instance: Instance) -> str | None:
    letters = [letter for letter, _ in instance.data["options"]]
    gold = answer.strip("()")
    return f"({next(letter for letter in letters if letter != gold)})"


def _flip_binary(answer: str, _: Instance) -> str:
    return "Yes" if answer.strip() == "No" else "No"


def _boxnet_steps(change: Callable[[list[dict[str, str]]], list[dict[str, str]] | None]) -> Mutate:
    def mutate(answer: str, _: Instance) -> str | None:
        changed = change(json.loads(answer))
        return None if changed is None else json.dumps(changed)
    return mutate


def _first_action(edit: Callable[[str, str], tuple[str, str]]) -> Callable[[list[dict[str, str]]], list]:
    def change(steps: list[dict[str, str]]) -> list[dict[str, str]]:
        agent, action = next(iter(steps[0].items()))
        new_agent, new_action = edit(agent, action)
        steps[0] = {new_agent: new_action, **{k: v for k, v in steps[0].items() if k != agent}}
        return steps
    return change


def _queen_moved(answer: str, instance: Instance) -> str | None:
    """A queen that was not given moved one column (another queen's line or an X cell, surely)."""
    pairs = [tuple(map(int, p.split())) for p in answer.split(",")]
    placed = {tuple(q) for q in instance.data["placed"]}
    n = instance.data["n"]
    k = next(i for i, q in enumerate(pairs) if q not in placed)
    r, c = pairs[k]
    pairs[k] = (r, (c + 1) % n)
    return ", ".join(f"{a} {b}" for a, b in pairs)


def _queen_dropped(answer: str, instance: Instance) -> str:
    placed = {tuple(q) for q in instance.data["placed"]}
    pairs = [p for p in answer.split(",") if tuple(map(int, p.split())) not in placed]
    return ", ".join(pairs[1:] + [f"{r} {c}" for r, c in sorted(placed)])


def _sudoku_cell(answer: str, instance: Instance) -> str:
    """A blank cell of the puzzle given another value (a row, column and box then repeat one)."""
    grid = json.loads(answer)
    puzzle = instance.data["puzzle"]
    r, c = next((r, c) for r, row in enumerate(puzzle) for c, v in enumerate(row) if not v)
    grid[r][c] = grid[r][c] % len(grid) + 1
    return json.dumps(grid)


def _sudoku_given(answer: str, instance: Instance) -> str:
    grid = json.loads(answer)
    puzzle = instance.data["puzzle"]
    r, c = next((r, c) for r, row in enumerate(puzzle) for c, v in enumerate(row) if v)
    grid[r][c] = puzzle[r][c] % len(grid) + 1
    return json.dumps(grid)


def _letter_cell(rows: list[str], instance: Instance) -> list[str]:
    """A cell the puzzle leaves blank given its row's neighbouring letter (the row then repeats one)."""
    cells = [row.split(",") for row in rows]
    r, c = next((r, c) for r, row in enumerate(instance.data["grid"]) for c, v in enumerate(row) if not v)
    cells[r][c] = cells[r][(c + 1) % len(cells)]
    return [",".join(row) for row in cells]


def _grid_cell(rows: list[str], _: Instance) -> list[str]:
    """The first cell of the first row changed (2048: doubled, or 2 where empty)."""
    cells = [[v.strip() for v in row.split(",")] for row in rows]
    cells[0][0] = str(int(cells[0][0]) * 2 or 2)
    return [", ".join(row) for row in cells]


def _boxlift_shared_agent(answer: str, _: Instance) -> str | None:
    """The second box of a step lifted by (also) the first box's first agent."""
    for row in answer.splitlines():
        pairs = re.findall(r"\((\d+), \[([\d, ]+)\]\)", row)
        if len(pairs) >= 2:
            first_agent = pairs[0][1].split(",")[0]
            old = f"({pairs[1][0]}, [{pairs[1][1]}])"
            return answer.replace(old, f"({pairs[1][0]}, [{pairs[1][1]}, {first_agent}])", 1)
    return None


def _boxlift_over_budget(answer: str, instance: Instance) -> str:
    steps = answer.count("Step ")
    extra = "".join(f"\nStep {k}: []" for k in range(steps + 1, instance.data["budget"] + 2))
    return answer + extra


def _blocks_source(answer: str, instance: Instance) -> str:
    """The first move taken from the next stack (its block is on one stack only)."""
    block, src, dst = re.match(r"Move (\w+) from (\d+) to (\d+)", answer).groups()
    other = int(src) % len(instance.data["initial"]) + 1
    return answer.replace(f"Move {block} from {src} to {dst}", f"Move {block} from {other} to {dst}", 1)


def _letters_position(answer: str, instance: Instance) -> str | None:
    """The first listed position moved past the end of the word."""
    m = re.match(r"Count: \d+, Positions: \[(\d+)", answer)
    return None if m is None else answer[:m.start(1)] + str(len(instance.data["word"]) + 1) + answer[m.end(1):]


def _path_end_dropped(answer: str, _: Instance) -> str:
    points = answer.strip()[1:-1].rsplit("), (", 1)[0]
    return f"[{points})]"


def _path_start_moved(answer: str, _: Instance) -> str:
    return re.sub(r"^\[\((-?[\d.]+)", lambda m: f"[({float(m.group(1)) + 0.5}", answer.strip(), count=1)


_COUNTS_WRONG = r"should be \d+, not \d+"
_EXPECTED = r"expected \d+"

MUTATORS: dict[str, tuple[Mutator, ...]] = {
    "blocksworld": (
        Mutator("last move dropped", lines(lambda rows, _: rows[:-1] or None), "final state is not the goal"),
        Mutator("first move from another stack", _blocks_source, r"move 1 .*is not on top of stack"),
        Mutator("first move to a missing stack", replaced(r"to \d+", "to 99"), r"destination stack 99 does not exist"),
    ),
    "boxlift": (
        Mutator("last step dropped", lines(lambda rows, _: rows[:-1] or None), r"only \d+ of \d+ boxes lifted"),
        Mutator("an agent on two boxes", _boxlift_shared_agent, "an agent helps with at most one box per step"),
        Mutator("a weight off by one", bump_number(1), r"no box of this weight|capacity .* is below|only \d+ of"),
        Mutator("an unknown agent", replaced(r"\[(\d+)", r"[99"), r"agents are numbered 0\.\.\d+"),
        Mutator("steps beyond the budget", _boxlift_over_budget, r"steps exceed the budget of \d+"),
    ),
    "boxnet": (
        Mutator("last step dropped", _boxnet_steps(lambda steps: steps[:-1] or None), r"only \d+ of \d+ boxes matched"),
        Mutator("an agent off the grid", _boxnet_steps(_first_action(lambda a, x: ("Agent[99.5, 99.5]", x))),
                "no such agent on the grid"),
        Mutator("a box the square lacks", _boxnet_steps(_first_action(lambda a, x: (a, re.sub(r"box_\w+", "box_gold", x)))),
                "no box_gold in the agent's square"),
    ),
    "constrained_linear_arrangement": (
        Mutator("a card dropped", drop_item(), r"expected \d+ cards"),
        Mutator("a card repeated", repeat_item(), "each card can only be used once"),
        Mutator("a card of no game", replace_item(0, "Z"), "'Z' is not a card of this game"),
        Mutator("an empty card", replace_item(0, ""), "'' is not a card of this game"),
        Mutator("two cards swapped", swap_items(unique), r"round \d+: your \w+ against \w+ is a"),
    ),
    "date_understanding": (
        Mutator("another option", _other_option, r"option \([A-Z]\) .* is false; the true option is"),
        Mutator("an option not offered", lambda a, _: "(Z)", r"\(Z\) is not one of the options"),
        Mutator("two options", lambda a, i: f"{a} or {_other_option(a, i)}", "names 2 options"),
    ),
    "game24": (
        Mutator("a number off by one", bump_number(), "each given number must be used exactly once"),
        Mutator("a number too many", appended("+1"), r"each given number must be used exactly once: .*uses \[1\]"),
        Mutator("a wrong stated result", lambda a, i: f"{a} = {i.data['target'] + 1}", r"states the result \d+, not"),
    ),
    "letter_logic_diagram": (
        Mutator("a blank cell repeats its row's letter", lines(_letter_cell), r"row \d+ does not hold each letter once"),
        Mutator("a row dropped", lines(lambda rows, _: rows[:-1]), r"expected \d+ rows of \d+ letters"),
    ),
    "light_puzzles": (
        Mutator("a light flipped", lambda a, _: ("1" if a[0] == "0" else "0") + a[1:], r"1 light\(s\) wrong: light \(1, 1\)"),
        Mutator("a light dropped", drop_item(), r"expected \d+ values"),
        Mutator("a light of 2", replace_item(0, "2"), "every value must be 0 or 1"),
    ),
    "logical_deduction": (
        Mutator("another option", _other_option, r"option \([A-Z]\) .* is false; the true option is"),
        Mutator("an option not offered", lambda a, _: "(Z)", r"\(Z\) is not one of the options"),
    ),
    "logical_equation": (
        Mutator("a value off by one", bump_number(), "is not one of the given numbers|is used twice"),
        Mutator("a value repeated", repeat_item(), "each letter stands for a different number; .* is used twice"),
        Mutator("a value dropped", drop_item(), r"expected \d+ integers"),
    ),
    "logical_puzzle": (
        Mutator("a cell dropped", drop_item(), r"\d+ numbers must be selected|must be selected"),
        Mutator("a cell repeated", repeat_item(1, 0), "a position is selected twice|must be selected"),
        Mutator("a cell off the grid", replace_item(0, "99 0"), r"position \(99, 0\) is outside"),
    ),
    "mahjong": (
        Mutator("another result", lambda a, i: "1" if a != "1" else "0", r"the final round is \w+ \(\d\)"),
        Mutator("a result not allowed", lambda a, _: "7", "7 is not an allowed result"),
    ),
    "matrix_transformation": (
        Mutator("two cells swapped", swap_items(), r"2 of \d+ cells wrong"),
        Mutator("a cell dropped", drop_item(), r"expected \d+ cells"),
    ),
    "navigate": (
        Mutator("the other answer", _flip_binary, r"the answer is (Yes|No), not (Yes|No): the walk ends"),
        Mutator("not yes or no", lambda a, _: "Maybe", "expected Yes or No"),
    ),
    "web_of_lies": (
        Mutator("the other answer", _flip_binary, r"the answer is (Yes|No), not (Yes|No): following the chain"),
        Mutator("not yes or no", lambda a, _: "Maybe", "expected Yes or No"),
    ),
    "new_operator": (
        Mutator("off by one", bump_number(), r"= .*, not |is the value of the part"),
        Mutator("two numbers", lambda a, _: f"[{a}, {int(a.split('/')[0]) + 1}]",
                "expected one number, got 2 values|not a literal value"),
    ),
    "path_plan": (
        Mutator("the end dropped", _path_end_dropped, "the last waypoint must be the end|at least two waypoints"),
        Mutator("the start moved", _path_start_moved, "the first waypoint must be the start"),
        Mutator("one waypoint", lambda a, _: a.split("), (")[0] + ")]", "a path needs at least two waypoints"),
    ),
    "pattern_recognition": (
        Mutator("the row off by one", bump_number(0, 1), r"no one-character square .* at \(|is the corner of a"),
        Mutator("a coordinate dropped", drop_item(), r"expected 2 integers"),
    ),
    "pooling": (
        Mutator("a value off by one", bump_number(), r"1 of \d+ \w+-pooled values wrong; first at window 1"),
        Mutator("a value dropped", drop_item(), r"expected \d+ numbers|expected \d+ integers"),
    ),
    "reversi": (
        Mutator("a cell changed", lambda a, _: ("1" if a[0] != "1" else "0") + a[1:], r"cell \(1,1\) should be"),
        Mutator("a cell dropped", drop_item(), r"expected \d+ cells"),
    ),
    "standard_sudoku": (
        Mutator("a blank cell changed", _sudoku_cell, r"appears twice in"),
        Mutator("a given cell changed", _sudoku_given, r"is given as \d+ but the answer has"),
        Mutator("a row dropped", lambda a, _: json.dumps(json.loads(a)[:-1]), r"not a \d+x\d+ grid"),
    ),
    "statistical_counting": (
        Mutator("off by one", bump_number(), r"total score is \d+, not \d+"),
    ),
    "string_deletion_modification": (
        Mutator("a letter too many", lambda a, _: a.replace('"', "").strip() + "c",
                "still applies|wrong final string"),
        Mutator("the start string", lambda a, i: i.data["initial_string"], r"not final: operation \d+ still applies"),
    ),
    "string_insertion": (
        Mutator("the last letter dropped", lambda a, _: a[:-1], "a missing or extra insertion"),
        Mutator("a letter changed", lambda a, _: ("A" if a[0] != "A" else "B") + a[1:], r"position 1 should be"),
        Mutator("a letter of no string", lambda a, _: a + "Z", "one string of the letters A-E"),
    ),
    "string_synthesis": (
        Mutator("a count off by one", bump_number(), _COUNTS_WRONG),
        Mutator("a count dropped", lambda a, _: a.rsplit(" ", 1)[0], r"expected 9 counts, got 8"),
    ),
    "string_splitting": (
        Mutator("a count off by one", lambda a, i: bump_number()(a.replace('"', ""), i), _COUNTS_WRONG),
        Mutator("a count dropped", drop_item(), r"expected 6 counts, got 5"),
        Mutator("counts run together, one off", lambda a, _: "".join(re.findall(r"\d+", a)) + "1",
                "the counts written together as .* are not the final counts"),
    ),
    "synthesis_decomposition": (
        Mutator("a count off by one", bump_number(), _COUNTS_WRONG),
        Mutator("a count dropped", drop_item(), r"expected \d+ counts"),
    ),
    "combinatorial_calculation": (
        Mutator("two numbers swapped", lambda a, i: _swap_numbers(a, i), r"in this order"),
        Mutator("the last number dropped", lambda a, _: _join(*_drop_last_term(a)), r"in this order"),
        Mutator("a parenthesis too many", lambda a, _: a[:-1] + ", )]", "parentheses do not balance"),
    ),
    "cryptanalysis": (
        Mutator("a letter first", lambda a, _: _join(*_rotate(a)), "digits followed by"),
        Mutator("a digit repeated", repeat_item(0, 1), "must not repeat"),
        Mutator("a symbol dropped", drop_item(), r"expected \d+ single digits"),
    ),
    "eight_queens": (
        Mutator("a queen moved", _queen_moved, "attack each other|stands on the X cell|listed twice"),
        Mutator("a queen dropped", _queen_dropped, r"\d+ queens are needed, the answer has \d+"),
        Mutator("a queen off the board", lambda a, i: a.replace(a.split(",")[0], f"{i.data['n']} 0", 1),
                r"is off the \d+x\d+ board"),
    ),
    "game_2048": (
        Mutator("a cell changed", lines(_grid_cell), r"1 of \d+ cells wrong; first at position 1"),
        Mutator("a row dropped", lines(lambda rows, _: rows[:-1]), r"expected \d+ integers"),
    ),
    "letters": (
        Mutator("the count off by one", bump_number(), r"occurs \d+ times, not \d+"),
        Mutator("a position past the word", _letters_position, r"wrong positions: .*is not at \["),
    ),
    "number_multiply": (
        Mutator("off by one", bump_number(), r"is not the product"),
        Mutator("a digit dropped", lambda a, _: a[:-1], r"is not the product"),
    ),
    "permutations_combinations": (
        Mutator("a book repeated", repeat_item(), "each book goes on the shelf once; repeated"),
        Mutator("a book dropped", drop_item(), "books must be shelved; missing"),
        Mutator("a book of no shelf", replace_item(0, '"Z"'), "not a book on this shelf: Z"),
    ),
    "gsm_hard": (
        Mutator("one percent off", lambda a, _: repr(float(a) * 1.01 + 1), r"is not within a relative 1e-3 of"),
    ),
    "math_geometry": (
        Mutator("plus one", lambda a, _: f"{a}+1", "not equivalent to the reference answer"),
    ),
    "math_counting_probability": (
        Mutator("plus one", lambda a, _: f"{a}+1", "not equivalent to the reference answer"),
    ),
}


def _swap_numbers(answer: str, instance: Instance) -> str | None:
    numbers = instance.data["numbers"]
    pair = next(((i, j) for i in range(len(numbers)) for j in range(i + 1, len(numbers)) if numbers[i] != numbers[j]),
                None)
    if pair is None:
        return None
    opening, items, closing = _items(answer)
    at = [k for k, token in enumerate(items) if token.isdigit()]
    i, j = at[pair[0]], at[pair[1]]
    items[i], items[j] = items[j], items[i]
    return _join(opening, items, closing)


def _drop_last_term(answer: str) -> tuple[str, list[str], str]:
    opening, items, closing = _items(answer)
    last = max(k for k, token in enumerate(items) if token.isdigit())
    return opening, items[:last - 1] + items[last + 1:], closing


def _rotate(answer: str) -> tuple[str, list[str], str]:
    opening, items, closing = _items(answer)
    return opening, items[-1:] + items[:-1], closing


CASES = [(task, m) for task in all_tasks().values() for m in MUTATORS[task.name]]


def test_every_task_has_mutators() -> None:
    assert set(MUTATORS) == set(all_tasks())
    assert all(len(m) >= 1 for m in MUTATORS.values())


@pytest.fixture(scope="module")
def references() -> dict[str, list[tuple[Instance, str]]]:
    """Per task: (instance, right answer) at paper, the first and the last ladder level, three seeds."""
    return {task.name: [(i, reference_text(task, i)) for i in sample_instances(task, seeds=(0, 1, 2))]
            for task in all_tasks().values()}


@pytest.mark.parametrize(("task", "mutator"), CASES, ids=[f"{t.name}-{m.name}" for t, m in CASES])
def test_near_misses_are_rejected_naming_the_broken_rule(task, mutator, references) -> None:
    applied = 0
    for instance, right in references[task.name]:
        damaged = mutator.mutate(right, instance)
        if damaged is None:
            continue
        applied += 1
        assert damaged != right
        verdict = task.judge(instance, f"<<<{damaged}>>>")
        assert_rejected(verdict, mutator.reason)
    assert applied, f"{mutator.name} applied to none of {task.name}'s instances"


@pytest.mark.parametrize("task", list(all_tasks().values()), ids=lambda t: t.name)
def test_the_right_answer_in_prose_passes(task, references) -> None:
    for instance, right in references[task.name]:
        verdict = task.judge(instance, f"Let me work through it.\nThe answer is <<<{right}>>>. Done.")
        assert verdict.correct, (instance.id, verdict.reason)
