"""Symbolic points and their exact signs.

A candidate point is ``v + e u_1 + e^2 u_2 + ... + e^d u_d`` for an infinitely small
e > 0: a rational base point ``v = X / D`` and integer directions ``u_k`` that span R^d.
The sign of a row at such a point is the first nonzero of
``(a.v - b, a.u_1, ..., a.u_d)``: never zero, since the u_k span R^d, so witnesses are off
every hyperplane and their numbers never grow with depth.  :func:`realize` turns a
symbolic point into an explicit rational point with the same signs on every given row.
"""

from __future__ import annotations

import numpy as np

from .integers import CHUNK, EMPTY, SAFE, matmul, maxabs, row_gcd, sign_matrix, values, wide
from ..errors import InternalError

__all__ = ["lexsigns", "packed_keys", "first_occurrences", "unique_rows", "realize", "substitute"]


def _step(rows: np.ndarray, arrays: int) -> int:
    """Points handled at once when ``arrays`` arrays of points x rows are live: at most
    CHUNK points and about 2^22 entries in all (bounded memory, cache-friendly)."""
    return max(256, min(CHUNK, (1 << 22) // max(1, rows.shape[0] * arrays)))


def lexsigns(X: np.ndarray, D: np.ndarray, U: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Exact signs (+1/-1, never 0) of every row at every symbolic point (X/D, U)."""
    n = X.shape[0]
    step = _step(rows, 1)
    if n > step:
        return np.concatenate([lexsigns(X[i : i + step], D[i : i + step], U[i : i + step], rows) for i in range(0, n, step)])
    S = sign_matrix(values(X, D, rows))
    zi, zj = np.nonzero(S == 0)
    if zi.size:
        d = X.shape[1]
        A = rows[:, :d]
        mu, ma = maxabs(U), maxabs(A)
        small = max(mu, ma) < SAFE and mu * ma * d < SAFE
        U64, A64 = (U.astype(np.int64), A.astype(np.int64)) if small else (wide(U), wide(A))
        for k in range(U.shape[1]):
            Uk, Ak = U64[zi, k, :], A64[zj]
            w = np.einsum("ij,ij->i", Uk, Ak) if small else (Uk * Ak).sum(axis=1)
            s = sign_matrix(w)
            S[zi, zj] = s
            left = s == 0
            zi, zj = zi[left], zj[left]
            if zi.size == 0:
                break
        if zi.size:  # directions always span R^d, so this cannot happen
            raise InternalError("symbolic point with a zero sign: directions do not span")
    return S


def packed_keys(S: np.ndarray) -> np.ndarray:
    """Sign rows packed to bytes (one void scalar per row), for hashing and sorting."""
    packed = np.ascontiguousarray(np.packbits(S > 0, axis=1))
    return packed.view(np.dtype((np.void, max(packed.shape[1], 1))))[:, 0] if packed.shape[1] else np.zeros(S.shape[0], dtype="V1")


def first_occurrences(keys: np.ndarray) -> np.ndarray:
    """Indices of the first occurrence of each distinct key, in increasing order."""
    return np.sort(np.unique(keys, return_index=True)[1])


def unique_rows(S: np.ndarray) -> np.ndarray:
    """Indices of the first occurrence of each distinct sign row, in increasing order."""
    if S.shape[0] == 0:
        return EMPTY
    if S.shape[1] == 0:
        return np.zeros(1, dtype=np.int64)
    return first_occurrences(packed_keys(S))


def realize(X: np.ndarray, D: np.ndarray, U: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Explicit rational points ``Xr / Dr`` with the same (nonzero) sign as the symbolic
    points on every row of ``rows``.

    The row at v + sum_k e^k u_k is c_0 + sum_k c_k e^k with c_0 = a.v - b and
    c_k = a.u_k.  If c_j is its first nonzero coefficient, any 0 < e < 1 with
    e * sum_{k>j} |c_k| < |c_j| keeps the sign of c_j.  So e = 1/q with
    q = max(2, 1 + floor(sum_{k>j} |c_k| / |c_j|)) over all rows works for the point
    (with c_0 = V / D, the j = 0 case reads q > D * sum_k |c_k| / |V|).
    """
    n, d = X.shape
    if n == 0:
        return X, D
    step = _step(rows, U.shape[1] + 4)
    if n > step:  # bounded memory: the coefficient arrays are n x rows x (m + 1)
        parts = [realize(X[i : i + step], D[i : i + step], U[i : i + step], rows) for i in range(0, n, step)]
        return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])
    m = U.shape[1]
    q = np.full(n, 2, dtype=object)
    live = np.any(rows[:, :d] != 0, axis=1) if rows.shape[0] else np.zeros(0, dtype=bool)
    rows = rows[live]
    if rows.shape[0]:
        V = values(X, D, rows)
        A = rows[:, :d]
        Cd = [np.abs(matmul(U[:, k, :], A.T)) for k in range(m)]
        # the sum of m int64 terms can overflow even when each term fits: bound it first
        if sum(maxabs(c) for c in Cd) >= SAFE:
            Cd = [wide(c) for c in Cd]
        total = Cd[0].copy() if m else np.zeros_like(V)
        for k in range(1, m):
            total = total + Cd[k]
        absV = np.abs(V)
        big = maxabs(D) * (maxabs(total) + 1) >= SAFE or V.dtype == object or total.dtype == object
        if big:
            absV, total, Dn = wide(absV), wide(total), wide(D)
            Cd = [wide(c) for c in Cd]
        else:
            Dn = D.astype(np.int64)
        on = absV == 0
        ratio = (Dn[:, None] * total) // np.where(on, 1, absV)  # rows off v: j = 0
        rest = total
        for k in range(m):  # rows through v: the first nonzero c_k decides
            rest = rest - Cd[k]
            here = on & (Cd[k] != 0)
            if here.any():
                ratio = np.where(here, rest // np.where(here, Cd[k], 1), ratio)
                on = on & ~here
        q = np.maximum(q, wide(ratio.max(axis=1) + 1))
    return substitute(X, D, U, q)


def substitute(X: np.ndarray, D: np.ndarray, U: np.ndarray, q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The explicit points (X + sum_k U_k / q^(k+1) D) of symbolic points with every
    epsilon_k = 1 / q^(k+1), as reduced integer rows X' / D' (Python integers)."""
    m = U.shape[1]
    Xo, Do, Uo = wide(X), wide(D), wide(U)
    Xr = Xo * (q**m)[:, None]
    for k in range(m):
        Xr = Xr + Uo[:, k, :] * (Do * q ** (m - k - 1))[:, None]
    Dr = Do * q**m
    g = row_gcd(np.concatenate([Xr, Dr[:, None]], axis=1))
    return Xr // g[:, None], Dr // g
