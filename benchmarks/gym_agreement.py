"""Agreement of our judges with reasoning-gym's on the tasks both have (needs the [gym] extra).

Each of their items is answered by their reference answer and by near misses of it; both judges
judge every answer. Prints, per pair, the answers judged, how many both accepted / both rejected,
the agreement rate, and the first disagreements with our judge's reason.

    .venv/bin/python benchmarks/gym_agreement.py [--size 200] [--seed 0]
"""

from __future__ import annotations

import argparse
import time

from codesteer.integrations.reasoning_gym import PAIRS, cross_check


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=200, help="reasoning-gym items per pair")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    print(f"{'reasoning-gym':<18}{'ours':<18}{'items':>6}{'answers':>9}{'both ok':>9}{'both wrong':>11}"
          f"{'agree':>9}{'s':>7}")
    disagreements = []
    for pair in PAIRS:
        start = time.perf_counter()
        r = cross_check(pair, args.size, args.seed)
        print(f"{pair.theirs:<18}{pair.ours:<18}{r.items:>6}{r.answers:>9}{r.accepted_by_both:>9}"
              f"{r.rejected_by_both:>11}{r.rate:>9.2%}{time.perf_counter() - start:>7.1f}")
        disagreements += [(pair, d) for d in r.disagreements]
    for pair, d in disagreements[:20]:
        print(f"\n{pair.theirs} item {d.index}: theirs {'accepts' if d.theirs else 'rejects'}, ours "
              f"{'accepts' if d.ours else 'rejects'} ({d.reason})\n  answer: {d.answer!r}")


if __name__ == "__main__":
    main()
