"""Covering: one symbolic witness in every region of an arrangement inside an open domain,
by deletion-restriction, with no LP.

Regions of {h_1..h_k} cut by h_k meet h_k in regions of the restriction
{h_1..h_{k-1}} | h_k; a witness of each, pushed infinitesimally to both sides of h_k,
lands in both halves (the proof is in :func:`cover`'s docstring).
"""

from __future__ import annotations

import time
from math import gcd

import numpy as np
from gmpy2 import mpq

from ..errors import BudgetExceededError
from .integers import canonical_class_key, compact, values, wide
from .restriction import identity_dirs, lift, pivot, restrict_rows
from .symbolic import first_occurrences, lexsigns, packed_keys, unique_rows

__all__ = ["cover"]


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


def cover(d: int, H: np.ndarray, dom: np.ndarray, base=None, *, workers: int = 1, hints=None, executor=None,
          deadline: float | None = None, max_regions: int | None = None):
    """Symbolic witnesses ``(X, D, U)``: exactly one in every region of the arrangement
    ``H`` inside the open domain ``dom`` (rows ``a.x - b > 0``).

    ``base`` = ``(x_numerators, denominator)`` is an optional point known to be strictly
    inside ``dom``; without it the domain walls are processed first.  ``hints`` =
    ``(points, rays, lines)`` of the closure of ``dom`` (rationals), if known, let each
    step find a start point on its hyperplane without processing walls (a shortcut only).
    ``workers > 1`` (or an ``executor``, :class:`polyrelu.parallel.Executor`) splits the
    top-level steps over processes or a Dask cluster; the result is identical.  Past
    ``deadline`` (wall clock) or beyond ``max_regions`` distinct regions, the top level
    stops between steps with :class:`~polyrelu.errors.BudgetExceededError`, whose
    ``args[1]`` is the number of distinct regions found so far (a lower bound).

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
        return _cover_central(d, H, workers, deadline)
    if base is not None:
        start = (
            compact(np.array([[int(v) for v in base[0]]], dtype=object)),
            compact(np.array([int(base[1])], dtype=object)),
            identity_dirs(1, d),
        )
    else:
        start = _start_point(d, dom)
        if start is None:
            return _empty(d)
    m = H.shape[0]
    hint = (tuple(int(v) for v in base[0]), int(base[1])) if base is not None and dom.shape[0] else None
    tasks = [(d, H, dom, k, hint, hints, deadline) for k in range(m)]
    if m == 0:
        return start
    start_part = (*start, packed_keys(lexsigns(*start, H)))
    seen: set = set()
    budget = deadline is not None or max_regions is not None

    def over(i, part) -> bool:
        if max_regions is None:
            return False
        seen.update(k.tobytes() for k in part[3])
        return len(seen) > max_regions

    if budget:
        over(-1, (None, None, None, start_part[3][None] if start_part[3].ndim == 0 else start_part[3]))
    if executor is not None or (workers > 1 and m > 1):
        from ..parallel import NOT_RUN, Executor

        costs = [float(k) ** (d - 1) for k in range(m)]
        if executor is not None:
            parts = executor.map(_keyed_step, tasks, costs=costs, deadline=deadline, on_result=over if max_regions is not None else None)
        else:
            with Executor(workers=workers) as ex:
                parts = ex.map(_keyed_step, tasks, costs=costs, deadline=deadline, on_result=over if max_regions is not None else None)
        done = [p for p in parts if p is not NOT_RUN]
        if len(done) < len(parts):
            raise BudgetExceededError("the budget ran out", _distinct([start_part] + done), len(done), m)
    else:
        parts = []
        for t in tasks:
            if deadline is not None and time.time() > deadline or (max_regions is not None and len(seen) > max_regions):
                raise BudgetExceededError("the budget ran out", _distinct([start_part] + parts), len(parts), m)
            parts.append(_keyed_step(*t))
            if budget:
                over(len(parts) - 1, parts[-1])
    if max_regions is not None and len(seen) > max_regions and len(parts) < m:  # pragma: no cover - caught above
        raise BudgetExceededError("the budget ran out", _distinct([start_part] + parts), len(parts), m)
    parts = [start_part] + [p for p in parts if p[0].shape[0]]
    X, D, U = _cat([p[0] for p in parts]), _cat([p[1] for p in parts]), _cat([p[2] for p in parts])
    first = first_occurrences(np.concatenate([p[3] for p in parts]))
    return X[first], D[first], U[first]


def _distinct(parts) -> int:
    keys = np.concatenate([p[3] for p in parts if p[3].shape[0]]) if parts else np.zeros(0, dtype="V1")
    return int(np.unique(keys).size) if keys.size else 0


def _keyed_step(d: int, H: np.ndarray, dom: np.ndarray, k: int, base=None, hints=None, deadline=None):
    """:func:`_step` plus the packed sign vectors of its witnesses over all of H."""
    X, D, U = _step(d, H, dom, k, base, hints, deadline)
    return X, D, U, packed_keys(lexsigns(X, D, U, H))


def _cover_central(d: int, H: np.ndarray, workers: int, deadline: float | None = None):
    """Central arrangements (every row through 0): each region is an open cone, so it
    meets {x_0 > 0} or {x_0 < 0}; those meeting {x_0 > 0} are exactly the cones over the
    regions of the affine arrangement H | {x_0 = 1} (one dimension lower), and those
    meeting {x_0 < 0} are their negatives.  So witnesses of H | {x_0 = 1}, lifted, and
    their negatives cover every region; duplicates (cones meeting both sides) are merged.
    ``deadline`` is kept by the affine enumeration (its BudgetExceededError counts the
    regions of H | {x_0 = 1} found, a lower bound here too: distinct cones)."""
    wall = [1] + [0] * (d - 1) + [1]
    Y, DY, UY = cover(d - 1, restrict_rows(wall, 0, H), np.zeros((0, d), dtype=np.int64), workers=workers, deadline=deadline)
    X, D, U = lift(wall, 0, Y, DY, UY)
    off = np.zeros((X.shape[0], 1, d), dtype=object)
    off[:, 0, 0] = 1
    U = np.concatenate([U, off], axis=1)
    X, D, U = compact(np.concatenate([X, -X])), compact(np.concatenate([D, D])), compact(np.concatenate([U, -U]))
    first = unique_rows(lexsigns(X, D, U, H))
    return X[first], D[first], U[first]


def _start_point(d: int, dom: np.ndarray):
    """A symbolic point strictly inside the domain (the origin if there is no domain),
    found by processing the domain walls as an arrangement; None if the domain is empty."""
    X0, D0, U0 = np.zeros((1, d), dtype=np.int64), np.ones(1, dtype=np.int64), identity_dirs(1, d)
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


def _step(d: int, H: np.ndarray, dom: np.ndarray, k: int, base=None, hints=None, deadline=None):
    """The witnesses created when hyperplane H[k] is added to H[:k] (inside dom):
    witnesses of the restriction H[:k] | H[k], pushed to both sides of H[k].  ``base``
    (explicit, strictly inside dom) may give the restricted call a start point."""
    h = H[k]
    p = pivot(h)
    sub_dom = restrict_rows(h, p, dom)
    rb = _projected_base(h, p, base, dom) if dom.shape[0] else None
    if rb is None and dom.shape[0]:
        rb = _segment_base(h, p, base, hints, dom)
    Y, DY, UY = cover(d - 1, restrict_rows(h, p, H[:k]), sub_dom, rb, deadline=deadline)
    if Y.shape[0] == 0:
        return _empty(d)
    X, D, U = lift(h, p, Y, DY, UY)
    push = np.zeros((X.shape[0], 1, d), dtype=object)
    push[:, 0, p] = 1
    X, D = compact(X), compact(D)
    Uplus = compact(np.concatenate([U, push], axis=1))
    Uminus = compact(np.concatenate([U, -push], axis=1))
    return _cat([X, X]), _cat([D, D]), _cat([Uplus, Uminus])


def _cat(parts: list[np.ndarray]) -> np.ndarray:
    if any(p.dtype == object for p in parts):
        return np.concatenate([wide(p) for p in parts])
    return np.concatenate(parts)
