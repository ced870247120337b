"""The only importer of pycddlib: exact LPs and V/H conversions (``cdd.gmp``).

pycddlib's exact module works with ``fractions.Fraction``; conversion to and from
polyrelu's ``mpq`` happens here and nowhere else.  pycddlib converts numbers through
decimal text, so each call lifts Python's 4,300-digit int/str limit for its duration
(polyrelu reads numbers of any size; see ``as_rational``).
"""

from __future__ import annotations

import functools
import sys
from math import gcd
from fractions import Fraction
from typing import Any, Callable, Sequence, TypeVar

import cdd
import cdd.gmp
from gmpy2 import mpq

from . import simplex
from .rational import Rational
from ..errors import InternalError

__all__ = ["lp", "LPResult", "closed_point", "h_to_v", "v_to_h", "irredundant", "extreme_points"]


_F = TypeVar("_F", bound=Callable[..., Any])

#: cddlib's GMP LP (used by lp, redundancy tests and canonicalisation) first runs a
#: floating-point phase.  With integer coefficients beyond 2^53 a double cannot hold them
#: and that phase misbehaves: on some such inputs cddlib 0.94m reads out of bounds and
#: aborts the process (seen near 2^63; never below 2^56 in 10,800 random redundancy
#: tests).  LPs whose rows, scaled to primitive integers, have an entry of at least this
#: size go to polyrelu's own exact simplex (:mod:`polyrelu.exact.simplex`) instead.
FLOAT_SAFE = 1 << 50


class _Quiet:
    """cddlib's C code writes a few diagnostics to the process's stdout and stderr (for
    example "max number 25000 of pivots performed by the criss-cross method. Most likely
    due to the floating-point arithmetics error", on stderr, when its float phase gives up,
    after which the exact phase still answers).  The library never prints, and a command's
    output (--json on stdout, one-line errors on stderr) must stay clean, so around
    cddlib's routines file descriptors 1 and 2 point to /dev/null; C's buffers are flushed
    before they are restored."""

    _libc: Any = None

    def __enter__(self) -> None:
        import ctypes
        import os

        if _Quiet._libc is None:
            _Quiet._libc = ctypes.CDLL(None)
        sys.stdout.flush()
        sys.stderr.flush()
        self._saved = (os.dup(1), os.dup(2))
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.dup2(null, 2)
        os.close(null)

    def __exit__(self, *exc: Any) -> None:
        import os

        _Quiet._libc.fflush(None)
        for fd, saved in zip((1, 2), self._saved):
            os.dup2(saved, fd)
            os.close(saved)


def _beyond_float(rows: Sequence[Sequence]) -> bool:
    """Whether some row, scaled to integers with no common factor, has an entry >= FLOAT_SAFE."""
    for r in rows:
        qs = [mpq(v) for v in r]
        den = 1
        for q in qs:
            d = int(q.denominator)
            if d != 1:
                den = den * d // gcd(den, d)
        ints = [int(q.numerator) * (den // int(q.denominator)) for q in qs]
        g = 0
        for v in ints:
            g = gcd(g, v)
        if g and max(abs(v) for v in ints) // g >= FLOAT_SAFE:
            return True
    return False


def _any_size(fn: _F) -> _F:
    """Run ``fn`` with Python's int/str digit limit lifted (restored afterwards)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        old = sys.get_int_max_str_digits()
        if old == 0:
            return fn(*args, **kwargs)
        sys.set_int_max_str_digits(0)
        try:
            return fn(*args, **kwargs)
        finally:
            sys.set_int_max_str_digits(old)

    return wrapper  # type: ignore[return-value]


def _frac(v) -> Fraction:
    q = mpq(v)
    return Fraction(int(q.numerator), int(q.denominator))


def _mpq(v: Fraction) -> Rational:
    return mpq(v.numerator, v.denominator)


class LPResult:
    """``status``, the optimum ``x`` and ``value``, and ``dual``: one multiplier per row
    (equalities first, then inequalities) as cddlib reports it, or None."""

    __slots__ = ("status", "x", "value", "dual")

    def __init__(self, status: str, x, value, dual=None):
        self.status, self.x, self.value, self.dual = status, x, value, dual


@_any_size
def lp(
    n_vars: int,
    inequalities: Sequence[Sequence] = (),
    equalities: Sequence[Sequence] = (),
    objective: Sequence | None = None,
    *,
    maximize: bool = False,
) -> LPResult:
    """Solve exactly: optimise ``objective[0] + objective[1:] . x`` subject to
    ``row[0] + row[1:] . x >= 0`` (inequalities) and ``= 0`` (equalities).

    Returns status ``"optimal"``, ``"infeasible"`` or ``"unbounded"`` with the exact
    optimum ``x`` and ``value`` (``mpq``) when optimal.  Without an objective this is a
    feasibility problem.  When optimal, ``dual`` holds the row multipliers: for a
    minimisation, ``lam = -dual`` satisfies sum_k lam_k row_k[1:] = objective[1:] with
    lam >= 0 on inequality rows (callers that rely on this check it exactly).
    """
    if _beyond_float(list(equalities) + list(inequalities) + ([objective] if objective is not None else [])):
        sol = simplex.solve(n_vars, inequalities, equalities, objective, maximize=maximize)
        return LPResult(sol.status, sol.x, sol.value, sol.dual)
    rows = [list(map(_frac, r)) for r in equalities] + [list(map(_frac, r)) for r in inequalities]
    if not rows:
        rows = [[Fraction(1)] + [Fraction(0)] * n_vars]  # 1 >= 0
    obj = list(map(_frac, objective)) if objective is not None else [Fraction(0)] * (n_vars + 1)
    mat = cdd.gmp.matrix_from_array(
        rows,
        lin_set=set(range(len(equalities))),
        rep_type=cdd.RepType.INEQUALITY,
        obj_type=cdd.LPObjType.MAX if maximize else cdd.LPObjType.MIN,
        obj_func=obj,
    )
    prog = cdd.gmp.linprog_from_matrix(mat)
    with _Quiet():
        cdd.gmp.linprog_solve(prog)
    st = prog.status
    if st == cdd.LPStatusType.OPTIMAL:
        # cddlib appends a negated copy of each equality row (in order) after the m
        # rows it was given and may report a multiplier on a copy: fold it back, negated
        dual = [mpq(0)] * len(rows)
        m = len(rows)
        for k, v in prog.dual_solution:
            if k < m:
                dual[k] += _mpq(v)
            elif k - m < len(equalities):
                dual[k - m] -= _mpq(v)
            else:
                raise InternalError(f"cddlib reported a dual value for row {k} of an LP with {m} rows")
        return LPResult("optimal", tuple(_mpq(v) for v in prog.primal_solution), _mpq(prog.obj_value), tuple(dual))
    if st in (cdd.LPStatusType.INCONSISTENT, cdd.LPStatusType.STRUC_INCONSISTENT):
        return LPResult("infeasible", None, None)
    if st == cdd.LPStatusType.UNBOUNDED:
        return LPResult("unbounded", None, None)
    if st in (cdd.LPStatusType.DUAL_INCONSISTENT, cdd.LPStatusType.STRUC_DUAL_INCONSISTENT):
        # the dual is infeasible: the primal is unbounded if it is feasible at all
        if objective is None or lp(n_vars, inequalities, equalities).status == "infeasible":
            return LPResult("infeasible", None, None)
        return LPResult("unbounded", None, None)
    raise InternalError(f"cddlib returned LP status {st!r}")


@_any_size
def h_to_v(inequalities: Sequence[Sequence], equalities: Sequence[Sequence] = ()):
    """Vertices and rays of {x : row[0] + row[1:] . x >= 0 (and = 0 for equalities)}.

    Returns (points, rays, lines) as tuples of mpq tuples (no points: empty).
    """
    rows = [list(map(_frac, r)) for r in equalities] + [list(map(_frac, r)) for r in inequalities]
    mat = cdd.gmp.matrix_from_array(rows, lin_set=set(range(len(equalities))), rep_type=cdd.RepType.INEQUALITY)
    with _Quiet():
        poly = cdd.gmp.polyhedron_from_matrix(mat)
        gen = cdd.gmp.copy_generators(poly)
    points, rays, lines = [], [], []
    for i, row in enumerate(gen.array):
        vec = tuple(_mpq(v) for v in row[1:])
        if i in gen.lin_set:
            lines.append(vec)
        elif row[0] == 0:
            rays.append(vec)
        else:
            points.append(tuple(v / _mpq(row[0]) for v in vec))
    if not points and (rays or lines):  # cddlib leaves out the apex 0 of a cone
        points.append(tuple(mpq(0) for _ in range(len(rows[0]) - 1)))
    return tuple(points), tuple(rays), tuple(lines)


@_any_size
def v_to_h(points: Sequence[Sequence], rays: Sequence[Sequence] = ()):
    """Irredundant H-representation of conv(points) + cone(rays).

    Returns (inequalities, equalities): rows ``[b, a...]`` meaning ``b + a.x >= 0`` / ``= 0``.
    """
    rows = [[Fraction(1)] + list(map(_frac, p)) for p in points] + [[Fraction(0)] + list(map(_frac, r)) for r in rays]
    mat = cdd.gmp.matrix_from_array(rows, rep_type=cdd.RepType.GENERATOR)
    with _Quiet():
        poly = cdd.gmp.polyhedron_from_matrix(mat)
        ineq = cdd.gmp.copy_inequalities(poly)
        cdd.gmp.matrix_canonicalize(ineq)
    ins: list[tuple[Rational, ...]] = []
    eqs: list[tuple[Rational, ...]] = []
    for i, row in enumerate(ineq.array):
        vec = tuple(_mpq(v) for v in row)
        (eqs if i in ineq.lin_set else ins).append(vec)
    return tuple(ins), tuple(eqs)


@_any_size
def irredundant(rows: Sequence[Sequence[int]]) -> list[int]:
    """Indices of the irredundant rows, given as engine rows
    ``[a | e]`` meaning a . x - e >= 0 (integers), for a full-dimensional polyhedron.

    Exact (cddlib's GMP redundancy test).  For a full-dimensional polyhedron the open and
    the closed system have the same irredundant rows (its facets).
    """
    if len(rows) <= 1:
        return list(range(len(rows)))
    if _beyond_float(rows):
        return _irredundant_exact(rows)
    arr = [[Fraction(-int(r[-1]))] + [Fraction(int(v)) for v in r[:-1]] for r in rows]
    mat = cdd.gmp.matrix_from_array(arr, rep_type=cdd.RepType.INEQUALITY)
    with _Quiet():
        red = cdd.gmp.redundant_rows(mat)
    return [i for i in range(len(rows)) if i not in red]


@_any_size
def extreme_points(points: Sequence[Sequence[Rational]]) -> list[tuple[Rational, ...]]:
    """The extreme points among ``points``, sorted (exact redundancy removal in cdd)."""
    uniq = sorted(set(tuple(mpq(v) for v in p) for p in points))
    if len(uniq) <= 1:
        return uniq
    if _beyond_float(uniq):
        return _extreme_points_exact(uniq)
    rows = [[Fraction(1)] + [_frac(v) for v in p] for p in uniq]
    mat = cdd.gmp.matrix_from_array(rows, rep_type=cdd.RepType.GENERATOR)
    with _Quiet():
        cdd.gmp.matrix_canonicalize(mat)
    return sorted(tuple(_mpq(v) for v in row[1:]) for row in mat.array)


def _irredundant_exact(rows: Sequence[Sequence[int]]) -> list[int]:
    """:func:`irredundant` by exact simplex LPs, in cddlib's order: from the last row to
    the first, a row is redundant (and dropped) if the remaining rows imply it:
    min row_i(x) over {other remaining rows >= 0, row_i >= -1} is >= 0."""
    aff = [[mpq(-int(r[-1]))] + [mpq(int(v)) for v in r[:-1]] for r in rows]
    n = len(aff[0]) - 1
    alive = list(range(len(aff)))
    for i in range(len(aff) - 1, -1, -1):
        others = [aff[j] for j in alive if j != i]
        floor = [aff[i][0] + 1] + aff[i][1:]
        res = simplex.solve(n, others + [floor], objective=aff[i])
        if res.status == "optimal" and res.value >= 0:
            alive.remove(i)
    return alive


def _extreme_points_exact(points: list[tuple[Rational, ...]]) -> list[tuple[Rational, ...]]:
    """:func:`extreme_points` by exact simplex LPs: a point is dropped if it is a convex
    combination of the other remaining points (distinct points assumed)."""
    alive = list(points)
    n = len(points[0])
    for p in list(points):
        others = [q for q in alive if q != p]
        if not others:
            break
        k = len(others)
        eqs = [[-p[j]] + [q[j] for q in others] for j in range(n)] + [[mpq(-1)] + [mpq(1)] * k]
        ineqs = [[mpq(0)] + [mpq(1) if t == s else mpq(0) for t in range(k)] for s in range(k)]
        if simplex.solve(k, ineqs, eqs).status == "optimal":
            alive.remove(p)
    return sorted(alive)


def closed_point(constraints: Sequence[tuple[Sequence[Rational], Rational]], dim: int,
                 strict: Sequence[bool] | None = None) -> tuple[Rational, ...] | None:
    """A point x with every f_k(x) = g_k . x + c_k >= 0 (> 0 where ``strict[k]``), or
    None if there is none (affine functions given as (g_k, c_k); exact LP)."""
    strict = list(strict) if strict is not None else [False] * len(constraints)
    if not any(strict):
        ineqs = [[f[1]] + list(f[0]) for f in constraints]
        res = lp(dim, ineqs)
        return tuple(res.x) if res.status == "optimal" else None
    # maximise t subject to f_k >= 0, f_k - t >= 0 (strict k), t <= 1: positive optimum iff feasible
    ineqs = [[f[1]] + list(f[0]) + [mpq(-1) if s else mpq(0)] for f, s in zip(constraints, strict)]
    ineqs.append([mpq(1)] + [mpq(0)] * dim + [mpq(-1)])
    res = lp(dim + 1, ineqs, objective=[mpq(0)] * (dim + 1) + [mpq(1)], maximize=True)
    if res.status != "optimal" or res.value <= 0:
        return None
    return tuple(res.x[:dim])
