"""MATH Geometry (seen): competition geometry problems from the MATH dataset (train split).

Answer: ``<<<answer>>>``, the final answer in LaTeX or plain text; judged by mathematical
equivalence with the last ``\\boxed{}`` of the dataset's solution (see
:mod:`codesteer.symbench.kit.math_equiv`: fractions, radicals, π, degrees, units, tuples).
No generator, no solver, only the ``paper`` level: instances come from ``MATH/train/geometry``
in the release or from :func:`codesteer.symbench.external.load_math` (a local copy or the hub).
Deviations: the original asked gpt-4o for the verdict and counted a sample correct unless both
verdicts were exactly "False"; ours decides equivalence with sympy.
"""

from __future__ import annotations

from codesteer.symbench.kit.dataset_tasks import MathTask


class MathGeometry(MathTask):
    name = "math_geometry"
    title = "MATH Geometry"
    seen = True
    subject = "geometry"
    original_dirs = ("MATH/train/geometry",)
