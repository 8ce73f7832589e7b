"""Plane geometry for the path-planning task: axis-aligned rectangles, segments, polylines.

A rectangle is ``(x_start, x_end, y_start, y_end)`` as the SymBench path-planning questions write
it, and it is closed (its boundary belongs to it). The functions work on any exact or float
numbers: given :class:`fractions.Fraction` values (``Fraction(float)`` is exact) they decide
every question exactly, which is how the judge uses them; the planner uses floats with margins.
"""

from __future__ import annotations

from numbers import Real

Rect = tuple[Real, Real, Real, Real]
Point = tuple[Real, Real]


def clip_segment(p: Point, q: Point, rect: Rect) -> tuple[Real, Real] | None:
    """Parameters ``t0 <= t1`` in ``[0, 1]`` where ``p + t (q - p)`` lies in the closed ``rect``.

    ``None`` when the segment misses the rectangle (Liang-Barsky clipping; a zero-length segment
    is the point ``p``).
    """
    t0: Real = 0
    t1: Real = 1
    for start, end, low, high in ((p[0], q[0], rect[0], rect[1]), (p[1], q[1], rect[2], rect[3])):
        delta = end - start
        if delta == 0:
            if start < low or start > high:
                return None
            continue
        a, b = (low - start) / delta, (high - start) / delta
        if a > b:
            a, b = b, a
        t0, t1 = max(t0, a), min(t1, b)
        if t0 > t1:
            return None
    return t0, t1


def contains(rect: Rect, point: Point) -> bool:
    """Whether the closed rectangle holds ``point``."""
    return rect[0] <= point[0] <= rect[1] and rect[2] <= point[1] <= rect[3]


def inflate(rect: Rect, margin: float) -> tuple[float, float, float, float]:
    """The rectangle grown by ``margin`` on every side."""
    return (rect[0] - margin, rect[1] + margin, rect[2] - margin, rect[3] + margin)


def first_visit_after(
    polyline: list[Point], rect: Rect, after: tuple[int, Real]
) -> tuple[int, Real] | None:
    """Earliest ``(segment index, t)`` not before ``after`` at which the polyline is in ``rect``.

    Times are ordered lexicographically (segment, parameter); ``None`` if the polyline never
    reaches the rectangle from ``after`` on.
    """
    start_segment, start_t = after
    for k in range(start_segment, len(polyline) - 1):
        span = clip_segment(polyline[k], polyline[k + 1], rect)
        if span is None:
            continue
        t0, t1 = span
        if k > start_segment:
            return k, t0
        if t1 >= start_t:
            return k, max(t0, start_t)
    return None
