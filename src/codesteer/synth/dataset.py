"""Reading a synthesis run directory back: its spec, its rollouts, SFT records and DPO pairs.

Everything here is derived from the stored rollouts alone, so records and pairs can be derived
again with other settings (``keep``, ``min_gap``...) without a model call.
"""

from __future__ import annotations

from pathlib import Path

from codesteer.eval.store import RunStore, StoreError
from codesteer.steer.trajectory import Trajectory
from codesteer.synth.sft import SftRecord, select
from codesteer.synth.spec import SynthSpec
from codesteer.synth.tree import BranchPath, Pair, failed_pairs, rollout_of, tree_pairs

#: (task, instance id) -> (root sample, branch path) -> rollout
Rollouts = dict[tuple[str, str], dict[tuple[int, BranchPath], Trajectory]]


def open_run(out: str | Path) -> tuple[SynthSpec, Rollouts]:
    """The spec and every stored rollout of a synthesis directory (``StoreError`` if it is none)."""
    with RunStore(out, create=False) as store:
        config = store.config()
        if config is None or "kind" not in config:
            raise StoreError(f"{out} holds no synthesis run")
        rollouts: Rollouts = {}
        for row, t in store.iter_trajectories():
            where = rollout_of(row.key.sample, row.key.branch)
            rollouts.setdefault((row.key.task, row.key.instance_id), {})[where] = t
    return SynthSpec.from_dict(config), rollouts


def sft_records(rollouts: Rollouts, *, keep: int = 1, clean: bool = True, per_task: int | None = None) -> list[SftRecord]:
    """SFT records of every root rollout (see :mod:`codesteer.synth.sft`)."""
    roots = ((sample, t) for samples in rollouts.values() for (sample, path), t in sorted(samples.items()) if not path)
    return select(roots, keep=keep, clean=clean, per_task=per_task)


def pairs(spec: SynthSpec, rollouts: Rollouts, *, min_gap: float = 0.0) -> list[Pair]:
    """DPO pairs of every instance, scored as the spec's mode says (see :mod:`codesteer.synth.tree`)."""
    if min_gap < 0:
        raise ValueError("min_gap must be at least 0 (a negative gap would pair ties both ways)")
    derive = failed_pairs if spec.mode == "failed" else tree_pairs
    out: list[Pair] = []
    for (task, instance_id), samples in sorted(rollouts.items()):
        tree: dict[BranchPath, Trajectory] = {path: t for (sample, path), t in samples.items() if sample == 0}
        out.extend(derive(tree, task, instance_id, min_gap))
    return out
