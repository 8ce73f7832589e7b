"""Malformed steering outputs per round on the embedded model, without and with the protocol's grammar.

The embedded SmolLM2-135M, prompted as steerer of itself, often writes ``<<<Code>>`` or no block at
all. On a fixed set of instances, CodeSteer runs twice: ``constrain=off`` (free decoding) and
``constrain=on`` (the steering grammar, llama.cpp GBNF); the table counts malformed steering
outputs per round. Sampling is greedy, so the figures repeat exactly.

    python benchmarks/steering_grammar.py [--rounds 3] [--max-tokens 128]     (make run's settings)
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections import Counter

from codesteer.llm.local import LocalModel
from codesteer.steer import SteerConfig, solve
from codesteer.symbench import get_task

#: (task, seed, level): make run's instance first.
INSTANCES = (("number_multiply", 2, "1"), ("game24", 0, "paper"), ("game24", 1, "paper"), ("letters", 0, "paper"))


async def _runs(constrain: str, rounds: int, max_tokens: int) -> tuple[Counter[int], Counter[int], float]:
    model = LocalModel()
    malformed: Counter[int] = Counter()
    outputs: Counter[int] = Counter()
    began = time.perf_counter()
    for task, seed, level in INSTANCES:
        config = SteerConfig(max_rounds=rounds, self_check=False, constrain=constrain).capped(max_tokens)
        t = await solve(get_task(task).generate(seed, level=level), task_model=model, steer_model=model, config=config)
        for r in t.rounds:
            if r.steer_output is not None:
                outputs[r.index] += 1
                malformed[r.index] += r.malformed is not None
    return malformed, outputs, time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--max-tokens", type=int, default=128)
    args = parser.parse_args()
    print(f"embedded model as task and steering model, {len(INSTANCES)} instances "
          f"({', '.join(f'{t} {lv}/{s}' for t, s, lv in INSTANCES)}), up to {args.rounds} rounds, "
          f"{args.max_tokens} new tokens per call, greedy")
    print(f"{'decoding':<22}" + "".join(f"{'round ' + str(r):>10}" for r in range(args.rounds + 1))
          + f"{'all':>10}{'wall s':>9}")
    for constrain in ("off", "on"):
        malformed, outputs, wall = asyncio.run(_runs(constrain, args.rounds, args.max_tokens))
        cells = "".join(f"{f'{malformed[r]}/{outputs[r]}':>10}" for r in range(args.rounds + 1))
        total = f"{sum(malformed.values())}/{sum(outputs.values())}"
        print(f"{'grammar ' + constrain:<22}{cells}{total:>10}{wall:>9.1f}")


if __name__ == "__main__":
    main()
