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

from typing import Any, NamedTuple, Sequence

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


class Pending:
    """One batch in flight: :meth:`result` waits for its parts and returns the results in
    the batch's order."""

    def __init__(self, futures: list):
        self._futures = futures

    def result(self) -> list[Result]:
        return [r for fut in self._futures for r in fut.result()]


class Runner:
    """Solve batches of subproblems; ``workers`` as in :class:`ExactReluTrainer`;
    ``executor`` a :class:`polyrelu.parallel.Executor` (only a distributed one is used:
    local processes are this runner's own, forked after the job is installed).

    :meth:`submit` returns at once (the batch runs on the workers) so that the trainer can
    prepare the next batch meanwhile; without workers it runs the batch there and then."""

    def __init__(self, workers: int | None, executor: Any = None):
        self.requested = workers
        self._dask = executor if executor is not None and executor.is_distributed else None
        self._local: Any = None
        self._here = parallel.Executor(workers=1)
        self._remote: Any = None
        self._n = 1 if workers is None else max(1, workers)

    def __enter__(self) -> "Runner":
        return self

    def __exit__(self, *exc) -> None:
        self.close(*exc)

    def close(self, *exc) -> None:
        """Stop the local pool (at once on Ctrl-C and the like: ``exc`` as in ``__exit__``)."""
        global _JOB
        if self._local is not None:
            local, self._local = self._local, None
            local.__exit__(*(exc or (None, None, None)))
        _JOB = None

    def grow(self, n_solved: int) -> None:
        """The default policy: processes on every core once the search proves long."""
        if self.requested is None and self._dask is None and self._n == 1 and n_solved >= _AUTO_AFTER:
            self._n = parallel.default_workers()

    def submit(self, job: Job, combos: list, proposals: bool) -> Pending:
        """Start solving ``combos``; the same ``job`` for the whole fit."""
        global _JOB
        if self._dask is not None:
            client = self._dask.client
            if self._remote is None:
                self._remote = client.scatter(job, broadcast=True)
                self._parts = max(1, len(client.scheduler_info().get("workers", {})))
            return Pending([self._dask.submit(_solve_chunk, self._remote, part, proposals) for part in _split(combos, self._parts)])
        if self._n <= 1:
            return Pending([self._here.submit(_solve_chunk, job, combos, proposals)])
        if self._local is None:
            _warm(job.prob.loss, proposals)
            _JOB = job  # the pool forks on its first task: the workers inherit it
            self._local = parallel.Executor(workers=self._n)
        inherit = "fork" in multiprocessing.get_all_start_methods()  # otherwise send the job with every task
        return Pending([self._local.submit(_solve_chunk, None if inherit else job, part, proposals) for part in _split(combos, self._n)])

    def solve(self, job: Job, combos: list, proposals: bool) -> list[Result]:
        """:meth:`submit` and wait."""
        return self.submit(job, combos, proposals).result()


def _warm(loss: str, proposals: bool) -> None:
    """Import the float solvers here once, so that forked workers inherit them instead of
    each importing them on its first solve."""
    if not proposals:
        return
    try:
        if loss == "squared":
            import scipy.optimize  # noqa: F401
        else:
            import highspy  # noqa: F401
    except ImportError:  # pragma: no cover - the solve reports a missing solver itself
        pass


def _split(items: list, k: int) -> list[list]:
    k = max(1, min(k, len(items)))
    size = -(-len(items) // k)
    return [items[i : i + size] for i in range(0, len(items), size)]
