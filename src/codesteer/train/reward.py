"""The reward of one GRPO episode: the SymBench judge's verdict, shaped by the episode's cost.

    reward = leaf_score - token_weight * tokens / 1000 - malformed_weight * malformed

``leaf_score`` is synthesis's score of a finished rollout (:func:`codesteer.synth.tree.leaf_score`):
``15 - n`` when the judge accepted the final answer and ``-n`` when not, ``n`` being the number
of steering outputs (a stop decision counts). ``tokens`` is the prompt and completion tokens of
every model call of the episode (``Trajectory.total_tokens``, the cost evaluation reports).
``malformed`` is the number of steering outputs the protocol had to guess at (no ``<<<...>>>``
block, an empty or broken one, a stop action in round 0: :mod:`codesteer.steer.protocol`), so
the policy learns to speak the protocol rather than lean on its fallbacks. Fewer rounds, fewer
tokens and well-formed guidance are better; a right answer beats a wrong one of the same length
unless it spends ``15 / token_weight`` thousand tokens more or is malformed ``15 / malformed_weight`` times.

An episode that ended in a model or sandbox error, or whose judge crashed, says nothing about
its guidance: it gets no reward (``None``), which TRL leaves out of its group's baseline and
gives no advantage.
"""

from __future__ import annotations

from codesteer.steer.trajectory import Trajectory
from codesteer.synth.tree import leaf_score, usable


def episode_reward(t: Trajectory, token_weight: float, malformed_weight: float) -> float | None:
    if not usable(t) or t.judge_error is not None or t.verdict is None:
        return None
    return leaf_score(t) - token_weight * t.total_tokens / 1000 - malformed_weight * t.malformed_steer_outputs
