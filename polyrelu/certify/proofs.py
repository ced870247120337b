"""Small exact proofs for certificates, found by exact LP (pycddlib) and checked later
by :mod:`polyrelu.certificate` without this module.

A region is described by affine functions f_k(x) = g_k . x + c_k that are > 0 on it.
"""

from __future__ import annotations

from typing import Sequence

from gmpy2 import mpq

from ..exact import cddlib
from ..exact.linalg import nullspace, rank
from ..exact.rational import Rational

__all__ = ["farkas", "bounded_multipliers", "recession_ray", "emptiness_multipliers", "closed_infeasibility"]

Affine = tuple[tuple[Rational, ...], Rational]  # (gradient g, constant c): x -> g.x + c


def farkas(target: Affine, facets: Sequence[Affine]) -> tuple[list[Rational], Rational] | None:
    """lambda >= 0 and slack >= 0 with target = sum lambda_k facets_k + slack (as affine
    functions), or None if there is none."""
    g, c = target
    d, n = len(g), len(facets)
    eqs = []
    for j in range(d):  # sum_k lambda_k g_kj - g_j = 0
        eqs.append([-g[j]] + [f[0][j] for f in facets])
    ineqs = [[mpq(0)] + [mpq(1) if i == k else mpq(0) for i in range(n)] for k in range(n)]
    ineqs.append([c] + [-f[1] for f in facets])  # slack = c - sum lambda_k c_k >= 0
    res = cddlib.lp(n, ineqs, eqs)
    if res.status != "optimal":
        return None
    lam = list(res.x)
    slack = c - sum((l * f[1] for l, f in zip(lam, facets)), mpq(0))
    return lam, slack


def bounded_multipliers(facets: Sequence[Affine]) -> list[Rational] | None:
    """mu_k >= 1 with sum mu_k g_k = 0 (the gradients positively span), or None."""
    if not facets:
        return None
    d, n = len(facets[0][0]), len(facets)
    eqs = [[mpq(0)] + [f[0][j] for f in facets] for j in range(d)]
    ineqs = [[mpq(-1)] + [mpq(1) if i == k else mpq(0) for i in range(n)] for k in range(n)]
    res = cddlib.lp(n, ineqs, eqs)
    if res.status != "optimal" or rank([f[0] for f in facets]) < d:
        return None
    return list(res.x)


def recession_ray(constraints: Sequence[Affine], dim: int) -> tuple[Rational, ...] | None:
    """v != 0 with g_k . v >= 0 for every constraint, or None."""
    grads = [f[0] for f in constraints]
    null = nullspace(grads, dim) if grads else [tuple(mpq(1) if i == 0 else mpq(0) for i in range(dim))]
    if null:
        return null[0]
    ineqs = [[mpq(0)] + list(g) for g in grads]
    ineqs.append([mpq(-1)] + [sum((g[j] for g in grads), mpq(0)) for j in range(dim)])
    res = cddlib.lp(dim, ineqs)
    return tuple(res.x) if res.status == "optimal" else None


def emptiness_multipliers(constraints: Sequence[Affine]) -> list[Rational] | None:
    """lambda >= 0, sum lambda = 1, sum lambda_k g_k = 0, sum lambda_k c_k <= 0: a proof
    that the constraints f_k > 0 have no common solution."""
    if not constraints:
        return None
    d, n = len(constraints[0][0]), len(constraints)
    eqs = [[mpq(0)] + [f[0][j] for f in constraints] for j in range(d)]
    eqs.append([mpq(-1)] + [mpq(1)] * n)
    ineqs = [[mpq(0)] + [mpq(1) if i == k else mpq(0) for i in range(n)] for k in range(n)]
    ineqs.append([mpq(0)] + [-f[1] for f in constraints])
    res = cddlib.lp(n, ineqs, eqs)
    return list(res.x) if res.status == "optimal" else None


def closed_infeasibility(constraints: Sequence[Affine], strict: Sequence[bool] | None = None) -> list[Rational] | None:
    """A proof that f_k >= 0 (and f_k > 0 where ``strict[k]``) have no common solution:
    lambda >= 0 with sum lambda_k g_k = 0, sum lambda_k c_k <= 0, and either
    sum lambda_k c_k < 0 or lambda_k > 0 for some strict k (Motzkin's transposition
    theorem).  Normalised by t + sum_{strict} lambda_k = 1 with t = -sum lambda_k c_k."""
    if not constraints:
        return None
    strict = list(strict) if strict is not None else [False] * len(constraints)
    d, n = len(constraints[0][0]), len(constraints)
    # variables: lambda_1..lambda_n, t
    eqs = [[mpq(0)] + [f[0][j] for f in constraints] + [mpq(0)] for j in range(d)]
    eqs.append([mpq(0)] + [f[1] for f in constraints] + [mpq(1)])  # sum lambda c + t = 0
    eqs.append([mpq(-1)] + [mpq(1) if s else mpq(0) for s in strict] + [mpq(1)])  # t + sum_strict lambda = 1
    ineqs = [[mpq(0)] + [mpq(1) if i == k else mpq(0) for i in range(n + 1)] for k in range(n + 1)]
    res = cddlib.lp(n + 1, ineqs, eqs)
    return list(res.x[:n]) if res.status == "optimal" else None
