"""The steering engine: CodeSteer's multi-round loop, its checkers and the baseline methods.

Entry point: ``await solve(question_or_instance, method=..., task_model=..., steer_model=...)``
returns a :class:`Trajectory`. See docs/steering.md.
"""

from codesteer.steer.config import Sampling, SteerConfig
from codesteer.steer.engine import Ending, Run, solve
from codesteer.steer.methods import Method, all_methods, get_method
from codesteer.steer.trajectory import Trajectory

__all__ = [
    "Ending", "Method", "Run", "Sampling", "SteerConfig", "Trajectory", "all_methods", "get_method", "solve",
]
