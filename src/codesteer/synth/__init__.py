"""Data synthesis for the steering model: SFT trajectories and DPO guidance pairs (docs/synthesis.md).

``run_synth(spec, out)`` runs CodeSteer with a teacher steerer over SymBench instances into a
resumable store; :mod:`.dataset` derives SFT records and scored DPO pairs from it, :mod:`.export`
writes them for TRL, ``datasets`` and LLaMA-Factory, :mod:`.stats` summarises a run.
"""

from codesteer.synth.dataset import open_run, pairs, sft_records
from codesteer.synth.export import write_dpo, write_sft
from codesteer.synth.runner import Budget, SynthSummary, run_synth, run_synth_async
from codesteer.synth.sft import SftRecord
from codesteer.synth.spec import SynthSpec, teacher_config
from codesteer.synth.tree import Pair

__all__ = [
    "Budget", "Pair", "SftRecord", "SynthSpec", "SynthSummary", "open_run", "pairs", "run_synth",
    "run_synth_async", "sft_records", "teacher_config", "write_dpo", "write_sft",
]
