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

import numpy as np
from gmpy2 import mpq

from ..errors import BudgetExceededError
from .integers import SAFE, maxabs, row_gcd, wide

__all__ = ["cover_many", "pad_rows", "lexsigns_grouped", "realize_grouped", "values_grouped", "group_starts", "first_by_key"]

_MPQ = np.frompyfunc(mpq, 2, 1)
_CHUNK_CELLS = 1 << 21  # candidates x rows evaluated at once (bounded memory)


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


def _ranges(counts: np.ndarray, starts: np.ndarray):
    """For groups with ``counts`` items starting at ``starts``: (group of each item,
    index of each item), concatenated in group order."""
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    owner = np.repeat(np.arange(counts.size), counts)
    offs = np.zeros(counts.size, dtype=np.int64)
    np.cumsum(counts[:-1], out=offs[1:])
    return owner, starts[owner] + (np.arange(total) - offs[owner])


def _fit(arr: np.ndarray) -> np.ndarray:
    """int64 if every entry is below SAFE, else Python integers."""
    if arr.dtype != object:
        return arr
    if arr.size == 0 or maxabs(arr) < SAFE:
        return arr.astype(np.int64)
    return arr


def _primitive(rows: np.ndarray) -> np.ndarray:
    if rows.shape[0] == 0:
        return rows
    g = row_gcd(rows)
    g = np.where(g == 0, 1, g)
    return rows // g[:, None]


def _canon(rows: np.ndarray, d: int):
    """(keys, orientation): primitive rows with the first nonzero normal entry positive;
    orientation +1/-1 (0 for a zero normal)."""
    prim = _primitive(rows)
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
    K = _fit(K) if K.dtype == object else K
    if K.dtype != object:
        M = np.ascontiguousarray(np.concatenate([p.astype(np.int64)[:, None], K.astype(np.int64).reshape(n, -1)], axis=1))
        v = M.view(np.dtype((np.void, M.dtype.itemsize * M.shape[1])))[:, 0]
        _, idx, inv = np.unique(v, return_index=True, return_inverse=True)
        return idx[inv.reshape(-1)]
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


def _gather_dot(X: np.ndarray, A: np.ndarray) -> np.ndarray:
    """out[i, j] = X[i] . A[i, j] exactly (int64 when a bound allows)."""
    if X.shape[0] == 0 or A.shape[1] == 0:
        return np.zeros((X.shape[0], A.shape[1]), dtype=np.int64)
    mx, ma = maxabs(X), maxabs(A)
    if mx < SAFE and ma < SAFE and mx * ma * max(X.shape[1], 1) < SAFE:
        return np.einsum("ic,ijc->ij", X.astype(np.int64, copy=False), A.astype(np.int64, copy=False))
    return np.einsum("ic,ijc->ij", wide(X), wide(A))


def values_grouped(X: np.ndarray, D: np.ndarray, cp: np.ndarray, Apad: np.ndarray) -> np.ndarray:
    """V[i, j] = a_j . X[i] - b_j D[i] for the rows of candidate i's problem."""
    d = X.shape[1]
    if X.shape[0] == 0:
        return np.zeros((0, Apad.shape[1]), dtype=np.int64)
    A = Apad[cp]
    V = _gather_dot(X, A[:, :, :d])
    b = A[:, :, d]
    md, mb = maxabs(D), maxabs(b)
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
        w = _gather_dot(Uk, Ak[:, None, :])[:, 0]
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
        V = wide(values_grouped(X, D, cp, Apad))
        Cd = [np.abs(wide(_gather_dot(U[:, k, :], A))) for k in range(m)]
        total = sum(Cd[1:], Cd[0].copy()) if m else np.zeros_like(V)
        absV = np.abs(V)
        Dn = wide(D)
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
        q = np.maximum(q, ratio.max(axis=1) + 1)
    Xo, Do, Uo = wide(X), wide(D), wide(U)
    Xr = Xo * (q**m)[:, None]
    for k in range(m):
        Xr = Xr + Uo[:, k, :] * (Do * q ** (m - k - 1))[:, None]
    Dr = Do * q**m
    g = row_gcd(np.concatenate([Xr, Dr[:, None]], axis=1))
    return _fit(Xr // g[:, None]), _fit(Dr // g)


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
        return _fit(X), _fit(D), found
    if d == 1:
        Wo = wide(W)
        a, b = Wo[:, 0], Wo[:, 1]
        lo = np.full(P, None, dtype=object)
        hi = np.full(P, None, dtype=object)
        for mask, red, tgt in ((a > 0, np.maximum, lo), (a < 0, np.minimum, hi)):
            if mask.any():
                g = wp[mask]
                r = _MPQ(b[mask], a[mask])
                ids, st = np.unique(g, return_index=True)
                tgt[ids] = red.reduceat(r, st)
        pts = []
        for q, (l, h) in enumerate(zip(lo.tolist(), hi.tolist())):
            if l is not None and h is not None:
                if not l < h:
                    found[q] = False
                    pts.append(mpq(0))
                else:
                    pts.append((l + h) / 2)
            elif l is not None:
                pts.append(l + 1)
            elif h is not None:
                pts.append(h - 1)
            else:
                pts.append(mpq(0))
        X = np.array([[int(v.numerator)] for v in pts], dtype=object).reshape(P, 1)
        D = np.array([int(v.denominator) for v in pts], dtype=object)
        return _fit(X), _fit(D), found
    ws, wc = group_starts(wp, P)
    nW = W.shape[0]
    piv = _pivots(W, d)
    own, j = _ranges(wc[wp], ws[wp])  # for each wall: every wall of its polyhedron ...
    other = j != np.repeat(np.arange(nW), wc[wp])  # ... but itself
    own, j = own[other], j[other]
    R = _restrict(W[j], W[own], piv[own])
    Y, DY, ok = interior_points(d - 1, R, own, nW, deadline)
    ok &= found[wp]
    if not ok.any():
        found &= wc == 0
        return _fit(X), _fit(D), found
    idx = np.nonzero(ok)[0]
    first_wall = np.full(P, -1, dtype=np.int64)
    # the first wall (in order) of each polyhedron with a point in its relative interior
    rev = idx[::-1]
    first_wall[wp[rev]] = rev
    has = first_wall >= 0
    found &= has | (wc == 0)  # no walls: the origin
    f = first_wall[has]
    Xl, Dl, _ = _lift(W[f], piv[f], Y[f], DY[f], np.zeros((f.size, 0, d - 1), dtype=np.int64), d)
    U = np.zeros((f.size, 1, d), dtype=object)
    U[:, 0, :] = wide(W[f][:, :d])  # inward: along the wall's normal
    Wpad, _ = pad_rows(W, wp, P, d)
    Xr, Dr = realize_grouped(Xl, Dl, _fit(U), np.nonzero(has)[0], Wpad)
    X[has] = wide(Xr)
    D[has] = wide(Dr)
    return _fit(X), _fit(D), found


def _empty(d: int):
    return (np.zeros((0, d), dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros((0, d, d), dtype=np.int64),
            np.zeros(0, dtype=np.int64))


def _restrict(R: np.ndarray, h: np.ndarray, piv: np.ndarray) -> np.ndarray:
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
    return _fit(_primitive(out))


def _pivots(H: np.ndarray, d: int) -> np.ndarray:
    """The coordinate of each row's smallest nonzero normal entry (first one on ties)."""
    if H.shape[0] == 0:
        return np.zeros(0, dtype=np.int64)
    A = np.abs(wide(H[:, :d])) if H.dtype == object else np.abs(H[:, :d])
    big = (maxabs(A) + 1) if A.size else 1
    A = np.where(A == 0, big, A)
    return np.argmin(A, axis=1) if A.dtype != object else np.array([int(np.argmin(r)) for r in A], dtype=np.int64)


def _cover_1d(H, hp, W, wp, P):
    """d = 1: one symbolic point just right of each root inside the interval, and one at
    its left end."""
    Ho, Wo = wide(H), wide(W)
    alive = np.ones(P, dtype=bool)
    lo = np.full(P, None, dtype=object)
    hi = np.full(P, None, dtype=object)
    if Wo.shape[0]:
        a, b = Wo[:, 0], Wo[:, 1]
        zero = a == 0
        alive[wp[zero & (b >= 0)]] = False
        for side, mask, red in (("lo", a > 0, np.maximum), ("hi", a < 0, np.minimum)):
            if not mask.any():
                continue
            r = _MPQ(b[mask], a[mask])
            g = wp[mask]
            order = np.argsort(g, kind="stable")
            g, r = g[order], r[order]
            ids, st = np.unique(g, return_index=True)
            vals = red.reduceat(r, st)
            (lo if side == "lo" else hi)[ids] = vals
        both = np.array([x is not None and y is not None for x, y in zip(lo.tolist(), hi.tolist())], dtype=bool)
        if both.any():
            bad = np.zeros(P, dtype=bool)
            bad[both] = lo[both] >= hi[both]
            alive &= ~bad
    if Ho.shape[0]:
        nzr = Ho[:, 0] != 0
        rp = hp[nzr]
        roots = _MPQ(Ho[nzr, 1], Ho[nzr, 0])
        ok = alive[rp]
        lr, hr = lo[rp], hi[rp]
        has_lo = np.array([v is not None for v in lr.tolist()], dtype=bool)
        has_hi = np.array([v is not None for v in hr.tolist()], dtype=bool)
        if has_lo.any():
            ok[has_lo] &= roots[has_lo] > lr[has_lo]
        if has_hi.any():
            ok[has_hi] &= roots[has_hi] < hr[has_hi]
        rp, roots = rp[ok], roots[ok]
        if rp.size:
            keys = dict.fromkeys(zip(rp.tolist(), roots.tolist()))
            rp = np.fromiter((k[0] for k in keys), dtype=np.int64, count=len(keys))
            roots = np.empty(len(keys), dtype=object)
            roots[:] = [k[1] for k in keys]
    else:
        rp, roots = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=object)
    # the left candidate of each live problem
    first_root = np.full(P, None, dtype=object)
    if rp.size:
        order = np.argsort(rp, kind="stable")
        ids, st = np.unique(rp[order], return_index=True)
        first_root[ids] = np.minimum.reduceat(roots[order], st)
    starts, dirs = [], []
    lol, hil, frl = lo.tolist(), hi.tolist(), first_root.tolist()
    live = np.nonzero(alive)[0]
    for q in live.tolist():
        if lol[q] is not None:
            starts.append(lol[q]); dirs.append(1)
        elif frl[q] is not None:
            starts.append(frl[q]); dirs.append(-1)
        elif hil[q] is not None:
            starts.append(hil[q]); dirs.append(-1)
        else:
            starts.append(mpq(0)); dirs.append(1)
    vals = starts + roots.tolist()
    cp = np.concatenate([live.astype(np.int64), rp])
    dd = np.array(dirs + [1] * rp.size, dtype=np.int64)
    order = np.argsort(cp, kind="stable")
    X = np.array([[int(v.numerator)] for v in vals], dtype=object).reshape(len(vals), 1)[order]
    D = np.array([int(v.denominator) for v in vals], dtype=object).reshape(len(vals))[order]
    return _fit(X), _fit(D), dd[order].reshape(-1, 1, 1), cp[order]


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
    Wk, Wo = _canon(W, d)
    Hk, _ = _canon(H, d)
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
    W, H = _fit(W), _fit(H)
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
    BXf, BDf = _fit(BX), _fit(BD)
    Hpad, _ = pad_rows(H, hp, P, d)
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
        out = executor.map(_sub_candidates, tasks, deadline=deadline, on_result=check if stop is not None else None)
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
    X, Dn, U, cp = _cat([p[0] for p in parts]), _cat([p[1] for p in parts]), _cat([p[2] for p in parts]), np.concatenate([p[3] for p in parts])
    keys = np.concatenate([p[4] for p in parts]) if nH else None
    order = np.argsort(cp, kind="stable")
    X, Dn, U, cp = X[order], Dn[order], U[order], cp[order]
    if nH:
        first = first_by_key(cp, keys[order])
        keep = first == np.arange(cp.size)
        X, Dn, U, cp = X[keep], Dn[keep], U[keep], cp[keep]
    return _fit(X), _fit(Dn), _fit(U), cp


def _split(nH: int, executor, d: int, budgeted: bool = False):
    """Ranges of hyperplanes handled together (one task each on an executor; with a
    budget, checked between ranges)."""
    if (executor is None and not budgeted) or nH < 8:
        return [(0, nH)] if nH else []
    k = max(16 if budgeted else 1, 4 * executor.parallelism if executor is not None else 1)
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
    piv = _pivots(Hs, d)
    loc = idx - hs[hq]
    own_h, j_h = _ranges(loc, hs[hq])
    RH = _restrict(H[j_h], Hs[own_h], piv[own_h])
    own_w, j_w = _ranges(wc[hq], ws[hq])
    RW = _restrict(W[j_w], Hs[own_w], piv[own_w])
    sb = _projected(Hs, piv, BX[hq], BD[hq], hq, Wpad, d)
    Y, DY, UY, sp = cover_many(d - 1, RH, own_h, RW, own_w, idx.size, sb, deadline)
    if Y.shape[0] == 0:
        e = _empty(d)
        return (*e, np.zeros((0, max(1, (Hpad.shape[1] + 7) // 8)), dtype=np.uint8))
    X, Dn, U = _lift(Hs[sp], piv[sp], Y, DY, UY, d)
    n = X.shape[0]
    push = np.zeros((n, 1, d), dtype=np.int64)
    push[np.arange(n), 0, piv[sp]] = 1
    cat = object if U.dtype == object else np.int64
    Up = np.concatenate([U.astype(cat), push.astype(cat)], axis=1)
    Um = np.concatenate([U.astype(cat), (-push).astype(cat)], axis=1)
    X2, D2, U2, c2 = _cat([X, X]), _cat([Dn, Dn]), _cat([Up, Um]), np.concatenate([hq[sp], hq[sp]])
    # order by (hyperplane, side): the same whichever ranges the hyperplanes were split into
    o = np.argsort(np.concatenate([2 * sp, 2 * sp + 1]), kind="stable")
    X2, D2, U2, c2 = X2[o], D2[o], U2[o], c2[o]
    return X2, D2, U2, c2, _keys(X2, D2, U2, c2, Hpad)


def _cat(parts):
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
    Yf, DYf = _fit(Y), _fit(DY)
    inside = np.all(values_grouped(Yf, DYf, hp, Wpad) > 0, axis=1) if Wpad.shape[1] else np.ones(n, dtype=bool)
    keep = np.arange(d - 1)[None, :] + (np.arange(d - 1)[None, :] >= piv[:, None])
    Yk = np.take_along_axis(Y, keep, axis=1)
    g = row_gcd(np.concatenate([Yk, DY[:, None]], axis=1))
    g = np.where(g == 0, 1, g)
    return _fit(Yk // g[:, None]), _fit(DY // g), inside


def _lift(h, piv, Y, DY, UY, d):
    """Symbolic points of the restrictions (coordinates without piv) to R^d."""
    n, m = Y.shape[0], UY.shape[1]
    ar = np.arange(n)
    keep = np.arange(d - 1)[None, :] + (np.arange(d - 1)[None, :] >= piv[:, None])
    hw = wide(h)
    ap = hw[ar, piv]
    s = np.where(ap > 0, 1, -1).astype(object)
    hk = np.take_along_axis(hw, keep, axis=1)
    Yo, Uo, Do = wide(Y), wide(UY), wide(DY)
    X = np.zeros((n, d), dtype=object)
    np.put_along_axis(X, keep, Yo * ap[:, None], axis=1)
    X[ar, piv] = Do * hw[:, d] - (Yo * hk).sum(axis=1)
    D = Do * ap
    X = X * s[:, None]
    D = D * s
    g = row_gcd(np.concatenate([X, D[:, None]], axis=1))
    X, D = X // g[:, None], D // g
    U = np.zeros((n, m, d), dtype=object)
    if m:
        np.put_along_axis(U, np.broadcast_to(keep[:, None, :], (n, m, d - 1)), Uo * (s * ap)[:, None, None], axis=2)
        U[ar, :, piv] = -(s[:, None]) * (Uo * hk[:, None, :]).sum(axis=2)
    return _fit(X), _fit(D), _fit(U)
