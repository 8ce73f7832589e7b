"""MATH Counting & Probability (seen): competition combinatorics problems from MATH (train split).

Answer: ``<<<answer>>>``, the final answer in LaTeX or plain text; judged by mathematical
equivalence with the last ``\\boxed{}`` of the dataset's solution (see
:mod:`codesteer.symbench.kit.math_equiv`: ``\\frac{7}{33}`` = ``7/33`` = ``\\dfrac{14}{66}``, binomials,
factorials). No generator, no solver, only the ``paper`` level: instances come from
``MATH/train/counting_and_probability`` in the release or from
:func:`codesteer.symbench.external.load_math`.
Deviations: the original asked gpt-4o for the verdict and counted a sample correct unless both
verdicts were exactly "False"; ours decides equivalence with sympy.
"""

from __future__ import annotations

from codesteer.symbench.kit.dataset_tasks import MathTask


class MathCountingProbability(MathTask):
    name = "math_counting_probability"
    title = "MATH Counting & Probability"
    seen = True
    subject = "counting_and_probability"
    original_dirs = ("MATH/train/counting_and_probability",)
