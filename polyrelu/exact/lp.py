"""Exact linear programs where a float solver proposes and rational arithmetic decides.

    minimise  c . x   subject to   row_lo <= A x <= row_hi,   col_lo <= x <= col_hi

(``None`` bounds are infinite).  :func:`solve` returns an exact optimal ``x`` with an exact
optimality certificate ``(y, d)``:

* ``c = A^T y + d`` exactly;
* ``y_i > 0`` only where row i has a finite lower bound, ``y_i < 0`` only where it has a
  finite upper bound; the same for ``d_j`` and the bounds of x_j;
* ``c . x`` equals the dual value ``sum_i y_i b_i + sum_j d_j e_j``, where b_i (e_j) is the
  lower bound when the multiplier is positive and the upper bound when it is negative.

*Why this proves optimality* (weak duality): for every feasible x',
c . x' = sum_i y_i (A x')_i + sum_j d_j x'_j, and each term is at least y_i b_i
(resp. d_j e_j) because (A x')_i >= lo_i where y_i > 0 and <= hi_i where y_i < 0.
So c . x' >= the dual value = c . x.

**Route.**  HiGHS (``highspy``) solves the LP in floats and reports its optimal basis.  The
basis is recomputed exactly: nonbasic variables sit at the bound the basis names, nonbasic
rows hold at theirs, and the two square systems B x_B = rhs and B^T y = c_B are solved in
rationals.  The three conditions above are checked exactly; only if a check fails (or
HiGHS is unavailable or does not report an optimal basis) does cddlib's exact simplex
solve the LP (:func:`polyrelu.exact.cddlib.lp`), and its answer is checked the same way.
``route`` says which one answered.

**Canonical optimum.**  With ``canonical=True`` the returned ``x`` is the lexicographically
least point of the optimal face, so it depends only on the LP, never on the route: the
optimal face is {x feasible : complementary slackness with (y, d)} for any optimal (y, d);
its coordinates are fixed where d_j != 0, the rows where y_i != 0 hold with equality, and
if that leaves x unique it is returned as is; otherwise the least x_1, then x_2, ... are
found by exact LPs over the face.  (The multipliers ``(y, d)`` stay route-dependent.)

>>> r = solve([-1, -1], [[1, 2], [3, 1]], [None, None], [4, 6], [0, 0], [None, None])
>>> r.x, r.value, r.y
((mpq(8,5), mpq(6,5)), mpq(-14,5), (mpq(-2,5), mpq(-1,5)))
"""

from __future__ import annotations

from typing import Sequence

from gmpy2 import mpq

from ..errors import InternalError
from . import cddlib
from .linalg import nullspace, rank, solve as exact_solve
from .rational import Rational

__all__ = ["LPSolution", "solve"]

_ZERO = mpq(0)


class LPSolution:
    """``x``, ``value`` = c . x, the certificate ``y`` (rows) and ``d`` (columns), and
    ``route`` ("proposal": the float basis verified; "exact": cddlib answered)."""

    __slots__ = ("x", "value", "y", "d", "route")

    def __init__(self, x, value, y, d, route):
        self.x, self.value, self.y, self.d, self.route = x, value, y, d, route

    def __repr__(self) -> str:
        return f"LPSolution(value={self.value}, route={self.route!r})"


def _dot(a, b) -> Rational:
    return sum((p * q for p, q in zip(a, b) if p and q), _ZERO)


class _LP:
    def __init__(self, c, A, row_lo, row_hi, col_lo, col_hi):
        self.c = tuple(mpq(v) for v in c)
        self.A = tuple(tuple(mpq(v) for v in row) for row in A)
        self.row_lo = tuple(None if v is None else mpq(v) for v in row_lo)
        self.row_hi = tuple(None if v is None else mpq(v) for v in row_hi)
        self.col_lo = tuple(None if v is None else mpq(v) for v in col_lo)
        self.col_hi = tuple(None if v is None else mpq(v) for v in col_hi)
        self.m, self.n = len(self.A), len(self.c)
        if any(len(r) != self.n for r in self.A) or len(self.row_lo) != self.m or len(self.row_hi) != self.m \
                or len(self.col_lo) != self.n or len(self.col_hi) != self.n:
            raise ValueError("LP dimensions do not agree")

    def activity(self, x) -> list[Rational]:
        return [_dot(r, x) for r in self.A]

    def check(self, x, y, d) -> Rational | None:
        """c . x if (x, y, d) is an exactly verified optimal pair (module docstring), else None."""
        for v, lo, hi in zip(x, self.col_lo, self.col_hi):
            if (lo is not None and v < lo) or (hi is not None and v > hi):
                return None
        act = self.activity(x)
        for v, lo, hi in zip(act, self.row_lo, self.row_hi):
            if (lo is not None and v < lo) or (hi is not None and v > hi):
                return None
        dual_value = _ZERO
        for mult, lo, hi in list(zip(y, self.row_lo, self.row_hi)) + list(zip(d, self.col_lo, self.col_hi)):
            if mult > 0:
                if lo is None:
                    return None
                dual_value += mult * lo
            elif mult < 0:
                if hi is None:
                    return None
                dual_value += mult * hi
        ny = [(self.A[i], v) for i, v in enumerate(y) if v]  # the rows with a nonzero multiplier
        for j in range(self.n):  # c = A^T y + d
            if self.c[j] != sum((r[j] * v for r, v in ny if r[j]), _ZERO) + d[j]:
                return None
        value = _dot(self.c, x)
        return value if value == dual_value else None


# --------------------------------------------------------------------------- float proposal
def _highs_basis(lp: _LP):
    """(column statuses, row statuses) of HiGHS's optimal basis as 'L', 'U', 'B' or 'Z', or None."""
    try:
        import highspy
        import numpy as np
    except ImportError:
        return None
    # the bare solver class (exported in highspy.__all__): highspy.Highs() switches logging
    # on in its constructor and prints a banner on stdout before any option can be set
    h = highspy._Highs()  # type: ignore[attr-defined]
    h.setOptionValue("output_flag", False)
    h.setOptionValue("solver", "simplex")
    try:
        return _highs_run(h, highspy, np, lp)
    except OverflowError:  # coefficients beyond double range: no proposal, the exact route answers
        return None


def _highs_run(h, highspy, np, lp: _LP):
    inf = highspy.kHighsInf
    lp_f = highspy.HighsLp()
    lp_f.num_col_, lp_f.num_row_ = lp.n, lp.m
    lp_f.col_cost_ = np.array([float(v) for v in lp.c])
    lp_f.col_lower_ = np.array([-inf if v is None else float(v) for v in lp.col_lo])
    lp_f.col_upper_ = np.array([inf if v is None else float(v) for v in lp.col_hi])
    lp_f.row_lower_ = np.array([-inf if v is None else float(v) for v in lp.row_lo])
    lp_f.row_upper_ = np.array([inf if v is None else float(v) for v in lp.row_hi])
    start, index, value = [0], [], []
    for row in lp.A:  # row-wise: one pass over each row's entries
        for j, v in enumerate(row):
            if v:
                index.append(j)
                value.append(float(v))
        start.append(len(index))
    lp_f.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp_f.a_matrix_.start_ = np.array(start, dtype=np.int32)
    lp_f.a_matrix_.index_ = np.array(index, dtype=np.int32)
    lp_f.a_matrix_.value_ = np.array(value)
    if h.passModel(lp_f) != highspy.HighsStatus.kOk:
        return None
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    basis = h.getBasis()
    if not basis.valid:
        return None
    code = {highspy.HighsBasisStatus.kLower: "L", highspy.HighsBasisStatus.kUpper: "U",
            highspy.HighsBasisStatus.kBasic: "B", highspy.HighsBasisStatus.kZero: "Z"}
    cols = [code.get(s) for s in basis.col_status]
    rows = [code.get(s) for s in basis.row_status]
    if None in cols or None in rows:
        return None
    return cols, rows


def _from_basis(lp: _LP, cols, rows):
    """Exact (x, y, d) of a basis given by statuses, or None if it is singular or names an
    infinite bound."""
    x: list = [None] * lp.n
    for j, s in enumerate(cols):
        if s == "L":
            x[j] = lp.col_lo[j]
            if x[j] is None:
                return None
        elif s == "U":
            x[j] = lp.col_hi[j]
            if x[j] is None:
                return None
        elif s == "Z":
            x[j] = _ZERO
    basic = [j for j, s in enumerate(cols) if s == "B"]
    tight = []
    for i, s in enumerate(rows):
        if s == "B":
            continue
        bound = lp.row_lo[i] if s == "L" else lp.row_hi[i] if s == "U" else _ZERO
        if bound is None:
            return None
        tight.append((i, bound))
    if len(tight) != len(basic):
        return None
    if basic:
        M = [[lp.A[i][j] for j in basic] for i, _ in tight]
        rhs = [b - sum((lp.A[i][j] * x[j] for j in range(lp.n) if x[j] is not None and x[j] != 0), _ZERO) for i, b in tight]
        xb = exact_solve(M, rhs)
        if xb is None:
            return None
        for j, v in zip(basic, xb):
            x[j] = v
        MT = [[lp.A[i][j] for i, _ in tight] for j in basic]
        yt = exact_solve(MT, [lp.c[j] for j in basic])
        if yt is None:
            return None
    else:
        yt = ()
    y = [_ZERO] * lp.m
    for (i, _), v in zip(tight, yt):
        y[i] = v
    ny = [(lp.A[i], v) for i, v in enumerate(y) if v]
    d = [lp.c[j] - sum((r[j] * v for r, v in ny if r[j]), _ZERO) for j in range(lp.n)]
    return tuple(x), tuple(y), tuple(d)


# --------------------------------------------------------------------------- exact route
def _cdd(lp: _LP, objective=None, extra_eq=()):
    """cddlib's exact simplex.  Returns (x, y, d) or None when not optimal."""
    ineq: list[tuple[list, tuple[str, int, int]]] = []
    eq: list[list] = []
    owner: list[tuple[str, int, int] | None] = []  # owner: (kind, index, sign): the multiplier's place in y or d
    unit = lambda j: [mpq(1) if k == j else _ZERO for k in range(lp.n)]  # noqa: E731
    for i in range(lp.m):
        lo, hi, a = lp.row_lo[i], lp.row_hi[i], list(lp.A[i])
        if lo is not None and lo == hi:
            eq.append([-lo] + a)
            owner.append(("y", i, 1))
            continue
        if lo is not None:
            ineq.append(([-lo] + a, ("y", i, 1)))
        if hi is not None:
            ineq.append(([hi] + [-v for v in a], ("y", i, -1)))
    for j in range(lp.n):
        lo, hi, a = lp.col_lo[j], lp.col_hi[j], unit(j)
        if lo is not None and lo == hi:
            eq.append([-lo] + a)
            owner.append(("d", j, 1))
            continue
        if lo is not None:
            ineq.append(([-lo] + a, ("d", j, 1)))
        if hi is not None:
            ineq.append(([hi] + [-v for v in a], ("d", j, -1)))
    for row in extra_eq:
        eq.append(list(row))
        owner.append(None)
    c = lp.c if objective is None else objective
    res = cddlib.lp(lp.n, [r for r, _ in ineq], eq, [_ZERO] + list(c))
    if res.status != "optimal":
        return None
    lam = [-v for v in res.dual]  # minimisation: sum lam_k row_k[1:] = c, lam >= 0 on inequalities
    y, d = [_ZERO] * lp.m, [_ZERO] * lp.n
    for k, own in enumerate(owner + [o for _, o in ineq]):  # type: list[tuple[str, int, int] | None]
        if own is None or not lam[k]:
            continue
        kind, idx, sg = own
        (y if kind == "y" else d)[idx] += sg * lam[k]
    return tuple(res.x), tuple(y), tuple(d)


def _optimal(lp: _LP, propose: bool):
    """A verified optimal (x, y, d) and the route, or None (infeasible or unbounded)."""
    if propose:
        basis = _highs_basis(lp)
        if basis is not None:
            cand = _from_basis(lp, *basis)
            if cand is not None and lp.check(*cand) is not None:
                return cand
    found = _cdd(lp)
    if found is not None and lp.check(*found) is None:
        raise AssertionError("cddlib's LP answer does not pass the exact optimality check")
    return found


def _lexmin(lp: _LP, x, y, d, propose: bool = False) -> tuple:
    """The lexicographically least point of the optimal face (see the module docstring)."""
    fixed_col = lambda j: lp.col_lo[j] is not None and lp.col_lo[j] == lp.col_hi[j]  # noqa: E731
    free = [j for j in range(lp.n) if d[j] == 0 and not fixed_col(j)]
    if not free:
        return x
    cur = list(x)
    touching = [[i for i in range(lp.m) if lp.A[i][j]] for j in range(lp.n)]
    rest = []
    for j in free:  # a free coordinate in no row: its least value is its lower bound
        if not touching[j]:
            if lp.col_lo[j] is None:
                raise AssertionError("an optimal face is unbounded below in a coordinate of no row")
            cur[j] = lp.col_lo[j]
        else:
            rest.append(j)
    if not rest:
        return tuple(cur)
    eqs = [i for i in range(lp.m) if y[i] != 0 or (lp.row_lo[i] is not None and lp.row_lo[i] == lp.row_hi[i])]
    M = [[lp.A[i][j] for j in rest] for i in eqs]
    if M and rank(M) == len(rest):  # the face is a single point in these coordinates
        return tuple(cur)
    # an LP over the rest alone: the other coordinates stay fixed
    restset = set(rest)
    other = [j for j in range(lp.n) if j not in restset]
    rows, lo, hi = [], [], []
    for i in range(lp.m):
        if not any(lp.A[i][j] for j in rest):
            continue
        shift = sum((lp.A[i][j] * cur[j] for j in other if lp.A[i][j] and cur[j]), _ZERO)
        rlo, rhi = lp.row_lo[i], lp.row_hi[i]
        lo_i: Rational | None
        hi_i: Rational | None
        if i in eqs:
            active = rlo if y[i] > 0 or rlo == rhi else rhi  # the bound a nonzero multiplier holds tight
            if active is None:
                raise InternalError("a row with a nonzero multiplier has no finite bound on that side")
            lo_i = hi_i = active - shift
        else:
            lo_i = None if rlo is None else rlo - shift
            hi_i = None if rhi is None else rhi - shift
        rows.append([lp.A[i][j] for j in rest])
        lo.append(lo_i)
        hi.append(hi_i)
    sub_lo = [lp.col_lo[j] for j in rest]
    sub_hi = [lp.col_hi[j] for j in rest]
    # only coordinates that vary on the affine hull of the face's equalities need an LP
    hull = [list(r) for r in M]
    free_dirs = nullspace(hull, len(rest)) if hull else [tuple(mpq(int(i == t)) for i in range(len(rest))) for t in range(len(rest))]
    point = [cur[j] for j in rest]
    for t in range(len(rest)):  # the least value of each coordinate is unique: any verified route gives it
        if not free_dirs:
            break
        if all(v[t] == 0 for v in free_dirs):
            sub_lo[t] = sub_hi[t] = point[t]  # constant on the face
            continue
        sub = _LP([mpq(1) if k == t else _ZERO for k in range(len(rest))], rows, lo, hi, sub_lo, sub_hi)
        res = _optimal(sub, propose)
        if res is None:
            raise AssertionError("the optimal face has no least point in a bounded coordinate")
        point = list(res[0])
        sub_lo[t] = sub_hi[t] = point[t]
        hull.append([mpq(int(i == t)) for i in range(len(rest))])
        free_dirs = nullspace(hull, len(rest))
    for j, v in zip(rest, point):
        cur[j] = v
    return tuple(cur)


def solve(c: Sequence, A: Sequence[Sequence], row_lo: Sequence, row_hi: Sequence, col_lo: Sequence, col_hi: Sequence,
          *, propose: bool = True, canonical: bool = False) -> LPSolution | None:
    """Exact optimum of ``min c.x, row_lo <= A x <= row_hi, col_lo <= x <= col_hi``
    (``None`` bounds are infinite), or None when the LP is infeasible or unbounded.

    ``propose=False`` skips the float proposal (cddlib answers); the optimum never depends
    on it, and with ``canonical=True`` neither does ``x`` (module docstring).
    """
    lp = _LP(c, A, row_lo, row_hi, col_lo, col_hi)
    found, route = None, "exact"
    if propose:
        basis = _highs_basis(lp)
        if basis is not None:
            cand = _from_basis(lp, *basis)
            if cand is not None and lp.check(*cand) is not None:
                found, route = cand, "proposal"
    if found is None:
        found = _cdd(lp)
        if found is None:
            return None
        if lp.check(*found) is None:
            raise AssertionError("cddlib's LP answer does not pass the exact optimality check")
    x, y, d = found
    if canonical:
        least = _lexmin(lp, x, y, d, propose)
        if tuple(least) != tuple(x) and lp.check(least, y, d) is None:  # an unchanged point is checked already
            raise AssertionError("the least point of the optimal face fails the optimality check")
        x = least
    return LPSolution(x, _dot(lp.c, x), y, d, route)
