from __future__ import annotations

from fractions import Fraction

from codesteer.symbench.kit.geometry import clip_segment, contains, first_visit_after, inflate


def test_clip_segment_is_closed_and_exact() -> None:
    box = (Fraction(0), Fraction(1), Fraction(0), Fraction(1))
    assert clip_segment((-1, Fraction(1, 2)), (2, Fraction(1, 2)), box) == (Fraction(1, 3), Fraction(2, 3))
    assert clip_segment((-1, 2), (1, 0), box) is not None  # along the diagonal x + y = 1 through two corners
    assert clip_segment((1, 2), (2, 1), box) is None
    assert clip_segment((0, 2), (2, 0), box) is not None  # touches the corner (1, 1) only
    assert clip_segment((1, -1), (1, 2), (0, 1, 0, 1)) is not None  # along the right edge
    assert clip_segment((Fraction(1) + Fraction(1, 10**12), -1), (Fraction(1) + Fraction(1, 10**12), 2), box) is None
    assert clip_segment((0.5, 0.5), (0.5, 0.5), box) is not None and clip_segment((2, 2), (2, 2), box) is None


def test_first_visit_after_respects_time_order() -> None:
    line = [(Fraction(0), Fraction(0)), (Fraction(10), Fraction(0)), (Fraction(0), Fraction(0))]
    box = (Fraction(4), Fraction(5), Fraction(-1), Fraction(1))
    assert first_visit_after(line, box, (0, 0)) == (0, Fraction(2, 5))
    assert first_visit_after(line, box, (0, Fraction(9, 10))) == (1, Fraction(1, 2))
    assert first_visit_after(line, box, (1, Fraction(9, 10))) is None


def test_contains_and_inflate_are_closed() -> None:
    assert contains((0, 1, 0, 1), (1, 0)) and not contains((0, 1, 0, 1), (1.01, 0))
    assert inflate((0, 1, 0, 1), 0.5) == (-0.5, 1.5, -0.5, 1.5)
