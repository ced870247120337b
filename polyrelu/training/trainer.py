"""Exact global-optimum training of one hidden layer (the paper's Algorithm 1, docs/mathematics.md §6).

Model: f(x) = sum_{i=1}^w s_i ReLU(a_i . x + b_i) (+ c with ``output_bias=True``), with
s_i in {+1, -1} (positive homogeneity lets every one-hidden-layer net be written so).

**Empirical risk** (``loss_``): (1/D) sum_j loss(f(x_j), y_j), exact, with squared loss
(f - y)^2, absolute loss |f - y| and hinge loss max(0, 1 - y f) (labels y in {-1, +1}).

**Algorithm.**  Which data points a neuron sees as active is decided by the closed cell of
its parameters (a, b) in the central arrangement of the D hyperplanes
{(a, b) : a . x_j + b = 0} in R^(n+1).  Fix a cell C_i and a sign s_i for every neuron: on
the closed cells the predictions sum_i s_i [j in C_i] (a_i . x_j + b_i) (+ c) are linear in
the parameters theta, and the cells are cones {G theta >= 0}, so minimising the loss is a
convex program: an LP for absolute and hinge loss (solved exactly by cddlib), a projection
onto a polyhedral cone for squared loss (solved exactly by :mod:`polyrelu._nnls`: a float
NNLS proposes the active set, rational arithmetic verifies it, exact Lawson-Hanson is the
fallback).  The closed full-dimensional cells cover parameter space, so the minimum over
all choices is the global optimum.

**Pruning, all of it exact and re-checked by the certificate verifier.**

* Neurons are interchangeable: only multisets of (cell, sign) pairs are enumerated.
* The all-inactive cell is dominated: a neuron in it contributes 0 everywhere, and the zero
  parameter lies in every closed cell, so replacing it by any other (cell, sign) can only
  lower the optimum.  Multisets containing it are skipped.
* The *sign bound* :func:`sign_bound`: in a multiset, a point no neuron sees has prediction
  c (0 without output bias); a point seen only by positive neurons has prediction >= c,
  only by negative ones <= c.  The least loss compatible with that is a lower bound of the
  subproblem, computed exactly.  Subproblems run in increasing order of this bound, in
  batches of a fixed schedule; a subproblem whose bound is at least the incumbent of its
  batch is not solved.  Batches (not workers) decide what is solved, so the result and
  the counts do not depend on the number of processes.

**Certificate** (``certificate_``, :func:`polyrelu.certificate.verify`): the data, the
optimal network, the arrangement certificate of the data's central arrangement (so the
cell list is complete), and for every solved subproblem an exact dual solution (u, mu):
mu >= 0 on the cell constraints with P^T u + G^T mu = 0, which bounds the subproblem below
by u . y (absolute, |u_j| <= 1), sum_j u_j y_j (hinge, 0 <= u_j y_j <= 1) or
2 u . y - u . u (squared).  Every other multiset is covered by its sign bound or by the
dominance of the all-inactive cell.
"""

from __future__ import annotations

import itertools
import math
import time
from typing import Any, Callable, NamedTuple, Sequence

from gmpy2 import mpq

from ..exact import cddlib
from ..exact.nnls import nnls
from ..certify.arrangement import arrangement_certificate
from ..geometry.arrangement import HyperplaneArrangement
from ..errors import InternalError, InvalidParameterError, NotFittedError, ResourceLimitError, ShapeError
from ..nets.network import ReluNetwork
from ..paper.closed_forms import algorithm1_subproblem_bound
from ..parallel import default_workers, run_tasks
from ..exact.rational import Rational, as_matrix, as_rational, as_vector, to_str

__all__ = ["ExactReluTrainer", "sign_bound", "paper_bound", "all_splits_optimum"]

LOSSES = ("squared", "absolute", "hinge")
_ZERO = mpq(0)
_MAX_CANDIDATES = 20_000_000  # multisets held in memory (about 3 GB)


def paper_bound(D: int, n: int, w: int) -> int:
    """The paper's count 2^w D^(n w) of convex subproblems (the closed form lives in
    :mod:`polyrelu.paper.closed_forms`)."""
    return algorithm1_subproblem_bound(D, n, w)


# --------------------------------------------------------------------------- sign bound
def _term(loss: str, kind: str, c: Rational, y: Rational) -> Rational:
    """Least loss at a point whose prediction p is = c ("zero"), >= c ("pos") or <= c ("neg")."""
    if loss == "absolute":
        return abs(c - y) if kind == "zero" else max(_ZERO, c - y) if kind == "pos" else max(_ZERO, y - c)
    if loss == "squared":
        d = c - y if kind == "zero" else max(_ZERO, c - y) if kind == "pos" else max(_ZERO, y - c)
        return d * d
    # hinge, y in {-1, +1}: max(0, 1 - y p)
    if kind == "zero" or (kind == "pos" and y < 0) or (kind == "neg" and y > 0):
        return max(_ZERO, 1 - y * c)
    return _ZERO


def sign_bound(loss: str, ys: Sequence[Rational], zero: Sequence[int], pos: Sequence[int], neg: Sequence[int], output_bias: bool) -> Rational:
    """Exact lower bound on sum_j loss(f(x_j), y_j) for every network whose predictions are
    c on ``zero``, >= c on ``pos`` and <= c on ``neg`` (c = 0 without output bias, any real
    with it); points in none of the lists are unconstrained.

    With output bias the bound is min over c of a convex piecewise function whose kinks
    lie at the labels: piecewise linear losses attain it at a kink, and the squared loss at
    a kink or at the stationary point (a mean of labels) of one of its quadratic pieces.

    >>> sign_bound("absolute", [3, -2, 5], zero=[0], pos=[1], neg=[2], output_bias=False)   # 3 + 2 + 5
    mpq(10,1)
    """
    if loss not in LOSSES:
        raise InvalidParameterError(f"loss is {loss!r}; expected one of {', '.join(LOSSES)}")
    ys = [as_rational(v, field=f"ys[{j}]") for j, v in enumerate(ys)]
    groups = [("zero", j) for j in zero] + [("pos", j) for j in pos] + [("neg", j) for j in neg]

    def F(c):
        return sum((_term(loss, k, c, ys[j]) for k, j in groups), _ZERO)

    if not output_bias:
        return F(_ZERO)
    if not groups:
        return _ZERO
    kinks = sorted({ys[j] for _, j in groups})
    candidates = set(kinks)
    if loss == "squared":
        edges = [kinks[0] - 1] + [(a + b) / 2 for a, b in zip(kinks, kinks[1:])] + [kinks[-1] + 1]
        for m in edges:  # one probe per open piece between kinks
            on = [ys[j] for k, j in groups if k == "zero" or (k == "pos" and m > ys[j]) or (k == "neg" and m < ys[j])]
            if on:
                candidates.add(sum(on, _ZERO) / len(on))
    return min(F(c) for c in candidates)


# --------------------------------------------------------------------------- subproblems
class _Problem(NamedTuple):
    X: tuple  # D points, each a tuple of n mpq
    y: tuple
    loss: str
    bias: bool
    cells: tuple  # active sets (tuples of bool), one per full-dimensional cell
    gens: dict  # squared loss: generators (rays, +-lines) of the closed cells needed so far, by cell index

    @property
    def n(self) -> int:
        return len(self.X[0])

    @property
    def D(self) -> int:
        return len(self.X)


class _Solved(NamedTuple):
    value: Rational  # the optimum of the subproblem: sum_j loss
    theta: tuple  # per neuron (a_1..a_n, b), then (c,) if output bias
    u: tuple  # dual vector on the predictions (length D)
    mu: tuple | None  # per neuron, D multipliers >= 0 on its cell constraints; None: not yet computed


def _xt(prob: _Problem, j: int) -> tuple:
    return prob.X[j] + (mpq(1),)


def _solve_lp(prob: _Problem, chosen) -> _Solved:
    """Absolute or hinge loss.  Variables: theta_i per neuron, c (if bias), t_j per point.
    Rows: the cell constraints sigma_ij xt_j . theta_i >= 0 (neuron-major), then two loss
    rows per point."""
    n, D, w = prob.n, prob.D, len(chosen)
    k = n + 1
    nb = w * k + (1 if prob.bias else 0)
    nv = nb + D

    def pred(j):  # coefficients of prediction j over all variables
        row = [_ZERO] * nv
        for i, (ci, s) in enumerate(chosen):
            if prob.cells[ci][j]:
                for c, v in enumerate(_xt(prob, j)):
                    row[i * k + c] = s * v
        if prob.bias:
            row[w * k] = mpq(1)
        return row

    rows = []
    for i, (ci, _) in enumerate(chosen):
        for j in range(D):
            r = [_ZERO] * (nv + 1)
            sg = 1 if prob.cells[ci][j] else -1
            for c, v in enumerate(_xt(prob, j)):
                r[1 + i * k + c] = sg * v
            rows.append(r)
    for j in range(D):
        p, yj = pred(j), prob.y[j]
        t = [_ZERO] * nv
        t[nb + j] = mpq(1)
        if prob.loss == "absolute":  # t_j - p_j + y_j >= 0, t_j + p_j - y_j >= 0
            rows.append([yj] + [a - b for a, b in zip(t, p)])
            rows.append([-yj] + [a + b for a, b in zip(t, p)])
        else:  # t_j >= 0, t_j + y_j p_j - 1 >= 0
            rows.append([_ZERO] + t)
            rows.append([mpq(-1)] + [a + yj * b for a, b in zip(t, p)])
    objective = [_ZERO] * (nv + 1)
    for j in range(D):
        objective[1 + nb + j] = mpq(1)
    res = cddlib.lp(nv, rows, objective=objective)
    if res.status != "optimal":  # theta = 0 is feasible and the loss is >= 0
        raise InternalError(f"subproblem LP is {res.status}")
    lam = [-v for v in res.dual]  # minimisation: lam >= 0, sum lam_k row_k = objective
    mu = tuple(tuple(lam[i * D + j] for j in range(D)) for i in range(w))
    base = w * D
    if prob.loss == "absolute":  # u_j = beta_j - alpha_j
        u = tuple(lam[base + 2 * j + 1] - lam[base + 2 * j] for j in range(D))
    else:  # u_j = delta_j y_j
        u = tuple(lam[base + 2 * j + 1] * prob.y[j] for j in range(D))
    return _Solved(res.value, tuple(res.x[:nb]), u, mu)


def _cell_generators(X: tuple, act: tuple) -> tuple:
    """Generators of the closed cone {theta : sigma_j xt_j . theta >= 0}: rays and +-lines."""
    rows = [[_ZERO] + [(1 if a else -1) * v for v in x + (mpq(1),)] for x, a in zip(X, act)]
    _, rays, lines = cddlib.h_to_v(rows)
    return tuple(rays) + tuple(lines) + tuple(tuple(-v for v in l) for l in lines)


def _solve_squared(prob: _Problem, chosen, propose="default") -> _Solved:
    n, D = prob.n, prob.D
    xt = [_xt(prob, j) for j in range(D)]
    cols: list[tuple[Rational, ...]] = []
    owner: list[tuple[Any, Any]] = []  # (neuron, generator) or ("c", +-1) for the output bias
    for i, (ci, s) in enumerate(chosen):
        if ci not in prob.gens:
            prob.gens[ci] = _cell_generators(prob.X, prob.cells[ci])
        for g in prob.gens[ci]:
            col = tuple(s * sum((a * b for a, b in zip(xt[j], g)), _ZERO) if prob.cells[ci][j] else _ZERO for j in range(D))
            if any(col):
                cols.append(col)
                owner.append((i, g))
    if prob.bias:
        cols += [(mpq(1),) * D, (mpq(-1),) * D]
        owner += [("c", 1), ("c", -1)]
    kw = {} if propose == "default" else {"propose": propose}
    res = nnls(cols, prob.y, **kw)
    theta = [[_ZERO] * (n + 1) for _ in chosen]
    c = _ZERO
    for z, (i, g) in zip(res.coef, owner):
        if z == 0:
            continue
        if i == "c":
            c += z * g
        else:
            theta[i] = [t + z * v for t, v in zip(theta[i], g)]
    flat = tuple(v for th in theta for v in th) + ((c,) if prob.bias else ())
    return _Solved(res.value, flat, res.residual, None)


def _squared_mu(prob: _Problem, chosen, u) -> tuple:
    """Multipliers mu_i >= 0 with G_i^T mu_i = -P_i^T u for every neuron (exact LPs).  They
    exist because u is the optimal residual: u^T P theta <= 0 on the product of cells."""
    D, k = prob.D, prob.n + 1
    xt = [_xt(prob, j) for j in range(D)]
    out = []
    for ci, s in chosen:
        act = prob.cells[ci]
        eqs = []
        for c in range(k):
            rhs = s * sum((u[j] * xt[j][c] for j in range(D) if act[j]), _ZERO)
            eqs.append([rhs] + [(1 if act[j] else -1) * xt[j][c] for j in range(D)])
        ineqs = [[_ZERO] + [mpq(1) if jj == j else _ZERO for jj in range(D)] for j in range(D)]
        res = cddlib.lp(D, ineqs, eqs)
        if res.status != "optimal":
            raise InternalError("no cell multipliers for an optimal squared-loss residual")
        out.append(tuple(res.x))
    return tuple(out)


def _solve(prob: _Problem, chosen) -> _Solved:
    return _solve_squared(prob, chosen) if prob.loss == "squared" else _solve_lp(prob, chosen)


def _run_chunk(prob: _Problem, items: list, incumbent: Rational | None) -> list:
    """Solve the subproblems of one chunk: items are (position, combo, bound); a bound at
    least the batch's incumbent prunes.  Returns (position, _Solved or None)."""
    return [(pos, None if incumbent is not None and bound >= incumbent else _solve(prob, chosen)) for pos, chosen, bound in items]


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
        Processes (default: every core once there are many subproblems).  An executor
        passed to :meth:`fit` (e.g. a Dask cluster) takes the batches instead.
    max_seconds, max_subproblems : optional budget
        When it runs out, ``fit`` stops with the best network so far, ``certified_`` False
        and ``lower_bound_`` a proven lower bound on the optimum.
    certify : bool
        Keep the dual solutions so that ``certificate_`` can be built (memory grows with
        the number of subproblems solved).

    Attributes (after ``fit``)
    --------------------------
    network_ : ReluNetwork
    loss_ : Rational — the exact empirical risk of ``network_``
    certified_ : bool — True when the search finished: ``loss_`` is the global optimum
    lower_bound_ : Rational — equal to ``loss_`` when certified
    n_subproblems_ : int — convex programs solved
    n_pruned_ : int — subproblems skipped by the sign bound
    n_candidates_ : int — multisets of (cell, sign) after symmetry and dominance
    n_cells_ : int — cells of the data's arrangement (activation splits of one neuron)
    paper_bound_ : int — the paper's 2^w D^(n w)
    certificate_ : dict or None — see the module docstring (None if not certified)

    >>> t = ExactReluTrainer(width=1, loss="absolute").fit([[0], [1], [2]], [0, 1, 2])
    >>> t.loss_, t.predict([[3]]), t.certified_
    (mpq(0,1), (mpq(3,1),), True)
    >>> ExactReluTrainer(width=1, loss="squared").fit([[0], [0]], [1, 2]).loss_   # the variance
    mpq(1,4)
    """

    def __init__(self, width: int = 1, loss: str = "absolute", output_bias: bool = False, *, workers: int | None = None,
                 max_seconds: float | None = None, max_subproblems: int | None = None, certify: bool = True):
        self.width = width
        self.loss = loss
        self.output_bias = output_bias
        self.workers = workers
        self.max_seconds = max_seconds
        self.max_subproblems = max_subproblems
        self.certify = certify

    def _validate(self, X: Any, y: Any):
        if isinstance(self.width, bool) or not isinstance(self.width, int) or self.width < 1:
            raise InvalidParameterError(f"width is {self.width!r}; it must be an integer >= 1")
        if self.loss not in LOSSES:
            raise InvalidParameterError(f"loss is {self.loss!r}; expected one of {', '.join(LOSSES)}")
        for name in ("output_bias", "certify"):
            if not isinstance(getattr(self, name), bool):
                raise InvalidParameterError(f"{name} is {getattr(self, name)!r}; give True or False")
        if self.workers is not None and (isinstance(self.workers, bool) or not isinstance(self.workers, int) or self.workers < 1):
            raise InvalidParameterError(f"workers is {self.workers!r}; give an integer >= 1 or None")
        for name in ("max_seconds", "max_subproblems"):
            v = getattr(self, name)
            if v is not None and (isinstance(v, bool) or not isinstance(v, (int, float)) or not v > 0):
                raise InvalidParameterError(f"{name} is {v!r}; give a positive number or None")
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

    def _problem(self, Xs, ys) -> tuple[_Problem, HyperplaneArrangement]:
        A = self._arrangement(Xs)
        cells = tuple(sorted({tuple(bool(s > 0) for s in row) for row in A.sign_matrix().tolist()}))
        return _Problem(Xs, ys, self.loss, bool(self.output_bias), cells, {}), A

    def _candidates(self, prob: _Problem, deadline: float | None) -> tuple[int, list[tuple[Rational, int, tuple]] | None]:
        """The number of multisets of (cell, sign) without the all-inactive cell, and
        (sign bound, order, combo) for each in increasing bound order (None if the
        deadline passes first)."""
        D = prob.D
        choices = [(ci, s) for ci, c in enumerate(prob.cells) if any(c) for s in (1, -1)]
        total = math.comb(len(choices) + self.width - 1, self.width)
        if total > _MAX_CANDIDATES:
            raise ResourceLimitError(f"width {self.width} on these {D} points means {total:,} subproblems (the data's arrangement has "
                             f"{len(prob.cells)} cells); this trainer holds at most {_MAX_CANDIDATES:,}: use fewer points or a smaller width")
        masks = [sum(1 << j for j in range(D) if prob.cells[ci][j]) for ci, _ in choices]
        full = (1 << D) - 1
        out = []
        for order, combo in enumerate(itertools.combinations_with_replacement(range(len(choices)), self.width)):
            if deadline is not None and order % 4096 == 0 and time.monotonic() > deadline:
                return total, None
            pos = neg = 0
            for k in combo:
                if choices[k][1] > 0:
                    pos |= masks[k]
                else:
                    neg |= masks[k]
            zero, po, no = full & ~(pos | neg), pos & ~neg, neg & ~pos
            bound = sign_bound(prob.loss, prob.y, _bits(zero), _bits(po), _bits(no), prob.bias)
            out.append((bound, order, tuple(choices[k] for k in combo)))
        out.sort(key=lambda t: (t[0], t[1]))
        return total, out

    def fit(self, X: Any, y: Any, *, progress: Callable[[int, int, Rational | None], None] | None = None,
            executor: Any = None) -> "ExactReluTrainer":
        """Find the global optimum.  ``progress(done, total, best_loss)`` is called after
        every batch (``done`` counts solved and pruned subproblems).  ``executor``
        (:class:`polyrelu.parallel.Executor`) runs the batches (local processes or Dask)."""
        Xs, ys = self._validate(X, y)
        start = time.monotonic()
        prob, arrangement = self._problem(Xs, ys)
        D = prob.D
        n_multisets, cand = self._candidates(prob, start + self.max_seconds if self.max_seconds is not None else None)
        too_slow = cand is None  # the budget ran out while ordering the subproblems
        cand = cand or []
        total = len(cand)
        nw = self.workers if self.workers is not None else (default_workers() if total >= 512 else 1)
        if executor is not None and executor.is_distributed:  # a Dask cluster: split every batch into several tasks
            nw = max(nw, 4)
        best: tuple[Rational, int, _Solved, tuple] | None = None
        solved: list[tuple[tuple, _Solved]] = []
        n_solved = n_pruned = 0
        pos, size, stopped = 0, 32, too_slow
        while pos < total:
            if best is not None and cand[pos][0] >= best[0]:  # sorted: every later bound is >= too
                n_pruned += total - pos
                pos = total
                break
            if (self.max_seconds is not None and time.monotonic() - start > self.max_seconds) or (
                    self.max_subproblems is not None and n_solved >= self.max_subproblems):
                stopped = True
                break
            take = size if self.max_subproblems is None else min(size, self.max_subproblems - n_solved)
            batch = [(p, cand[p][2], cand[p][0]) for p in range(pos, min(total, pos + take))]
            incumbent = best[0] if best is not None else None
            if prob.loss == "squared":  # cell generators: computed here once (not in every worker), only for cells solved
                for _, chosen, bound in batch:
                    if incumbent is None or bound < incumbent:
                        for ci, _ in chosen:
                            if ci not in prob.gens:
                                prob.gens[ci] = _cell_generators(Xs, prob.cells[ci])
            chunk = max(1, -(-len(batch) // (2 * nw))) if nw > 1 else len(batch)
            tasks = [(prob, batch[i : i + chunk], incumbent) for i in range(0, len(batch), chunk)]
            for part in (executor.map(_run_chunk, tasks) if executor is not None and (executor.is_distributed or (nw > 1 and len(batch) >= 64))
                         else run_tasks(_run_chunk, tasks, workers=nw if len(batch) >= 64 else 1)):  # results in task order
                for p, res in part:
                    if res is None:
                        n_pruned += 1
                        continue
                    n_solved += 1
                    if self.certify:
                        solved.append((cand[p][2], res))
                    if best is None or (res.value, p) < (best[0], best[1]):
                        best = (res.value, p, res, cand[p][2])
            pos += len(batch)
            size = min(2 * size, 2048)
            if progress is not None:
                progress(pos, total, best[0] / D if best is not None else None)
        if best is None:  # the budget ran out before anything was solved: the zero network
            zero = _Solved(sum((_term(self.loss, "zero", _ZERO, v) for v in ys), _ZERO), (), (), None)
            best = (zero.value, -1, zero, ())
        value, _, res, chosen = best
        self.network_ = self._network(res.theta, chosen, prob.n)
        self.loss_ = self._risk(self.network_, Xs, ys)
        if best[1] >= 0 and self.loss_ != value / D:  # the subproblem optimum and the evaluated network agree exactly
            raise InternalError("the optimal network's loss differs from its subproblem's optimum")
        self.certified_ = not stopped
        self.lower_bound_ = self.loss_ if not stopped else min(self.loss_, cand[pos][0] / D) if pos < total else _ZERO
        self.n_subproblems_, self.n_pruned_, self.n_candidates_ = n_solved, n_pruned, n_multisets
        self.n_cells_ = len(prob.cells)
        self.paper_bound_ = paper_bound(D, prob.n, self.width)
        self._state = (prob, arrangement, solved) if (self.certify and not stopped) else None
        self._certificate: dict[str, Any] | None = None
        return self

    def _fitted(self) -> None:
        if not hasattr(self, "network_"):
            raise NotFittedError("this ExactReluTrainer is not fitted yet; call fit(X, y) first")

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
    def _build_certificate(self, prob: _Problem, arrangement: HyperplaneArrangement, solved) -> dict[str, Any]:
        def signs(ci):
            return "".join("+" if a else "-" for a in prob.cells[ci])

        entries = []
        for chosen, res in solved:
            mu = res.mu if res.mu is not None else _squared_mu(prob, chosen, res.u)
            entries.append({
                "neurons": [{"cell": signs(ci), "sign": s, "mu": [to_str(v) for v in m]} for (ci, s), m in zip(chosen, mu)],
                "u": [to_str(v) for v in res.u],
            })
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
            "solved": entries,
        }

    def _network(self, theta, chosen, n) -> ReluNetwork:
        w, k = self.width, n + 1
        weights, biases, out = [], [], []
        for i in range(w):
            if i < len(chosen):
                weights.append(list(theta[i * k : i * k + n]))
                biases.append(theta[i * k + n])
                out.append(mpq(chosen[i][1]))
            else:  # padding for the zero network of a run stopped before any subproblem
                weights.append([_ZERO] * n)
                biases.append(_ZERO)
                out.append(mpq(1))
        c = theta[len(chosen) * k] if self.output_bias and chosen else _ZERO
        return ReluNetwork(n, [(weights, biases), ([out], [c])])

    def _risk(self, net: ReluNetwork, Xs, ys) -> Rational:
        return sum((_term(self.loss, "zero", net.evaluate(x)[0], yv) for x, yv in zip(Xs, ys)), _ZERO) / len(Xs)


def _bits(mask: int) -> list[int]:
    out = []
    while mask:
        low = mask & -mask
        out.append(low.bit_length() - 1)
        mask ^= low
    return out


def all_splits_optimum(trainer: ExactReluTrainer, X: Sequence, y: Sequence) -> Rational:
    """The optimum by brute force over all 2^(D w) activation splits (a reference for tests
    and the paper's claims on tiny data): the same
    subproblems over every (subset, sign) per neuron, realisable or not (an unrealisable
    split's closed cone still contains 0 and only networks that a cell closure also has)."""
    Xs, ys = trainer._validate(X, y)
    D = len(Xs)
    splits = tuple(itertools.product((False, True), repeat=D))
    gens = {k: _cell_generators(Xs, s) for k, s in enumerate(splits)} if trainer.loss == "squared" else {}
    prob = _Problem(Xs, ys, trainer.loss, bool(trainer.output_bias), splits, gens)
    choices = [(k, sg) for k in range(len(splits)) for sg in (1, -1)]
    return min(_solve(prob, list(combo)).value for combo in itertools.product(choices, repeat=trainer.width)) / D
