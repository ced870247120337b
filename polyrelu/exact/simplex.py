"""An exact simplex method in rational arithmetic: small LPs with no floating point anywhere.

cddlib's GMP LP solver (:mod:`polyrelu.exact.cddlib`) first runs a floating-point phase
to find a starting basis.  Once an LP's integer coefficients exceed what a double holds
exactly (2^53), that phase is undefined behaviour in practice: on some such inputs
cddlib 0.94m reads out of bounds and aborts the whole process (seen with coefficients
near 2^63; valgrind points at ``ddf_GaussianColumnPivot``).  This module is the route for
those LPs, and a reference for testing the other one.

Method: the LP

    minimise  c_0 + c . x   subject to  r_0 + r . x >= 0 (inequalities),  = 0 (equalities)

with free x is brought to standard form (x = u - v, a slack per inequality, rows with a
negative right-hand side negated), phase 1 minimises the sum of one artificial variable
per row, phase 2 the objective.  Both phases use Bland's rule (entering: the first
column with a negative reduced cost; leaving: the smallest ratio, ties to the smallest
basic index), which cannot cycle, so the method terminates.  The artificial columns stay
in the tableau (never re-entering), so at the end their reduced costs give the dual
solution y = c_B B^{-1} exactly.

>>> r = solve(2, inequalities=[[0, 1, 0], [0, 0, 1], [4, -1, -1]], objective=[0, -1, -2])
>>> r.status, r.x, r.value
('optimal', (mpq(0,1), mpq(4,1)), mpq(-8,1))
"""

from __future__ import annotations

from typing import Sequence

from gmpy2 import mpq

from .rational import Rational

__all__ = ["solve", "LPSolution"]

_ZERO = mpq(0)


class LPSolution:
    """``status`` ("optimal", "infeasible", "unbounded"), the optimum ``x`` and ``value``,
    and ``dual``: one multiplier per row (equalities first, then inequalities) in the
    convention of :func:`polyrelu.exact.cddlib.lp` (for a minimisation, ``lam = -dual``
    satisfies sum_k lam_k row_k[1:] = objective[1:] with lam >= 0 on inequality rows)."""

    __slots__ = ("status", "x", "value", "dual")

    def __init__(self, status: str, x=None, value=None, dual=None):
        self.status, self.x, self.value, self.dual = status, x, value, dual


def solve(
    n_vars: int,
    inequalities: Sequence[Sequence] = (),
    equalities: Sequence[Sequence] = (),
    objective: Sequence | None = None,
    *,
    maximize: bool = False,
) -> LPSolution:
    """Solve the LP exactly (see the module docstring for the form of the rows)."""
    eq = [[mpq(v) for v in r] for r in equalities]
    ineq = [[mpq(v) for v in r] for r in inequalities]
    obj = [mpq(v) for v in objective] if objective is not None else [_ZERO] * (n_vars + 1)
    if maximize:
        obj = [-v for v in obj]
    rows = eq + ineq
    m, n, k = len(rows), n_vars, len(ineq)
    # columns: u_0..u_{n-1}, v_0..v_{n-1}, s_0..s_{k-1}, a_0..a_{m-1}; last entry: rhs
    ncols = 2 * n + k + m
    T: list[list[Rational]] = []
    flip = []
    for i, r in enumerate(rows):
        a, rhs = r[1:], -r[0]
        row = [*a, *(-v for v in a)] + [_ZERO] * (k + m) + [rhs]
        if i >= len(eq):
            row[2 * n + (i - len(eq))] = mpq(-1)
        f = rhs < 0
        if f:
            row = [-v for v in row]
        row[2 * n + k + i] = mpq(1)
        T.append(row)
        flip.append(f)
    basis = [2 * n + k + i for i in range(m)]
    art = set(basis)
    # phase 1: minimise the sum of the artificials
    cost1 = [_ZERO] * (2 * n + k) + [mpq(1)] * m + [_ZERO]
    z = _reduced(T, basis, cost1, ncols)
    _pivot_to_optimum(T, basis, z, ncols, allowed=lambda j: True)
    if -z[-1] != 0:  # the phase-1 optimum is the (negated) last entry
        return LPSolution("infeasible")
    # drive zero artificials out of the basis where a real column can replace them
    for i, b in enumerate(basis):
        if b in art:
            j = next((j for j in range(2 * n + k) if T[i][j] != 0), None)
            if j is not None:
                _pivot(T, basis, None, i, j)
    # phase 2: the objective (artificials never re-enter)
    cost2 = [*obj[1:], *(-v for v in obj[1:])] + [_ZERO] * (k + m) + [_ZERO]
    z = _reduced(T, basis, cost2, ncols)
    if not _pivot_to_optimum(T, basis, z, ncols, allowed=lambda j: j not in art):
        return LPSolution("unbounded")
    vals = [_ZERO] * ncols
    for i, b in enumerate(basis):
        vals[b] = T[i][-1]
    x = tuple(vals[j] - vals[n + j] for j in range(n))
    value = obj[0] + sum((c * v for c, v in zip(obj[1:], x)), _ZERO)
    # y_i = -(reduced cost of artificial i); undo the row flips; cdd convention: dual = -lam
    lam = []
    for i in range(m):
        y = -z[2 * n + k + i]
        lam.append(-y if flip[i] else y)
    if maximize:
        value = -value
        lam = [-v for v in lam]
    return LPSolution("optimal", x, value, tuple(-v for v in lam))


def _reduced(T, basis, cost, ncols):
    """Reduced costs c_j - c_B B^{-1} A_j (and minus the objective value in the last entry)."""
    z = list(cost)
    for i, b in enumerate(basis):
        cb = cost[b]
        if cb:
            row = T[i]
            for j in range(ncols + 1):
                if row[j]:
                    z[j] -= cb * row[j]
    return z


def _pivot_to_optimum(T, basis, z, ncols, allowed) -> bool:
    """Bland's rule until no allowed column has a negative reduced cost (True) or an
    entering column has no positive entry (False: unbounded)."""
    while True:
        j = next((j for j in range(ncols) if z[j] < 0 and allowed(j)), None)
        if j is None:
            return True
        best = None
        for i, row in enumerate(T):
            if row[j] > 0:
                ratio = row[-1] / row[j]
                if best is None or ratio < best[0] or (ratio == best[0] and basis[i] < basis[best[1]]):
                    best = (ratio, i)
        if best is None:
            return False
        _pivot(T, basis, z, best[1], j)


def _pivot(T, basis, z, i, j) -> None:
    piv = T[i][j]
    row = [v / piv for v in T[i]]
    T[i] = row
    nz = [c for c, v in enumerate(row) if v]
    for r, other in enumerate(T):
        if r != i and other[j]:
            f = other[j]
            for c in nz:
                other[c] -= f * row[c]
    if z is not None and z[j]:
        f = z[j]
        for c in nz:
            z[c] -= f * row[c]
    basis[i] = j
