"""``RayBackend``: solve a run's jobs on Ray workers (the ``backend=`` of ``run_eval`` and ``run_synth``)."""

from __future__ import annotations

from codesteer.dist.cluster import Connection, forwarded_env
from codesteer.dist.workers import RayWorkers
from codesteer.eval.solver import Setup


class RayBackend:
    """Workers on the Ray cluster at ``address`` (``None``/``"local"``: a local instance for the
    run; ``"auto"``: the running cluster), each reserving ``worker_cpus`` CPUs and running
    ``concurrency`` jobs at once with its own sandbox pool (``worker_cpus`` workers unless
    ``sandbox_concurrency`` says otherwise). ``workers``: how many (default: the cluster's CPUs
    divided by ``worker_cpus``, at least one). ``workers_now`` is the last run's
    :class:`~codesteer.dist.workers.RayWorkers` (its live workers and fault counts).
    """

    def __init__(self, address: str | None = None, *, workers: int | None = None, worker_cpus: int = 2,
                 max_losses: int = 3) -> None:
        if workers is not None and workers < 1:
            raise ValueError("workers must be at least 1")
        if worker_cpus < 1:
            raise ValueError("worker_cpus must be at least 1")
        self.address, self.workers, self.worker_cpus, self.max_losses = address, workers, worker_cpus, max_losses
        self.workers_now: RayWorkers | None = None

    async def open(self, setup: Setup) -> RayWorkers:
        connection = Connection(self.address)
        ray = connection.open()
        try:
            count = self.workers or max(1, int(ray.cluster_resources().get("CPU", 1)) // self.worker_cpus)
            bounds = setup.bounds
            pool = RayWorkers(ray, setup, count=count, per_worker=bounds.concurrency, cpus=self.worker_cpus,
                              sandbox_workers=bounds.sandbox_concurrency or self.worker_cpus, env=forwarded_env(),
                              max_losses=self.max_losses, on_close=connection.close)
        except BaseException:
            connection.close()
            raise
        self.workers_now = pool
        await pool.start()  # closes the connection itself if a worker fails to start
        return pool
