"""Exact checks of the small proofs certificates carry about systems of affine functions.

An affine function is a pair ``(g, c)`` meaning x -> g . x + c; a region is the set where
its functions are > 0.  Each check below is a direct computation in rationals.

>>> f, g = ((1, 0), 0), ((2, 0), 0)           # x_1 and 2 x_1
>>> proportional(f, g), proportional(f, ((-1, 0), 0)), proportional(f, ((0, 1), 0))
(1, -1, 0)
>>> combination([(f, 2)], 2, 3) == ((2, 0), 3)    # 2 x_1 + 3
True
>>> infeasible([((1,), 0), ((-1,), -1)], [1, 1], [False, False])   # x >= 0 and -x - 1 >= 0
True
"""

from __future__ import annotations

from typing import Iterable, Sequence

from gmpy2 import mpq

from ..exact.linalg import rank
from ..exact.rational import Rational

__all__ = ["Affine", "dot", "value", "proportional", "combination", "positively_spans", "is_recession_ray", "infeasible"]

Affine = tuple[tuple[Rational, ...], Rational]  # (gradient g, constant c): x -> g . x + c
_ZERO = mpq(0)


def dot(a: Sequence[Rational], x: Sequence[Rational]) -> Rational:
    return sum((u * v for u, v in zip(a, x)), _ZERO)


def value(f: Affine, x: Sequence[Rational]) -> Rational:
    """f(x) = g . x + c."""
    return dot(f[0], x) + f[1]


def proportional(f: Affine, g: Affine) -> int:
    """+1 / -1 if f and g are positive / negative multiples of each other, else 0."""
    fv, gv = list(f[0]) + [f[1]], list(g[0]) + [g[1]]
    i = next((k for k, v in enumerate(fv) if v != 0), None)
    if i is None or len(fv) != len(gv) or gv[i] == 0:
        return 0
    r = mpq(gv[i]) / fv[i]
    if all(gv[k] == r * fv[k] for k in range(len(fv))):
        return 1 if r > 0 else -1
    return 0


def combination(terms: Iterable[tuple[Affine, Rational]], dim: int, constant: Rational = _ZERO) -> Affine:
    """sum_k lambda_k f_k + constant, for terms (f_k, lambda_k) of functions on R^dim."""
    grad = [_ZERO] * dim
    const = mpq(constant)
    for (g, c), lam in terms:
        grad = [a + lam * b for a, b in zip(grad, g)]
        const += lam * c
    return tuple(grad), const


def positively_spans(gradients: Sequence[Sequence[Rational]], multipliers: Sequence[Rational], dim: int) -> bool:
    """Multipliers > 0 with sum mu_k g_k = 0 and gradients of rank ``dim``: then no
    nonzero v has g_k . v >= 0 for all k, so {f_k > 0} is bounded."""
    if not gradients or any(m <= 0 for m in multipliers) or len(multipliers) != len(gradients):
        return False
    total = [sum((m * g[j] for m, g in zip(multipliers, gradients)), _ZERO) for j in range(dim)]
    return all(v == 0 for v in total) and rank(gradients) == dim


def is_recession_ray(ray: Sequence[Rational], gradients: Iterable[Sequence[Rational]]) -> bool:
    """v != 0 with g_k . v >= 0 for every k: {f_k > 0}, if nonempty, is unbounded along v."""
    return any(v != 0 for v in ray) and all(dot(g, ray) >= 0 for g in gradients)


def infeasible(functions: Sequence[Affine], multipliers: Sequence[Rational], strict: Sequence[bool]) -> bool:
    """A Motzkin certificate that f_k >= 0 (f_k > 0 where ``strict[k]``) have no common
    point: lambda >= 0, sum lambda_k g_k = 0, sum lambda_k c_k <= 0, and either the sum is
    < 0 or some strict k has lambda_k > 0.  (At a common point, sum lambda_k f_k(x) would
    be >= 0, and > 0 if a strict row has a positive multiplier; but it equals the sum of
    lambda_k c_k.)"""
    if len(multipliers) != len(functions) or len(strict) != len(functions) or not functions:
        return False
    if any(m < 0 for m in multipliers):
        return False
    g, c = combination(zip(functions, multipliers), len(functions[0][0]))
    if any(v != 0 for v in g) or c > 0:
        return False
    return c < 0 or any(m > 0 for m, s in zip(multipliers, strict) if s)
