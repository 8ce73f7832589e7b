"""Ave. Norm. and plain means on a hand-computed table.

The paper's per-task table (CodeSteer, Table 3) is published only as an image; its text could
not be found in the stored copies of the paper, so the formula is checked here on a table worked
out by hand (see docs/evaluation.md).
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from codesteer.eval.scores import ave_norm, normalized, plain_means

COLUMNS = ["A", "B", "C"]
SEEN = {"t1": True, "t2": True, "t3": False, "t4": False}
RATES = {
    "t1": {"A": 80.0, "B": 40.0, "C": 20.0},   # best 80 -> 100, 50, 25
    "t2": {"A": 30.0, "B": 60.0, "C": None},   # best 60 -> 50, 100, (C did not run t2)
    "t3": {"A": 10.0, "B": 0.0, "C": 50.0},    # best 50 -> 20, 0, 100
    "t4": {"A": 0.0, "B": 0.0, "C": 0.0},      # nobody solved it: left out of Ave. Norm.
}


def test_ave_norm_by_hand() -> None:
    got = ave_norm(RATES, SEEN, COLUMNS)
    expected = {
        "A": {"seen": 75.0, "unseen": 20.0, "total": 170 / 3},
        "B": {"seen": 75.0, "unseen": 0.0, "total": 50.0},
        "C": {"seen": 25.0, "unseen": 100.0, "total": 62.5},
    }
    for column, groups in expected.items():
        for group, value in groups.items():
            assert got[column][group] == pytest.approx(value), (column, group)


def test_plain_means_by_hand() -> None:
    got = plain_means(RATES, SEEN, COLUMNS)
    assert got["A"] == pytest.approx({"seen": 55.0, "unseen": 5.0, "total": 30.0})
    assert got["B"] == pytest.approx({"seen": 50.0, "unseen": 0.0, "total": 25.0})
    assert got["C"] == pytest.approx({"seen": 20.0, "unseen": 25.0, "total": 70 / 3})


def test_empty_groups_are_none() -> None:
    got = ave_norm({"t1": {"A": 50.0}}, {"t1": True}, ["A"])
    assert got["A"] == {"seen": 100.0, "unseen": None, "total": 100.0}
    assert "t4" not in normalized(RATES)


def test_a_new_column_changes_every_score() -> None:
    """Normalising by the best column: a stronger newcomer lowers everyone's Ave. Norm."""
    before = ave_norm(RATES, SEEN, COLUMNS)
    stronger = {t: {**row, "D": 100.0} for t, row in RATES.items()}
    after = ave_norm(stronger, SEEN, [*COLUMNS, "D"])
    assert all(after[c]["total"] < before[c]["total"] for c in COLUMNS)
    assert after["D"]["total"] == 100.0


@given(st.dictionaries(st.sampled_from(["t1", "t2", "t3", "t4"]),
                       st.fixed_dictionaries({c: st.integers(0, 100).map(float) for c in COLUMNS}), min_size=1),
       st.floats(0.01, 10))
def test_scale_free_and_bounded(rates: dict, scale: float) -> None:
    scaled = {t: {c: v * scale for c, v in row.items()} for t, row in rates.items()}
    a, b = ave_norm(rates, SEEN, COLUMNS), ave_norm(scaled, SEEN, COLUMNS)
    for c in COLUMNS:
        for g in ("seen", "unseen", "total"):
            assert (a[c][g] is None) == (b[c][g] is None)
            if a[c][g] is not None:
                assert a[c][g] == pytest.approx(b[c][g], abs=1e-6) and -1e-9 <= a[c][g] <= 100 + 1e-9
    for row in normalized(rates).values():
        assert max(row.values()) == pytest.approx(100.0)
