from __future__ import annotations

from itertools import permutations, product

from codesteer.symbench.original import load_task
from codesteer.symbench.task import RELEASED_ANSWER
from codesteer.symbench.tasks.letter_logic_diagram import (
    LetterLogicDiagram,
    complete,
    random_square,
    violations,
)

TASK = LetterLogicDiagram()


def test_random_squares_obey_every_rule() -> None:
    import random

    for n in (2, 5, 7, 10):
        square = random_square(random.Random(n), n)
        assert violations(square, [[None] * n for _ in range(n)]) == []


def test_completion_count_matches_brute_force_on_small_grids() -> None:
    # 4x4, everything blank but two cells: count valid squares by brute force
    given = [[None] * 4 for _ in range(4)]
    given[0][0], given[1][1] = "a", "b"
    rows = list(permutations("abcd"))
    brute = 0
    for grid in product(rows, repeat=4):
        if all(len({row[c] for row in grid}) == 4 for c in range(4)):
            brute += not violations([list(row) for row in grid], given)
    assert len(complete(given, 10_000)) == brute > 0
    assert complete([["a", None], [None, "b"]], 5) == []  # the minor diagonal would need two letters


def test_judge_accepts_every_valid_completion_and_names_the_broken_rule() -> None:
    inst = next(i for i in (TASK.generate(s) for s in range(30)) if not i.data["unique"])
    found = complete(inst.data["grid"], 2)
    for grid in found:
        text = "\n".join(",".join(row) for row in grid)
        assert TASK.judge(inst, f"<<<\n{text}\n>>>").correct
        nested = "[" + ", ".join("[" + ", ".join(f"'{v}'" for v in row) + "]" for row in grid) + "]"
        assert TASK.judge(inst, f"<<<{nested}>>>").correct
        assert TASK.judge(inst, "<<<" + text.upper().replace(",", ", ") + ">>>").correct
    g = inst.data["grid"]
    r, c1, c2 = next(
        (r, c1, c2) for r in range(7) for c1 in range(7) for c2 in range(c1 + 1, 7)
        if g[r][c1] is None and g[r][c2] is None and 6 - r not in (c1, c2)
    )
    swapped = [row[:] for row in found[0]]
    swapped[r][c1], swapped[r][c2] = swapped[r][c2], swapped[r][c1]  # the row stays, two columns break
    reason = TASK.judge(inst, "<<<" + "\n".join(",".join(x) for x in swapped) + ">>>").reason
    assert reason.startswith(f"column {c1 + 1} does not hold each letter once")
    given = next((r, c) for r in range(7) for c in range(7) if inst.data["grid"][r][c] is not None)
    bad = [row[:] for row in found[0]]
    bad[given[0]][given[1]] = next(v for v in "abcdefg" if v != bad[given[0]][given[1]])
    assert "is given as" in TASK.judge(inst, "<<<" + "\n".join(",".join(x) for x in bad) + ">>>").reason
    assert "expected 7 rows" in TASK.judge(inst, "<<<" + "\n".join(",".join(x) for x in found[0][:6]) + ">>>").reason
    assert "letters abcdefg" in TASK.judge(inst, "<<<" + "\n".join(",".join(x) for x in found[0]).replace("a", "z") + ">>>").reason


def test_diagonal_rule_is_enforced() -> None:
    square = [list("abc"), list("bca"), list("cab")]  # minor diagonal c, c, c
    assert violations(square, [[None] * 3 for _ in range(3)]) == []
    shifted = [list("abc"), list("cab"), list("bca")]  # a Latin square with diagonal c, a, b
    assert violations(shifted, [[None] * 3 for _ in range(3)]) == ["the minor diagonal holds more than one letter"]


def test_ladder_top_is_solved() -> None:
    inst = TASK.generate(3, level="6")
    assert len(inst.data["grid"]) == 13
    assert TASK.judge(inst, TASK.reference_answer(inst)).correct


def test_released_items_pass_and_alternatives_are_accepted(original_root) -> None:
    instances, failures = load_task(original_root, TASK)
    assert not failures and len(instances) == 5
    for inst in instances:
        assert TASK.judge(inst, f"<<<\n{inst.data[RELEASED_ANSWER]}\n>>>").correct, inst.id
        completions = complete(inst.data["grid"], 3)
        assert inst.data["unique"] == (len(completions) == 1)
        for grid in completions:  # the release would only accept its stored grid
            assert TASK.judge(inst, "<<<" + "\n".join(",".join(r) for r in grid) + ">>>").correct
    assert sum(not i.data["unique"] for i in instances) == 2
