"""The trainer's one seam to :mod:`polyrelu.parallel`: where batches of subproblems run.

* in this process (``workers=1``, or by default until enough subproblems were solved to
  pay for processes);
* on one pool of local processes, created once per fit and reused by every batch; the
  forked workers inherit the problem (it is never sent again);
* on a Dask cluster (an :class:`polyrelu.parallel.Executor` with a scheduler, passed to
  ``fit``): the problem is scattered to every worker once and each batch goes through the
  executor.

Local pools are :class:`polyrelu.parallel.Executor` objects too, so their workers die with
the parent (Ctrl-C, SIGTERM, a killed parent).

Results come back in task order, so nothing depends on where they ran.
"""

from __future__ import annotations

import multiprocessing

from typing import Any, Callable, NamedTuple, Sequence

from .. import parallel
from ..errors import InternalError
from ..exact.rational import Rational
from .pool import PairFeasibility
from .subproblem import Problem, solve

__all__ = ["Runner", "Job", "Result"]

_AUTO_AFTER = 32  # solved subproblems before the default starts processes


class Job(NamedTuple):
    """What a worker needs for the whole fit (sent once)."""

    prob: Problem
    feasibility: PairFeasibility


class Result(NamedTuple):
    """One solved subproblem, as a worker returns it."""

    value: Rational
    u: tuple
    route: str
    bits: bytes  # the pairs the dual u is feasible for (PairFeasibility.packed)


_JOB: Job | None = None  # the job of the current fit, inherited by forked workers


def _solve_chunk(job: Job | None, combos: Sequence, proposals: bool) -> list[Result]:
    j = job if job is not None else _JOB
    if j is not None and not isinstance(j, Job):  # a Dask future run in this process
        j = j.result()
    if j is None:  # pragma: no cover - a worker started without the job
        raise InternalError("training worker has no problem installed")
    out = []
    for c in combos:
        res = solve(j.prob, c, propose=proposals)
        out.append(Result(res.value, res.u, res.route, j.feasibility.packed(res.u)))
    return out


class Runner:
    """Solve batches of subproblems; ``workers`` as in :class:`ExactReluTrainer`;
    ``executor`` a :class:`polyrelu.parallel.Executor` (only a distributed one is used:
    local processes are this runner's own, forked after the problem is installed)."""

    def __init__(self, workers: int | None, executor: Any = None):
        self.requested = workers
        self._dask = executor if executor is not None and executor.is_distributed else None
        self._local: Any = None
        self._remote: Any = None
        self._n = 1 if workers is None else max(1, workers)
        self.workers_used = 1

    @property
    def parallel_from_start(self) -> bool:
        return self._dask is not None or (self.requested is not None and self.requested > 1)

    def __enter__(self) -> "Runner":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        global _JOB
        if self._local is not None:
            self._local.close()
            self._local = None
        _JOB = None

    def map(self, fn: Callable, tasks: list[tuple]) -> list:
        """Independent tasks (setup work), in order."""
        if self._dask is not None:
            return self._dask.map(fn, tasks)
        n = self._n if self.requested is not None else parallel.default_workers()
        return parallel.run_tasks(fn, tasks, workers=n if len(tasks) >= 64 else 1)

    def grow(self, n_solved: int) -> None:
        """The default policy: processes on every core once the search proves long."""
        if self.requested is None and self._dask is None and self._n == 1 and n_solved >= _AUTO_AFTER:
            self._n = parallel.default_workers()

    def solve(self, job: Job, combos: list, proposals: bool) -> list[Result]:
        global _JOB
        if self._dask is not None and len(combos) > 1:
            if self._remote is None:
                client = self._dask.client
                self._remote = client.scatter(job, broadcast=True)
                self.workers_used = max(1, len(client.scheduler_info().get("workers", {})))
            parts = _split(combos, 2 * self.workers_used)
            out = self._dask.map(_solve_chunk, [(self._remote, part, proposals) for part in parts])
            return [r for part in out for r in part]
        if self._n <= 1 or len(combos) <= 1:
            return _solve_chunk(job, combos, proposals)
        if self._local is None:
            _JOB = job  # the pool forks on its first task: the workers inherit it
            self._local = parallel.Executor(workers=self._n)
            self.workers_used = self._n
        inherit = "fork" in multiprocessing.get_all_start_methods()  # otherwise send the problem with every task
        out = self._local.map(_solve_chunk, [(None if inherit else job, part, proposals) for part in _split(combos, self._n)])
        return [r for part in out for r in part]


def _split(items: list, k: int) -> list[list]:
    k = max(1, min(k, len(items)))
    size = -(-len(items) // k)
    return [items[i : i + size] for i in range(0, len(items), size)]
