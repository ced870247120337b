"""Many region problems at once: :func:`cover_many` is :func:`.cover.cover` for a batch of
independent problems (one per cell of a network layer, say), with every step done for
the whole batch in a few integer array operations instead of a Python loop per problem.

A batch holds ``P`` problems in dimension ``d``.  Problem ``q`` has hyperplanes ``H[hp
== q]`` (integer rows ``[a | b]``, a . x = b) and an open domain ``W[wp == q]`` (rows
meaning a . x - b > 0); ``hp`` and ``wp`` are nondecreasing.  The algorithm is the
deletion-restriction of :mod:`.cover`, level by level: the restrictions of every problem
to every one of its hyperplanes form the next batch, one dimension lower; in dimension 1
the regions are the intervals between the roots.  Witnesses are symbolic
(:mod:`.symbolic`), one per region, and their sign vectors are exact.

>>> import numpy as np
>>> H = np.array([[1, 0, 0], [0, 1, 0], [1, 1, 1], [1, 0, 0]])   # problem 0: 3 lines; problem 1: x = 0
>>> hp = np.array([0, 0, 0, 1])
>>> W = np.array([[0, 1, -5]]); wp = np.array([1])                 # problem 1 inside y > -5
>>> X, D, U, cp = cover_many(2, H, hp, W, wp, 2)
>>> np.bincount(cp).tolist()                                        # 7 regions, 2 regions
[7, 2]
"""

from __future__ import annotations

from typing import Any

import numpy as np
from gmpy2 import mpq

from ..errors import BudgetExceededError
from .integers import SAFE, maxabs, row_gcd, wide
from .symbolic import substitute

__all__ = ["cover_many", "cover_stream", "KeySet", "interior_points", "vertex_filter", "pad_rows", "lexsigns_grouped", "realize_grouped", "values_grouped",
           "group_starts", "first_by_key", "fit_int", "primitive_rows", "canonical_rows", "ranges", "restrict_many", "pivots",
           "lift_many", "concat"]

_MPQ = np.frompyfunc(mpq, 2, 1)
_CHUNK_CELLS = 1 << 19  # candidates x rows evaluated at once (bounded memory)


def _check(deadline):
    if deadline is not None:
        from ..parallel import check_deadline

        check_deadline(deadline)


def group_starts(g: np.ndarray, G: int) -> tuple[np.ndarray, np.ndarray]:
    """(start, count) of each group 0..G-1 in the nondecreasing id array ``g``."""
    counts = np.bincount(g, minlength=G) if g.size else np.zeros(G, dtype=np.int64)
    starts = np.zeros(G, dtype=np.int64)
    if G:
        np.cumsum(counts[:-1], out=starts[1:])
    return starts, counts


def ranges(counts: np.ndarray, starts: np.ndarray):
    """For groups with ``counts`` items starting at ``starts``: (group of each item,
    index of each item), concatenated in group order."""
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    owner = np.repeat(np.arange(counts.size), counts)
    offs = np.zeros(counts.size, dtype=np.int64)
    np.cumsum(counts[:-1], out=offs[1:])
    return owner, starts[owner] + (np.arange(total) - offs[owner])


def fit_int(arr: np.ndarray) -> np.ndarray:
    """int64 if every entry is below SAFE, else Python integers."""
    if arr.dtype != object:
        return arr
    if arr.size == 0 or maxabs(arr) < SAFE:
        return arr.astype(np.int64)
    return arr


def primitive_rows(rows: np.ndarray) -> np.ndarray:
    if rows.shape[0] == 0:
        return rows
    g = row_gcd(rows)
    g = np.where(g == 0, 1, g)
    return rows // g[:, None]


def canonical_rows(rows: np.ndarray, d: int):
    """(keys, orientation): primitive rows with the first nonzero normal entry positive;
    orientation +1/-1 (0 for a zero normal)."""
    prim = primitive_rows(rows)
    if prim.shape[0] == 0:
        return prim, np.zeros(0, dtype=np.int64)
    nz = prim[:, :d] != 0
    has = nz.any(axis=1)
    first = np.argmax(nz, axis=1)
    lead = prim[np.arange(prim.shape[0]), first]
    o = np.where(lead < 0, -1, 1)
    o[~has] = 0
    return prim * np.where(o == 0, 1, o).astype(prim.dtype)[:, None], o


def first_by_key(p: np.ndarray, K: np.ndarray) -> np.ndarray:
    """For every row, the index of the first row with the same problem id and key row."""
    n = p.shape[0]
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    K = fit_int(K) if K.dtype == object else K
    if K.dtype != object:
        K = K.reshape(n, -1)
        if K.dtype == np.uint8:  # packed bits: fold into int64 words
            w = -(-K.shape[1] // 8)
            pad = np.zeros((n, 8 * w), dtype=np.uint8)
            pad[:, : K.shape[1]] = K
            K = pad.view(np.int64).reshape(n, w)
        cols = [K[:, c] for c in range(K.shape[1] - 1, -1, -1)] + [p]
        order = np.lexsort(cols)  # stable: equal keys keep index order
        Ks, ps = K[order], p[order]
        new = np.ones(n, dtype=bool)
        new[1:] = (ps[1:] != ps[:-1]) | np.any(Ks[1:] != Ks[:-1], axis=1)
        lead = order[np.maximum.accumulate(np.where(new, np.arange(n), 0))]
        out = np.empty(n, dtype=np.int64)
        out[order] = lead
        return out
    seen: dict = {}
    out = np.empty(n, dtype=np.int64)
    for i, key in enumerate(zip(p.tolist(), map(tuple, K.tolist()))):
        out[i] = seen.setdefault(key, i)
    return out


def pad_rows(R: np.ndarray, g: np.ndarray, G: int, d: int):
    """Rows grouped by ``g`` as a padded array ``(G, m, d + 1)``; padding rows are
    ``[0 ... 0 | -1]`` (value D > 0 everywhere, so sign +1) and ``valid`` marks real rows."""
    starts, counts = group_starts(g, G)
    m = int(counts.max()) if G and counts.size else 0
    dtype = object if R.dtype == object else np.int64
    out = np.zeros((G, m, d + 1), dtype=dtype)
    out[:, :, d] = -1
    valid = np.zeros((G, m), dtype=bool)
    if R.shape[0]:
        col = np.arange(R.shape[0]) - starts[g]
        out[g, col] = R
        valid[g, col] = True
    return out, valid


def _gather_dot(X: np.ndarray, A: np.ndarray, ma: int | None = None) -> np.ndarray:
    """out[i, j] = X[i] . A[i, j] exactly (int64 when a bound allows; ``ma`` bounds |A|)."""
    if X.shape[0] == 0 or A.shape[1] == 0:
        return np.zeros((X.shape[0], A.shape[1]), dtype=np.int64)
    mx = maxabs(X)
    ma = maxabs(A) if ma is None else ma
    if mx < SAFE and ma < SAFE and mx * ma * max(X.shape[1], 1) < SAFE:
        return np.einsum("ic,ijc->ij", X.astype(np.int64, copy=False), A.astype(np.int64, copy=False))
    return np.einsum("ic,ijc->ij", wide(X), wide(A))


def _dot_rows(X: np.ndarray, A: np.ndarray) -> np.ndarray:
    """out[i, j] = X[i] . A[j] exactly (one problem: a plain product)."""
    if X.shape[0] == 0 or A.shape[0] == 0:
        return np.zeros((X.shape[0], A.shape[0]), dtype=np.int64)
    mx, ma = maxabs(X), maxabs(A)
    if mx < SAFE and ma < SAFE and mx * ma * max(X.shape[1], 1) < SAFE:
        return X.astype(np.int64, copy=False) @ A.astype(np.int64, copy=False).T
    return wide(X).dot(wide(A).T)


def values_grouped(X: np.ndarray, D: np.ndarray, cp: np.ndarray, Apad: np.ndarray) -> np.ndarray:
    """V[i, j] = a_j . X[i] - b_j D[i] for the rows of candidate i's problem."""
    d = X.shape[1]
    if X.shape[0] == 0:
        return np.zeros((0, Apad.shape[1]), dtype=np.int64)
    if Apad.shape[0] == 1:
        V = _dot_rows(X, Apad[0, :, :d])
        b = Apad[0, :, d][None, :]
        bD = None
    else:
        A = Apad[cp]
        V = _gather_dot(X, A[:, :, :d], maxabs(Apad[:, :, :d]))
        b = A[:, :, d]
    md, mb = maxabs(D), maxabs(Apad[:, :, d])
    if V.dtype != object and md < SAFE and mb < SAFE and md * mb < SAFE and maxabs(V) + md * mb < SAFE:
        return V - D.astype(np.int64)[:, None] * b.astype(np.int64)
    return wide(V) - wide(D)[:, None] * wide(b)


def _sign(V: np.ndarray) -> np.ndarray:
    if V.dtype == object:
        return ((V > 0).astype(np.int8) - (V < 0).astype(np.int8)).reshape(V.shape)
    return np.sign(V).astype(np.int8)


def lexsigns_grouped(X, D, U, cp, Apad) -> np.ndarray:
    """Exact signs (never 0) of the rows of each candidate's problem at the symbolic points."""
    n, m = X.shape[0], Apad.shape[1]
    step = max(1, _CHUNK_CELLS // max(1, m * max(1, X.shape[1])))
    if n > step:
        return np.concatenate([lexsigns_grouped(X[i : i + step], D[i : i + step], U[i : i + step], cp[i : i + step], Apad)
                               for i in range(0, n, step)])
    S = _sign(values_grouped(X, D, cp, Apad))
    zi, zj = np.nonzero(S == 0)
    d = X.shape[1]
    for k in range(U.shape[1] if zi.size else 0):
        Uk = U[zi, k, :]
        Ak = Apad[cp[zi], zj, :d]
        w = _gather_dot(Uk, Ak[:, None, :], maxabs(Apad[:, :, :d]))[:, 0]
        s = _sign(w)
        S[zi, zj] = s
        left = s == 0
        zi, zj = zi[left], zj[left]
        if zi.size == 0:
            break
    if zi.size:
        raise AssertionError("symbolic point with a zero sign: directions do not span")
    return S


def realize_grouped(X, D, U, cp, Apad) -> tuple[np.ndarray, np.ndarray]:
    """Explicit rational points with the same signs as the symbolic points on every row
    of each candidate's problem (the rule of :func:`.symbolic.realize`)."""
    n, d = X.shape
    if n == 0:
        return X, D
    step = max(1, _CHUNK_CELLS // max(1, Apad.shape[1] * max(1, d)))
    if n > step:
        parts = [realize_grouped(X[i : i + step], D[i : i + step], U[i : i + step], cp[i : i + step], Apad) for i in range(0, n, step)]
        return np.concatenate([wide(p[0]) for p in parts]), np.concatenate([wide(p[1]) for p in parts])
    m = U.shape[1]
    q = np.full(n, 2, dtype=object)
    if Apad.shape[1]:
        A = Apad[cp][:, :, :d]
        live = np.any(A != 0, axis=2)
        V = values_grouped(X, D, cp, Apad)
        Cd = [np.abs(_gather_dot(U[:, k, :], A)) for k in range(m)]
        small = V.dtype != object and all(c.dtype != object for c in Cd) and sum(maxabs(c) for c in Cd) < SAFE
        if small:
            total = sum(Cd[1:], Cd[0].copy()) if m else np.zeros_like(V)
            small = maxabs(D) * (maxabs(total) + 1) < SAFE
        if not small:
            V, Cd = wide(V), [wide(c) for c in Cd]
            total = sum(Cd[1:], Cd[0].copy()) if m else np.zeros_like(V)
            Dn = wide(D)
        else:
            Dn = D.astype(np.int64)
        absV = np.abs(V)
        on = absV == 0
        ratio = (Dn[:, None] * total) // np.where(on, 1, absV)
        rest = total
        for k in range(m):
            rest = rest - Cd[k]
            here = on & (Cd[k] != 0)
            if here.any():
                ratio = np.where(here, rest // np.where(here, Cd[k], 1), ratio)
                on = on & ~here
        ratio = np.where(live, ratio, 0)
        q = np.maximum(q, wide(ratio.max(axis=1) + 1))
    Xr, Dr = substitute(X, D, U, q)
    return fit_int(Xr), fit_int(Dr)



# ------------------------------------------------------------ rationals as arrays
def _fraction(a: np.ndarray, b: np.ndarray):
    """b / a as reduced (numerator, positive denominator) arrays (a != 0)."""
    a, b = fit_int(np.asarray(a)), fit_int(np.asarray(b))
    if a.dtype == object or b.dtype == object:
        a, b = wide(a), wide(b)
    s = np.where(a < 0, -1, 1).astype(a.dtype)
    num, den = b * s, a * s
    g = np.gcd(num, den)
    g = np.where(g == 0, 1, g)
    return fit_int(num // g), fit_int(den // g)


def _less(n1, d1, n2, d2) -> np.ndarray:
    """n1/d1 < n2/d2 exactly (positive denominators), elementwise."""
    if n1.size == 0:
        return np.zeros(0, dtype=bool)
    big = any(x.dtype == object for x in (n1, d1, n2, d2))
    if not big:
        m = max(maxabs(n1), maxabs(n2)) * max(maxabs(d1), maxabs(d2))
        big = m >= SAFE
    if big:
        return wide(n1) * wide(d2) < wide(n2) * wide(d1)
    return n1 * d2 < n2 * d1


def _seg_best(num, den, grp, P: int, largest: bool):
    """Per group, the largest (or smallest) of the rationals num/den: (num, den, has)."""
    onum = np.zeros(P, dtype=object if num.dtype == object else np.int64)
    oden = np.ones(P, dtype=object if den.dtype == object else np.int64)
    has = np.zeros(P, dtype=bool)
    if num.size == 0:
        return onum, oden, has
    order = np.argsort(grp, kind="stable")
    g, nn, dd = grp[order], num[order], den[order]
    starts, counts = group_starts(g, P)
    rank = np.arange(g.size) - starts[g]
    for r in range(int(counts.max())):
        sel = rank == r
        q = g[sel]
        cn, cd = nn[sel], dd[sel]
        better = ~has[q]
        old = has[q]
        if old.any():
            bn, bd = onum[q[old]], oden[q[old]]
            better[old] = _less(bn, bd, cn[old], cd[old]) if largest else _less(cn[old], cd[old], bn, bd)
        qq = q[better]
        onum[qq], oden[qq] = cn[better], cd[better]
        has[qq] = True
    return fit_int(onum), fit_int(oden), has


def _bounds_1d(W: np.ndarray, wp: np.ndarray, P: int):
    """The open interval of each 1-D domain (rows a x - b > 0): lo, hi as (num, den, has),
    and ``alive`` (False where the interval is empty)."""
    alive = np.ones(P, dtype=bool)
    a, b = W[:, 0], W[:, 1]
    zero = a == 0
    alive[wp[zero & (b >= 0)]] = False
    up = a > 0
    lon, lod = _fraction(a[up], b[up])
    lo = _seg_best(lon, lod, wp[up], P, True)
    dn = a < 0
    hin, hid = _fraction(a[dn], b[dn])
    hi = _seg_best(hin, hid, wp[dn], P, False)
    both = lo[2] & hi[2]
    if both.any():
        alive[both] &= _less(lo[0][both], lo[1][both], hi[0][both], hi[1][both])
    return lo, hi, alive


def interior_points(d: int, W: np.ndarray, wp: np.ndarray, P: int, deadline=None):
    """An explicit point strictly inside each open polyhedron ``{x : W[wp == q] x > 0}``
    (rows a . x - b > 0), or ``found[q] = False`` if it is empty.

    A nonempty open polyhedron with a wall has a facet: a point in the relative interior
    of some wall (found the same way one dimension lower, among the other walls
    restricted to it), pushed infinitesimally inward, lies inside; the first wall that
    gives one is used, and the symbolic point is made explicit (:func:`realize_grouped`).
    No LP, O(walls^(d-1)) small steps per polyhedron.
    """
    _check(deadline)
    X = np.zeros((P, d), dtype=object)
    D = np.ones(P, dtype=object)
    found = np.ones(P, dtype=bool)
    W = W.reshape(-1, d + 1)
    if W.shape[0] and d:
        zero = ~np.any(W[:, :d] != 0, axis=1)
        found[wp[zero & (W[:, d] >= 0)]] = False
        W, wp = W[~zero], wp[~zero]
    if W.shape[0] == 0 or P == 0:
        return fit_int(X), fit_int(D), found
    if d == 1:
        (ln, ld, hl), (hn, hd, hh), ok = _bounds_1d(W, wp, P)
        found &= ok
        L = lambda v: wide(v)
        num = np.zeros(P, dtype=object)
        den = np.ones(P, dtype=object)
        both = hl & hh
        num[both] = L(ln)[both] * L(hd)[both] + L(hn)[both] * L(ld)[both]
        den[both] = 2 * L(ld)[both] * L(hd)[both]
        only_lo, only_hi = hl & ~hh, hh & ~hl
        num[only_lo] = L(ln)[only_lo] + L(ld)[only_lo]
        den[only_lo] = L(ld)[only_lo]
        num[only_hi] = L(hn)[only_hi] - L(hd)[only_hi]
        den[only_hi] = L(hd)[only_hi]
        g = np.gcd(num, den)
        g = np.where(g == 0, 1, g)
        return fit_int((num // g).reshape(P, 1)), fit_int(den // g), found
    # coincident walls: one of each (opposite orientations: the polyhedron is empty)
    key, o = canonical_rows(W, d)
    first = first_by_key(wp, key)
    dup = first != np.arange(W.shape[0])
    found[wp[dup & (o != o[first])]] = False
    W, wp = W[~dup], wp[~dup]
    ws, wc = group_starts(wp, P)
    nW = W.shape[0]
    piv = pivots(W, d)
    own, j = ranges(wc[wp], ws[wp])  # for each wall: every wall of its polyhedron ...
    other = j != np.repeat(np.arange(nW), wc[wp])  # ... but itself
    own, j = own[other], j[other]
    R = restrict_many(W[j], W[own], piv[own])
    Y, DY, ok = interior_points(d - 1, R, own, nW, deadline)
    ok &= found[wp]
    if not ok.any():
        found &= wc == 0
        return fit_int(X), fit_int(D), found
    idx = np.nonzero(ok)[0]
    first_wall = np.full(P, -1, dtype=np.int64)
    # the first wall (in order) of each polyhedron with a point in its relative interior
    rev = idx[::-1]
    first_wall[wp[rev]] = rev
    has = first_wall >= 0
    found &= has | (wc == 0)  # no walls: the origin
    f = first_wall[has]
    Xl, Dl, _ = lift_many(W[f], piv[f], Y[f], DY[f], np.zeros((f.size, 0, d - 1), dtype=np.int64), d)
    U = np.zeros((f.size, 1, d), dtype=object)
    U[:, 0, :] = wide(W[f][:, :d])  # inward: along the wall's normal
    Wpad, _ = pad_rows(W, wp, P, d)
    Xr, Dr = realize_grouped(Xl, Dl, fit_int(U), np.nonzero(has)[0], Wpad)
    X[has] = wide(Xr)
    D[has] = wide(Dr)
    return fit_int(X), fit_int(D), found


def _empty(d: int):
    return (np.zeros((0, d), dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros((0, d, d), dtype=np.int64),
            np.zeros(0, dtype=np.int64))


def restrict_many(R: np.ndarray, h: np.ndarray, piv: np.ndarray) -> np.ndarray:
    """Row R[i] restricted to hyperplane h[i] (pivot piv[i]): R^d without coordinate piv[i].
    Orientation kept; primitive rows."""
    n, d1 = R.shape
    d = d1 - 1
    if n == 0:
        return np.zeros((0, d), dtype=np.int64)
    mr, mh = maxabs(R), maxabs(h)
    big = max(mr, mh) >= SAFE or mr * mh * 4 >= SAFE
    Rw, hw = (wide(R), wide(h)) if big else (R.astype(np.int64, copy=False), h.astype(np.int64, copy=False))
    ar = np.arange(n)
    ap = hw[ar, piv]
    rp = Rw[ar, piv]
    full = ap[:, None] * Rw - rp[:, None] * hw
    full = full * np.where(ap > 0, 1, -1).astype(full.dtype)[:, None]
    keep = np.arange(d)[None, :] + (np.arange(d)[None, :] >= piv[:, None])  # columns kept (the constant stays last)
    out = np.take_along_axis(full, keep, axis=1)
    return fit_int(primitive_rows(out))


def pivots(H: np.ndarray, d: int) -> np.ndarray:
    """The coordinate of each row's smallest nonzero normal entry (first one on ties)."""
    if H.shape[0] == 0:
        return np.zeros(0, dtype=np.int64)
    A = np.abs(wide(H[:, :d])) if H.dtype == object else np.abs(H[:, :d])
    big = (maxabs(A) + 1) if A.size else 1
    A = np.where(A == 0, big, A)
    return np.argmin(A, axis=1) if A.dtype != object else np.array([int(np.argmin(r)) for r in A], dtype=np.int64)


def _cover_1d(H, hp, W, wp, P):
    """d = 1: one symbolic point just right of each root inside the interval, and one at
    its left end (all problems at once, exact rational comparisons on integer arrays)."""
    (ln, ld, hl), (hn, hd, hh), alive = _bounds_1d(W, wp, P) if W.shape[0] else (
        (np.zeros(P, np.int64), np.ones(P, np.int64), np.zeros(P, bool)),) * 2 + (np.ones(P, dtype=bool),)
    nz = H[:, 0] != 0 if H.shape[0] else np.zeros(0, dtype=bool)
    rn, rd = _fraction(H[nz, 0], H[nz, 1])
    rp = hp[nz]
    ok = alive[rp]
    m = ok & hl[rp]
    if m.any():
        ok[m] = _less(ln[rp[m]], ld[rp[m]], rn[m], rd[m])
    m = ok & hh[rp]
    if m.any():
        ok[m] = _less(rn[m], rd[m], hn[rp[m]], hd[rp[m]])
    rn, rd, rp = rn[ok], rd[ok], rp[ok]
    if rp.size:
        K = np.stack([wide(rn), wide(rd)], axis=1) if (rn.dtype == object or rd.dtype == object) else np.stack([rn, rd], axis=1)
        first = first_by_key(rp, K)
        u = first == np.arange(rp.size)
        rn, rd, rp = rn[u], rd[u], rp[u]
    fn, fd, fh = _seg_best(rn, rd, rp, P, False)
    live = np.nonzero(alive)[0]
    sn = np.zeros(P, dtype=object)
    sd = np.ones(P, dtype=object)
    sdir = np.ones(P, dtype=np.int64)
    for mask, nn, dd, sg in ((hh & ~hl & ~fh, hn, hd, -1), (fh & ~hl, fn, fd, -1), (hl, ln, ld, 1)):
        sn[mask], sd[mask], sdir[mask] = wide(nn)[mask], wide(dd)[mask], sg
    cp = np.concatenate([live.astype(np.int64), rp])
    X = concat([fit_int(sn[live]), fit_int(rn)]) if rp.size else fit_int(sn[live])
    D = concat([fit_int(sd[live]), fit_int(rd)]) if rp.size else fit_int(sd[live])
    dd = np.concatenate([sdir[live], np.ones(rp.size, dtype=np.int64)])
    order = np.argsort(cp, kind="stable")
    return fit_int(X[order].reshape(-1, 1)), fit_int(D[order]), dd[order].reshape(-1, 1, 1), cp[order]


def cover_many(d: int, H: np.ndarray, hp: np.ndarray, W: np.ndarray, wp: np.ndarray, P: int, base=None, deadline=None,
               executor=None, stop=None):
    """Symbolic witnesses ``(X, D, U, cp)``: exactly one in every region of every problem
    (``cp`` = its problem, nondecreasing).  ``base`` = ``(BX, BD, has)`` gives explicit
    points ``BX[q] / BD[q]`` strictly inside problem q's domain where ``has[q]``.
    ``deadline`` (wall-clock): :class:`~polyrelu.errors.BudgetExceededError` once passed.
    ``executor`` (:class:`polyrelu.parallel.Executor`) takes groups of hyperplanes of the
    top level as tasks; the result does not depend on it.  ``stop(n_found)`` (top level
    only) is asked as groups finish and may end the run with
    :class:`~polyrelu.errors.BudgetExceededError` (``args[1]``: regions found so far)."""
    prep = _prepare(d, H, hp, W, wp, P, base, deadline)
    if len(prep) == 4:
        return prep
    H, hp, W, wp, BXf, BDf, live, Hpad = prep
    nH = H.shape[0]
    starts = (BXf[live], BDf[live], np.broadcast_to(np.eye(d, dtype=np.int64), (live.size, d, d)), live)
    parts = [(*starts, _keys(*starts, Hpad))]
    pieces = _split(nH, executor, d, budgeted=stop is not None)
    tasks = [(d, H, hp, W, wp, P, BXf, BDf, lo, hi, deadline) for lo, hi in pieces]
    seen: set = set()

    def check(i, part):
        if stop is None:
            return False
        for r in np.unique(np.concatenate([part[3][:, None].astype(np.int64).view(np.uint8).reshape(-1, 8), part[4]], axis=1), axis=0):
            seen.add(r.tobytes())
        return stop(len(seen))

    if executor is not None and len(tasks) > 1:
        out = executor.map(_sub_candidates, tasks, deadline=deadline, on_result=check if stop is not None else None,
                           costs=[-float(i) for i in range(len(tasks))])  # in order: a budget sees regions grow gradually
    else:
        out = []
        for t in tasks:
            out.append(_sub_candidates(*t))
            _check(deadline)
            if check(len(out) - 1, out[-1]):
                break
    from ..parallel import NOT_RUN

    if len(out) < len(tasks) or any(o is NOT_RUN for o in out):
        _check(deadline)
        raise BudgetExceededError("the region budget ran out", len(seen))
    parts += [o for o in out if o[0].shape[0]]
    out = None
    if nH and live.size == 1 and len(parts) > 1:
        # one problem (a whole arrangement): no reordering; keep the first occurrence of
        # every sign vector, slicing each part before joining them (bounded memory)
        cpa = np.concatenate([p[3] for p in parts])
        first = first_by_key(cpa, np.concatenate([p[4] for p in parts]))
        keep = first == np.arange(cpa.size)
        bounds = np.cumsum([0] + [p[3].size for p in parts])
        kept = [[q[keep[a:b]] for q in p[:4]] for p, a, b in zip(parts, bounds, bounds[1:])]
        del parts
        X, Dn, U = concat([k[0] for k in kept]), concat([k[1] for k in kept]), concat([k[2] for k in kept])
        cp = np.concatenate([k[3] for k in kept])
        return fit_int(X), fit_int(Dn), fit_int(U), cp
    X, Dn, U, cp = concat([p[0] for p in parts]), concat([p[1] for p in parts]), concat([p[2] for p in parts]), np.concatenate([p[3] for p in parts])
    order = np.argsort(cp, kind="stable")
    X, Dn, U, cp = X[order], Dn[order], U[order], cp[order]
    if nH:
        keys = np.concatenate([p[4] for p in parts])
        first = first_by_key(cp, keys[order])
        keep = first == np.arange(cp.size)
        X, Dn, U, cp = X[keep], Dn[keep], U[keep], cp[keep]
    return fit_int(X), fit_int(Dn), fit_int(U), cp



class KeySet:
    """An exact set of fixed-width byte keys (numpy void arrays) in sorted levels that merge
    like a binary counter: ``add`` and ``contains`` cost O(log n) sorted passes, and the
    memory is the keys themselves (no Python object per key).  Levels stop merging at
    ``level_bytes`` (128 MiB by default), so a merge never needs more than twice that on
    top of the keys; a set of m bytes has at most about m / level_bytes + log n levels.

    >>> ks = KeySet()
    >>> a = np.array([b"ab", b"cd"], dtype="V2")
    >>> ks.add(a); len(ks), ks.contains(np.array([b"cd", b"zz"], dtype="V2")).tolist()
    (2, [True, False])
    """

    def __init__(self, level_bytes: int = 1 << 27) -> None:
        self.levels: list[np.ndarray] = []
        self.level_bytes = level_bytes

    def __len__(self) -> int:
        return sum(a.size for a in self.levels)

    def contains(self, q: np.ndarray) -> np.ndarray:
        hit = np.zeros(q.size, dtype=bool)
        for a in self.levels:
            if a.dtype != q.dtype or not a.size:
                continue
            pos = np.minimum(np.searchsorted(a, q), a.size - 1)
            hit |= a[pos] == q
        return hit

    def add(self, keys: np.ndarray) -> None:
        """Add keys that are distinct and not yet in the set."""
        new = np.sort(keys)
        cap = max(1, self.level_bytes // max(1, new.dtype.itemsize))
        while (self.levels and self.levels[-1].dtype == new.dtype and self.levels[-1].size <= new.size
               and self.levels[-1].size + new.size <= cap):
            new = np.sort(np.concatenate([self.levels.pop(), new]))
        self.levels.append(new)

    def add_new(self, keys: np.ndarray) -> np.ndarray:
        """Add ``keys`` (duplicates allowed); return the mask of the first occurrence of each
        key that was not in the set before."""
        if keys.size == 0:
            return np.zeros(0, dtype=bool)
        _, first = np.unique(keys, return_index=True)
        keep = np.zeros(keys.size, dtype=bool)
        keep[first] = True
        keep &= ~self.contains(keys)
        if keep.any():
            self.add(keys[keep])
        return keep


def _void_rows(M: np.ndarray) -> np.ndarray:
    M = np.ascontiguousarray(M)
    return M.view(np.dtype((np.void, M.dtype.itemsize * M.shape[1])))[:, 0]


def cover_stream(d: int, H: np.ndarray, W: np.ndarray, base=None, deadline=None, executor=None, window: int | None = None):
    """:func:`cover_many` for one problem, as a stream: yields ``(X, D, U, cp)`` batches
    whose concatenation is exactly what ``cover_many(d, H, 0, W, 0, 1, base)`` returns
    (same witnesses, same order), one group of hyperplanes at a time.  What is kept between
    batches is the packed sign key of every region yielded (an exact :class:`KeySet`,
    ceil(#H / 8) bytes a region); a batch holds the candidates of one group of
    hyperplanes.  ``executor`` computes ``window`` groups at a time (default: twice its
    parallelism)."""
    from ..parallel import NOT_RUN

    hp = np.zeros(H.shape[0], dtype=np.int64)
    wp = np.zeros(W.shape[0], dtype=np.int64)
    prep = _prepare(d, H, hp, W, wp, 1, base, deadline)
    if len(prep) == 4:
        yield prep
        return
    H, hp, W, wp, BXf, BDf, live, Hpad = prep
    nH = H.shape[0]
    starts = (BXf[live], BDf[live], np.broadcast_to(np.eye(d, dtype=np.int64), (live.size, d, d)), live)
    seen = KeySet()

    def fresh(part):
        X, Dn, U, cp, K = part
        if not nH:
            return fit_int(X), fit_int(Dn), fit_int(U), cp
        keep = seen.add_new(_void_rows(K))
        return fit_int(X[keep]), fit_int(Dn[keep]), fit_int(U[keep]), cp[keep]

    yield fresh((*starts, _keys(*starts, Hpad)))
    tasks = [(d, H, hp, W, wp, 1, BXf, BDf, lo, hi, deadline) for lo, hi in _split(nH, executor, d, budgeted=True)]
    par = executor.parallelism if executor is not None else 1
    step = window or (2 * par if executor is not None else 1)
    for a in range(0, len(tasks), step):
        _check(deadline)
        group = tasks[a : a + step]
        if executor is not None and len(group) > 1:
            out = executor.map(_sub_candidates, group, deadline=deadline)
        else:
            out = [_sub_candidates(*t) for t in group]
        if any(o is NOT_RUN for o in out):
            _check(deadline)
            raise BudgetExceededError("the time budget ran out", len(seen))
        for k in range(len(out)):
            o, out[k] = out[k], None
            if o[0].shape[0]:
                yield fresh(o)


def _prepare(d: int, H, hp, W, wp, P: int, base, deadline):
    """The cleaned problems of :func:`cover_many` and their start points: ``(H, hp, W, wp,
    BX, BD, live, Hpad)``, or a final result ``(X, D, U, cp)`` when nothing is left to split
    (no problem, dimension 0 or 1)."""
    _check(deadline)
    H = H.reshape(-1, d + 1) if H.size else np.zeros((0, d + 1), dtype=np.int64)
    W = W.reshape(-1, d + 1) if W.size else np.zeros((0, d + 1), dtype=np.int64)
    hp = np.asarray(hp, dtype=np.int64).reshape(-1)
    wp = np.asarray(wp, dtype=np.int64).reshape(-1)
    if P == 0:
        return _empty(d)
    if d == 0:  # every problem is a point: one region
        cp = np.arange(P, dtype=np.int64)
        return np.zeros((P, 0), dtype=np.int64), np.ones(P, dtype=np.int64), np.zeros((P, 0, 0), dtype=np.int64), cp
    if d == 1:
        return _cover_1d(H, hp, W, wp, P)
    alive = np.ones(P, dtype=bool)
    # ---- clean: zero normals, coincident rows, hyperplanes that are domain walls
    if W.shape[0]:
        zero = ~np.any(W[:, :d] != 0, axis=1)
        alive[wp[zero & (W[:, d] >= 0)]] = False
        W, wp = W[~zero], wp[~zero]
    if H.shape[0]:
        nz = np.any(H[:, :d] != 0, axis=1)
        H, hp = H[nz], hp[nz]
    Wk, Wo = canonical_rows(W, d)
    Hk, _ = canonical_rows(H, d)
    nW, nH = W.shape[0], H.shape[0]
    if nW or nH:
        K = np.concatenate([wide(Wk), wide(Hk)]) if (Wk.dtype == object or Hk.dtype == object) else np.concatenate([Wk, Hk])
        first = first_by_key(np.concatenate([wp, hp]), K)
        fw = first[:nW]
        dupw = fw != np.arange(nW)
        clash = dupw & (Wo != Wo[np.minimum(fw, max(nW - 1, 0))] if nW else dupw)
        alive[wp[clash]] = False
        W, wp = W[~dupw], wp[~dupw]
        keep = first[nW:] == np.arange(nW, nW + nH)
        H, hp = H[keep], hp[keep]
    W, wp = W[alive[wp]], wp[alive[wp]]
    H, hp = H[alive[hp]], hp[alive[hp]]
    W, H = fit_int(W), fit_int(H)
    # ---- explicit start points
    BX = np.zeros((P, d), dtype=object)
    BD = np.ones(P, dtype=object)
    has = np.zeros(P, dtype=bool)
    if base is not None:
        has = np.asarray(base[2], dtype=bool) & alive
        BX[has] = wide(np.asarray(base[0]))[has]
        BD[has] = wide(np.asarray(base[1]))[has]
    ws, wc = group_starts(wp, P)
    need = alive & ~has
    has |= need & (wc == 0)  # no walls: the origin
    need &= wc > 0
    Wpad, _ = pad_rows(W, wp, P, d)
    if need.any():
        q = np.nonzero(need)[0]
        sel = need[wp]
        qmap = np.full(P, -1, dtype=np.int64)
        qmap[q] = np.arange(q.size)
        Xi, Di, found = interior_points(d, W[sel], qmap[wp[sel]], q.size, deadline)
        BX[q[found]] = wide(Xi[found])
        BD[q[found]] = wide(Di[found])
        has[q[found]] = True
        alive[q[~found]] = False
        W, wp = W[alive[wp]], wp[alive[wp]]
        H, hp = H[alive[hp]], hp[alive[hp]]
        ws, wc = group_starts(wp, P)
    live = np.nonzero(alive)[0]
    BXf, BDf = fit_int(BX), fit_int(BD)
    Hpad, _ = pad_rows(H, hp, P, d)
    return H, hp, W, wp, BXf, BDf, live, Hpad


def _split(nH: int, executor, d: int, budgeted: bool = False):
    """Ranges of hyperplanes handled together (one task each on an executor; with a
    budget, checked between ranges)."""
    if (executor is None and not budgeted) or nH < 8:
        return [(0, nH)] if nH else []
    k = max(64 if budgeted else 1, 4 * executor.parallelism if executor is not None else 1)
    # later hyperplanes restrict more rows: balance by cost ~ index^(d-1)
    w = np.arange(1, nH + 1, dtype=float) ** max(1, d - 1)
    c = np.cumsum(w) / w.sum()
    cuts = sorted({0, nH, *[int(np.searchsorted(c, t / k)) for t in range(1, k)]})
    return [(a, b) for a, b in zip(cuts, cuts[1:]) if b > a]


def _keys(X, D, U, cp, Hpad):
    if Hpad.shape[1] == 0:
        return np.zeros((cp.size, 1), dtype=np.uint8)
    return np.packbits(lexsigns_grouped(X, D, U, cp, Hpad) > 0, axis=1)


def _sub_candidates(d, H, hp, W, wp, P, BX, BD, lo, hi, deadline):
    """Witnesses created by hyperplanes lo..hi-1 (each restricted to the rows before it in
    its problem, covered one dimension lower, lifted and pushed to both sides), with their
    packed sign keys over every hyperplane of their problem."""
    Hpad, _ = pad_rows(H, hp, P, d)
    Wpad, _ = pad_rows(W, wp, P, d)
    hs, _ = group_starts(hp, P)
    ws, wc = group_starts(wp, P)
    idx = np.arange(lo, hi)
    hq = hp[idx]
    Hs = H[idx]
    piv = pivots(Hs, d)
    loc = idx - hs[hq]
    own_h, j_h = ranges(loc, hs[hq])
    RH = restrict_many(H[j_h], Hs[own_h], piv[own_h])
    own_w, j_w = ranges(wc[hq], ws[hq])
    RW = restrict_many(W[j_w], Hs[own_w], piv[own_w])
    sb = _projected(Hs, piv, BX[hq], BD[hq], hq, Wpad, d)
    Y, DY, UY, sp = cover_many(d - 1, RH, own_h, RW, own_w, idx.size, sb, deadline)
    if Y.shape[0] == 0:
        e = _empty(d)
        return (*e, np.zeros((0, max(1, (Hpad.shape[1] + 7) // 8)), dtype=np.uint8))
    X, Dn, U = lift_many(Hs[sp], piv[sp], Y, DY, UY, d)
    n = X.shape[0]
    push = np.zeros((n, 1, d), dtype=np.int64)
    push[np.arange(n), 0, piv[sp]] = 1
    cat = object if U.dtype == object else np.int64
    Up = np.concatenate([U.astype(cat), push.astype(cat)], axis=1)
    Um = np.concatenate([U.astype(cat), (-push).astype(cat)], axis=1)
    X2, D2, U2, c2 = concat([X, X]), concat([Dn, Dn]), concat([Up, Um]), np.concatenate([hq[sp], hq[sp]])
    # order by (hyperplane, side): the same whichever ranges the hyperplanes were split into
    o = np.argsort(np.concatenate([2 * sp, 2 * sp + 1]), kind="stable")
    X2, D2, U2, c2 = X2[o], D2[o], U2[o], c2[o]
    return X2, D2, U2, c2, _keys(X2, D2, U2, c2, Hpad)


def concat(parts):
    full = [p for p in parts if p.shape[0]]
    if not full:
        return np.asarray(parts[0])
    parts = full
    if any(p.dtype == object for p in parts):
        return np.concatenate([wide(np.asarray(p)) for p in parts])
    return np.concatenate([np.asarray(p, dtype=np.int64) for p in parts])


def _projected(H, piv, BX, BD, hp, Wpad, d):
    """Start points for the restrictions: the orthogonal projection of each problem's
    point onto the hyperplane, in its coordinates, where it lies strictly inside the domain."""
    n = H.shape[0]
    A = wide(H[:, :d])
    b = wide(H[:, d])
    Xo, Do = wide(BX), wide(BD)
    aa = (A * A).sum(axis=1)
    V = (A * Xo).sum(axis=1) - b * Do
    Y = Xo * aa[:, None] - V[:, None] * A
    DY = Do * aa
    Yf, DYf = fit_int(Y), fit_int(DY)
    inside = np.all(values_grouped(Yf, DYf, hp, Wpad) > 0, axis=1) if Wpad.shape[1] else np.ones(n, dtype=bool)
    keep = np.arange(d - 1)[None, :] + (np.arange(d - 1)[None, :] >= piv[:, None])
    Yk = np.take_along_axis(Y, keep, axis=1)
    g = row_gcd(np.concatenate([Yk, DY[:, None]], axis=1))
    g = np.where(g == 0, 1, g)
    return fit_int(Yk // g[:, None]), fit_int(DY // g), inside


def lift_many(h, piv, Y, DY, UY, d):
    """Symbolic points of the restrictions (coordinates without piv) to R^d."""
    n, m = Y.shape[0], UY.shape[1]
    ar = np.arange(n)
    keep = np.arange(d - 1)[None, :] + (np.arange(d - 1)[None, :] >= piv[:, None])
    mh, my, mdy, mu = maxabs(h), maxabs(Y), maxabs(DY), maxabs(UY)
    small = max(mh, my, mdy, mu) < SAFE and (my + mdy + mu) * mh * (d + 1) < SAFE
    if small:
        hw, Yo, Uo, Do = h.astype(np.int64), Y.astype(np.int64), UY.astype(np.int64), DY.astype(np.int64)
        dt: type = np.int64
    else:
        hw, Yo, Uo, Do = wide(h), wide(Y), wide(UY), wide(DY)
        dt = object
    ap = hw[ar, piv]
    s: np.ndarray = np.where(ap > 0, 1, -1).astype(dt)
    hk = np.take_along_axis(hw, keep, axis=1)
    X = np.zeros((n, d), dtype=dt)
    np.put_along_axis(X, keep, Yo * ap[:, None], axis=1)
    X[ar, piv] = Do * hw[:, d] - (Yo * hk).sum(axis=1)
    D = Do * ap
    X = X * s[:, None]
    D = D * s
    g = row_gcd(np.concatenate([X, D[:, None]], axis=1))
    g = np.where(g == 0, 1, g)
    X, D = X // g[:, None], D // g
    U = np.zeros((n, m, d), dtype=dt)
    if m:
        np.put_along_axis(U, np.broadcast_to(keep[:, None, :], (n, m, d - 1)), Uo * (s * ap)[:, None, None], axis=2)
        U[ar, :, piv] = -(s[:, None]) * (Uo * hk[:, None, :]).sum(axis=2)
    return fit_int(X), fit_int(D), fit_int(U)


# ------------------------------------------------------------ small exact V-representations
def _det(M: np.ndarray) -> np.ndarray:
    """Exact determinants of the trailing (k, k) matrices (Laplace expansion; k <= 4)."""
    k = M.shape[-1]
    if k == 0:
        return np.ones(M.shape[:-2], dtype=M.dtype)
    if k == 1:
        return M[..., 0, 0]
    out: Any = 0
    cols = np.arange(k)
    for j in range(k):
        minor = M[..., 1:, :][..., cols != j]
        term = M[..., 0, j] * _det(minor)
        out = out + term if j % 2 == 0 else out - term
    return out


def _satisfy_all(Rw: np.ndarray, mask: np.ndarray, P: np.ndarray, w: np.ndarray | None, sg: np.ndarray) -> np.ndarray:
    """Which masked points k of each cell c satisfy every row f of the cell:
    sg[c, k] (Rw[c, f, :n] . P[c, k] - Rw[c, f, n] w[c, k]) >= 0, the point being
    P[c, k] / w[c, k] with sg the sign of w (w None: directions sg P, the linear part
    only).  Row by row, each row looking only at the points that passed the rows before
    (most candidates fail early)."""
    n = P.shape[2]
    ci, ki = np.nonzero(mask)
    for f in range(Rw.shape[1]):
        if ci.size == 0:
            break
        v = (Rw[ci, f, :n] * P[ci, ki]).sum(axis=1)
        if w is not None:
            v = v - Rw[ci, f, n] * w[ci, ki]
        keep = v * sg[ci, ki] >= 0
        ci, ki = ci[keep], ki[keep]
    out = np.zeros(mask.shape, dtype=bool)
    out[ci, ki] = True
    return out


def _signs_at(lo: np.ndarray, hi: np.ndarray, G: np.ndarray, mask: np.ndarray, P: np.ndarray, w: np.ndarray | None,
              sg: np.ndarray) -> None:
    """lo[c, j] |= (some point k of cell c with mask[c, k] has value < 0), hi likewise > 0,
    where the value of neuron j at the point (P[c, k] / w[c, k], sg the sign of w) is
    sg (G[c, j, :n] . P[c, k] + G[c, j, n] w[c, k]) (w None: the direction sg P, the
    linear part only).  The masked points are packed per cell (zeros pad them: value 0,
    neither sign) so that one batched matrix product evaluates every neuron at every point."""
    ci, ki = np.nonzero(mask)
    if ci.size == 0:
        return
    c, n = G.shape[0], P.shape[2]
    counts = np.bincount(ci, minlength=c)
    r = np.arange(ci.size) - (np.cumsum(counts) - counts)[ci]
    sk = sg[ci, ki].astype(P.dtype)
    Pp = np.zeros((c, int(counts.max()), n), dtype=P.dtype)
    Pp[ci, r] = P[ci, ki] * sk[:, None]
    val = np.matmul(Pp, G[:, :, :n].transpose(0, 2, 1))
    if w is not None:
        wp = np.zeros(Pp.shape[:2], dtype=w.dtype)
        wp[ci, r] = w[ci, ki] * sk
        val = val + wp[:, :, None] * G[:, None, :, n]
    lo |= (val < 0).any(axis=1)
    hi |= (val > 0).any(axis=1)


def vertex_filter(R: np.ndarray, rp: np.ndarray, N: int, n: int, G: np.ndarray, live: np.ndarray, max_rows: int | None = None,
                  max_combos: int = 1200) -> np.ndarray:
    """Which neurons can cut which cells, decided exactly from each cell's vertices and
    extreme rays (no LP): ``meets[i, j]`` is False only when the hyperplane G[i, j] = [g | c]
    (g . x + c = 0) provably misses the open cell i (rows R[rp == i], c . x - e > 0).

    The vertices of a cell's closure are the feasible solutions of n of its rows and its
    extreme rays the feasible solutions of n - 1 of them (rays of a pointed cone lie on
    n - 1 independent walls); the closure is their hull, so the hyperplane meets the open
    cell iff the affine function takes both strict signs there.  Cells with more than
    ``max_rows`` walls, or so many that C(walls, n) > ``max_combos`` (the candidate
    vertices), or with a lineality space (no vertex) are not filtered (all True).  Cells
    are taken in chunks of about 2^22 candidate-row pairs (bounded memory).
    """
    from math import comb as n_choose

    meets = live.copy()
    if n == 0 or N == 0:
        return meets
    starts, counts = group_starts(rp, N)
    for F in np.unique(counts).tolist():
        if F < n or (max_rows is not None and F > max_rows) or n_choose(F, n) > max_combos:
            continue
        allF = np.nonzero(counts == F)[0]
        step = max(1, (1 << 22) // (n_choose(F, n) * F))
        for a in range(0, allF.size, step):
            _filter_cells(R, starts, allF[a : a + step], F, n, G, live, meets)
    return meets


def _filter_cells(R: np.ndarray, starts: np.ndarray, cellsF: np.ndarray, F: int, n: int, G: np.ndarray, live: np.ndarray,
                  meets: np.ndarray) -> None:
    """:func:`vertex_filter` for the cells ``cellsF``, which have ``F`` walls each."""
    from itertools import combinations

    idx = starts[cellsF][:, None] + np.arange(F)[None, :]
    Rg = R[idx]  # (c, F, n + 1)
    mr = maxabs(Rg)
    big = (mr + 1) ** (n + 1) * 24 * F >= SAFE
    Rw = wide(Rg) if big else Rg.astype(np.int64)
    Gc = G[cellsF]
    mg = maxabs(Gc)
    if not big and mg * (mr + 1) ** n * 24 * (n + 1) >= SAFE:
        Rw, big = wide(Rg), True
    Gw = wide(Gc) if big else Gc.astype(np.int64)
    lo = np.zeros(Gc.shape[:2], dtype=bool)  # some strictly negative value / direction
    hi = np.zeros(Gc.shape[:2], dtype=bool)
    # vertices: n rows as equalities (Cramer)
    comb = np.array(list(combinations(range(F), n)), dtype=np.int64)
    A = Rw[:, comb, :n]  # (c, K, n, n)
    b = Rw[:, comb, n]  # (c, K, n)
    det = _det(A)
    nums = []
    for k in range(n):
        Ak = A.copy()
        Ak[..., :, k] = b
        nums.append(_det(Ak))
    num = np.stack(nums, axis=-1)  # vertex = num / det
    s = np.sign(det) if det.dtype != object else ((det > 0).astype(np.int64) - (det < 0).astype(np.int64))
    # feasibility: every row c . x - e >= 0, i.e. (c . num - e det) * sign(det) >= 0
    feas = _satisfy_all(Rw, det != 0, num, det, s)
    has_vertex = feas.any(axis=1)
    # the neurons at the feasible vertices only (a few per cell among the C(F, n) candidates)
    _signs_at(lo, hi, Gw, feas, num, det, s)
    # extreme rays: n - 1 rows as equalities (generalized cross product)
    if True:  # n = 1: no equality, the rays are +-1
        combos = list(combinations(range(F), n - 1))
        comb = np.array(combos, dtype=np.int64).reshape(len(combos), n - 1)
        A = Rw[:, comb, :n]  # (c, K, n-1, n)
        y = np.stack([(_det(A[..., [c for c in range(n) if c != k]]) * (1 if k % 2 == 0 else -1)) for k in range(n)], axis=-1)
        nz = np.any(y != 0, axis=2)
        for sgn in (1, -1):
            sg = np.full(nz.shape, sgn, dtype=np.int64)
            _signs_at(lo, hi, Gw, _satisfy_all(Rw, nz, y, None, sg), y, None, sg)
    ok = has_vertex
    meets[cellsF[ok]] = live[cellsF[ok]] & lo[ok] & hi[ok]
