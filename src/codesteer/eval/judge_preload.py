"""Imported by the judge pool's forkserver before it forks any worker: every SymBench task, once,
so that each judge worker starts as a fork that already has them instead of importing them
(about 0.7 s of CPU per worker). Importing this module has that effect and no other."""

from codesteer.symbench.registry import all_tasks

all_tasks()
