"""Adapters that put SymBench and the engine where people already evaluate and train.

Each adapter is thin: it calls the same tasks, judges and engine as the rest of codesteer.

- :mod:`codesteer.integrations.rl`: the RL dataset row and reward functions (TRL, verl);
- :mod:`codesteer.integrations.verifiers`: a ``verifiers`` taskset (``[rl]`` extra);
- :mod:`codesteer.integrations.inspect`: inspect-ai tasks, solvers and scorer (``[inspect]`` extra);
- :mod:`codesteer.integrations.hub`: the dataset card and the Hugging Face Hub push (``[hf]`` extra);
- :mod:`codesteer.integrations.reasoning_gym`: cross-checks of our judges against reasoning-gym's.

See docs/integrations.md.
"""
