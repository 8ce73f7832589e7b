"""Figures of a synthesis run: rollouts per task, rounds, code/text share, records, score gaps."""

from __future__ import annotations

from collections import Counter
from statistics import mean, median
from typing import Any

from codesteer.synth.dataset import Rollouts, pairs, sft_records
from codesteer.synth.runner import spent
from codesteer.synth.sft import first_choice
from codesteer.synth.spec import SynthSpec
from codesteer.synth.tree import rounds, usable


def _share(counter: Counter[str]) -> dict[str, float]:
    total = sum(counter.values())
    return {k: round(v / total, 3) for k, v in sorted(counter.items())} if total else {}


def _by_number(counter: Counter[str]) -> dict[str, int]:
    """Counts keyed by numbers written as text, in numeric order."""
    return dict(sorted(counter.items(), key=lambda kv: int(kv[0])))


def summarize(spec: SynthSpec, rollouts: Rollouts, *, keep: int = 1, clean: bool = True,
              per_task: int | None = None, min_gap: float = 0.0) -> dict[str, Any]:
    """Every figure ``codesteer synth stats`` prints, as plain data."""
    per: dict[str, dict[str, int]] = {}
    round_counts: Counter[str] = Counter()
    root_choices: Counter[str] = Counter()
    calls = tokens = 0
    for (task, _), samples in rollouts.items():
        row = per.setdefault(task, {"instances": 0, "rollouts": 0, "correct": 0, "errors": 0})
        row["instances"] += 1
        for (_, path), t in samples.items():
            c, n = spent(t)
            calls, tokens = calls + c, tokens + n
            row["rollouts"] += 1
            row["errors"] += not usable(t)
            row["correct"] += bool(usable(t) and t.correct)
            if usable(t):
                round_counts[str(rounds(t))] += 1
                if not path:
                    root_choices[first_choice(t)] += 1
    out: dict[str, Any] = {
        "kind": spec.kind, "mode": spec.mode if spec.kind == "dpo" else None,
        "rollouts": sum(r["rollouts"] for r in per.values()), "calls": calls, "tokens": tokens,
        "per_task": dict(sorted(per.items())),
        "rounds": _by_number(round_counts),
        "first_choice_share": _share(root_choices),
    }
    if spec.kind == "sft":
        records = sft_records(rollouts, keep=keep, clean=clean, per_task=per_task)
        out["records"] = len(records)
        out["records_per_task"] = dict(sorted(Counter(r.task for r in records).items()))
        out["record_rounds"] = _by_number(Counter(str(r.rounds) for r in records))
        out["record_first_choice_share"] = _share(Counter(r.mode for r in records))
    else:
        found = pairs(spec, rollouts, min_gap=min_gap)
        gaps = [p.gap for p in found]
        out["pairs"] = len(found)
        out["pairs_per_task"] = dict(sorted(Counter(p.task for p in found).items()))
        out["pairs_per_round"] = _by_number(Counter(str(p.round) for p in found))
        out["gap"] = ({"min": min(gaps), "median": median(gaps), "mean": round(mean(gaps), 3), "max": max(gaps)}
                      if gaps else {})
    return out


def render(stats: dict[str, Any]) -> str:
    """The figures as aligned text lines."""
    lines = [f"{stats['kind']}{' (' + stats['mode'] + ' mode)' if stats['mode'] else ''}: "
             f"{stats['rollouts']} rollouts, {stats['calls']} model calls, {stats['tokens']} tokens"]
    lines.append(f"{'task':32} {'instances':>9} {'rollouts':>8} {'correct':>7} {'errors':>6} "
                 f"{'records' if stats['kind'] == 'sft' else 'pairs':>7}")
    made = stats.get("records_per_task") or stats.get("pairs_per_task") or {}
    for task, row in stats["per_task"].items():
        lines.append(f"{task:32} {row['instances']:>9} {row['rollouts']:>8} {row['correct']:>7} "
                     f"{row['errors']:>6} {made.get(task, 0):>7}")
    lines.append(f"rollout rounds: {stats['rounds']}")
    lines.append(f"round-0 choice share (roots): {stats['first_choice_share']}")
    if stats["kind"] == "sft":
        lines.append(f"records: {stats['records']}; rounds {stats['record_rounds']}; "
                     f"round-0 choice share {stats['record_first_choice_share']}")
    else:
        lines.append(f"pairs: {stats['pairs']}; per round {stats['pairs_per_round']}; score gap {stats['gap']}")
    return "\n".join(lines)
