"""Restriction to a hyperplane and lifting back: the coordinates of a hyperplane h are
those of R^d without a pivot coordinate p (``h[p] != 0``)."""

from __future__ import annotations

from typing import Sequence

import numpy as np

from .integers import SAFE, compact, maxabs, primitive, row_gcd, wide
from ..errors import InternalError

__all__ = ["pivot", "restrict_rows", "lift", "identity_dirs"]


def pivot(h: Sequence[int]) -> int:
    """The column of h's smallest nonzero coefficient (h must have one)."""
    d = len(h) - 1
    best: int | None = None
    for j in range(d):
        v = abs(int(h[j]))
        if v and (best is None or v < abs(int(h[best]))):
            best = j
            if v == 1:
                break
    if best is None:
        raise InternalError("pivot of a zero row")
    return best


def restrict_rows(h: Sequence[int], p: int, rows: np.ndarray) -> np.ndarray:
    """Rows restricted to hyperplane ``h`` (``h[p] != 0``), in the coordinates of R^d
    without coordinate p.  Orientation is kept: the restricted row has the sign of the
    original row at the lifted point.  Primitive integer rows."""
    d = len(h) - 1
    if rows.shape[0] == 0:
        return np.zeros((0, d), dtype=np.int64)
    ap, hb = int(h[p]), int(h[d])
    s = 1 if ap > 0 else -1
    keep = [j for j in range(d) if j != p]
    hv = np.array([int(h[j]) for j in keep], dtype=object)
    mr, mh = maxabs(rows), max(abs(ap), maxabs(hv), abs(hb))
    big = max(mr, mh) >= SAFE or mr * mh * 4 >= SAFE
    R = wide(rows) if big else rows.astype(np.int64)
    if not big:
        hv = hv.astype(np.int64)
    gp = R[:, p]
    normal = ap * R[:, keep] - np.outer(gp, hv)
    rhs = ap * R[:, d] - gp * hb
    out = np.concatenate([normal, rhs[:, None]], axis=1) * s
    return compact(primitive(out))


def lift(h: Sequence[int], p: int, Y: np.ndarray, DY: np.ndarray, UY: np.ndarray):
    """Symbolic points of R^{d-1} (coordinates without p) to symbolic points on h in R^d."""
    d = len(h) - 1
    ap = int(h[p])
    s = 1 if ap > 0 else -1
    keep = [j for j in range(d) if j != p]
    hv = np.array([int(h[j]) for j in keep], dtype=object)
    n, m = Y.shape[0], UY.shape[1]
    Yo, Uo = wide(Y), wide(UY)
    X = np.empty((n, d), dtype=object)
    X[:, keep] = Yo * ap
    X[:, p] = wide(DY) * int(h[d]) - (Yo.dot(hv) if keep else 0)
    D = wide(DY) * ap
    if ap < 0:
        X, D = -X, -D
    g = row_gcd(np.concatenate([X, D[:, None]], axis=1))
    X, D = X // g[:, None], D // g
    U = np.empty((n, m, d), dtype=object)
    U[:, :, keep] = Uo * (s * ap)
    U[:, :, p] = -s * (Uo.dot(hv) if keep else 0)
    return X, D, U


def identity_dirs(n: int, d: int) -> np.ndarray:
    return np.broadcast_to(np.eye(d, dtype=np.int64), (n, d, d)).copy()
