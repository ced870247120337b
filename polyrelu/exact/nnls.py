"""Exact nonnegative least squares: the projection of y onto a finitely generated cone.

    minimise ||A lam - y||^2  subject to  lam >= 0          (A: D x m, rational)

Floats propose, exact arithmetic decides:

1. ``scipy.optimize.nnls`` proposes the passive set (the columns with lam > 0);
2. the least-squares problem on those columns is solved in rationals and the optimality
   conditions are checked exactly: lam_P > 0, and the residual r = y - A lam satisfies
   A^T r <= 0 (A_P^T r = 0 holds by construction).  These conditions are sufficient:
   for any lam' >= 0, ||A lam' - y||^2 = ||A(lam' - lam)||^2 - 2 r^T A lam' + ||r||^2
   >= ||r||^2, because r^T A lam = 0 and r^T A lam' <= 0;
3. if the proposal fails any check, the Lawson–Hanson active-set method runs in exact
   arithmetic from lam = 0.  Exactly computed, its passive columns stay linearly
   independent: a column j enters only when a_j^T r > 0, while r is orthogonal to the
   span of the passive columns, so a_j is not in that span.  Each least-squares solve is
   therefore a nonsingular rational system, and the method terminates (Lawson & Hanson,
   *Solving Least Squares Problems*, 1974, ch. 23).

The residual r is also the exact dual certificate used by the trainer: r^T A <= 0 and
||r||^2 is the optimum.
"""

from __future__ import annotations

import math
from typing import Callable, Sequence

from gmpy2 import mpq

from .rational import Rational
from ..errors import InternalError

__all__ = ["NNLSResult", "nnls"]


class NNLSResult:
    """``coef`` (one rational per column, >= 0), ``residual`` y - A coef, ``value`` = ||residual||^2,
    ``route`` ("proposal" when the float proposal verified, else "lawson-hanson")."""

    __slots__ = ("coef", "residual", "value", "route")

    def __init__(self, coef, residual, value, route):
        self.coef, self.residual, self.value, self.route = coef, residual, value, route


def _dot(a, b) -> Rational:
    return sum((x * y for x, y in zip(a, b)), mpq(0))


def _least_squares(cols: Sequence[Sequence[Rational]], P: Sequence[int], y) -> list[Rational] | None:
    """Exact minimiser of ||sum_{q in P} z_q a_q - y|| (normal equations), or None if the
    columns in P are linearly dependent."""
    k = len(P)
    if k == 0:
        return []
    M = [[_dot(cols[p], cols[q]) for q in P] + [_dot(cols[p], y)] for p in P]
    for c in range(k):  # Gaussian elimination with exact pivots
        piv = next((i for i in range(c, k) if M[i][c] != 0), None)
        if piv is None:
            return None
        M[c], M[piv] = M[piv], M[c]
        inv = 1 / M[c][c]
        M[c] = [v * inv for v in M[c]]
        for i in range(k):
            if i != c and M[i][c] != 0:
                f = M[i][c]
                M[i] = [a - f * b for a, b in zip(M[i], M[c])]
    return [M[i][k] for i in range(k)]


def _residual(cols, coef: dict[int, Rational], y) -> list[Rational]:
    r = [mpq(v) for v in y]
    for q, z in coef.items():
        if z != 0:
            for j, a in enumerate(cols[q]):
                if a != 0:
                    r[j] -= z * a
    return r


def _verified(cols, P, y) -> tuple[dict[int, Rational], list[Rational]] | None:
    """The exact least-squares point on the columns P, if it satisfies the optimality
    conditions of the whole problem."""
    z = _least_squares(cols, P, y)
    if z is None or any(v <= 0 for v in z):
        return None
    coef = dict(zip(P, z))
    r = _residual(cols, coef, y)
    if any(_dot(a, r) > 0 for a in cols):
        return None
    return coef, r


def _propose(cols, y) -> list[int]:
    """Passive set from a float NNLS (only a proposal; nothing here decides the answer)."""
    import numpy as np
    from scipy.optimize import nnls as float_nnls

    try:
        A = np.array([[float(v) for v in c] for c in cols], dtype=float).T
        b = np.array([float(v) for v in y], dtype=float)
    except OverflowError:  # beyond double range: no proposal, exact Lawson-Hanson decides
        return []
    try:
        x, _ = float_nnls(A, b)
    except (RuntimeError, ValueError):  # iteration limit or non-finite input
        return []
    return [j for j in range(len(cols)) if x[j] > 0]


def _integer_columns(cols) -> list[tuple[int, ...]]:
    """The columns times one positive integer (the lcm of their denominators), as integers."""
    den = math.lcm(*(int(mpq(v).denominator) for a in cols for v in a)) if cols else 1
    return [tuple(int(mpq(v) * den) for v in a) for a in cols]


def _scaled_gradient(icols: list[tuple[int, ...]], r: Sequence[Rational]) -> list[int]:
    """A positive multiple, the same for every j, of a_j . r: the columns and r scaled to
    integers (same signs and order as the rational gradient, in integer arithmetic)."""
    d = math.lcm(*(int(v.denominator) for v in r)) if len(r) else 1
    R = [int(v.numerator) * (d // int(v.denominator)) for v in r]
    nz = [(t, v) for t, v in enumerate(R) if v]
    return [sum(a[t] * v for t, v in nz) for a in icols]


def _lawson_hanson(cols, y) -> tuple[dict[int, Rational], list[Rational]]:
    P: list[int] = []
    z: dict[int, Rational] = {}
    r = [mpq(v) for v in y]
    icols = _integer_columns(cols)
    while True:
        grad = _scaled_gradient(icols, r)  # the entering column: largest a_j . r > 0, ties to the least j
        best = max(((g, -j) for j, g in enumerate(grad) if g > 0 and j not in z), default=None)
        if best is None:
            return z, r
        j = -best[1]
        P.append(j)
        z[j] = mpq(0)
        first = True
        while True:
            ls = _least_squares(cols, P, y)
            if ls is None:  # impossible in exact arithmetic (see the module docstring)
                raise InternalError("Lawson-Hanson met linearly dependent passive columns")
            s = dict(zip(P, ls))
            if all(v > 0 for v in s.values()):
                z = s
                break
            if first and s[j] <= 0:  # also excluded by the theory
                raise InternalError("Lawson-Hanson: the entering column did not enter")
            first = False
            alpha = min(z[q] / (z[q] - s[q]) for q in P if s[q] <= 0)
            z = {q: z[q] + alpha * (s[q] - z[q]) for q in P}
            P = [q for q in P if z[q] > 0]
            z = {q: z[q] for q in P}
            if not P:
                break
        r = _residual(cols, z, y)


def nnls(
    cols: Sequence[Sequence[Rational]],
    y: Sequence[Rational],
    *,
    propose: Callable[[Sequence, Sequence], list[int]] | None = _propose,
) -> NNLSResult:
    """Exact ``min ||A lam - y||^2, lam >= 0`` with A given by its columns ``cols``.

    ``propose`` returns a candidate passive set (default: a float NNLS); ``None`` skips
    the proposal.  The answer never depends on it: an unverified proposal falls back to
    exact Lawson–Hanson.

    >>> res = nnls([(1, 0), (0, 1)], (-1, 2))   # project (-1, 2) onto the quadrant
    >>> res.value, res.coef, res.residual
    (mpq(1,1), (mpq(0,1), mpq(2,1)), (mpq(-1,1), mpq(0,1)))
    """
    cols = [tuple(mpq(v) for v in c) for c in cols]
    y = [mpq(v) for v in y]
    found = None
    route = "lawson-hanson"
    if propose is not None and cols:
        P = sorted(set(propose(cols, y)))
        if P and all(0 <= p < len(cols) for p in P):
            found = _verified(cols, P, y)
            if found is not None:
                route = "proposal"
    if found is None:
        found = _lawson_hanson(cols, y)
    coef, r = found
    return NNLSResult(tuple(coef.get(j, mpq(0)) for j in range(len(cols))), tuple(r), _dot(r, r), route)
