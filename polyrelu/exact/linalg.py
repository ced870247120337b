"""Exact small linear algebra over Q and Z: primitive integer rows, RREF, rank, solve.

Entries go through :func:`~polyrelu.exact.rational.as_rational` (floats are refused).

>>> rank([[1, 2], [2, 4], ["1/2", 0]]), solve([[2, 0], [0, 4]], [1, 1]), integer_row(["1/2", "-3/4"])
(2, (mpq(1,2), mpq(1,4)), (2, -3))
"""

from __future__ import annotations

from math import gcd
from typing import TYPE_CHECKING, Any, Sequence

from gmpy2 import mpq

from ..errors import FloatNotAllowedError
from .rational import Rational, as_rational

if TYPE_CHECKING:
    import numpy as np

__all__ = ["primitive_row", "integer_row", "rref", "rank", "solve", "nullspace", "in_row_space", "lcm_denominators", "maximal_minors"]


def lcm_denominators(values: Sequence[Rational]) -> int:
    l = 1
    for v in values:
        d = int(as_rational(v).denominator)
        l = l * d // gcd(l, d)
    return l


def integer_row(values: Sequence[Rational]) -> tuple[int, ...]:
    """Scale a rational row by a positive factor to a primitive integer row (gcd 1)."""
    qs = [as_rational(v) for v in values]
    l = lcm_denominators(qs)
    return primitive_row([int(v * l) for v in qs])


def primitive_row(ints: Sequence[int]) -> tuple[int, ...]:
    """Divide an integer row by the gcd of its entries (a positive factor); zero stays zero."""
    if any(isinstance(v, bool) or not hasattr(v, "__index__") for v in ints):
        raise FloatNotAllowedError(f"primitive_row expects integers, got {list(ints)!r}")
    g = 0
    for v in ints:
        g = gcd(g, v)
        if g == 1:
            return tuple(int(v) for v in ints)
    if g == 0:
        return tuple(0 for _ in ints)
    return tuple(int(v) // g for v in ints)


def rref(rows: Sequence[Sequence[Rational]]) -> tuple[tuple[tuple[Rational, ...], ...], tuple[int, ...]]:
    """Reduced row echelon form over Q: (nonzero rows, pivot columns).  Canonical for the row space."""
    m = [[as_rational(v) for v in row] for row in rows]
    if not m:
        return (), ()
    n_cols = len(m[0])
    pivots: list[int] = []
    r = 0
    for c in range(n_cols):
        p = next((i for i in range(r, len(m)) if m[i][c] != 0), None)
        if p is None:
            continue
        m[r], m[p] = m[p], m[r]
        inv = 1 / m[r][c]
        m[r] = [v * inv for v in m[r]]
        for i in range(len(m)):
            if i != r and m[i][c] != 0:
                f = m[i][c]
                m[i] = [a - f * b for a, b in zip(m[i], m[r])]
        pivots.append(c)
        r += 1
        if r == len(m):
            break
    return tuple(tuple(row) for row in m[:r]), tuple(pivots)


def rank(rows: Sequence[Sequence[Rational]]) -> int:
    return len(rref(rows)[1])


def in_row_space(row: Sequence[Rational], basis: tuple[tuple[Rational, ...], ...], pivots: tuple[int, ...]) -> bool:
    """Whether ``row`` lies in the row space given by an RREF ``basis`` with ``pivots``."""
    v = [as_rational(x) for x in row]
    for b, c in zip(basis, pivots):
        if v[c] != 0:
            f = v[c]
            v = [x - f * y for x, y in zip(v, b)]
    return all(x == 0 for x in v)


def solve(matrix: Sequence[Sequence[Rational]], rhs: Sequence[Rational]) -> tuple[Rational, ...] | None:
    """One exact solution of matrix @ x = rhs (free variables 0), or None if inconsistent."""
    if not matrix:
        return ()
    n = len(matrix[0])
    aug = [list(row) + [r] for row, r in zip(matrix, rhs)]
    red, piv = rref(aug)
    if piv and piv[-1] == n:
        return None
    x = [mpq(0)] * n
    for row, c in zip(red, piv):
        x[c] = row[n]
    return tuple(x)


def nullspace(matrix: Sequence[Sequence[Rational]], n_cols: int) -> list[tuple[Rational, ...]]:
    """A basis of {x : matrix @ x = 0} in R^n_cols."""
    red, piv = rref(matrix) if matrix else ((), ())
    free = [c for c in range(n_cols) if c not in piv]
    basis = []
    for f in free:
        x = [mpq(0)] * n_cols
        x[f] = mpq(1)
        for row, c in zip(red, piv):
            x[c] = -row[f]
        basis.append(tuple(x))
    return basis


def maximal_minors(M: "np.ndarray") -> "np.ndarray":
    """All maximal minors of a batch of integer matrices, exactly.

    ``M`` has shape (S, r, c) with r <= c (int64 or Python integers in an object array);
    the result has shape (S, C(c, r)), column t the minor on the t-th column subset of
    ``itertools.combinations(range(c), r)``.  Laplace expansion along the rows, vectorised
    over the batch; int64 only where the bound r! * max|M|^r proves nothing overflows.

    >>> import numpy as np
    >>> maximal_minors(np.array([[[1, 2, 3], [4, 5, 6]]])).tolist()   # columns {0,1}, {0,2}, {1,2}
    [[-3, -6, -3]]
    """
    import itertools

    import numpy as np

    S, r, c = M.shape
    if r == 0:
        return np.ones((S, 1), dtype=np.int64)
    big = 0 if M.size == 0 else max(abs(int(M.max())), abs(int(M.min())))
    bound = 1
    for k in range(1, r + 1):
        bound *= k * max(big, 1)
    M = M.astype(np.int64) if bound < (1 << 62) else M.astype(object)
    prev: dict[tuple[int, ...], Any] = {(j,): M[:, r - 1, j] for j in range(c)}
    for row in range(r - 2, -1, -1):
        cur: dict[tuple[int, ...], Any] = {}
        for cols in itertools.combinations(range(c), r - row):
            acc = None
            for t, col in enumerate(cols):
                term = M[:, row, col] * prev[cols[:t] + cols[t + 1 :]]
                acc = term if acc is None else (acc + term if t % 2 == 0 else acc - term)
            cur[cols] = acc
        prev = cur
    return np.stack([prev[cols] for cols in itertools.combinations(range(c), r)], axis=1)
