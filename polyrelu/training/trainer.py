"""Exact global-optimum training of one hidden layer (the paper's Algorithm 1, docs/mathematics.md §6).

Model: f(x) = sum_{i=1}^w s_i ReLU(a_i . x + b_i) (+ c with ``output_bias=True``), with
s_i in {+1, -1} (positive homogeneity lets every one-hidden-layer net be written so).

**Empirical risk** (``loss_``): (1/D) sum_j loss(f(x_j), y_j), exact, with squared loss
(f - y)^2, absolute loss |f - y| and hinge loss max(0, 1 - y f) (labels y in {-1, +1}).

**Algorithm.**  Which data points a neuron sees as active is decided by the closed cell of
its parameters (a, b) in the central arrangement of the D hyperplanes
{(a, b) : a . x_j + b = 0} in R^(n+1).  Fix a cell C_i and a sign s_i for every neuron: the
predictions are linear in the parameters on the product of the closed cells, so minimising
the loss is a convex program (:mod:`polyrelu.training.subproblem`): an LP for absolute
and hinge loss, a projection onto a polyhedral cone for squared loss, both solved exactly
with a float proposal that rational arithmetic verifies.  The closed full-dimensional cells
cover parameter space, so the minimum over all choices is the global optimum.

**Pruning, all of it exact and re-checked by the certificate verifier.**

* Neurons are interchangeable: only multisets of (cell, sign) pairs are enumerated.
* Dominance: the all-inactive cell adds 0 everywhere and the zero parameter lies in every
  closed cell, so a neuron in it can be replaced by any other pair; a multiset with a
  repeated pair is the problem of its distinct pairs (K_C + K_C = K_C), which any further
  pair only relaxes.  Multisets with either are skipped (when enough pairs exist).
* The *sign bound* (:mod:`polyrelu.training.bounds`) orders the multisets, best first.
* *Shared duals* (:mod:`polyrelu.training.pool`): the optimal dual of every solved
  multiset bounds every multiset whose pairs are all feasible for it, in particular those
  that differ from it in one neuron.

The search takes the multisets in increasing sign bound, in batches, two in flight (batch
j is built from the incumbent and the duals of batches 1 .. j - 2 while batch j - 1 is
solved, so workers do not wait for the main process); a multiset whose sign bound or some
shared dual bound is at least the incumbent known when its batch is built is not solved,
and the search ends when the next sign bound reaches the incumbent.  The batches and the
pipeline are fixed by the data (not by the number of workers or the order in which they
finish), and every dual is canonical (the same with float proposals on and off), so the
result, the counts and the certificate depend on neither.  The network returned is that of the first multiset in this order attaining the
optimum (no valid bound can prune it before an equal value is known), recomputed with the
exact route.

**Certificate** (``certificate_``, :func:`polyrelu.verify.verify`): the data,
the optimal network, the arrangement certificate of the data's central arrangement (so the
cell list is complete), and ``duals``: exact dual vectors u, each with the pairs it covers
and, per pair, multipliers mu >= 0 with P^T u + G^T mu = 0 (the pair is feasible for u).
Every multiset is covered by a dual all of whose pairs it lists, or by its sign bound.
"""

from __future__ import annotations

import itertools
import math
import time
from collections import deque
from typing import Any, Callable, Sequence

import numpy as np
from gmpy2 import mpq

from ..certify.arrangement import arrangement_certificate
from ..errors import BudgetExceededError, InternalError, InvalidParameterError, NotFittedError, ResourceLimitError, ShapeError
from ..exact.rational import Rational, as_matrix, as_vector, to_str
from ..geometry.arrangement import HyperplaneArrangement
from ..nets.network import ReluNetwork
from ..parallel import check_deadline
from .bounds import SignBounds, paper_bound, sign_bound
from .pool import DualPool, PairFeasibility
from .subproblem import Problem, RationalColumns, all_cell_generators, cell_columns, cell_integer_columns, integer_points, cell_generators, cell_multipliers, cell_walls, loss_value, solve
from . import _executor

__all__ = ["ExactReluTrainer", "sign_bound", "paper_bound", "all_splits_optimum"]

LOSSES = ("squared", "absolute", "hinge")
_ZERO = mpq(0)
_MAX_CANDIDATES = 40_000_000  # multisets held in memory (int16 pairs and int64 bounds: about 1 GB at w = 3)
_CHUNK = 1 << 16
_SLOW_CHUNK = 1 << 10  # multisets per deadline check when sign bounds are Python rationals (squared loss with output bias)
_MAX_DEFERRED = 4096  # multisets put off to a later batch because they share a pair with one in the batch
_POOL_SETUP = 1 << 17  # multisets from which the set-up (sign bounds, sort) runs on the workers
_POOL_CHUNK = 1 << 21  # at most this many multisets per set-up task on the workers
_DEPTH = 2  # batches in flight (part of the search's definition: the same for every executor)
_BUILD_CELLS = 16  # cells' columns built between deadline checks (each a fraction of a millisecond or more)


# --------------------------------------------------------------------------- enumeration
def _combos(lo: int, m: int, w: int, repeat: bool) -> np.ndarray:
    """All w-multisets (repeat) or w-subsets of range(lo, m), lexicographic, as rows."""
    if w == 1:
        return np.arange(lo, m, dtype=np.int32)[:, None]
    if w == 2:
        ia, ib = np.triu_indices(m - lo, 0 if repeat else 1)
        return np.stack([ia + lo, ib + lo], axis=1).astype(np.int32)
    return _combos_first(lo, m, m, w, repeat)


def _iter_combos(m: int, w: int, repeat: bool):
    """Chunks of the lexicographic enumeration (first element fixed per chunk group)."""
    if w <= 2:
        yield _combos(0, m, w, repeat)
        return
    buf, size = [], 0
    for a in range(m):
        rest = _combos(a if repeat else a + 1, m, w - 1, repeat)
        if len(rest):
            buf.append(np.concatenate([np.full((len(rest), 1), a, dtype=np.int32), rest], axis=1))
            size += len(rest)
        if size >= _CHUNK:
            yield np.concatenate(buf)
            buf, size = [], 0
    if buf:
        yield np.concatenate(buf)


def _n_multisets(m: int, w: int) -> tuple[bool, int]:
    """(repeat, how many): the w-subsets of m pairs, or the w-multisets when there are too
    few pairs to fill w distinct neurons."""
    repeat = m < w
    return repeat, math.comb(m + w - 1, w) if repeat else math.comb(m, w)


def _first_counts(m: int, w: int, repeat: bool) -> list[int]:
    """Per first pair a, how many multisets (repeat) or subsets start with it."""
    return [math.comb(m - a + w - 2, w - 1) if repeat else math.comb(m - a - 1, w - 1) for a in range(m)]


def _first_ranges(m: int, w: int, repeat: bool, n: int) -> list[tuple[int, int]]:
    """Split the lexicographic enumeration into about ``n`` contiguous chunks of similar
    size, each the multisets whose first pair lies in a range [lo, hi)."""
    counts = _first_counts(m, w, repeat)
    total = sum(counts)
    out, lo, acc, k = [], 0, 0, 1
    for a, c in enumerate(counts):
        acc += c
        if acc * n >= k * total and a + 1 < m:
            out.append((lo, a + 1))
            lo = a + 1
            while acc * n >= k * total:
                k += 1
    if lo < m:
        out.append((lo, m))
    return [r for r in out if r[0] < r[1]]


def _combos_first(lo: int, hi: int, m: int, w: int, repeat: bool) -> np.ndarray:
    """The multisets (repeat) or subsets of range(m) of size w whose first element lies in
    [lo, hi), lexicographic, as rows (a contiguous part of :func:`_combos` (0, m, w))."""
    if w == 1:
        return np.arange(lo, hi, dtype=np.int32)[:, None]
    parts = []
    for a in range(lo, hi):
        rest = _combos(a if repeat else a + 1, m, w - 1, repeat)
        if len(rest):
            parts.append(np.concatenate([np.full((len(rest), 1), a, dtype=np.int32), rest], axis=1))
    return np.concatenate(parts) if parts else np.zeros((0, w), dtype=np.int32)


def _bounds_chunk(job: "_executor.Job", lo: int, hi: int, m: int, w: int, repeat: bool, dtype: Any, sort: bool,
                  deadline: float | None = None):
    """(combos, sign bounds) of the multisets with first pair in [lo, hi), lexicographic,
    or stably sorted by bound (``sort``; what a worker returns for the merge).  None once
    ``deadline`` (wall clock, ``time.time()``: the same in every process of the machine)
    has passed; it is checked between parts of :data:`_CHUNK` multisets (of
    :data:`_SLOW_CHUNK` where every bound is a Python rational)."""
    combos = _combos_first(lo, hi, m, w, repeat).astype(dtype)
    sb = job.sign_bounds
    step = _SLOW_CHUNK if sb.dtype == object else _CHUNK
    parts = []
    for i in range(0, len(combos), step):
        if deadline is not None and time.time() > deadline:
            return None
        parts.append(sb.of(combos[i : i + step]))
    bounds = np.concatenate(parts) if parts else np.zeros(0, dtype=sb.dtype)
    if sort:
        order = np.argsort(bounds, kind="stable")
        return np.take(combos, order, axis=0), np.take(bounds, order)
    return combos, bounds


class _Cursor:
    """Where the search is: the next position in the sorted candidates, the deferred
    multisets ready to be offered again (sorted positions), how many wait for a batch in
    flight, and the scan window."""

    def __init__(self) -> None:
        self.pos, self.scan, self.waiting = 0, 256, 0
        self.ready = np.zeros(0, dtype=np.intp)


class _Search:
    """State of one fit: the sorted candidates, the incumbent and the dual pool."""

    def __init__(self, prob: Problem, pairs, combos: np.ndarray, bounds: np.ndarray, sb: SignBounds, job: "_executor.Job"):
        self.prob, self.pairs, self.combos, self.bounds, self.sb = prob, pairs, combos, bounds, sb
        self.feasibility = job.feasibility
        self.pool = DualPool(self.feasibility)
        self.job = job
        self.best: tuple[Rational, int] | None = None  # (value, position)
        self.n_solved = self.n_sign = self.n_dual = self.n_fallback = 0

    def chosen(self, pos: int) -> tuple:
        return tuple(self.pairs[int(k)] for k in self.combos[pos])


# --------------------------------------------------------------------------- the trainer
class ExactReluTrainer:
    """Globally optimal one-hidden-layer ReLU network for a convex loss, exactly.

    Parameters
    ----------
    width : int
        Number of hidden neurons w >= 1.
    loss : {"squared", "absolute", "hinge"}
        Hinge loss needs labels in {-1, +1}.
    output_bias : bool
        Whether the network may add a constant to its output (the paper's nets do not).
    workers : int or None
        Processes in all (default: every core once many subproblems are solved): this
        one and ``workers - 1`` forked workers, this one solving a share of every batch
        beside its bookkeeping.  A Dask executor passed to :meth:`fit` takes the batches
        instead (its workers, not this process, solve them).
    max_seconds, max_subproblems : optional budget
        When it runs out, ``fit`` stops with the best network so far, ``certified_`` False
        and ``lower_bound_`` a proven lower bound on the optimum.  ``max_seconds`` covers
        the whole fit: building the problem (the data's arrangement, every cell's
        generators and columns), the set-up of the sign bounds and the search.  When it
        runs out before anything is solved, ``network_`` is the zero network and
        ``lower_bound_`` 0; when it runs out while the problem is built, ``n_cells_``,
        ``n_candidates_`` and every count are 0 as well.
    certify : bool
        Keep what ``certificate_`` needs (the duals of the solved subproblems).
    proposals : bool
        Let floats propose (HiGHS bases for the LPs, scipy's NNLS for squared loss); the
        result, the counts and the certificate are the same without them, only slower.
    batch_size : int
        Subproblems solved per batch (two batches are in flight; the incumbent and the
        shared duals are updated between batches).  The result never depends on it; the
        counts do.  Larger batches amortise the per-batch cost of processes and clusters
        but solve more subproblems.

    Attributes (after ``fit``)
    --------------------------
    network_ : ReluNetwork
    loss_ : Rational — the exact empirical risk of ``network_``
    certified_ : bool — True when the search finished: ``loss_`` is the global optimum
    lower_bound_ : Rational — equal to ``loss_`` when certified
    n_subproblems_ : int — convex programs solved
    n_pruned_ : int — multisets not solved (``n_pruned_sign_`` by the sign bound,
        ``n_pruned_dual_`` by a shared dual)
    n_fallbacks_ : int — solves in which the float proposal failed the exact check and the
        exact route answered (always ``n_subproblems_`` with ``proposals=False``)
    n_duals_confirmed_ : int — (dual, pair) feasibilities decided exactly for shared-dual pruning (every pair, for every dual)
    n_candidates_ : int — multisets of (cell, sign) after symmetry and dominance (0 when
        the budget ran out while the problem was built)
    n_cells_ : int — cells of the data's arrangement (activation splits of one neuron; 0
        when the budget ran out while the problem was built)
    paper_bound_ : int — the paper's 2^w D^(n w)
    certificate_ : dict or None — see the module docstring (None if not certified)

    >>> t = ExactReluTrainer(width=1, loss="absolute").fit([[0], [1], [2]], [0, 1, 2])
    >>> t.loss_, t.predict([[3]]), t.certified_
    (mpq(0,1), (mpq(3,1),), True)
    >>> ExactReluTrainer(width=1, loss="squared").fit([[0], [0]], [1, 2]).loss_   # the variance
    mpq(1,4)
    """

    def __init__(self, width: int = 1, loss: str = "absolute", output_bias: bool = False, *, workers: int | None = None,
                 max_seconds: float | None = None, max_subproblems: int | None = None, certify: bool = True,
                 proposals: bool = True, batch_size: int = 16):
        self.width = width
        self.loss = loss
        self.output_bias = output_bias
        self.workers = workers
        self.max_seconds = max_seconds
        self.max_subproblems = max_subproblems
        self.certify = certify
        self.proposals = proposals
        self.batch_size = batch_size

    def _validate(self, X: Any, y: Any):
        if isinstance(self.width, bool) or not isinstance(self.width, int) or self.width < 1:
            raise InvalidParameterError(f"width is {self.width!r}; it must be an integer >= 1")
        if self.loss not in LOSSES:
            raise InvalidParameterError(f"loss is {self.loss!r}; expected one of {', '.join(LOSSES)}")
        for name in ("output_bias", "certify", "proposals"):
            if not isinstance(getattr(self, name), bool):
                raise InvalidParameterError(f"{name} is {getattr(self, name)!r}; give True or False")
        if self.workers is not None and (isinstance(self.workers, bool) or not isinstance(self.workers, int) or self.workers < 1):
            raise InvalidParameterError(f"workers is {self.workers!r}; give an integer >= 1 or None")
        for name in ("max_seconds", "max_subproblems"):
            v = getattr(self, name)
            if v is not None and (isinstance(v, bool) or not isinstance(v, (int, float)) or not v > 0):
                raise InvalidParameterError(f"{name} is {v!r}; give a positive number or None")
        if isinstance(self.batch_size, bool) or not isinstance(self.batch_size, int) or self.batch_size < 1:
            raise InvalidParameterError(f"batch_size is {self.batch_size!r}; it must be an integer >= 1")
        Xs = as_matrix(X, field="X")
        if not Xs:
            raise ShapeError("X is empty; give at least one data point")
        ys = as_vector(y, field="y", length=len(Xs))
        if self.loss == "hinge" and any(v not in (1, -1) for v in ys):
            raise InvalidParameterError("hinge loss needs labels y in {-1, +1}; relabel the classes as -1 and 1")
        if len(Xs[0]) == 0:
            raise ShapeError("X has no columns; every data point needs at least one coordinate")
        return tuple(tuple(r) for r in Xs), tuple(ys)

    def _arrangement(self, Xs) -> HyperplaneArrangement:
        return HyperplaneArrangement([(x + (mpq(1),), 0) for x in Xs], dim=len(Xs[0]) + 1)

    def _problem(self, Xs, ys, deadline: float | None = None) -> tuple[Problem, HyperplaneArrangement]:
        """The problem (the cells of the data's arrangement, their generators and columns)
        and the arrangement.  Once ``deadline`` (``time.monotonic()``) has passed it raises
        :class:`~polyrelu.errors.BudgetExceededError`: the arrangement's enumeration
        checks it between its steps, :func:`all_cell_generators` between chunks of its
        stages, and the columns every :data:`_BUILD_CELLS` cells."""
        wall = None if deadline is None else time.time() + (deadline - time.monotonic())  # what the engines compare
        A = self._arrangement(Xs)
        if wall is not None:
            A.enumerate(max_seconds=max(0.0, wall - time.time()))  # cached: sign_matrix() reuses it
        cells = tuple(sorted({tuple(bool(s > 0) for s in row) for row in A.sign_matrix().tolist()}))
        gens = all_cell_generators(Xs, cells, deadline=wall)
        rows = integer_points(Xs)
        L = math.lcm(*(r[-1] for r in rows))
        built = []
        for i, (c, g) in enumerate(zip(cells, gens)):
            if not i % _BUILD_CELLS:
                check_deadline(wall)
            built.append(cell_integer_columns(rows, c, g, L) if any(c) else ((), ()))
        kept, icols = tuple(b[0] for b in built), tuple(b[1] for b in built)
        return Problem(Xs, ys, self.loss, bool(self.output_bias), cells, kept, RationalColumns(icols, L), icols), A

    def _candidates(self, prob: Problem, deadline: float | None, runner: Any = None, proposals: bool = False):
        """(pairs, number of multisets, SignBounds, job, sorted combos, sorted bounds) or None
        in place of the last two when the deadline passes first.

        The multisets are enumerated lexicographically in contiguous chunks (by the range of
        their first pair); with workers, each chunk's sign bounds are computed and stably
        sorted on a worker and the main process merges the sorted chunks in chunk order.
        Either way the order is that of one stable sort of all sign bounds in
        lexicographic order: by bound, ties in lexicographic order.  When ``deadline``
        (``time.monotonic()``) has passed before the tables of the pairs are built, it
        raises :class:`~polyrelu.errors.BudgetExceededError`."""
        pairs = [(ci, s) for ci, c in enumerate(prob.cells) if any(c) for s in (1, -1)]
        w = self.width
        repeat, total = _n_multisets(len(pairs), w)
        if total > _MAX_CANDIDATES:
            raise ResourceLimitError(f"width {w} on these {prob.D} points means {total:,} subproblems (the data's arrangement has "
                             f"{len(prob.cells)} cells); this trainer holds at most {_MAX_CANDIDATES:,}: use fewer points or a smaller width")
        if deadline is not None and time.monotonic() > deadline:  # before the tables of every pair (seconds at 10^4 cells)
            raise BudgetExceededError("the time budget ran out before the set-up")
        masks = np.array([prob.cells[ci] for ci, _ in pairs], dtype=bool).reshape(len(pairs), prob.D)
        sb = SignBounds(prob.loss, prob.y, masks, [s for _, s in pairs], prob.bias)
        job = _executor.Job(prob, PairFeasibility(prob.icols, pairs, prob.D), sb)
        m = len(pairs)
        dtype = np.int16 if m < 2**15 else np.int32
        on_pool = runner is not None and runner.parallel > 0 and total >= _POOL_SETUP
        stopped = (pairs, total, sb, job, None, None)
        if deadline is not None and time.monotonic() > deadline:
            return stopped
        if on_pool:  # fork first: the workers import the float solvers after their chunks, while this process merges
            runner.start(job, tuple(pairs[k % m] for k in range(w)), proposals, warm_here=False)
            k = runner.takers  # a multiple of the processes: chunks of similar size are dealt round robin
            n_tasks = k * max(1, -(-total // (_POOL_CHUNK * k)))
        else:
            n_tasks = max(1, -(-total // _CHUNK))
        # the tasks check the deadline themselves (wall clock: they may run in other processes)
        wall = None if deadline is None else time.time() + (deadline - time.monotonic())
        tasks = [(lo, hi, m, w, repeat, dtype, on_pool, wall) for lo, hi in _first_ranges(m, w, repeat, n_tasks)]
        futures = runner.call(_bounds_chunk, job, tasks) if on_pool else None
        warming = runner.warm(job, tuple(pairs[k % m] for k in range(w)), proposals, wall) if on_pool else []
        cps, bps = [], []
        for i, t in enumerate(tasks):
            got = None
            if deadline is None or time.monotonic() <= deadline:
                if futures is None:
                    got = _bounds_chunk(job, *t)
                else:
                    try:  # wait no longer than the budget
                        got = futures[i].result(timeout=None if deadline is None else max(0.0, deadline - time.monotonic()))
                    except TimeoutError:
                        got = None
            if got is None:
                for f in (futures or []) + warming:
                    getattr(f, "cancel", lambda: None)()  # tasks not started are dropped; running ones see the deadline
                return stopped
            cps.append(got[0])
            bps.append(got[1])
        combos = np.concatenate(cps) if cps else np.zeros((0, w), dtype=np.int32)
        bounds = np.concatenate(bps) if bps else np.zeros(0, dtype=np.int64)
        if len(cps) == 1 and on_pool:
            return pairs, total, sb, job, combos, bounds
        order = np.argsort(bounds, kind="stable")  # on sorted chunks, a merge of the runs
        return pairs, total, sb, job, np.take(combos, order, axis=0), np.take(bounds, order)  # take: several times faster than [order] on rows

    def fit(self, X: Any, y: Any, *, progress: Callable[[int, int, Rational | None], None] | None = None,
            executor: Any = None) -> "ExactReluTrainer":
        """Find the global optimum.  ``progress(done, total, best_loss)`` is called after
        every batch (``done`` counts solved and pruned subproblems).  ``executor`` (a
        :class:`polyrelu.parallel.Executor` on a Dask cluster) takes the batches; without
        it, ``workers`` local processes do."""
        Xs, ys = self._validate(X, y)
        start = time.monotonic()
        deadline = start + self.max_seconds if self.max_seconds is not None else None
        with _executor.Runner(self.workers, executor) as runner:
            prob = None
            try:
                prob, arrangement = self._problem(Xs, ys, deadline)
                pairs, n_multisets, sb, job, combos, bounds = self._candidates(prob, deadline, runner, self.proposals)
            except BudgetExceededError:  # the budget ran out before the set-up of the search
                return self._unbuilt(Xs, ys, prob)
            stopped = combos is None
            if stopped:
                combos, bounds = np.zeros((0, self.width), dtype=np.int32), np.zeros(0, dtype=np.int64)
            S = _Search(prob, pairs, combos, bounds, sb, job)
            rest = self._search(S, runner, start, progress) if not stopped else None
            stopped = stopped or rest is not None
        if not stopped and S.n_solved + S.n_sign + S.n_dual != len(S.bounds):
            raise InternalError("the search finished without deciding every multiset exactly once")
        D = prob.D
        if S.best is None:  # the budget ran out before anything was solved: the zero network
            self.network_ = self._network((), (), prob.n)
        else:
            value, bpos = S.best
            chosen = S.chosen(bpos)
            # certified: the exact route, so that the network does not depend on the float
            # proposals; stopped by the budget (a result that depends on timing anyway): the
            # proposal route, since the exact one can take longer than the budget (71 s for
            # one absolute-loss subproblem at D = 256)
            final = solve(prob, chosen, propose=stopped and self.proposals, want_theta=True)
            if final.value != value:
                raise InternalError("the winning subproblem's optimum differs between the float-proposed and the exact route")
            self.network_ = self._network(final.theta, chosen, prob.n)
        self.loss_ = self._risk(self.network_, Xs, ys)
        if S.best is not None and self.loss_ != S.best[0] / D:
            raise InternalError("the optimal network's loss differs from its subproblem's optimum")
        self.certified_ = not stopped
        if stopped:  # everything decided has value >= the incumbent; the rest has sign bound >= bounds[rest]
            self.lower_bound_ = min(self.loss_, _q(bounds[rest]) / sb.denominator / D) if rest is not None else _ZERO
        else:
            self.lower_bound_ = self.loss_
        self.n_subproblems_, self.n_fallbacks_ = S.n_solved, S.n_fallback
        self.n_pruned_sign_, self.n_pruned_dual_ = S.n_sign, S.n_dual
        self.n_pruned_ = S.n_sign + S.n_dual
        self.n_candidates_ = n_multisets
        self.n_cells_ = len(prob.cells)
        self.paper_bound_ = paper_bound(D, prob.n, self.width)
        self.n_duals_confirmed_ = S.pool.n_confirmed
        self._state = (S, arrangement) if (self.certify and not stopped) else None
        self._certificate: dict[str, Any] | None = None
        return self

    def _unbuilt(self, Xs, ys, prob: Problem | None) -> "ExactReluTrainer":
        """The result when the budget ran out before the set-up of the search (``prob``:
        the problem if it was built): as when it runs out before anything is solved (the
        zero network, ``lower_bound_`` 0, since every loss is >= 0, every count 0), with
        ``n_cells_`` and ``n_candidates_`` 0 too unless the problem was built."""
        n, D = len(Xs[0]), len(Xs)
        self.network_ = self._network((), (), n)
        self.loss_ = self._risk(self.network_, Xs, ys)
        self.certified_ = False
        self.lower_bound_ = _ZERO
        self.n_subproblems_ = self.n_fallbacks_ = self.n_pruned_sign_ = self.n_pruned_dual_ = self.n_pruned_ = 0
        self.n_duals_confirmed_ = 0
        self.n_cells_ = len(prob.cells) if prob is not None else 0
        self.n_candidates_ = _n_multisets(2 * sum(map(any, prob.cells)), self.width)[1] if prob is not None else 0
        self.paper_bound_ = paper_bound(D, n, self.width)
        self._state = None
        self._certificate = None
        return self

    def _fitted(self) -> None:
        if not hasattr(self, "network_"):
            raise NotFittedError("this ExactReluTrainer is not fitted yet; call fit(X, y) first")

    def _search(self, S: _Search, runner, start: float, progress) -> int | None:
        """Run the best-first search.  Returns None when it finished, else the position of
        the least sign bound among the multisets not yet decided (the budget ran out).

        Batches are built in order and solved in a pipeline of :data:`_DEPTH` batches:
        batch j is built from what batches 1 .. j - _DEPTH found (their incumbent and
        duals), while batch j - 1 may still be running, so workers do not wait for the
        main process.  The pipeline is the same without workers (each batch then runs as
        it is submitted), so the batches, the counts and the result do not depend on
        where they run.  A batch takes the undecided multisets in order, deferring one
        that shares a pair with a multiset already in the batch until that batch's
        results are in: its dual often covers the other."""
        total = len(S.bounds)
        cur = _Cursor()
        flight: deque = deque()  # (batch, multisets deferred by it, pending results)
        sent = 0

        def merge() -> None:
            batch, later, pending = flight.popleft()
            for p, res in zip(batch, pending.result()):
                S.n_solved += 1
                S.n_fallback += res.route != "proposal"
                S.pool.add(res.value, res.u, res.bits)
                if S.best is None or (res.value, p) < S.best:
                    S.best = (res.value, p)
            cur.ready = np.union1d(cur.ready, np.array(later, dtype=np.intp))
            cur.waiting -= len(later)
            runner.grow(S.n_solved)
            if progress is not None:
                progress(cur.pos, total, S.best[0] / S.prob.D if S.best is not None else None)

        def prune() -> Any:
            """Drop what the incumbent's sign bound decides; the threshold (None: no incumbent)."""
            thr = S.sb.threshold(S.best[0]) if S.best is not None else None
            if thr is not None and cur.ready.size:
                keep = ~_ge(S.bounds[cur.ready], thr)
                S.n_sign += int(cur.ready.size - keep.sum())
                cur.ready = cur.ready[keep]
            if thr is not None and cur.pos < total and S.bounds[cur.pos] >= thr:  # sorted: every later sign bound prunes too
                S.n_sign += total - cur.pos
                cur.pos = total
            return thr

        while True:
            if len(flight) >= _DEPTH:
                merge()
            thr = prune()
            if cur.pos >= total and not cur.ready.size and not flight:
                return None
            if (self.max_seconds is not None and time.monotonic() - start > self.max_seconds) or (
                    self.max_subproblems is not None and sent >= self.max_subproblems):
                while flight:
                    merge()
                prune()
                if cur.pos >= total and not cur.ready.size:
                    return None
                return int(cur.ready[0]) if cur.ready.size else cur.pos
            want = self.batch_size if self.max_subproblems is None else min(self.batch_size, self.max_subproblems - sent)
            busy = {int(k) for b, _, _ in flight for p in b for k in S.combos[p]}
            batch, later = self._batch(S, cur, thr, want, busy)
            if batch:
                flight.append((batch, later, runner.submit(S.job, [S.chosen(p) for p in batch], self.proposals)))
                sent += len(batch)
            elif flight:  # nothing to add until a batch in flight reports (what was deferred waits for the last one)
                flight[-1][1].extend(later)
                merge()

    def _batch(self, S: _Search, cur: "_Cursor", thr: Any, want: int, busy: set[int]) -> tuple[list[int], list[int]]:
        """The next batch (positions) and the multisets it defers (those sharing a pair
        with the batch or with ``busy``, the pairs of the batches in flight); advances ``cur``."""
        total = len(S.bounds)
        batch: list[int] = []
        used: set[int] = set(busy)
        later: list[int] = []

        def offer(p: int, row: list[int]) -> bool:
            """Put p (pairs ``row``) in the batch or defer it; False when the batch is full."""
            if len(batch) >= want:
                return False
            pr = set(row)
            if pr & used and len(later) + cur.waiting + cur.ready.size < _MAX_DEFERRED:
                later.append(p)
            else:
                batch.append(p)
                used.update(pr)
            return True

        if cur.ready.size:
            ready, cur.ready = cur.ready, np.zeros(0, dtype=np.intp)
            cov = S.pool.cover(S.combos[ready].astype(np.intp))
            S.n_dual += int((cov >= 0).sum())
            rest = ready[cov < 0]
            for i, (p, row) in enumerate(zip(rest.tolist(), S.combos[rest].tolist())):
                if not offer(p, row):
                    cur.ready = np.array(rest[i:], dtype=np.intp)
                    break
        while len(batch) < want and cur.pos < total:
            pos = cur.pos
            end = min(total, pos + cur.scan)
            if thr is not None:  # cut the window where the sign bound starts to prune
                end = pos + int(np.searchsorted(_ge(S.bounds[pos:end], thr), True))
                if end == pos:
                    break
            cov = S.pool.cover(S.combos[pos:end].astype(np.intp))
            free = np.flatnonzero(cov < 0)
            cut, taken = end - pos, 0
            for i, row in zip(free.tolist(), S.combos[pos + free].tolist()):
                if not offer(pos + i, row):
                    cut = i
                    break
                taken += 1
            S.n_dual += cut - taken
            cur.scan = max(64, cur.scan // 2) if cut < end - pos else min(1 << 16, cur.scan * 2)
            cur.pos = pos + cut
        cur.waiting += len(later)
        return batch, later

    def predict(self, X: Any) -> tuple[Rational, ...]:
        """The fitted network's outputs on the rows of X."""
        self._fitted()
        Xs = as_matrix(X, field="X")
        return tuple(self.network_.evaluate(x)[0] for x in Xs)

    @property
    def certificate_(self) -> dict[str, Any] | None:
        """The optimality certificate (built on first access; None when the search did not
        finish or ``certify=False``)."""
        self._fitted()
        if self._certificate is None and self._state is not None:
            self._certificate = self._build_certificate(*self._state)
        return self._certificate

    # ---------------------------------------------------------------- internals
    def _build_certificate(self, S: _Search, arrangement: HyperplaneArrangement) -> dict[str, Any]:
        prob = S.prob

        def signs(ci):
            return "".join("+" if a else "-" for a in prob.cells[ci])

        thr = S.sb.threshold(self.loss_ * prob.D)
        used: dict[int, set[int]] = {}
        m = len(S.pairs)
        for chunk in _iter_combos(m, self.width, True):  # every multiset the verifier enumerates
            for i in range(0, len(chunk), _CHUNK):
                part = chunk[i : i + _CHUNK]
                need = part[~_ge(S.sb.of(part), thr)].astype(np.intp)
                cov = S.pool.cover(need)
                if np.any(cov < 0):
                    raise InternalError("a multiset is covered neither by its sign bound nor by a shared dual")
                for row, k in zip(need.tolist(), cov.tolist()):
                    used.setdefault(k, set()).update(row)
        entries = []
        walls: dict[int, list[int]] = {}  # per cell, its facets' points: the multipliers live there
        for k in sorted(used):
            u = S.pool.u(k)
            neurons = []
            for p in sorted(used[k]):
                ci, s = S.pairs[p]
                if ci not in walls:
                    walls[ci] = cell_walls(prob.X, prob.cells[ci])
                mu = cell_multipliers(prob.X, prob.cells[ci], s, u, walls[ci])
                if mu is None:
                    raise InternalError("a shared dual confirmed feasible has no cell multipliers")
                neurons.append({"cell": signs(ci), "sign": s, "mu": [to_str(v) for v in mu]})
            entries.append({"u": [to_str(v) for v in u], "pairs": neurons})
        return {
            "format": "polyrelu.training-certificate",
            "version": 1,
            "loss": self.loss,
            "width": self.width,
            "output_bias": bool(self.output_bias),
            "data": {"X": [[to_str(v) for v in x] for x in prob.X], "y": [to_str(v) for v in prob.y]},
            "optimum": to_str(self.loss_),
            "network": self.network_.to_dict(),
            "arrangement_certificate": arrangement_certificate(arrangement),
            "solved": [],
            "duals": entries,
        }

    def _network(self, theta, chosen, n) -> ReluNetwork:
        w, k = self.width, n + 1
        weights, biases, out = [], [], []
        for i in range(w):
            if i < len(chosen):
                weights.append(list(theta[i * k : i * k + n]))
                biases.append(theta[i * k + n])
                out.append(mpq(chosen[i][1]))
            else:  # padding: the zero network of a run stopped early, or fewer pairs than neurons
                weights.append([_ZERO] * n)
                biases.append(_ZERO)
                out.append(mpq(1))
        c = theta[len(chosen) * k] if self.output_bias and chosen else _ZERO
        return ReluNetwork(n, [(weights, biases), ([out], [c])])

    def _risk(self, net: ReluNetwork, Xs, ys) -> Rational:
        return sum((loss_value(self.loss, net.evaluate(x)[0], yv) for x, yv in zip(Xs, ys)), _ZERO) / len(Xs)


def _ge(values: np.ndarray, thr) -> np.ndarray:
    return np.asarray(values >= thr, dtype=bool)


def _q(v) -> Rational:
    return v if isinstance(v, Rational) else mpq(int(v))


def all_splits_optimum(trainer: ExactReluTrainer, X: Sequence, y: Sequence) -> Rational:
    """Brute force over all 2^(D w) activation splits (for tests on tiny data): the same
    subproblems over every (subset, sign) per neuron, realisable or not (an unrealisable
    split's closed cone still contains 0 and only networks that a cell closure also has),
    solved by the exact route only."""
    Xs, ys = trainer._validate(X, y)
    D = len(Xs)
    splits = tuple(itertools.product((False, True), repeat=D))
    built = [cell_columns(Xs, s, cell_generators(Xs, s)) if any(s) else ((), (), ()) for s in splits]
    prob = Problem(Xs, ys, trainer.loss, bool(trainer.output_bias), splits, *(tuple(b[i] for b in built) for i in range(3)))
    choices = [(k, sg) for k in range(len(splits)) for sg in (1, -1)]
    return min(solve(prob, combo, propose=False).value for combo in itertools.combinations_with_replacement(choices, trainer.width)) / D
