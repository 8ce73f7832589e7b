from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from codesteer.symbench.kit.common import (
    convert_flat,
    draw_distinct,
    flatten,
    int_item,
    parse_flat,
    rotate_cw,
    solve_all_different,
    weighted,
    windows,
)
from codesteer.symbench.task import OneOf

TESTS = {
    "lt": lambda a, b: a < b,
    "adj": lambda a, b: abs(a - b) == 1,
    "sum5": lambda a, b: a + b == 5,
    "ne2": lambda a, b: abs(a - b) != 2,
}


def test_small_helpers() -> None:
    assert weighted(("a", 2), ("b", 1)) == OneOf("a", "a", "b")
    assert flatten([[1, [2]], 3]) == [1, 2, 3]
    assert parse_flat("[[1, 2], [3, 4]]", 4, int_item, "integer") == [1, 2, 3, 4]
    assert convert_flat([["1", 2], [3.0, 4]], 4, int_item, "integer") == [1, 2, 3, 4]
    assert rotate_cw([[1, 2], [3, 4]]) == [[3, 1], [4, 2]]
    assert windows([[1, 2, 3], [4, 5, 6]], 2) == [[[1, 2, 4, 5], [2, 3, 5, 6]]]
    values = iter([1, 1, 2, 1, 3, 4])
    assert draw_distinct(lambda: next(values), 3) == [1, 2, 3]
    assert draw_distinct(lambda: 7, 3, tries_per_item=2) == [7]


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 5), st.lists(st.tuples(st.integers(0, 4), st.integers(0, 4), st.sampled_from(sorted(TESTS))),
                                    max_size=5))
def test_solver_agrees_with_brute_force(n, raw) -> None:
    names = [f"v{i}" for i in range(n)]
    constraints = [(names[a % n], names[b % n], TESTS[t]) for a, b, t in raw if a % n != b % n]
    values = list(range(n))
    exists = any(
        all(test(p[names.index(x)], p[names.index(y)]) for x, y, test in constraints)
        for p in itertools.permutations(values)
    )
    found = solve_all_different(names, {x: set(values) for x in names}, constraints)
    assert (found is not None) == exists
    if found is not None:
        assert sorted(found.values()) == values
        assert all(test(found[x], found[y]) for x, y, test in constraints)
