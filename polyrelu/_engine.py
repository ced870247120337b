"""The exact region engine: one witness per region, by deletion-restriction, no LP.

Internal module; :mod:`polyrelu.arrangement` is the public face.

Integers only.  A hyperplane is an integer row ``[a | b]`` meaning ``a . x = b``; a
*domain* row means the strict inequality ``a . x - b > 0``.

**Symbolic witnesses.**  A candidate point is ``v + e u_1 + e^2 u_2 + ... + e^d u_d`` for
an infinitely small e > 0: a rational base point ``v = X / D`` and integer directions
``u_k`` that span R^d.  The sign of a row at such a point is the first nonzero of
``(a.v - b, a.u_1, ..., a.u_d)`` — never zero, since the u_k span R^d — so witnesses are
automatically off every hyperplane and their numbers never grow with depth: base points
are vertices of the arrangement (or a fixed origin), directions are lifted unit vectors.
:func:`realize` turns a symbolic point into an explicit rational point with the same
signs on every given row (an exact Cauchy-type bound picks e).

**Covering** (see :func:`cover`): regions of {h_1..h_k} cut by h_k meet h_k in regions of
the restriction {h_1..h_{k-1}} | h_k; a witness of each, pushed infinitesimally to both
sides of h_k, lands in both halves.  Sign vectors are exact lexicographic signs
(integer arithmetic, ``int64`` only where a bound proves it cannot overflow).
"""

from __future__ import annotations

from math import gcd
from typing import Sequence

import numpy as np
from gmpy2 import mpq

__all__ = ["cover", "lexsigns", "packed_keys", "realize", "canonical_class_key", "restrict_rows", "unique_rows", "values", "compact"]

_SAFE = 1 << 62
_CHUNK = 1 << 16
_EMPTY = np.zeros(0, dtype=np.int64)


# ----------------------------------------------------------------- integers
def _maxabs(arr: np.ndarray) -> int:
    if arr.size == 0:
        return 0
    if arr.dtype == object:
        return int(max(abs(int(arr.max())), abs(int(arr.min()))))
    return int(np.abs(arr).max())  # int64 entries stay below 2^62 here, so abs cannot overflow


def compact(arr: np.ndarray) -> np.ndarray:
    """int64 if every entry fits comfortably, Python integers (object) otherwise."""
    if arr.dtype != object:
        return arr
    if arr.size == 0 or _maxabs(arr) < _SAFE:
        return arr.astype(np.int64)
    return arr


def _wide(arr: np.ndarray) -> np.ndarray:
    return arr if arr.dtype == object else arr.astype(object)


def _matmul(P: np.ndarray, Q: np.ndarray) -> np.ndarray:
    """Exact P @ Q for integer matrices, in int64 when the bound allows."""
    if P.size == 0 or Q.size == 0:
        return np.zeros((P.shape[0], Q.shape[1]), dtype=np.int64)
    mp, mq = _maxabs(P), _maxabs(Q)
    if max(mp, mq) < _SAFE and mp * mq * P.shape[1] < _SAFE:
        return P.astype(np.int64, copy=False) @ Q.astype(np.int64, copy=False)
    return _wide(P).dot(_wide(Q))


def values(X: np.ndarray, D: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """``V[i, j] = rows[j, :d] . X[i] - rows[j, d] * D[i]`` (D > 0, so same sign as the row at X/D)."""
    d = X.shape[1]
    if rows.shape[0] == 0 or X.shape[0] == 0:
        return np.zeros((X.shape[0], rows.shape[0]), dtype=np.int64)
    A, b = rows[:, :d], rows[:, d]
    mx, ma, md, mb = _maxabs(X), _maxabs(A), _maxabs(D), _maxabs(b)
    # int64 only if every operand and every partial sum provably fits
    if max(mx, ma, md, mb) < _SAFE and mx * ma * max(d, 1) + md * mb < _SAFE:
        V = X.astype(np.int64, copy=False) @ A.T.astype(np.int64)
        V -= D.astype(np.int64, copy=False)[:, None] * b.astype(np.int64)[None, :]
        return V
    return _wide(X).dot(_wide(A).T) - _wide(D)[:, None] * _wide(b)[None, :]


def _sign(V: np.ndarray) -> np.ndarray:
    if V.dtype == object:
        return ((V > 0).astype(np.int8) - (V < 0).astype(np.int8)).reshape(V.shape)
    return np.sign(V).astype(np.int8)


def lexsigns(X: np.ndarray, D: np.ndarray, U: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Exact signs (+1/-1, never 0) of every row at every symbolic point (X/D, U)."""
    n = X.shape[0]
    if n > _CHUNK:
        return np.concatenate([lexsigns(X[i : i + _CHUNK], D[i : i + _CHUNK], U[i : i + _CHUNK], rows) for i in range(0, n, _CHUNK)])
    S = _sign(values(X, D, rows))
    zi, zj = np.nonzero(S == 0)
    if zi.size:
        d = X.shape[1]
        A = rows[:, :d]
        mu, ma = _maxabs(U), _maxabs(A)
        small = max(mu, ma) < _SAFE and mu * ma * d < _SAFE
        U64, A64 = (U.astype(np.int64), A.astype(np.int64)) if small else (_wide(U), _wide(A))
        for k in range(U.shape[1]):
            Uk, Ak = U64[zi, k, :], A64[zj]
            w = np.einsum("ij,ij->i", Uk, Ak) if small else (Uk * Ak).sum(axis=1)
            s = _sign(w)
            S[zi, zj] = s
            left = s == 0
            zi, zj = zi[left], zj[left]
            if zi.size == 0:
                break
        if zi.size:  # directions always span R^d, so this cannot happen
            raise AssertionError("symbolic point with a zero sign: directions do not span")
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
        return _EMPTY
    if S.shape[1] == 0:
        return np.zeros(1, dtype=np.int64)
    return first_occurrences(packed_keys(S))


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


def _row_gcd(M: np.ndarray) -> np.ndarray:
    """The nonnegative gcd of each row.  ``np.gcd.reduce`` alone is not enough: on object
    arrays with one column it returns the entry itself, negative sign included (int64
    arrays start from the identity 0 and so take absolute values)."""
    return np.abs(np.gcd.reduce(M, axis=1))


def _primitive(rows: np.ndarray) -> np.ndarray:
    if rows.shape[0] == 0:
        return rows
    g = _row_gcd(rows)
    g = np.where(g == 0, 1, g)
    return rows // g[:, None]


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
    mr, mh = _maxabs(rows), max(abs(ap), _maxabs(hv), abs(hb))
    big = max(mr, mh) >= _SAFE or mr * mh * 4 >= _SAFE
    R = _wide(rows) if big else rows.astype(np.int64)
    if not big:
        hv = hv.astype(np.int64)
    gp = R[:, p]
    normal = ap * R[:, keep] - np.outer(gp, hv)
    rhs = ap * R[:, d] - gp * hb
    out = np.concatenate([normal, rhs[:, None]], axis=1) * s
    return compact(_primitive(out))


def _lift(h: Sequence[int], p: int, Y: np.ndarray, DY: np.ndarray, UY: np.ndarray):
    """Symbolic points of R^{d-1} (coordinates without p) to symbolic points on h in R^d."""
    d = len(h) - 1
    ap = int(h[p])
    s = 1 if ap > 0 else -1
    keep = [j for j in range(d) if j != p]
    hv = np.array([int(h[j]) for j in keep], dtype=object)
    n, m = Y.shape[0], UY.shape[1]
    Yo, Uo = _wide(Y), _wide(UY)
    X = np.empty((n, d), dtype=object)
    X[:, keep] = Yo * ap
    X[:, p] = _wide(DY) * int(h[d]) - (Yo.dot(hv) if keep else 0)
    D = _wide(DY) * ap
    if ap < 0:
        X, D = -X, -D
    g = _row_gcd(np.concatenate([X, D[:, None]], axis=1))
    X, D = X // g[:, None], D // g
    U = np.empty((n, m, d), dtype=object)
    U[:, :, keep] = Uo * (s * ap)
    U[:, :, p] = -s * (Uo.dot(hv) if keep else 0)
    return X, D, U


def _clean(d: int, H: np.ndarray, dom: np.ndarray):
    """Drop rows with a zero normal (parallel to the hyperplane restricted to), merge
    coincident rows, drop hyperplanes that are domain walls.  None if the domain is empty."""
    if dom.shape[0]:
        zero = ~np.any(dom[:, :d] != 0, axis=1) if d else np.ones(dom.shape[0], dtype=bool)
        if zero.any():
            if np.any(dom[zero, d] >= 0):  # constant row -b must be > 0
                return None
            dom = dom[~zero]
    seen: dict[tuple, int] = {}
    keep = []
    for i in range(dom.shape[0]):
        key, o = canonical_class_key(dom[i])
        if key in seen:
            if seen[key] != o:
                return None  # a.x > b and a.x < b together
            continue
        seen[key] = o
        keep.append(i)
    dom = dom[keep]
    if H.shape[0]:
        nonzero = np.any(H[:, :d] != 0, axis=1) if d else np.zeros(H.shape[0], dtype=bool)
        H = H[nonzero]
    keep = []
    for i in range(H.shape[0]):
        key, _ = canonical_class_key(H[i])
        if key not in seen:
            seen[key] = 0
            keep.append(i)
    return H[keep], dom


def _pivot(h: Sequence[int]) -> int:
    d = len(h) - 1
    best = None
    for j in range(d):
        v = abs(int(h[j]))
        if v and (best is None or v < abs(int(h[best]))):
            best = j
            if v == 1:
                break
    return best


def _identity_dirs(n: int, d: int) -> np.ndarray:
    return np.broadcast_to(np.eye(d, dtype=np.int64), (n, d, d)).copy()


def _cover_1d(H: np.ndarray, dom: np.ndarray):
    """d = 1: one symbolic point just right of each root (and one left of the first)."""
    lo = hi = None
    for a, b in dom.tolist():
        if a == 0:  # constant row -b, must be > 0
            if b >= 0:
                return None
            continue
        r = mpq(b, a)
        if a > 0:
            lo = r if lo is None or r > lo else lo
        else:
            hi = r if hi is None or r < hi else hi
    if lo is not None and hi is not None and lo >= hi:
        return None
    roots = sorted({mpq(b, a) for a, b in H.tolist() if a != 0})
    inside = [r for r in roots if (lo is None or r > lo) and (hi is None or r < hi)]
    pts: list[tuple[mpq, int]] = []
    if lo is not None:
        pts.append((lo, 1))
    elif inside:
        pts.append((inside[0], -1))
    elif hi is not None:
        pts.append((hi, -1))
    else:
        pts.append((mpq(0), 1))
    pts += [(r, 1) for r in inside]
    X = np.array([[int(r.numerator)] for r, _ in pts], dtype=object)
    D = np.array([int(r.denominator) for r, _ in pts], dtype=object)
    U = np.array([[[s]] for _, s in pts], dtype=np.int64)
    return compact(X), compact(D), U


def _empty(d: int):
    return np.zeros((0, d), dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros((0, d, d), dtype=np.int64)


def cover(d: int, H: np.ndarray, dom: np.ndarray, base=None, *, workers: int = 1, hints=None):
    """Symbolic witnesses ``(X, D, U)``: exactly one in every region of the arrangement
    ``H`` inside the open domain ``dom`` (rows ``a.x - b > 0``).

    ``base`` = ``(x_numerators, denominator)`` is an optional point known to be strictly
    inside ``dom``; without it the domain walls are processed first.  ``hints`` =
    ``(points, rays, lines)`` of the closure of ``dom`` (rationals), if known, let each
    step find a start point on its hyperplane without processing walls (a shortcut only).
    ``workers > 1`` splits the top-level steps over processes; the result is identical.

    Proof of coverage: order the hyperplanes h_1..h_m.  If R is a region of
    {h_1..h_{k-1}} (inside the domain) cut by h_k, then S = R ∩ h_k is a region of the
    restriction {h_1..h_{k-1}} | h_k inside the restricted domain, which by induction on
    the dimension holds a symbolic witness y.  The points y ± e' e_p (e' infinitely
    smaller than every infinitesimal inside y, e_p a coordinate direction not parallel to
    h_k) lie in R on either side of h_k.  A region that h_k does not cut keeps its
    witness.  The start point lies in the whole domain, so every region of {h_1..h_m}
    gets a witness; witnesses with equal sign vectors are merged, so there is exactly
    one per region.
    """
    if d == 1:  # lean path: coincident rows are equal roots, merged by the set of roots
        out = _cover_1d(H, dom)
        return _empty(1) if out is None else out
    cleaned = _clean(d, H, dom)
    if cleaned is None:
        return _empty(d)
    H, dom = cleaned
    if d == 0:
        return np.zeros((1, 0), dtype=np.int64), np.ones(1, dtype=np.int64), np.zeros((1, 0, 0), dtype=np.int64)
    if base is None and dom.shape[0] == 0 and H.shape[0] and d >= 2 and not np.any(H[:, d] != 0):
        return _cover_central(d, H, workers)
    if base is not None:
        start = (
            compact(np.array([[int(v) for v in base[0]]], dtype=object)),
            compact(np.array([int(base[1])], dtype=object)),
            _identity_dirs(1, d),
        )
    else:
        start = _start_point(d, dom)
        if start is None:
            return _empty(d)
    m = H.shape[0]
    hint = (tuple(int(v) for v in base[0]), int(base[1])) if base is not None and dom.shape[0] else None
    tasks = [(d, H, dom, k, hint, hints) for k in range(m)]
    if workers > 1 and m > 1:
        from .parallel import run_tasks

        parts = run_tasks(_keyed_step, tasks, workers=workers, costs=[float(k) ** (d - 1) for k in range(m)])
    else:
        parts = [_keyed_step(*t) for t in tasks]
    if m == 0:
        return start
    parts = [(*start, packed_keys(lexsigns(*start, H)))] + [p for p in parts if p[0].shape[0]]
    X, D, U = _cat([p[0] for p in parts]), _cat([p[1] for p in parts]), _cat([p[2] for p in parts])
    first = first_occurrences(np.concatenate([p[3] for p in parts]))
    return X[first], D[first], U[first]


def _keyed_step(d: int, H: np.ndarray, dom: np.ndarray, k: int, base=None, hints=None):
    """:func:`_step` plus the packed sign vectors of its witnesses over all of H."""
    X, D, U = _step(d, H, dom, k, base, hints)
    return X, D, U, packed_keys(lexsigns(X, D, U, H))


def _cover_central(d: int, H: np.ndarray, workers: int):
    """Central arrangements (every row through 0): each region is an open cone, so it
    meets {x_0 > 0} or {x_0 < 0}; those meeting {x_0 > 0} are exactly the cones over the
    regions of the affine arrangement H | {x_0 = 1} (one dimension lower), and those
    meeting {x_0 < 0} are their negatives.  So witnesses of H | {x_0 = 1}, lifted, and
    their negatives cover every region; duplicates (cones meeting both sides) are merged."""
    wall = [1] + [0] * (d - 1) + [1]
    Y, DY, UY = cover(d - 1, restrict_rows(wall, 0, H), np.zeros((0, d), dtype=np.int64), workers=workers)
    X, D, U = _lift(wall, 0, Y, DY, UY)
    off = np.zeros((X.shape[0], 1, d), dtype=object)
    off[:, 0, 0] = 1
    U = np.concatenate([U, off], axis=1)
    X, D, U = compact(np.concatenate([X, -X])), compact(np.concatenate([D, D])), compact(np.concatenate([U, -U]))
    first = unique_rows(lexsigns(X, D, U, H))
    return X[first], D[first], U[first]


def _start_point(d: int, dom: np.ndarray):
    """A symbolic point strictly inside the domain (the origin if there is no domain),
    found by processing the domain walls as an arrangement; None if the domain is empty."""
    X0, D0, U0 = np.zeros((1, d), dtype=np.int64), np.ones(1, dtype=np.int64), _identity_dirs(1, d)
    if dom.shape[0] == 0:
        return X0, D0, U0
    Xs, Ds, Us = [X0], [D0], [U0]
    for k in range(dom.shape[0]):
        X, D, U = _step(d, dom, np.zeros((0, d + 1), dtype=np.int64), k)
        if X.shape[0]:
            Xs.append(X)
            Ds.append(D)
            Us.append(U)
    X, D, U = _cat(Xs), _cat(Ds), _cat(Us)
    inside = np.all(lexsigns(X, D, U, dom) > 0, axis=1)
    if not inside.any():
        return None
    i = int(np.argmax(inside))
    return X[i : i + 1], D[i : i + 1], U[i : i + 1]


def _projected_base(h, p: int, base, dom: np.ndarray):
    """The orthogonal projection of ``base`` onto h, in h's coordinates (without p), if it
    lies strictly inside the domain; else None.  Only a shortcut: with None the restricted
    call finds its own start point by processing the domain walls."""
    if base is None:
        return None
    X, D = base
    d = len(X)
    a = [int(v) for v in h[:d]]
    aa = sum(v * v for v in a)
    V = sum(u * v for u, v in zip(a, X)) - int(h[d]) * D
    return _restricted_if_inside([x * aa - V * u for x, u in zip(X, a)], D * aa, p, dom)


def _restricted_if_inside(Y: list[int], DY: int, p: int, dom: np.ndarray):
    """The point Y / DY (on the hyperplane restricted to) in its coordinates without p,
    reduced, if it lies strictly inside the domain; else None."""
    if dom.shape[0] and not np.all(values(np.array([Y], dtype=object), np.array([DY], dtype=object), dom) > 0):
        return None
    keep = [Y[j] for j in range(len(Y)) if j != p]
    g = DY
    for v in keep:
        g = gcd(g, v)
    return tuple(v // g for v in keep), DY // g


def _segment_base(h, p: int, base, hints, dom: np.ndarray):
    """A point of h strictly inside the domain, on a segment from the interior point
    ``base`` to a point of the closure (or along a ray) on the other side of h: the
    half-open segment [base, g) lies in the interior of a convex set.  None if no hint
    crosses h."""
    if base is None or hints is None:
        return None
    X, D = base
    d = len(X)
    w = [mpq(x, D) for x in X]
    a = [int(v) for v in h[:d]]
    hw = sum((u * v for u, v in zip(a, w)), mpq(0)) - int(h[d])
    points, rays, lines = hints
    y = None
    for g in points:
        hg = sum((u * v for u, v in zip(a, g)), mpq(0)) - int(h[d])
        if hg * hw < 0:
            t = hw / (hw - hg)
            y = [wi + t * (gi - wi) for wi, gi in zip(w, g)]
            break
    if y is None:
        for r in list(rays) + list(lines) + [tuple(-v for v in l) for l in lines]:
            ar = sum((u * v for u, v in zip(a, r)), mpq(0))
            if ar * hw < 0:
                t = -hw / ar
                y = [wi + t * ri for wi, ri in zip(w, r)]
                break
    if y is None:
        return None
    den = 1
    for v in y:
        den = den * int(v.denominator) // gcd(den, int(v.denominator))
    return _restricted_if_inside([int(v * den) for v in y], den, p, dom)


def _step(d: int, H: np.ndarray, dom: np.ndarray, k: int, base=None, hints=None):
    """The witnesses created when hyperplane H[k] is added to H[:k] (inside dom):
    witnesses of the restriction H[:k] | H[k], pushed to both sides of H[k].  ``base``
    (explicit, strictly inside dom) may give the restricted call a start point."""
    h = H[k]
    p = _pivot(h)
    sub_dom = restrict_rows(h, p, dom)
    rb = _projected_base(h, p, base, dom) if dom.shape[0] else None
    if rb is None and dom.shape[0]:
        rb = _segment_base(h, p, base, hints, dom)
    Y, DY, UY = cover(d - 1, restrict_rows(h, p, H[:k]), sub_dom, rb)
    if Y.shape[0] == 0:
        return _empty(d)
    X, D, U = _lift(h, p, Y, DY, UY)
    push = np.zeros((X.shape[0], 1, d), dtype=object)
    push[:, 0, p] = 1
    X, D = compact(X), compact(D)
    Uplus = compact(np.concatenate([U, push], axis=1))
    Uminus = compact(np.concatenate([U, -push], axis=1))
    return _cat([X, X]), _cat([D, D]), _cat([Uplus, Uminus])


def _cat(parts: list[np.ndarray]) -> np.ndarray:
    if any(p.dtype == object for p in parts):
        return np.concatenate([_wide(p) for p in parts])
    return np.concatenate(parts)


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
    if n > _CHUNK:  # bounded memory: the coefficient arrays are n x rows x (m + 1)
        parts = [realize(X[i : i + _CHUNK], D[i : i + _CHUNK], U[i : i + _CHUNK], rows) for i in range(0, n, _CHUNK)]
        return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])
    m = U.shape[1]
    q = np.full(n, 2, dtype=object)
    live = np.any(rows[:, :d] != 0, axis=1) if rows.shape[0] else np.zeros(0, dtype=bool)
    rows = rows[live]
    if rows.shape[0]:
        V = values(X, D, rows)
        A = rows[:, :d]
        Cd = [np.abs(_matmul(U[:, k, :], A.T)) for k in range(m)]
        # the sum of m int64 terms can overflow even when each term fits: bound it first
        if sum(_maxabs(c) for c in Cd) >= _SAFE:
            Cd = [_wide(c) for c in Cd]
        total = Cd[0].copy() if m else np.zeros_like(V)
        for k in range(1, m):
            total = total + Cd[k]
        absV = np.abs(V)
        big = _maxabs(D) * (_maxabs(total) + 1) >= _SAFE or V.dtype == object or total.dtype == object
        if big:
            absV, total, Dn = _wide(absV), _wide(total), _wide(D)
            Cd = [_wide(c) for c in Cd]
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
        q = np.maximum(q, _wide(ratio.max(axis=1) + 1))
    Xo, Do, Uo = _wide(X), _wide(D), _wide(U)
    Xr = Xo * (q**m)[:, None]
    for k in range(m):
        Xr = Xr + Uo[:, k, :] * (Do * q ** (m - k - 1))[:, None]
    Dr = Do * q**m
    g = _row_gcd(np.concatenate([Xr, Dr[:, None]], axis=1))
    return Xr // g[:, None], Dr // g
