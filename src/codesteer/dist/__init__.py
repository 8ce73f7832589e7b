"""Scale-out on Ray: evaluation and synthesis jobs solved by Ray workers across a cluster.

``run_eval(..., backend=RayBackend("auto"))`` (``codesteer eval --ray auto``) runs the same jobs
as a local run, on workers that each build the models from their specs, keep a warm sandbox pool
and run jobs concurrently under the usual bounds; this process plans the jobs and alone writes
the run's store, so resume, ``--retry-errors``, reports and the "two runs never mix" rule are
those of a local run. Needs the ``[dist]`` extra (``ray``). See docs/evaluation.md.
"""

from codesteer.dist.backend import RayBackend
from codesteer.dist.workers import RayWorkers, WorkerLostError

__all__ = ["RayBackend", "RayWorkers", "WorkerLostError"]
