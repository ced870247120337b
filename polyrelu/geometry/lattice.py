"""The intersection lattice of an arrangement and its characteristic polynomial.

This is the *second, independent* route to region counts (Zaslavsky's theorem):
regions = |chi(-1)| and, for an essential arrangement, bounded regions = |chi(1)|, with

    chi(t) = sum over flats X of mu(X) t^dim(X).

It shares no code with the enumeration engine (:mod:`polyrelu.cells`): integers only,
numpy ``int64`` where a bound proves nothing overflows and Python integers otherwise.

**Flats.**  A flat X of rank k is stored as an integer basis of its homogeneous space
{(x, s) : a_i . x = b_i s for every member i} (d + 1 - k rows), with its *members* (the
hyperplanes containing it).  Going down one level, a hyperplane h restricts to X as the
integer functional c = basis . (a, -b): c = 0 means h contains X, c parallel to the
"at infinity" functional means h misses X, and otherwise X ∩ h is identified, among all
hyperplanes, by the canonical primitive form of c (first nonzero entry positive).
Flats are hashed by their member sets, which identify them.

**Möbius values from each flat's localisation.**  mu(X) depends only on the localisation
A_X (the members of X); |mu(X)| is the number of *no-broken-circuit* bases of A_X.  By
Weisner's theorem with the atom h_m, m = min(members(Y)),

    mu(Y) = - sum of mu(X) over the flats X covering Y that are not inside h_m,

so ``nu = |mu|`` is summed level by level along the steps X -> Y = X ∩ h whose new
members include an index below every member of X.  On the last level only the number of
such steps is needed (Σ nu(Y) = Σ_X nu(X) · #steps from X), so the points of an
essential arrangement — by far the most numerous flats — are counted, never stored.

>>> characteristic_polynomial([(1, 0, 0), (0, 1, 0), (1, 1, 1)], 2)   # x = 0, y = 0, x + y = 1
[3, -3, 1]
>>> characteristic_polynomial([(1, -1, 0, 0), (1, 0, -1, 0), (0, 1, -1, 0)], 3)   # braid, n = 3
[0, 2, -3, 1]
>>> sorted((X["rank"], X["mu"]) for X in flats([(1, 0, 0), (0, 1, 0), (1, 1, 0)], 2))
[(0, 1), (1, -1), (1, -1), (1, -1), (2, 2)]
"""

from __future__ import annotations

from math import gcd
from typing import Any, Iterator, Sequence

import numpy as np

from ..exact.linalg import integer_row, rank as _q_rank

__all__ = ["flats", "characteristic_polynomial", "evaluate_polynomial"]

_SAFE = 1 << 62  # integers below this (and their partial sums, checked) fit int64
_CHUNK = 1 << 21  # (flat, hyperplane, coordinate) entries handled at once


def characteristic_polynomial(rows: Sequence[Sequence[Any]], dim: int) -> list[int]:
    """Coefficients ``c`` with chi(t) = sum_i c[i] t^i (length dim + 1).

    ``rows`` are ``[a_1..a_d, b]`` for hyperplanes a . x = b (exact numbers), one per
    *geometric* hyperplane (coincident ones merged by the caller).
    """
    coeffs = [0] * (dim + 1)
    for k, total, _ in _levels(rows, dim, keep_last=False):
        coeffs[dim - k] += (-1) ** k * total
    return coeffs


def flats(rows: Sequence[Sequence[Any]], dim: int) -> list[dict]:
    """Every nonempty flat (intersection of hyperplanes), level by level.

    Each flat is a dict with ``rank``, ``members`` (frozenset of the indices of the rows
    containing it) and ``mu`` (its Möbius value).  Meant for inspection and checks: it
    stores every flat, which :func:`characteristic_polynomial` avoids on the last level.
    """
    out = []
    for k, _, level in _levels(rows, dim, keep_last=True):
        assert level is not None  # keep_last: every level is returned
        for members, n, nu in zip(level["members"].tolist(), level["n_members"].tolist(), level["nu"].tolist()):
            out.append({"rank": k, "members": frozenset(members[:n]), "mu": (-1) ** k * int(nu)})
    return out


def evaluate_polynomial(coeffs: Sequence[int], t: int) -> int:
    return sum(c * t**i for i, c in enumerate(coeffs))


# ---------------------------------------------------------------------------- internals
def _integer_rows(rows: Sequence[Sequence[Any]], dim: int) -> np.ndarray:
    """Rows [a | -b] as primitive integers (the functional (x, s) -> a.x - b s)."""
    out = []
    for r in rows:
        if len(r) != dim + 1:
            raise ValueError(f"a hyperplane row needs {dim + 1} entries [a_1..a_d, b], got {len(r)}")
        ints = integer_row(tuple(r))
        out.append(ints[:dim] + (-ints[dim],))
    return _compact(np.array(out, dtype=object).reshape(len(out), dim + 1))


def _maxabs(arr: np.ndarray) -> int:
    if arr.size == 0:
        return 0
    return int(max(abs(int(arr.max())), abs(int(arr.min()))))


def _compact(arr: np.ndarray) -> np.ndarray:
    if arr.dtype == object and (arr.size == 0 or _maxabs(arr) < _SAFE):
        return arr.astype(np.int64)
    return arr


def _primitive_canonical(C: np.ndarray) -> np.ndarray:
    """Divide every vector (last axis) by the gcd of its entries and make its first nonzero
    entry positive.  Zero vectors stay zero."""
    g = np.abs(np.gcd.reduce(C, axis=-1)) if C.dtype != object else _object_gcd(C)
    g = np.where(g == 0, 1, g)
    C = C // g[..., None]
    nz = C != 0
    first = np.argmax(nz, axis=-1)
    lead = np.take_along_axis(C, first[..., None], axis=-1)[..., 0]
    sign = np.where(lead < 0, -1, 1)
    return C * (sign[..., None] if C.dtype != object else sign.astype(object)[..., None])


def _object_gcd(C: np.ndarray) -> np.ndarray:
    flat = C.reshape(-1, C.shape[-1])
    g = np.empty(flat.shape[0], dtype=object)
    for i, row in enumerate(flat.tolist()):
        v = 0
        for x in row:
            v = gcd(v, x)
        g[i] = v
    return g.reshape(C.shape[:-1])


def _levels(rows: Sequence[Sequence[Any]], dim: int, keep_last: bool) -> Iterator[tuple[int, int, dict | None]]:
    """Yield (k, sum of |mu| over the rank-k flats, the rank-k flats or None) for k >= 0.

    The flats of a level are a dict of ``basis`` (F x L x (d+1) integers, L = d + 1 - k),
    ``members`` (F x W indices, sorted, padded with the number of rows), ``n_members``
    and ``nu`` (|mu|, int64).  The last level is only counted unless ``keep_last``.
    """
    H = _integer_rows(rows, dim)
    N = H.shape[0]
    level = {
        "basis": np.eye(dim + 1, dtype=np.int64)[None, :, :],
        "members": np.full((1, 1), N, dtype=np.int64),
        "n_members": np.zeros(1, dtype=np.int64),
        "nu": np.ones(1, dtype=np.int64),
    }
    yield 0, 1, level
    top = _q_rank([tuple(r[:dim]) for r in H.tolist()]) if N else 0
    for k in range(1, top + 1):
        if k == top and not keep_last:
            yield k, _count_last_level(H, level), None
        else:
            total, level = _next_level(H, level, k)
            yield k, total, level


def _functionals(B: np.ndarray, Hc: np.ndarray) -> np.ndarray:
    """C[f, j] = the functional of hyperplane j on flat f, in the flat's coordinates."""
    c = B.shape[2]
    if B.dtype != object and Hc.dtype != object and _maxabs(B) * _maxabs(Hc) * c < _SAFE:
        C = np.matmul(B, Hc.T)
    else:
        C = np.matmul(B.astype(object), Hc.T.astype(object))
    return np.ascontiguousarray(np.swapaxes(C, 1, 2))


def _chunks(F: int, N: int, L: int) -> range:
    return range(0, F, max(1, _CHUNK // max(1, N * L)))


def _count_last_level(H: np.ndarray, level: dict) -> int:
    """Sum of |mu| over the flats of the last level: for every flat X above it, nu(X) times
    the number of distinct flats X ∩ h_j, h_j not parallel to X, with j below every member
    of X (Weisner's recursion; see the module docstring).  Nothing is stored."""
    basis, low, nu = level["basis"], level["members"][:, 0], level["nu"]
    F, L, c = basis.shape
    N = H.shape[0]
    total = 0
    chunks = _chunks(F, N, L)
    for f0 in chunks:
        B = basis[f0 : f0 + chunks.step]
        lo = low[f0 : f0 + B.shape[0]]
        width = int(lo.max())
        if width == 0:
            continue
        C = _functionals(B, H[:width])
        fi, ji = np.nonzero(np.arange(width)[None, :] < lo[:, None])
        keys = C[fi, ji]  # nonzero: j is below every member, so h_j does not contain X
        E = B[:, :, c - 1][fi]  # the flat's "at infinity" functional
        if L == 2:
            para = keys[:, 0] * E[:, 1] - keys[:, 1] * E[:, 0] == 0
        else:
            para = np.all(_primitive_canonical(keys) == _primitive_canonical(E), axis=1)
        fi, keys = fi[~para], _primitive_canonical(keys[~para])
        if fi.size == 0:
            continue
        distinct = _distinct_starts(fi, keys)
        counts = np.bincount(fi[distinct], minlength=B.shape[0])
        total += _weighted_sum(nu[f0 : f0 + B.shape[0]], counts)
    return total


def _weighted_sum(nu: np.ndarray, counts: np.ndarray) -> int:
    if nu.size and _maxabs(nu) * max(1, _maxabs(counts)) * nu.size < _SAFE:
        return int(np.dot(nu.astype(np.int64), counts.astype(np.int64)))
    return sum(int(a) * int(b) for a, b in zip(nu.tolist(), counts.tolist()))


def _distinct_starts(fi: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Positions (in some order) of one representative of every distinct (fi, key) pair."""
    L = keys.shape[1]
    if keys.dtype != object:
        span = 2 * _maxabs(keys) + 1
        if span ** L * (int(fi.max()) + 1) < _SAFE:  # one int64 key per pair: a plain sort
            code = fi.astype(np.int64)
            for t in range(L):
                code = code * span + (keys[:, t] + span // 2)
            order = np.argsort(code, kind="stable")
            code = code[order]
            first = np.ones(code.size, dtype=bool)
            first[1:] = code[1:] != code[:-1]
            return order[first]
    order = _lexsort([keys[:, t] for t in range(L - 1, -1, -1)] + [fi])
    k, f = keys[order], fi[order]
    first = np.ones(f.size, dtype=bool)
    first[1:] = (f[1:] != f[:-1]) | np.any(k[1:] != k[:-1], axis=1)
    return order[first]


def _next_level(H: np.ndarray, level: dict, k: int) -> tuple[int, dict]:
    """The rank-k flats from the rank-(k-1) flats, with nu = |mu| by Weisner's recursion."""
    basis, MEM, nmem, nu = level["basis"], level["members"], level["n_members"], level["nu"]
    F, L, c = basis.shape
    N = H.shape[0]
    total = 0
    simple_basis, simple_members, simple_nu = [], [], []  # Boolean flats: reached exactly once
    index: dict[tuple, int] = {}
    other_members: list[tuple] = []
    other_nu: list[int] = []
    other_basis: list[np.ndarray] = []
    step = _chunks(F, N, L).step
    for f0 in range(0, F, step):
        B = basis[f0 : f0 + step]
        C = _functionals(B, H)
        K = _primitive_canonical(C)
        E = _primitive_canonical(B[:, :, c - 1])  # the "at infinity" functional of each flat
        zero = ~np.any(K != 0, axis=2)
        parallel = np.all(K == E[:, None, :], axis=2)
        fi, ji = np.nonzero(~zero & ~parallel)
        if fi.size == 0:
            continue
        keys = K[fi, ji]  # (e, L)
        order = _lexsort([ji] + [keys[:, t] for t in range(L - 1, -1, -1)] + [fi])
        fi, ji, keys = fi[order], ji[order], keys[order]
        new = np.ones(fi.size, dtype=bool)
        new[1:] = (fi[1:] != fi[:-1]) | np.any(keys[1:] != keys[:-1], axis=1)
        starts = np.flatnonzero(new)
        ends = np.append(starts[1:], fi.size)
        fg = fi[starts] + f0  # the parent flat of each group
        nbc = ji[starts] < MEM[fg, 0]  # the group's smallest index is below every member of X
        starts, ends, fg = starts[nbc], ends[nbc], fg[nbc]
        if starts.size == 0:
            continue
        child = _child_bases(basis[fg], keys[starts])
        total += _weighted_sum(nu[fg], np.ones(fg.size, dtype=np.int64))
        simple = (nmem[fg] == k - 1) & (ends - starts == 1)
        if simple.any():  # X Boolean and one new member: Y Boolean, its only NBC parent is X
            s = np.flatnonzero(simple)
            rows = np.concatenate([MEM[fg[s], : k - 1], ji[starts[s]][:, None]], axis=1)
            simple_members.append(np.sort(rows, axis=1))
            simple_basis.append(child[s])
            simple_nu.append(nu[fg[s]])
        jl = ji.tolist()
        for t in np.flatnonzero(~simple).tolist():
            f, s0, e = int(fg[t]), int(starts[t]), int(ends[t])
            members = tuple(sorted(MEM[f, : nmem[f]].tolist() + jl[s0:e]))
            nu_f = int(nu[f])
            at = index.get(members)
            if at is None:
                index[members] = len(other_members)
                other_members.append(members)
                other_nu.append(nu_f)
                other_basis.append(child[t])
            else:
                other_nu[at] += nu_f
    width = max([k] + [len(m) for m in other_members])
    mem_parts, n_parts, basis_parts, nu_parts = [], [], [], []
    for rows, b, v in zip(simple_members, simple_basis, simple_nu):
        pad = np.full((rows.shape[0], width), N, dtype=np.int64)
        pad[:, :k] = rows
        mem_parts.append(pad)
        n_parts.append(np.full(rows.shape[0], k, dtype=np.int64))
        basis_parts.append(b)
        nu_parts.append(np.asarray(v, dtype=object if v.dtype == object else np.int64))
    if other_members:
        pad = np.full((len(other_members), width), N, dtype=np.int64)
        for i, m in enumerate(other_members):
            pad[i, : len(m)] = m
        mem_parts.append(pad)
        n_parts.append(np.array([len(m) for m in other_members], dtype=np.int64))
        basis_parts.append(np.stack(other_basis))
        nu_parts.append(_compact(np.array(other_nu, dtype=object)))
    if not mem_parts:
        return total, {"basis": np.zeros((0, L - 1, c), dtype=np.int64), "members": np.zeros((0, width), dtype=np.int64),
                       "n_members": np.zeros(0, dtype=np.int64), "nu": np.zeros(0, dtype=np.int64)}
    objects = any(b.dtype == object for b in basis_parts)
    new_basis = np.concatenate([b.astype(object) if objects else b for b in basis_parts])
    nu_obj = any(v.dtype == object for v in nu_parts)
    new_nu = np.concatenate([v.astype(object) if nu_obj else v for v in nu_parts])
    return total, {"basis": _compact(new_basis) if objects else new_basis, "members": np.concatenate(mem_parts),
                   "n_members": np.concatenate(n_parts), "nu": new_nu}


def _lexsort(keys: list[np.ndarray]) -> np.ndarray:
    """np.lexsort (last key primary); Python's sort for object (big integer) keys."""
    if all(k.dtype != object for k in keys):
        return np.lexsort(keys)
    cols = [k.tolist() for k in reversed(keys)]
    return np.array(sorted(range(len(cols[0])), key=lambda i: tuple(col[i] for col in cols)), dtype=np.int64)


def _child_bases(B: np.ndarray, K: np.ndarray) -> np.ndarray:
    """Bases of {y in span(B) : K . y = 0} (one per row of K), primitive rows.

    With p the first nonzero entry of K: rows K_p B_i - K_i B_p for i != p."""
    S, L, c = B.shape
    if B.dtype != object and K.dtype != object and 2 * _maxabs(B) * _maxabs(K) >= _SAFE:
        B, K = B.astype(object), K.astype(object)
    elif B.dtype == object or K.dtype == object:
        B, K = B.astype(object), K.astype(object)
    p = np.argmax(K != 0, axis=1)
    rng = np.arange(S)
    kp = K[rng, p]
    Bp = B[rng, p, :]
    R = kp[:, None, None] * B - K[:, :, None] * Bp[:, None, :]
    mask = np.ones((S, L), dtype=bool)
    mask[rng, p] = False
    R = R[mask].reshape(S, L - 1, c)
    g = np.abs(np.gcd.reduce(R, axis=2)) if R.dtype != object else _object_gcd(R)
    g = np.where(g == 0, 1, g)
    return R // g[:, :, None]
