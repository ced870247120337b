"""Integer matrices for the region engine: exact products and values in ``int64`` where a
bound proves nothing overflows, Python integers (numpy ``object``) otherwise.

Conventions of the whole engine: a hyperplane is an integer row ``[a | b]`` meaning
``a . x = b``; a *domain* row means the strict inequality ``a . x - b > 0``.
"""

from __future__ import annotations

from math import gcd
from typing import Sequence

import numpy as np

__all__ = ["SAFE", "CHUNK", "maxabs", "compact", "wide", "matmul", "values", "sign_matrix", "row_gcd", "primitive", "canonical_class_key"]

#: entries and partial sums below this fit int64 with room to spare
SAFE = 1 << 62
#: rows processed at once by the chunked routines (bounded memory)
CHUNK = 1 << 16
EMPTY = np.zeros(0, dtype=np.int64)


def maxabs(arr: np.ndarray) -> int:
    if arr.size == 0:
        return 0
    if arr.dtype == object:
        return int(max(abs(int(arr.max())), abs(int(arr.min()))))
    return int(np.abs(arr).max())  # int64 entries stay below 2^62 here, so abs cannot overflow


def compact(arr: np.ndarray) -> np.ndarray:
    """int64 if every entry fits comfortably, Python integers (object) otherwise."""
    if arr.dtype != object:
        return arr
    if arr.size == 0 or maxabs(arr) < SAFE:
        return arr.astype(np.int64)
    return arr


def wide(arr: np.ndarray) -> np.ndarray:
    return arr if arr.dtype == object else arr.astype(object)


def matmul(P: np.ndarray, Q: np.ndarray) -> np.ndarray:
    """Exact P @ Q for integer matrices, in int64 when the bound allows."""
    if P.size == 0 or Q.size == 0:
        return np.zeros((P.shape[0], Q.shape[1]), dtype=np.int64)
    mp, mq = maxabs(P), maxabs(Q)
    if max(mp, mq) < SAFE and mp * mq * P.shape[1] < SAFE:
        return P.astype(np.int64, copy=False) @ Q.astype(np.int64, copy=False)
    return wide(P).dot(wide(Q))


def values(X: np.ndarray, D: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """``V[i, j] = rows[j, :d] . X[i] - rows[j, d] * D[i]`` (D > 0, so same sign as the row at X/D)."""
    d = X.shape[1]
    if rows.shape[0] == 0 or X.shape[0] == 0:
        return np.zeros((X.shape[0], rows.shape[0]), dtype=np.int64)
    A, b = rows[:, :d], rows[:, d]
    mx, ma, md, mb = maxabs(X), maxabs(A), maxabs(D), maxabs(b)
    # int64 only if every operand and every partial sum provably fits
    if max(mx, ma, md, mb) < SAFE and mx * ma * max(d, 1) + md * mb < SAFE:
        V = X.astype(np.int64, copy=False) @ A.T.astype(np.int64)
        V -= D.astype(np.int64, copy=False)[:, None] * b.astype(np.int64)[None, :]
        return V
    return wide(X).dot(wide(A).T) - wide(D)[:, None] * wide(b)[None, :]


def sign_matrix(V: np.ndarray) -> np.ndarray:
    if V.dtype == object:
        return ((V > 0).astype(np.int8) - (V < 0).astype(np.int8)).reshape(V.shape)
    return np.sign(V).astype(np.int8)


def row_gcd(M: np.ndarray) -> np.ndarray:
    """The nonnegative gcd of each row.  ``np.gcd.reduce`` alone is not enough: on object
    arrays with one column it returns the entry itself, negative sign included (int64
    arrays start from the identity 0 and so take absolute values)."""
    return np.abs(np.gcd.reduce(M, axis=1))


def primitive(rows: np.ndarray) -> np.ndarray:
    if rows.shape[0] == 0:
        return rows
    g = row_gcd(rows)
    g = np.where(g == 0, 1, g)
    return rows // g[:, None]


def canonical_class_key(row: Sequence[int]) -> tuple[tuple[int, ...], int]:
    """(key, orientation): the primitive row with first nonzero normal entry positive,
    and +1/-1 saying whether ``row`` points the same way.  Coincident hyperplanes (equal
    up to a nonzero factor) have equal keys."""
    g = 0
    for v in row:
        g = gcd(g, int(v))
    prim = [int(v) // g for v in row] if g else [0 for _ in row]
    lead = next((v for v in prim[:-1] if v != 0), 0)
    if lead < 0:
        return tuple(-v for v in prim), -1
    return tuple(prim), 1
