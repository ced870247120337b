"""The trainer's one seam to :mod:`polyrelu.parallel`: where batches of subproblems run.

* in this process (``workers=1``, or by default until enough subproblems were solved to
  pay for processes);
* on one pool of local processes, created once per fit and reused by every batch; the
  forked workers inherit the problem (it is never sent again);
* on a Dask cluster (an :class:`polyrelu.parallel.Executor` with a scheduler, passed to
  ``fit``): the problem is scattered to every worker once, one actor per worker holds it,
  and each batch is split over the actors (actor calls bypass the scheduler: a task per
  part cost tens of milliseconds of scheduler and client time, more than the part's work).

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
    sign_bounds: Any = None  # the fit's SignBounds (for the set-up done on the workers)


class Result(NamedTuple):
    """One solved subproblem, as a worker returns it."""

    value: Rational
    u: tuple
    route: str
    bits: bytes  # the pairs the dual u is feasible for (PairFeasibility.packed)


_JOB: Job | None = None  # the job of the current fit, inherited by forked workers


def _resolve(job: Any) -> Job:
    j = job if job is not None else _JOB
    if j is not None and not isinstance(j, Job):  # a Dask future run in this process
        j = j.result()
    if j is None:  # pragma: no cover - a worker started without the job
        raise InternalError("training worker has no problem installed")
    return j


def _call(fn: Callable[..., Any], job: Job | None, args: tuple) -> Any:
    """``fn(job, *args)`` with the fit's job (inherited by a forked worker when ``job`` is None)."""
    return fn(_resolve(job), *args)


def _solve_chunk(job: Job | None, combos: Sequence, proposals: bool) -> list[Result]:
    j = _resolve(job)
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
        self._actors: list | None = None
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
        self._actors = None  # released with their futures
        _JOB = None

    def grow(self, n_solved: int) -> None:
        """The default policy: processes on every core once the search proves long."""
        if self.requested is None and self._dask is None and self._n == 1 and n_solved >= _AUTO_AFTER:
            self._n = parallel.default_workers()

    @property
    def parallel(self) -> int:
        """How many workers take tasks now (0: they run in this process)."""
        if self._dask is not None:
            return len(self._actors) if self._actors is not None else max(1, self._dask.parallelism)
        return self._n if self._n > 1 else 0

    def start(self, job: Job, combo: Any, proposals: bool) -> None:
        """Install ``job`` on the workers now (fork the local pool, or start the Dask
        actors); ``combo`` is a multiset solved here first (when float proposals are on) so
        that the float solvers are imported before the fork.  Without workers, nothing."""
        global _JOB
        if self._dask is not None:
            if self._actors is None:
                self._actors = _start_actors(self._dask.client, job)
            return
        if self._n <= 1 or self._local is not None:
            return
        _warm(job, combo, proposals)
        _JOB = job  # the pool forks on its first task: the workers inherit it
        self._local = parallel.Executor(workers=self._n)

    def call(self, fn: Callable[..., Any], job: Job, tasks: Sequence[tuple]) -> list:
        """Start ``fn(job, *t)`` for every task (after :meth:`start`): futures, in task
        order, spread over the workers (or run here when there are none)."""
        if self._dask is not None and self._actors is not None:
            return [self._actors[i % len(self._actors)].run(fn, t) for i, t in enumerate(tasks)]
        if self._local is not None and self._n > 1:
            inherit = "fork" in multiprocessing.get_all_start_methods()
            return [self._local.submit(_call, fn, None if inherit else job, t) for t in tasks]
        return [self._here.submit(_call, fn, job, t) for t in tasks]

    def submit(self, job: Job, combos: list, proposals: bool) -> Pending:
        """Start solving ``combos``; the same ``job`` for the whole fit."""
        if self._dask is not None:
            self.start(job, combos[0], proposals)
            assert self._actors is not None
            return Pending([a.solve(part, proposals) for a, part in zip(self._actors, _split(combos, len(self._actors)))])
        if self._n <= 1:
            return Pending([self._here.submit(_solve_chunk, job, combos, proposals)])
        self.start(job, combos[0], proposals)
        inherit = "fork" in multiprocessing.get_all_start_methods()  # otherwise send the job with every task
        return Pending([self._local.submit(_solve_chunk, None if inherit else job, part, proposals) for part in _split(combos, self._n)])

    def solve(self, job: Job, combos: list, proposals: bool) -> list[Result]:
        """:meth:`submit` and wait."""
        return self.submit(job, combos, proposals).result()


class _Solver:
    """A Dask actor: the fit's job, held by one worker, solving the parts sent to it.
    Calls go straight to the worker (not through the scheduler), so a part costs a round
    trip, not a task."""

    def __init__(self, job: Any):
        self.job = job
        self.solved = 0

    def solve(self, combos: Sequence, proposals: bool) -> list[Result]:
        self.solved += len(combos)
        return _solve_chunk(self.job, combos, proposals)

    def run(self, fn: Callable[..., Any], args: tuple) -> Any:
        """``fn(job, *args)`` on this worker's job (the trainer's set-up)."""
        return fn(_resolve(self.job), *args)

    def count(self) -> int:
        """Subproblems solved by this actor so far."""
        return self.solved


def _start_actors(client: Any, job: Job) -> list:
    """One :class:`_Solver` per worker of the cluster; the job is scattered once."""
    remote = client.scatter(job, broadcast=True, hash=False)  # hashing would tokenize the whole problem (seconds)
    addrs = sorted(client.scheduler_info().get("workers", {}))
    if not addrs:  # pragma: no cover - a cluster without workers yet: let the scheduler place one
        return [client.submit(_Solver, remote, actor=True, pure=False).result()]
    futs = [client.submit(_Solver, remote, actor=True, workers=[a], pure=False) for a in addrs]
    return [f.result() for f in futs]


def _warm(job: Job, combo: Any, proposals: bool) -> None:
    """Solve one subproblem here (result discarded) so that the float solvers are imported
    once, before the fork, instead of by every worker on its first solve."""
    if proposals:
        solve(job.prob, combo, propose=True)


def _split(items: list, k: int) -> list[list]:
    k = max(1, min(k, len(items)))
    size = -(-len(items) // k)
    return [items[i : i + size] for i in range(0, len(items), size)]
