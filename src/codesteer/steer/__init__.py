"""The steering engine: CodeSteer's multi-round loop, its checkers and the baseline methods.

Entry point: ``await solve(question_or_instance, method=..., task_model=..., steer_model=...)``
returns a :class:`Trajectory`. See docs/steering.md and docs/architecture.md.
"""

from codesteer.steer.config import Sampling, SteerConfig
from codesteer.steer.context import Ending, Run
from codesteer.steer.engine import solve
from codesteer.steer.methods import Method, all_methods, get_method
from codesteer.steer.roles import ROLES, Role
from codesteer.steer.trajectory import Conversation, Trajectory

__all__ = [
    "ROLES", "Conversation", "Ending", "Method", "Role", "Run", "Sampling", "SteerConfig", "Trajectory",
    "all_methods", "get_method", "solve",
]
