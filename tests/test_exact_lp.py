"""The exact simplex (polyrelu.exact.simplex) against cddlib, and the routing of LPs with
coefficients beyond double precision away from cddlib's floating-point phase."""

from __future__ import annotations

import random
import subprocess
import sys

import pytest
from gmpy2 import mpq
from hypothesis import given, settings
from hypothesis import strategies as st

from polyrelu.exact import cddlib, simplex

# the redundancy test that made cddlib 0.94m abort the process (found by the #18 fuzz family)
ABORTS_CDDLIB = [[24, -262144, -11529215046068469760, 1], [6, 65536, 0, 1],
                 [-24, 262144, 11529215046068469760, -3], [60, -393216, -23058430092136939520, 5]]


def _dot(r, x):
    return r[0] + sum((c * v for c, v in zip(r[1:], x)), mpq(0))


def _check_optimality(n, ineq, eq, obj, maximize, res):
    """Primal feasibility, dual feasibility, stationarity and complementary slackness,
    checked exactly: together they prove optimality without trusting any solver."""
    for r in ineq:
        assert _dot(r, res.x) >= 0
    for r in eq:
        assert _dot(r, res.x) == 0
    lam = list(res.dual) if maximize else [-v for v in res.dual]  # the documented convention
    target = [-c for c in obj[1:]] if maximize else list(obj[1:])
    rows = list(eq) + list(ineq)
    for j in range(n):
        assert sum((l * r[j + 1] for l, r in zip(lam, rows)), mpq(0)) == target[j]
    for l, r in zip(lam[len(eq):], ineq):
        assert l >= 0
        if l:
            assert _dot(r, res.x) == 0
    assert res.value == _dot(obj, res.x)


lp_cases = st.integers(1, 4).flatmap(lambda n: st.tuples(
    st.just(n),
    st.lists(st.lists(st.integers(-4, 4), min_size=n + 1, max_size=n + 1), max_size=7),
    st.lists(st.lists(st.integers(-4, 4), min_size=n + 1, max_size=n + 1), max_size=2),
    st.lists(st.integers(-4, 4), min_size=n + 1, max_size=n + 1),
    st.booleans(),
))


@given(lp_cases)
@settings(max_examples=300)
def test_simplex_agrees_with_cddlib(case):
    n, ineq, eq, obj, mx = case
    ours = simplex.solve(n, ineq, eq, obj, maximize=mx)
    ref = cddlib.lp(n, ineq, eq, obj, maximize=mx)
    feasible = cddlib.lp(n, ineq, eq).status == "optimal"
    assert (ours.status == "infeasible") == (not feasible)
    assert ours.status == ref.status
    if ours.status == "optimal":
        assert ours.value == ref.value
        _check_optimality(n, ineq, eq, obj, mx, ours)


@given(lp_cases)
@settings(max_examples=100)
def test_simplex_on_huge_coefficients_matches_the_scaled_small_lp(case):
    """Substituting x_j = y_j / s_j with huge s_j changes no optimal value; the rows of
    the substituted LP are beyond double precision, so they take the simplex route, and
    must give what cddlib gives on the small LP."""
    n, ineq, eq, obj, mx = case
    rng = random.Random(len(ineq) * 7 + len(eq) + n)
    s = [rng.randint(1, 9) << 70 for _ in range(n)]
    big = lambda r: [r[0]] + [c * sj for c, sj in zip(r[1:], s)]  # noqa: E731
    assert cddlib._beyond_float([big([1] * (n + 1))])
    ours = cddlib.lp(n, [big(r) for r in ineq], [big(r) for r in eq], big(obj), maximize=mx)
    ref = cddlib.lp(n, ineq, eq, obj, maximize=mx)
    assert ours.status == ref.status
    if ours.status == "optimal":
        assert ours.value == ref.value


@given(st.integers(2, 3).flatmap(lambda d: st.lists(st.lists(st.integers(-3, 3), min_size=d + 1, max_size=d + 1), min_size=2, max_size=7)))
@settings(max_examples=150)
def test_exact_redundancy_test_agrees_with_cddlib(rows):
    rows = [r for r in rows if any(r[:-1])]
    # keep only full-dimensional systems (the documented precondition): a strict interior point exists
    sol = cddlib.lp(len(rows[0]) - 1 if rows else 1,
                    [[-r[-1], *r[:-1], -1] for r in rows] + [[1] + [0] * (len(rows[0]) - 1) + [-1]] if rows else [],
                    objective=[0] * len(rows[0]) + [1], maximize=True) if rows else None
    if not rows or sol.status != "optimal" or sol.value <= 0:
        return
    rows = rows + [rows[0]]  # a duplicate: exactly one copy stays
    assert cddlib._irredundant_exact(rows) == cddlib.irredundant(rows)


@given(st.lists(st.tuples(st.integers(-3, 3), st.integers(-3, 3)), min_size=1, max_size=9))
@settings(max_examples=100)
def test_exact_extreme_points_agree_with_cddlib(pts):
    pts = sorted({(mpq(a), mpq(b)) for a, b in pts})
    assert cddlib._extreme_points_exact(pts) == cddlib.extreme_points(pts)


def test_input_that_aborted_cddlib_is_answered_in_a_subprocess():
    """Run in a child process: before the fix this input killed the interpreter (SIGABRT)."""
    code = ("from polyrelu.exact.cddlib import irredundant, lp\n"
            f"rows = {ABORTS_CDDLIB!r}\n"
            "print(irredundant(rows))\n"
            "aff = [[-r[-1]] + r[:-1] for r in rows]\n"
            "print(lp(3, aff[:2] + aff[3:] + [[aff[2][0] + 1] + aff[2][1:]], objective=aff[2]).status)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["[0,", "1,", "2,", "3]", "optimal"]


def test_dual_inconsistent_infeasible_lp_is_reported_infeasible():
    """cddlib reports 'dual inconsistent' for an LP that is infeasible and whose dual is
    infeasible too; that LP is not unbounded."""
    eq = [[-1, -1, 3], [0, -1, 3]]  # x1 - 3 x2 = -1 and x1 - 3 x2 = 0
    assert cddlib.lp(2, [], eq, [1, 2, -3], maximize=True).status == "infeasible"
    assert simplex.solve(2, [], eq, [1, 2, -3], maximize=True).status == "infeasible"


@pytest.mark.parametrize("value", [(1 << 50) - 1, 1 << 50])
def test_the_routing_threshold(value):
    assert cddlib._beyond_float([[value, 1]]) == (value >= cddlib.FLOAT_SAFE)
    assert not cddlib._beyond_float([[2 * value, 2]]) or value >= cddlib.FLOAT_SAFE  # primitive form decides


def test_cddlib_c_output_never_reaches_stdout_or_stderr():
    """cddlib's C diagnostics (printf to stdout, fprintf to stderr, as its criss-cross
    method does when its float phase gives up) are silenced around its routines; Python's
    own output before and after is untouched."""
    code = ("import ctypes, sys\n"
            "from polyrelu.exact.cddlib import _Quiet\n"
            "print('before', flush=True)\n"
            "print('err-before', file=sys.stderr, flush=True)\n"
            "libc = ctypes.CDLL(None)\n"
            "with _Quiet():\n"
            "    libc.printf(b'noise from C\\n')\n"
            "    libc.write(2, b'noise on stderr\\n', 16)\n"
            "print('after')\n"
            "print('err-after', file=sys.stderr)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["before", "after"]
    assert out.stderr.split() == ["err-before", "err-after"]
