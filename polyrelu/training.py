"""Exact global-optimum training of one hidden layer (the paper's Algorithm 1, PAPER.md §6).

Model: f(x) = sum_{i=1}^w s_i ReLU(a_i . x + b_i) (+ c with ``output_bias=True``), with
s_i in {+1, -1} (positive homogeneity lets every one-hidden-layer net be written so).

For one neuron, which data points are active is decided by the closed cell of (a, b) in
the central arrangement of the D hyperplanes {(a, b) : a . x_j + b = 0} in R^(n+1).  Fix a
cell (active set A_i) and a sign s_i for every neuron: the predictions
sum_i s_i [j in A_i] (a_i . x_j + b_i) are linear in the parameters, and the cell is given
by linear inequalities, so minimising a convex loss over it is a convex program.  Every
network lies in the closure of some choice, and the closures of the full-dimensional cells
cover the parameter space, so the minimum over all choices is the global optimum.

This version solves the absolute and hinge losses, whose subproblems are linear programs,
exactly with pycddlib.  The squared loss (an exact QP) is not implemented yet and is
refused with a clear error.  Neurons are interchangeable, so only multisets of
(cell, sign) pairs are enumerated.

Empirical risk reported as ``loss_``: (1/D) sum_j loss(f(x_j), y_j), exact, with
absolute loss |f - y| and hinge loss max(0, 1 - y f) (labels y in {-1, +1}).
"""

from __future__ import annotations

import itertools
from typing import Any, Sequence

from gmpy2 import mpq

from . import _cdd
from .arrangement import HyperplaneArrangement
from .errors import ShapeError
from .network import ReluNetwork
from .rational import Rational, as_matrix, as_vector

__all__ = ["ExactReluTrainer", "read_csv"]

_LOSSES = ("absolute", "hinge")


class ExactReluTrainer:
    """Globally optimal one-hidden-layer ReLU network for a convex loss, exactly.

    Parameters
    ----------
    width : int
        Number of hidden neurons w >= 1.
    loss : {"absolute", "hinge"}
    output_bias : bool
        Whether the network may add a constant to its output (the paper's nets do not).

    Attributes (after ``fit``)
    --------------------------
    network_ : ReluNetwork
    loss_ : Rational — the exact empirical risk of ``network_``
    n_subproblems_ : int — convex programs solved
    n_cells_ : int — cells of the data's arrangement (activation splits of one neuron)

    >>> t = ExactReluTrainer(width=1, loss="absolute").fit([[0], [1], [2]], [0, 1, 2])
    >>> t.loss_, t.predict([[3]])
    (mpq(0,1), (mpq(3,1),))
    """

    def __init__(self, width: int = 1, loss: str = "absolute", output_bias: bool = False):
        self.width = width
        self.loss = loss
        self.output_bias = output_bias

    def _validate(self, X: Any, y: Any):
        if isinstance(self.width, bool) or not isinstance(self.width, int) or self.width < 1:
            raise ShapeError(f"width is {self.width!r}; it must be an integer >= 1")
        if self.loss == "squared":
            raise ShapeError("loss='squared' is not implemented yet (its subproblems are QPs); use 'absolute' or 'hinge'")
        if self.loss not in _LOSSES:
            raise ShapeError(f"loss is {self.loss!r}; expected one of {', '.join(_LOSSES)}")
        Xs = as_matrix(X, field="X")
        if not Xs:
            raise ShapeError("X is empty; give at least one data point")
        ys = as_vector(y, field="y", length=len(Xs))
        if self.loss == "hinge" and any(v not in (1, -1) for v in ys):
            raise ShapeError("hinge loss needs labels y in {-1, +1}")
        if len(Xs[0]) == 0:
            raise ShapeError("X has no columns; every data point needs at least one coordinate")
        return Xs, ys

    def fit(self, X: Any, y: Any) -> "ExactReluTrainer":
        Xs, ys = self._validate(X, y)
        D, n = len(Xs), len(Xs[0])
        cells = self._cells(Xs)
        choices = [(cell, s) for cell in cells for s in (1, -1)]
        best = None
        count = 0
        for combo in itertools.combinations_with_replacement(range(len(choices)), self.width):
            count += 1
            value, params = self._solve([choices[k] for k in combo], Xs, ys, n)
            if value is not None and (best is None or value < best[0]):
                best = (value, params, [choices[k] for k in combo])
        assert best is not None  # the all-inactive cell always gives a feasible problem
        value, params, chosen = best
        self.network_ = self._network(params, chosen, n)
        self.loss_ = self._risk(self.network_, Xs, ys)
        if self.loss_ != value / D:  # the LP optimum and the evaluated network must agree exactly
            raise AssertionError("the optimal network's loss differs from the LP optimum")
        self.n_subproblems_ = count
        self.n_cells_ = len(cells)
        return self

    def predict(self, X: Any) -> tuple[Rational, ...]:
        Xs = as_matrix(X, field="X")
        return tuple(self.network_.evaluate(x)[0] for x in Xs)

    # ---------------------------------------------------------------- internals
    @staticmethod
    def _cells(Xs) -> list[tuple[bool, ...]]:
        """Active sets (one bool per data point) of the full-dimensional cells of the
        central arrangement {(a, b) : a . x_j + b = 0} in R^(n+1)."""
        planes = [(tuple(x) + (mpq(1),), 0) for x in Xs]
        A = HyperplaneArrangement(planes, dim=len(Xs[0]) + 1)
        return sorted({tuple(s > 0 for s in row) for row in A.sign_matrix().tolist()})

    def _solve(self, chosen, Xs, ys, n):
        """The LP of one choice of (active set, sign) per neuron.  Variables: (a_i, b_i) per
        neuron, then the output bias c (if any), then t_j per data point."""
        w, D = len(chosen), len(Xs)
        nv = w * (n + 1) + (1 if self.output_bias else 0) + D
        tcol = w * (n + 1) + (1 if self.output_bias else 0)

        def pred_row(j):  # coefficients of prediction j in the neuron/bias variables
            row = [mpq(0)] * nv
            for i, (act, s) in enumerate(chosen):
                if act[j]:
                    for c in range(n):
                        row[i * (n + 1) + c] = s * Xs[j][c]
                    row[i * (n + 1) + n] = mpq(s)
            if self.output_bias:
                row[w * (n + 1)] = mpq(1)
            return row

        ineqs = []
        for i, (act, _) in enumerate(chosen):  # the cell: a.x_j + b >= 0 (active), <= 0 (inactive)
            for j in range(D):
                r = [mpq(0)] * (nv + 1)
                sgn = 1 if act[j] else -1
                for c in range(n):
                    r[1 + i * (n + 1) + c] = sgn * Xs[j][c]
                r[1 + i * (n + 1) + n] = mpq(sgn)
                ineqs.append(r)
        for j in range(D):
            p = pred_row(j)
            t = [mpq(0)] * nv
            t[tcol + j] = mpq(1)
            if self.loss == "absolute":  # t_j >= p - y, t_j >= y - p
                ineqs.append([ys[j]] + [tt - pp for tt, pp in zip(t, p)])
                ineqs.append([-ys[j]] + [tt + pp for tt, pp in zip(t, p)])
            else:  # hinge: t_j >= 0, t_j >= 1 - y p
                ineqs.append([mpq(0)] + t)
                ineqs.append([mpq(-1)] + [tt + ys[j] * pp for tt, pp in zip(t, p)])
        objective = [mpq(0)] * (nv + 1)
        for j in range(D):
            objective[1 + tcol + j] = mpq(1)
        res = _cdd.lp(nv, ineqs, objective=objective)
        if res.status != "optimal":
            return None, None
        return res.value, res.x

    def _network(self, params, chosen, n) -> ReluNetwork:
        w = len(chosen)
        weights = [list(params[i * (n + 1) : i * (n + 1) + n]) for i in range(w)]
        biases = [params[i * (n + 1) + n] for i in range(w)]
        out = [mpq(s) for _, s in chosen]
        c = params[w * (n + 1)] if self.output_bias else mpq(0)
        return ReluNetwork(n, [(weights, biases), ([out], [c])])

    def _risk(self, net: ReluNetwork, Xs, ys) -> Rational:
        total = mpq(0)
        for x, yv in zip(Xs, ys):
            p = net.evaluate(x)[0]
            total += abs(p - yv) if self.loss == "absolute" else max(mpq(0), 1 - yv * p)
        return total / len(Xs)


def _all_splits_optimum(trainer: ExactReluTrainer, X: Sequence, y: Sequence) -> Rational:
    """Brute force over all 2^(D w) activation splits (for tests on tiny data): the same
    LPs over every (subset, sign) per neuron, feasible or not."""
    Xs, ys = trainer._validate(X, y)
    D, n = len(Xs), len(Xs[0])
    splits = list(itertools.product((False, True), repeat=D))
    best = None
    for combo in itertools.product([(s, sg) for s in splits for sg in (1, -1)], repeat=trainer.width):
        value, _ = trainer._solve(list(combo), Xs, ys, n)
        if value is not None and (best is None or value < best):
            best = value
    return best / D


def read_csv(path: Any) -> tuple[list[tuple[Rational, ...]], list[Rational]]:
    """Data from a CSV file: a header row, then one row per point; the last column is the
    label.  Numbers are integers, decimals (their exact decimal value) or p/q."""
    import csv
    from pathlib import Path

    from .errors import FileFormatError, PolyReluError
    from .rational import as_rational

    p = Path(path)
    try:
        with p.open(newline="", encoding="utf-8") as fh:
            rows = list(csv.reader(fh))
    except FileNotFoundError:
        raise FileFormatError(f"{p}: no such file") from None
    except UnicodeDecodeError:
        raise FileFormatError(f"{p}: not UTF-8 text; expected a CSV file") from None
    rows = [r for r in rows if any(c.strip() for c in r)]
    if len(rows) < 2:
        raise FileFormatError(f"{p}: needs a header row and at least one data row")
    header, data = rows[0], rows[1:]
    if len(header) < 2:
        raise FileFormatError(f"{p}: the header has {len(header)} column(s); need at least one feature and the label")
    X, y = [], []
    for i, r in enumerate(data, start=2):
        if len(r) != len(header):
            raise FileFormatError(f"{p}: line {i} has {len(r)} fields but the header has {len(header)}")
        try:
            vals = [as_rational(c.strip(), field=f"line {i}, column {header[k]!r}") for k, c in enumerate(r)]
        except PolyReluError as exc:
            raise FileFormatError(f"{p}: {exc}") from None
        X.append(tuple(vals[:-1]))
        y.append(vals[-1])
    return X, y
