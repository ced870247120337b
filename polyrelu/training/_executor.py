"""The trainer's one seam to :mod:`polyrelu.parallel`: where batches of subproblems run.

* in this process (``workers=1``, or by default until enough subproblems were solved to
  pay for processes);
* on one pool of local processes, created once per fit and reused by every batch; the
  forked workers inherit the problem (it is never sent again);
* on a Dask cluster set with :func:`polyrelu.parallel.set_scheduler`: the problem is
  scattered to every worker once and each batch goes through
  :func:`polyrelu.parallel.run_tasks`.

Results come back in task order, so nothing depends on where they ran.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from typing import Any, Callable, Sequence

from .. import parallel
from .subproblem import Problem, solve

__all__ = ["Runner"]

_AUTO_AFTER = 32  # solved subproblems before the default starts processes
_PROBLEM: Problem | None = None  # the problem of the current fit, inherited by forked workers


def _solve_chunk(prob: Problem | None, combos: Sequence, proposals: bool) -> list:
    p = prob if prob is not None else _PROBLEM
    if p is not None and not isinstance(p, Problem):  # a Dask future run in this process
        p = p.result()
    if p is None:  # pragma: no cover - a worker started without the problem
        raise RuntimeError("training worker has no problem installed")
    return [solve(p, c, propose=proposals) for c in combos]


class Runner:
    """Solve batches of subproblems; ``workers`` as in :class:`ExactReluTrainer`."""

    def __init__(self, workers: int | None):
        self.requested = workers
        self._scheduler = parallel.scheduler()
        self._pool: ProcessPoolExecutor | None = None
        self._client: Any = None
        self._restore: Any = None
        self._remote: Any = None
        self._n = 1 if workers is None else max(1, workers)
        self.workers_used = 1

    @property
    def parallel_from_start(self) -> bool:
        return self._scheduler is not None or (self.requested is not None and self.requested > 1)

    def __enter__(self) -> "Runner":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        global _PROBLEM
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        if self._restore is not None:
            parallel.set_scheduler(self._restore)
            self._restore = None
        if self._client is not None:
            self._client.close()
            self._client = None
        _PROBLEM = None

    def map(self, fn: Callable, tasks: list[tuple]) -> list:
        """Independent tasks (setup work), in order."""
        if self._scheduler is not None:
            return parallel.run_tasks(fn, tasks)
        n = self._n if self.requested is not None else parallel.default_workers()
        return parallel.run_tasks(fn, tasks, workers=n if len(tasks) >= 64 else 1)

    def grow(self, n_solved: int) -> None:
        """The default policy: processes on every core once the search proves long."""
        if self.requested is None and self._scheduler is None and self._n == 1 and n_solved >= _AUTO_AFTER:
            self._n = parallel.default_workers()

    def solve(self, prob: Problem, combos: list, proposals: bool) -> list:
        global _PROBLEM
        if self._scheduler is not None and len(combos) > 1:
            if self._remote is None:
                from distributed import Client

                sch = self._scheduler
                if not isinstance(sch, Client):  # an address: one client for the whole fit
                    self._client = Client(sch)
                    self._restore = sch
                    parallel.set_scheduler(self._client)
                    sch = self._client
                self._remote = sch.scatter(prob, broadcast=True)
                self.workers_used = max(1, len(sch.scheduler_info().get("workers", {})))
            parts = _split(combos, 2 * self.workers_used)
            out = parallel.run_tasks(_solve_chunk, [(self._remote, part, proposals) for part in parts])
            return [r for part in out for r in part]
        if self._n <= 1 or len(combos) <= 1:
            return _solve_chunk(prob, combos, proposals)
        if self._pool is None:
            _PROBLEM = prob  # forked workers inherit it
            ctx = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None
            self._pool = ProcessPoolExecutor(max_workers=self._n, mp_context=ctx)
            self.workers_used = self._n
            if ctx is None:  # pragma: no cover - no fork: send the problem with every task
                self._remote = prob
        futures = [self._pool.submit(_solve_chunk, self._remote, part, proposals) for part in _split(combos, self._n)]
        return [r for f in futures for r in f.result()]


def _split(items: list, k: int) -> list[list]:
    k = max(1, min(k, len(items)))
    size = -(-len(items) // k)
    return [items[i : i + size] for i in range(0, len(items), size)]
