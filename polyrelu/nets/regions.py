"""Activation regions, linear regions and pieces of a ReLU network, exactly.

Route (docs/mathematics.md §8.1 for what is counted): the regions after layer 1 are the cells of layer 1's
hyperplane arrangement; each cell is refined by the next layer's neurons, which are
affine on it, with the same region engine (no LP).  Every step works on all the cells of
a layer at once (:func:`polyrelu.cells.cover_many`), on integer matrices: the neurons of
layer l on a cell are integer rows ``Z = W_l diag(pattern) Z_{l-1}`` (one common
denominator per layer), a neuron whose hyperplane misses a cell is found by the engine
itself (its restriction has no region), and a cell keeps as walls only the hyperplanes
that are its facets (a sibling across them exists) plus the walls it inherits.
Networks with one input take the exact 1-D path of :mod:`polyrelu.nets.line` instead
(:class:`LineRegions`: the same regions, counts, graphs and certificates, no cells).

**Pattern convention.**  A neuron is reported active (1) on a region where its
pre-activation is > 0 and inactive (0) where it is < 0 *or identically 0* on the whole
region (ReLU(0) = 0, so both choices compute the same function there).

Three counts (docs/mathematics.md §2), always reported separately:

* activation regions — the cells above;
* linear regions — activation regions merged across shared facets when their affine maps
  are equal (facets are found from the refinement, no LP);
* pieces — maximal connected sets on which the function is affine: regions with equal
  maps whose closures meet (exact LP, only inside a group of equal maps, and only between
  parts that no shared facet already joins).

When every affine map occurs once, all three counts are equal and nothing more is
computed.

>>> from polyrelu.paper.constructions import absolute_value, max_of_two
>>> r = network_regions(absolute_value())
>>> r.n_activation_regions, r.n_linear_regions, r.n_pieces, r.n_affine_maps
(2, 2, 2, 2)
>>> network_regions(max_of_two()).counts()
{'activation_regions': 4, 'linear_regions': 2, 'pieces': 2, 'affine_maps': 2, 'partial': False}
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from math import lcm
from typing import TYPE_CHECKING, Any, Callable, Iterator, Sequence

import numpy as np
from gmpy2 import mpq

from .. import cells
from ..cells import batch
from ..errors import BudgetExceededError, InternalError, InvalidParameterError, ShapeError
from ..exact.affine import AffineMap
from ..exact.linalg import lcm_denominators
from ..exact.rational import Rational
from ..geometry.polyhedron import OpenPolyhedron
from .line import LineRegionsMixin
from .network import ReluNetwork

if TYPE_CHECKING:  # networkx is imported where used (start-up time of small commands)
    import networkx as nx

__all__ = ["ActivationRegion", "NetworkRegions", "LineRegions", "network_regions", "LastLayer", "last_layer", "refine_cells", "stream_cell", "pattern_constraints", "one_sided_pattern", "facet_point",
           "pattern_maps", "pattern_rows", "closures_meet"]

_ZERO = mpq(0)


@dataclass(frozen=True)
class ActivationRegion:
    """One activation region of a network.

    ``inequalities`` is an H-representation ``a . x < b`` (possibly with redundant rows)
    including the domain; ``affine_map`` is the network's exact map on the region.
    """

    pattern: tuple[tuple[int, ...], ...]
    witness: tuple[Rational, ...]
    rows: Any = field(repr=False, compare=False)  # integer rows [c | e]: c . x - e > 0
    affine_map: AffineMap

    @property
    def inequalities(self) -> tuple[tuple[tuple[Rational, ...], Rational], ...]:
        n = len(self.witness)
        return tuple((tuple(mpq(-int(v)) for v in r[:n]), mpq(-int(r[n]))) for r in self.rows)


# ----------------------------------------------------------------- integer layers
def _integer_layer(layer) -> tuple[np.ndarray, np.ndarray, int]:
    """(W, b, q) with integer arrays and the layer = (W / q, b / q)."""
    q = 1
    for row in layer.weights:
        for v in row:
            q = lcm(q, int(v.denominator))
    for v in layer.biases:
        q = lcm(q, int(v.denominator))
    W = np.array([[int(v * q) for v in row] for row in layer.weights], dtype=object).reshape(layer.n_out, layer.n_in)
    b = np.array([int(v * q) for v in layer.biases], dtype=object)
    return batch.fit_int(W), batch.fit_int(b), q


def _apply(Wi: np.ndarray, bi: np.ndarray, Hk: np.ndarray, Q: int) -> np.ndarray:
    """Z[i] = W Hk[i] + Q [0 | b]: the next layer's pre-activations (times its scale) as
    integer rows [gradient | constant], for every cell i."""
    n1 = Hk.shape[2]
    mw, mh = cells.integers.maxabs(Wi), cells.integers.maxabs(Hk)
    bq = cells.wide(bi) * Q  # Q alone may exceed int64 even where b is 0
    SAFE = cells.integers.SAFE
    small = mw < SAFE and mh < SAFE and mw * mh * max(1, Wi.shape[1]) + cells.integers.maxabs(bq) < SAFE
    if small:
        Z = np.einsum("jk,ikc->ijc", Wi.astype(np.int64), Hk.astype(np.int64))
        Z[:, :, n1 - 1] += bq.astype(np.int64)[None, :]
        return Z
    Z = np.einsum("jk,ikc->ijc", cells.wide(Wi), cells.wide(Hk))
    Z[:, :, n1 - 1] += bq[None, :]
    return batch.fit_int(Z)


@dataclass
class _Cells:
    """The cells of one refinement step, as arrays.

    X / D: explicit witnesses; R, rp: walls (rows c . x - e > 0, grouped by cell);
    Hk: the last hidden layer's outputs times ``Q`` as integer rows [gradient | constant];
    bits: one 0/1 matrix per refined layer; parent: the cell each came from.
    """

    X: np.ndarray
    D: np.ndarray
    R: np.ndarray
    rp: np.ndarray
    Hk: np.ndarray
    bits: list
    parent: np.ndarray
    sym: Any = None  # last layer: (U, rows per parent): X / D is symbolic, realized on demand

    @property
    def n(self) -> int:
        return int(self.X.shape[0])

    def take(self, lo: int, hi: int) -> "_Cells":
        s = np.searchsorted(self.rp, lo), np.searchsorted(self.rp, hi)
        return _Cells(self.X[lo:hi], self.D[lo:hi], self.R[s[0] : s[1]], self.rp[s[0] : s[1]] - lo, self.Hk[lo:hi],
                      [b[lo:hi] for b in self.bits], self.parent[lo:hi])

    @staticmethod
    def concat(parts: list["_Cells"], offsets: Sequence[int] | None = None) -> "_Cells":
        base, rps = 0, []
        for p in parts:
            rps.append(p.rp + base)
            base += p.n
        par = [p.parent + (offsets[i] if offsets is not None else 0) for i, p in enumerate(parts)]
        sym = None
        if parts[0].sym is not None:
            m = max(p.sym[1].shape[1] for p in parts)
            pads = []
            for p in parts:
                A = p.sym[1]
                extra = np.zeros((A.shape[0], m - A.shape[1], A.shape[2]), dtype=A.dtype)
                extra[:, :, -1] = -1
                pads.append(np.concatenate([A, extra], axis=1))
            sym = (batch.concat([p.sym[0] for p in parts]), _wide_cat(pads, 0))
        return _Cells(batch.concat([p.X for p in parts]), batch.concat([p.D for p in parts]), batch.concat([p.R for p in parts]),
                      np.concatenate(rps), batch.concat([p.Hk for p in parts]),
                      [batch.concat([p.bits[k] for p in parts]) for k in range(len(parts[0].bits))], np.concatenate(par), sym)


def _wide_cat(arrs: list[np.ndarray], axis: int) -> np.ndarray:
    if any(a.dtype == object for a in arrs):
        return np.concatenate([cells.wide(a) for a in arrs], axis=axis)
    return np.concatenate([a.astype(np.int64, copy=False) for a in arrs], axis=axis)


def _void(M: np.ndarray) -> np.ndarray:
    M = np.ascontiguousarray(M)
    return M.view(np.dtype((np.void, M.dtype.itemsize * M.shape[1])))[:, 0]


def _lookup(keys: np.ndarray, queries: np.ndarray) -> np.ndarray:
    """Index of each query among the (distinct) void ``keys``, or -1."""
    if keys.size == 0 or queries.size == 0:
        return np.full(queries.size, -1, dtype=np.int64)
    order = np.argsort(keys)
    sk = keys[order]
    pos = np.minimum(np.searchsorted(sk, queries), sk.size - 1)
    return np.where(sk[pos] == queries, order[pos], -1)


@dataclass
class _Refined:
    """A refinement step's output: the children, and what facets and graphs need."""

    children: _Cells
    Z: np.ndarray  # neuron rows [gradient | constant] on each parent cell
    cut: np.ndarray  # (parent, neuron): the neuron cuts the parent (one per class of coincident neurons)
    facets: np.ndarray | None = None  # (child, neuron, sibling), when computed


class _Siblings:
    """Facets on the hyperplanes of the last refinement, by flips: a child has a facet on
    neuron j's hyperplane iff its sibling with j's sign flipped exists (two regions of an
    arrangement in a convex cell whose sign vectors differ in one hyperplane are adjacent:
    the segment between their witnesses crosses only that hyperplane)."""

    def __init__(self, cut: np.ndarray, bits: np.ndarray, parent: np.ndarray):
        self.cut, self.parent = cut, parent
        Nc = bits.shape[0]
        self.K = np.packbits(np.where(cut[parent], bits > 0, False), axis=1) if Nc else np.zeros((0, 1), dtype=np.uint8)
        self.pre = parent.astype(np.int64)[:, None].view(np.uint8).reshape(Nc, 8)
        keys = _void(np.concatenate([self.pre, self.K], axis=1)) if Nc else np.zeros(0, dtype="V1")
        self.order = np.argsort(keys)
        self.sorted = keys[self.order]

    def facets(self, idx: np.ndarray, chunk: int = 1 << 16) -> np.ndarray:
        """(child, neuron, sibling) for the children ``idx`` (chunked: bounded memory)."""
        out = []
        for lo in range(0, idx.size, chunk):
            sel = idx[lo : lo + chunk]
            a, fj = np.nonzero(self.cut[self.parent[sel]])
            if not a.size:
                continue
            fi = sel[a]
            Q2 = self.K[fi].copy()
            Q2[np.arange(fi.size), fj // 8] ^= (np.uint8(128) >> (fj % 8).astype(np.uint8))
            q = _void(np.concatenate([self.pre[fi], Q2], axis=1))
            pos = np.minimum(np.searchsorted(self.sorted, q), self.sorted.size - 1)
            ok = self.sorted[pos] == q
            out.append(np.stack([fi[ok], fj[ok], self.order[pos[ok]]], axis=1))
        return np.concatenate(out) if out else np.zeros((0, 3), dtype=np.int64)


def _wall_cells(par: _Cells, Z: np.ndarray, cut: np.ndarray, sib: _Siblings, n: int, cells_sel: np.ndarray | None = None,
                points: bool = False):
    """The facets of the children on their parents' walls, all at once: for every wall f of
    a parent cell C, the cells of C's cutting hyperplanes restricted to f inside C's other
    walls (:func:`polyrelu.cells.cover_many`, one dimension lower), each pushed
    infinitesimally into C, where its signs name the child that has this facet.

    Returns (child, wall row index into ``par.R``) and, with ``points``, an exact point in
    the relative interior of each facet (X / D)."""
    N = par.n
    w = Z.shape[1]
    g_all = np.arange(par.R.shape[0])
    if cells_sel is not None:
        g_all = g_all[cells_sel[par.rp]]
    empty = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), None, None)
    if g_all.size == 0:
        return empty
    R = par.R
    cell_of = par.rp[g_all]
    Hrows = Z.copy()
    Hrows[:, :, n] = -Z[:, :, n]
    ci, cj = np.nonzero(cut)
    Hc = batch.primitive_rows(Hrows[ci, cj]) if ci.size else np.zeros((0, n + 1), dtype=np.int64)
    hs, hc = batch.group_starts(ci, N)
    ws, wc = batch.group_starts(par.rp, N)
    walls = R[g_all]
    piv = batch.pivots(walls, n)
    own_h, j_h = batch.ranges(hc[cell_of], hs[cell_of])
    RH = batch.restrict_many(Hc[j_h], walls[own_h], piv[own_h]) if j_h.size else np.zeros((0, n), dtype=np.int64)
    own_w, j_w = batch.ranges(wc[cell_of], ws[cell_of])
    other = j_w != g_all[own_w]
    own_w, j_w = own_w[other], j_w[other]
    RW = batch.restrict_many(R[j_w], walls[own_w], piv[own_w]) if j_w.size else np.zeros((0, n), dtype=np.int64)
    Y, DY, UY, sp = batch.cover_many(n - 1, RH, own_h, RW, own_w, g_all.size)
    if Y.shape[0] == 0:
        return empty
    X, D, U = batch.lift_many(walls[sp], piv[sp], Y, DY, UY, n)
    inward = np.zeros((X.shape[0], 1, n), dtype=object)
    inward[:, 0, :] = cells.wide(walls[sp][:, :n])
    U = batch.fit_int(np.concatenate([cells.wide(U), inward], axis=1))
    pad = np.zeros(n + 1, dtype=Hrows.dtype)
    pad[n] = -1
    Hpad = np.where(cut[:, :, None], Hrows, pad)
    c = cell_of[sp]
    S = batch.lexsigns_grouped(X, D, U, c, Hpad) if w else np.zeros((X.shape[0], 0), dtype=np.int8)
    K = np.packbits(np.where(cut[c], S > 0, False), axis=1) if w else np.zeros((X.shape[0], 1), dtype=np.uint8)
    pre = c.astype(np.int64)[:, None].view(np.uint8).reshape(c.size, 8)
    q = _void(np.concatenate([pre, K], axis=1))
    pos = np.minimum(np.searchsorted(sib.sorted, q), sib.sorted.size - 1)
    if not np.all(sib.sorted[pos] == q):
        raise InternalError("a wall facet leads to a child missing from the enumeration")
    child = sib.order[pos]
    if not points:
        return child, g_all[sp], None, None
    rows = _wide_cat([RH, RW], 0) if RW.shape[0] else RH
    grp = np.concatenate([own_h, own_w])
    o = np.argsort(grp, kind="stable")
    Apad, _ = batch.pad_rows(batch.fit_int(rows[o]) if rows.shape[0] else rows, grp[o], g_all.size, n - 1)
    Yr, DYr = batch.realize_grouped(Y, DY, UY, sp, Apad)
    Xp, Dp, _ = batch.lift_many(walls[sp], piv[sp], Yr, DYr, np.zeros((Yr.shape[0], 0, n - 1), dtype=np.int64), n)
    return child, g_all[sp], Xp, Dp


class _Setup:
    """One refinement step before its regions are found: the next layer's neurons on every
    cell of ``par`` (integer rows Z), which of them cut their cell (``live``; the others are
    constant there, with sign ``const_bit``), and the cutting hyperplanes H grouped by cell
    (``ci``, ``cj``)."""

    def __init__(self, par: _Cells, Wi, bi, Q: int, n: int):
        N = par.n
        self.N, self.n = N, n
        Z = _apply(Wi, bi, par.Hk, Q)
        w = Z.shape[1]
        live = np.any(Z[:, :, :n] != 0, axis=2)
        const_bit = Z[:, :, n] > 0
        Hrows = Z.copy()
        Hrows[:, :, n] = -Z[:, :, n]  # hyperplane rows [a | b]: a . x = b
        cut = batch.vertex_filter(par.R, par.rp, N, n, Z, live)  # neurons that provably miss a cell are constant on it
        if not cut.all():
            # their sign: at the cell's witness (exact)
            wv = np.einsum("ijc,ic->ij", cells.wide(Z[:, :, :n]), cells.wide(par.X)) + cells.wide(Z[:, :, n]) * cells.wide(par.D)[:, None]
            const_bit = np.where(live & ~cut, wv > 0, const_bit)
            live = cut
        ci, cj = np.nonzero(live)
        H = batch.primitive_rows(Hrows[ci, cj])
        self.Z, self.w, self.live, self.const_bit, self.Hrows, self.ci, self.cj, self.H = Z, w, live, const_bit, Hrows, ci, cj, H
        self.Hc, _ = batch.pad_rows(H, ci, N, n)
        # the rows a witness must keep its signs on: the cutting neurons and the walls (the
        # other neurons are constant on the cell, so any point inside keeps their sign)
        allr = _wide_cat([H, par.R], 0) if par.R.shape[0] else H
        allc = np.concatenate([ci, par.rp])
        o = np.argsort(allc, kind="stable")
        self.Apad, _ = batch.pad_rows(batch.fit_int(allr[o]) if allr.shape[0] else allr, allc[o], N, n)

    def signs(self, X, Dn, U, cp) -> tuple[np.ndarray, np.ndarray]:
        """(S, bits) of the children: signs of the cutting neurons (+1 elsewhere) and the
        0/1 pattern of the layer."""
        N, w, ci, cj = self.N, self.w, self.ci, self.cj
        S = np.ones((X.shape[0], w), dtype=np.int8)
        if ci.size and X.shape[0]:
            Sc = batch.lexsigns_grouped(X, Dn, U, cp, self.Hc)
            L = np.full((N, w), -1, dtype=np.int32)
            starts, _ = batch.group_starts(ci, N)
            L[ci, cj] = np.arange(ci.size) - starts[ci]
            step = 1 << 16  # in chunks: an index array per child and neuron would dwarf the signs
            for lo in range(0, X.shape[0], step):
                Lc = L[cp[lo : lo + step]]
                S[lo : lo + step] = np.where(Lc >= 0, np.take_along_axis(Sc[lo : lo + step], np.maximum(Lc, 0), axis=1), 1)
        bits = np.where(self.live[cp], S > 0, self.const_bit[cp]).astype(np.uint8)
        return S, bits


def _refine(par: _Cells, Wi, bi, Q: int, q: int, n: int, deadline=None, executor=None, stop=None, out_layer=None) -> _Refined:
    """Split every cell of ``par`` by the next layer's neurons (all cells at once).  With
    ``out_layer`` = (W, b) of the output layer, the children carry the network's map
    (scale Q q times its denominator) instead of the hidden outputs."""
    N = par.n
    st = _Setup(par, Wi, bi, Q, n)
    Z, w, live, Hrows, ci, cj, H = st.Z, st.w, st.live, st.Hrows, st.ci, st.cj, st.H
    X, Dn, U, cp = batch.cover_many(n, H, ci, par.R, par.rp, N, (par.X, par.D, np.ones(N, dtype=bool)), deadline,
                                    executor=executor, stop=stop)
    S, bits = st.signs(X, Dn, U, cp)
    Apad = st.Apad
    if out_layer is None:
        Xr, Dr = batch.realize_grouped(X, Dn, U, cp, Apad)
        sym = None
    else:
        Xr, Dr, sym = X, Dn, (U, Apad)
    Nc = X.shape[0]
    # facets among the neurons: the class representative's sign flipped gives a sibling
    cut = np.zeros((N, w), dtype=bool)
    if ci.size and Nc:
        key, _ = batch.canonical_rows(H, n)
        first = batch.first_by_key(ci, key)
        rep = np.zeros((N, w), dtype=bool)
        rep[ci[first == np.arange(ci.size)], cj[first == np.arange(ci.size)]] = True
        starts, counts = batch.group_starts(cp, N)
        has = counts > 0
        lo_b = np.minimum.reduceat(S, starts[has], axis=0)
        hi_b = np.maximum.reduceat(S, starts[has], axis=0)
        vary = np.zeros((N, w), dtype=bool)
        vary[has] = lo_b != hi_b
        cut = vary & rep & live
    facets = None
    if out_layer is None:  # the children's walls: their facets, on the parent's walls and among the neurons
        sib = _Siblings(cut, bits, cp)
        facets = sib.facets(np.arange(Nc))
        wchild, wrow, _, _ = _wall_cells(par, Z, cut, sib, n)
        fr = batch.primitive_rows(Hrows[cp[facets[:, 0]], facets[:, 1]] * S[facets[:, 0], facets[:, 1]].astype(Hrows.dtype)[:, None]) \
            if facets.shape[0] else np.zeros((0, n + 1), dtype=np.int64)
        parts_r = [par.R[wrow]] if wrow.size else []
        if fr.shape[0]:
            parts_r.append(fr)
        R = _wide_cat(parts_r, 0) if parts_r else np.zeros((0, n + 1), dtype=np.int64)
        rp = np.concatenate([wchild, facets[:, 0]])
        order = np.argsort(rp, kind="stable")
        R, rp = batch.fit_int(R[order]) if R.shape[0] else R, rp[order]
        # coincident walls (a wall met twice) appear once per section cell: keep one row each
        if R.shape[0]:
            key, _ = batch.canonical_rows(R, n)
            first = batch.first_by_key(rp, key)
            keep = first == np.arange(rp.size)
            R, rp = R[keep], rp[keep]
    else:  # the last layer: walls are built on demand (NetworkRegions.rows)
        R, rp = np.zeros((0, n + 1), dtype=np.int64), np.zeros(0, dtype=np.int64)
    Hk = _outputs(bits, Z, cp, out_layer, Q * q, n)
    children = _Cells(Xr, Dr, R, rp, Hk, [b[cp] for b in par.bits] + [bits], cp, sym)
    return _Refined(children, Z, cut, facets)


def _outputs(bits, Z, cp, out_layer, scale: int, n: int) -> np.ndarray:
    """Each child's hidden outputs diag(bits) Z, or (with ``out_layer``) the network's map
    W_out diag(bits) Z + scale [0 | b_out]; in chunks, so memory stays bounded."""
    Nc, w = bits.shape
    rows = out_layer[0].shape[0] if out_layer is not None else w
    if Nc == 0:
        return np.zeros((0, rows, n + 1), dtype=np.int64)
    step = max(1, (1 << 21) // max(1, w * (n + 1)))
    parts = []
    for lo in range(0, Nc, step):
        Zc = Z[cp[lo : lo + step]] * bits[lo : lo + step][:, :, None].astype(Z.dtype)
        parts.append(Zc if out_layer is None else _apply(out_layer[0], out_layer[1], Zc, scale))
    return batch.fit_int(batch.concat(parts))


def _refine_task(par: _Cells, Wi, bi, Q, q, n, deadline, out_layer):
    return _refine(par, Wi, bi, Q, q, n, deadline, out_layer=out_layer)


class NetworkRegions:
    """The activation regions of a network (on a domain) and the counts derived from them.

    Regions are held as arrays (witnesses, 0/1 patterns, integer affine maps); the
    :class:`ActivationRegion` objects of :attr:`regions` are built on access.
    """

    def __init__(self, network: ReluNetwork, domain, partial: bool, cells_: _Cells | None, maps: np.ndarray | None,
                 denominator: int, step: _Refined | None = None, parents: _Cells | None = None, info: dict | None = None):
        self.network = network
        self.domain = domain
        self.partial = partial
        self._cells = cells_
        self._maps = maps  # (N, outputs, n + 1) integers: the map is maps[i] / denominator
        self._den = denominator
        self._step = step
        self._parents = parents
        self.info = info or {}
        self._cache: dict[Any, Any] = {}

    # ------------------------------------------------------------ regions
    @property
    def _c(self) -> _Cells:
        """The region arrays (only called when there is at least one region)."""
        if self._cells is None:
            raise InternalError("a region was asked of an empty result")
        return self._cells

    @property
    def _m(self) -> np.ndarray:
        if self._maps is None:
            raise InternalError("an affine map was asked of an empty result")
        return self._maps

    @property
    def _st(self) -> _Refined:
        if self._step is None:
            raise InternalError("the last refinement step is not kept for this result")
        return self._step

    @property
    def _par(self) -> _Cells:
        if self._parents is None:
            raise InternalError("the parent cells are not kept for this result")
        return self._parents

    @property
    def n_activation_regions(self) -> int:
        return self._c.n if self._cells is not None else 0

    def __len__(self) -> int:
        return self.n_activation_regions

    def pattern(self, i: int) -> tuple[tuple[int, ...], ...]:
        return tuple(tuple(int(v) for v in b[i]) for b in self._c.bits)

    def _explicit(self) -> None:
        """Make the witnesses explicit (the last layer's are symbolic until asked for)."""
        c = self._c
        if c.sym is not None:
            U, A = c.sym
            c.X, c.D = batch.realize_grouped(c.X, c.D, U, c.parent, A)
            c.sym = None

    def witness(self, i: int) -> tuple[Rational, ...]:
        self._explicit()
        D = int(self._c.D[i])
        return tuple(mpq(int(v), D) for v in self._c.X[i])

    def affine_map(self, i: int) -> AffineMap:
        n = self.network.input_dim
        M = self._m[i]
        return AffineMap(tuple(tuple(mpq(int(v), self._den) for v in row[:n]) for row in M),
                         tuple(mpq(int(row[n]), self._den) for row in M), n)

    def rows(self, i: int) -> np.ndarray:
        """Integer rows [c | e] (c . x - e > 0) whose intersection is region i: the walls
        its cell inherited and its facets among the last layer's hyperplanes."""
        c = self._c
        if self._step is None:
            lo, hi = np.searchsorted(c.rp, i), np.searchsorted(c.rp, i + 1)
            return c.R[lo:hi]
        n = self.network.input_dim
        p = int(c.parent[i])
        par = self._par
        lo, hi = np.searchsorted(par.rp, p), np.searchsorted(par.rp, p + 1)
        f = self._siblings().facets(np.array([i], dtype=np.int64))
        Z = self._st.Z
        new = [[(1 if c.bits[-1][i, j] else -1) * int(v) for v in list(Z[p, j, :n]) + [-Z[p, j, n]]] for j in f[:, 1].tolist()]
        rows = [[int(v) for v in r] for r in par.R[lo:hi]] + new
        return cells.compact(batch.primitive_rows(np.array(rows, dtype=object).reshape(len(rows), n + 1)))

    def _siblings(self) -> "_Siblings":
        if "siblings" not in self._cache:
            self._cache["siblings"] = _Siblings(self._st.cut, self._c.bits[-1], self._c.parent)
        return self._cache["siblings"]

    @property
    def map_denominator(self) -> int:
        """Q: on region i the network is x -> (A x + c) / Q with [A | c] integer."""
        return int(self._den)

    def iter_region_rows(self, lo: int = 0, hi: int | None = None, chunk: int = 65536) -> Iterator[dict]:
        """Regions lo..hi-1 as plain JSON-ready rows (pattern strings, witness ``p/q``
        strings, integer map over :attr:`map_denominator`), built in chunks."""
        from ..exact.rational import to_str

        self._explicit()
        c = self._c
        hi = self.n_activation_regions if hi is None else hi
        for a in range(lo, hi, chunk):
            b = min(hi, a + chunk)
            pats = [["".join("1" if v else "0" for v in row) for row in layer[a:b].tolist()] for layer in c.bits]
            X, D = c.X[a:b].tolist(), c.D[a:b].tolist()
            M = self._m[a:b].tolist()
            for k in range(b - a):
                yield {"pattern": [p[k] for p in pats], "witness": [to_str(mpq(int(v), int(D[k]))) for v in X[k]],
                       "map": [[int(v) for v in row] for row in M[k]]}

    def region(self, i: int) -> ActivationRegion:
        return ActivationRegion(self.pattern(i), self.witness(i), self.rows(i), self.affine_map(i))

    @property
    def regions(self) -> "_RegionList":
        return _RegionList(self)

    def iter_regions(self) -> Iterator[ActivationRegion]:
        for i in range(self.n_activation_regions):
            yield self.region(i)

    def _pattern_keys(self) -> np.ndarray:
        if "pkeys" not in self._cache:
            c = self._c
            M = np.concatenate([b for b in c.bits], axis=1) if c.bits else np.zeros((c.n, 0), dtype=np.uint8)
            self._cache["pkeys"] = _void(np.packbits(M > 0, axis=1)) if M.shape[1] else np.zeros(c.n, dtype="V1")
        return self._cache["pkeys"]

    def pattern_keys(self) -> np.ndarray:
        """Every region's activation pattern as one exact key: the 0/1 bits of all hidden
        layers concatenated and packed (:func:`numpy.packbits`), as a numpy void array.
        Keys of different results of the same network compare exactly."""
        return self._pattern_keys()

    def parent_cells(self) -> np.ndarray:
        """For every region, the index of the cell of the earlier layers' regions it lies in
        (for a result of :func:`refine_cells`: the index among that chunk's cells)."""
        return self._c.parent.copy() if self._cells is not None else np.zeros(0, dtype=np.int64)

    def index_of(self, pattern) -> int | None:
        """The index of the region with this activation pattern, or None."""
        flat = np.array([v for layer in pattern for v in layer], dtype=np.uint8)
        if not flat.size:
            return 0 if self.n_activation_regions else None
        q = _void(np.packbits(flat > 0)[None, :])
        idx = int(self._lookup_patterns(q)[0])
        return None if idx < 0 else idx

    def _lookup_patterns(self, queries: np.ndarray) -> np.ndarray:
        """Region index of each packed pattern key (-1 if none); the sorted keys are cached."""
        if "pkeys_sorted" not in self._cache:
            keys = self._pattern_keys()
            order = np.argsort(keys)
            self._cache["pkeys_sorted"] = (keys[order], order)
        sk, order = self._cache["pkeys_sorted"]
        if sk.size == 0 or queries.size == 0:
            return np.full(queries.size, -1, dtype=np.int64)
        pos = np.minimum(np.searchsorted(sk, queries), sk.size - 1)
        return np.where(sk[pos] == queries, order[pos], -1)

    # ------------------------------------------------------------ maps
    def _map_ids(self) -> np.ndarray:
        """Region -> index of its distinct affine map (first-occurrence order)."""
        if "map_ids" not in self._cache:
            N = self.n_activation_regions
            M = self._m.reshape(N, -1) if N else np.zeros((0, 1), dtype=np.int64)
            first = batch.first_by_key(np.zeros(N, dtype=np.int64), M) if N else np.zeros(0, dtype=np.int64)
            uniq, ids = np.unique(first, return_inverse=True)
            self._cache["map_ids"] = ids.reshape(-1)
        return self._cache["map_ids"]

    @property
    def n_affine_maps(self) -> int:
        ids = self._map_ids()
        return int(ids.max()) + 1 if ids.size else 0

    def map_keys(self) -> tuple[np.ndarray, list[bytes]]:
        """The distinct affine maps as exact keys, comparable across results of the same
        network (same :attr:`map_denominator`): maps whose integers all fit in int64 as a
        sorted array of their raw bytes, the others as their JSON texts."""
        N = self.n_activation_regions
        if N == 0:
            return np.zeros(0, dtype="V8"), []
        M = self._m.reshape(N, -1)
        first = np.unique(self._map_ids(), return_index=True)[1]
        M = M[first]
        small = np.ones(M.shape[0], dtype=bool) if M.dtype != object else \
            np.array([all(-(1 << 63) <= int(v) < (1 << 63) for v in row) for row in M], dtype=bool)
        fixed = np.ascontiguousarray(M[small].astype(np.int64))
        keys = fixed.view(np.dtype((np.void, 8 * fixed.shape[1])))[:, 0] if fixed.shape[0] else np.zeros(0, dtype=f"V{8 * M.shape[1]}")
        big = [("[" + ",".join(str(int(v)) for v in row) + "]").encode() for row in M[~small]]
        return np.sort(keys), big

    def map_key_ids(self) -> tuple[np.ndarray, list[bytes], np.ndarray]:
        """(fixed, big, ids): the distinct affine maps as exact keys, as in :meth:`map_keys`
        but in first-occurrence order (not sorted), and for every region the index of its
        map in ``fixed`` followed by ``big``."""
        N = self.n_activation_regions
        if N == 0:
            return np.zeros(0, dtype="V8"), [], np.zeros(0, dtype=np.int64)
        M = self._m.reshape(N, -1)
        ids = self._map_ids()
        M = M[np.unique(ids, return_index=True)[1]]
        small = np.ones(M.shape[0], dtype=bool) if M.dtype != object else \
            np.array([all(-(1 << 63) <= int(v) < (1 << 63) for v in row) for row in M], dtype=bool)
        fixed = np.ascontiguousarray(M[small].astype(np.int64))
        keys = fixed.view(np.dtype((np.void, 8 * fixed.shape[1])))[:, 0] if fixed.shape[0] else np.zeros(0, dtype=f"V{8 * M.shape[1]}")
        big = [("[" + ",".join(str(int(v)) for v in row) + "]").encode() for row in M[~small]]
        pos = np.empty(M.shape[0], dtype=np.int64)
        pos[small] = np.arange(int(small.sum()))
        pos[~small] = int(small.sum()) + np.arange(int((~small).sum()))
        return keys, big, pos[ids]

    def map_groups(self) -> list[list[int]]:
        """Region indices grouped by equal affine map (first-occurrence order)."""
        ids = self._map_ids()
        order = np.argsort(ids, kind="stable")
        bounds = np.searchsorted(ids[order], np.arange(self.n_affine_maps + 1))
        return [order[a:b].tolist() for a, b in zip(bounds, bounds[1:])]

    def _shared(self) -> np.ndarray:
        """Regions whose affine map occurs more than once (only they can join)."""
        ids = self._map_ids()
        return np.bincount(ids)[ids] > 1 if ids.size else np.zeros(0, dtype=bool)

    # ------------------------------------------------------------ facets and graph
    def region_graph(self) -> "nx.Graph":
        """Nodes: region indices with ``pattern``, ``witness``, ``affine_map``; edges: shared
        facets with ``point`` (exact, in the facet's relative interior)."""
        import networkx as nx

        G = nx.Graph()
        for i in range(self.n_activation_regions):
            G.add_node(i, pattern=self.pattern(i), witness=self.witness(i), affine_map=self.affine_map(i))
        for i, j, pt in _facet_pairs(self):
            G.add_edge(i, j, point=pt)
        return G

    def _same_map_edges(self) -> np.ndarray:
        """(E, 2) region pairs i < j sharing a facet and an affine map (only regions whose
        map occurs more than once are looked at)."""
        if "same" not in self._cache:
            shared = self._shared()
            ids = self._map_ids()
            out = np.zeros((0, 2), dtype=np.int64)
            if shared.any() and self._step is not None:
                out = self.same_map_sibling_pairs()
                par = self._parents
                if par is not None and par.R.shape[0] and _has_inner_walls(self):
                    extra = [(min(i, j), max(i, j)) for i, j, _ in _facet_pairs(self, np.nonzero(shared)[0], points=False, walls_only=True)
                             if ids[i] == ids[j]]
                    if extra:
                        out = np.concatenate([out, np.array(extra, dtype=np.int64)])
                out = np.unique(out, axis=0) if out.shape[0] else out
            self._cache["same"] = out
        return self._cache["same"]

    def same_map_sibling_pairs(self) -> np.ndarray:
        """(E, 2) pairs of regions i < j with equal affine maps that share a facet on one of
        the last hidden layer's hyperplanes (siblings: same cell of the earlier layers,
        patterns that differ in one class of coincident neurons).  Only regions whose map
        occurs more than once in this result are looked at.  Needs the last refinement
        step (a result of :func:`network_regions`, or of :func:`refine_cells` with
        ``keep_step``)."""
        shared = self._shared()
        if not shared.any():
            return np.zeros((0, 2), dtype=np.int64)
        ids = self._map_ids()
        f = self._siblings().facets(np.nonzero(shared)[0])
        m = shared[f[:, 0]] & (ids[f[:, 0]] == ids[f[:, 2]])
        out = np.sort(f[m][:, [0, 2]], axis=1)
        return np.unique(out, axis=0) if out.shape[0] else out

    def wall_neighbours(self, which: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """For every facet of the regions ``which`` (indices; default all) on a wall the
        cells of the last hidden layer inherit from earlier layers (the domain's walls are
        not between regions): (region index, packed pattern key of the region across it as
        in :meth:`pattern_keys`, whether the two affine maps are equal).  The region across
        is found from an exact point in the facet's relative interior and the one-sided
        pattern there, so it need not belong to this result (a chunk of cells).  Needs the
        last refinement step, as :meth:`same_map_sibling_pairs`."""
        N = self.n_activation_regions
        empty = np.zeros(0, dtype=np.int64), np.zeros(0, dtype="V1"), np.zeros(0, dtype=bool)
        if N == 0 or self._step is None or self._parents is None or not self._parents.R.shape[0] or not _has_inner_walls(self):
            return empty
        sel = np.zeros(N, dtype=bool)
        sel[np.arange(N) if which is None else np.asarray(which, dtype=np.int64)] = True
        child, _, _, bits = _wall_neighbours(self, sel)
        if not child.size:
            return empty
        keys = _void(np.packbits(np.concatenate(bits, axis=1) > 0, axis=1))
        M, den = pattern_maps(self.network, bits)
        mine = self._m[child]
        same = np.all((cells.wide(M) * self._den).reshape(child.size, -1) == (cells.wide(mine) * den).reshape(child.size, -1), axis=1)
        return child, keys, same

    def _labels(self, edges: np.ndarray) -> np.ndarray:
        from scipy.sparse import coo_matrix
        from scipy.sparse.csgraph import connected_components

        N = self.n_activation_regions
        A = coo_matrix((np.ones(edges.shape[0], dtype=np.int8), (edges[:, 0], edges[:, 1])), shape=(N, N))
        return connected_components(A, directed=False)[1]

    @property
    def n_linear_regions(self) -> int:
        """Regions merged across shared facets with equal affine maps."""
        N = self.n_activation_regions
        if N == 0 or not self._shared().any():
            return N
        return int(self._labels(self._same_map_edges()).max()) + 1

    def _piece_joins(self) -> list[tuple[int, int]]:
        """Pairs of regions (same map, not already joined by facets) whose closures meet in
        the domain: one exact LP per pair of parts of a map group, until one meets."""
        if "joins" not in self._cache:
            joins = []
            shared = self._shared()
            if shared.any():
                labels = self._labels(self._same_map_edges())
                dom = self._domain_rows()
                n = self.network.input_dim
                for members in self.map_groups():
                    if len(members) < 2 or len({labels[i] for i in members}) < 2:
                        continue
                    parent: dict[int, int] = {}

                    def find(a):
                        while parent.setdefault(a, a) != a:
                            a = parent[a]
                        return a

                    for a_i, i in enumerate(members):
                        for j in members[a_i + 1 :]:
                            if find(labels[i]) == find(labels[j]):
                                continue
                            if closures_meet(self.rows(i), self.rows(j), dom, n):
                                joins.append((i, j))
                                parent[find(labels[i])] = find(labels[j])
            self._cache["joins"] = joins
        return self._cache["joins"]

    def piece_graph(self) -> "nx.Graph":
        """Nodes: regions; edges: equal affine maps and closures that meet in the domain
        (shared facets, then the exact LP joins between what facets leave apart)."""
        import networkx as nx

        if "pieces" not in self._cache:
            G = nx.Graph()
            G.add_nodes_from(range(self.n_activation_regions))
            G.add_edges_from(map(tuple, self._same_map_edges().tolist()))
            G.add_edges_from(self._piece_joins())
            self._cache["pieces"] = G
        return self._cache["pieces"]

    @property
    def n_pieces(self) -> int:
        N = self.n_activation_regions
        if N == 0 or not self._shared().any():
            return N
        joins = np.array(self._piece_joins(), dtype=np.int64).reshape(-1, 2)
        return int(self._labels(np.concatenate([self._same_map_edges(), joins])).max()) + 1

    def _domain_rows(self) -> np.ndarray:
        n = self.network.input_dim
        return self.domain.engine_rows() if self.domain is not None else np.zeros((0, n + 1), dtype=np.int64)

    def counts(self) -> dict[str, Any]:
        return {
            "activation_regions": self.n_activation_regions,
            "linear_regions": self.n_linear_regions,
            "pieces": self.n_pieces,
            "affine_maps": self.n_affine_maps,
            "partial": self.partial,
        }


class _RegionList(Sequence):
    """The regions of a :class:`NetworkRegions`, built on access."""

    def __init__(self, res: NetworkRegions):
        self._res = res

    def __len__(self) -> int:
        return self._res.n_activation_regions

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self._res.region(k) for k in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        return self._res.region(i)

    def __iter__(self):
        return self._res.iter_regions()


def _merges(N: int, edges) -> int:
    """Number of successful unions (N minus the number of components)."""
    parent = list(range(N))

    def find(a):
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    k = 0
    for i, j in edges:
        a, b = find(i), find(j)
        if a != b:
            parent[a] = b
            k += 1
    return k


def _crossing(xi, di, xj, dj, h) -> tuple[Rational, ...]:
    """The point where the segment between two witnesses crosses the hyperplane h = [a | b]."""
    n = len(h) - 1
    wi = [mpq(int(v), int(di)) for v in xi]
    wj = [mpq(int(v), int(dj)) for v in xj]
    a, b = [int(v) for v in h[:n]], int(h[n])
    vi = sum((u * v for u, v in zip(a, wi)), _ZERO) - b
    vj = sum((u * v for u, v in zip(a, wj)), _ZERO) - b
    t = vi / (vi - vj)
    return tuple(p + t * (q - p) for p, q in zip(wi, wj))


def _has_inner_walls(res: NetworkRegions) -> bool:
    """Whether the last layer's cells have walls other than the domain's."""
    dom_keys = {cells.canonical_class_key([int(v) for v in r])[0] for r in res._domain_rows()}
    return any(cells.canonical_class_key([int(v) for v in r])[0] not in dom_keys for r in res._par.R)


def _facet_pairs(res: NetworkRegions, which: np.ndarray | None = None, points: bool = True, walls_only: bool = False):
    """(i, j, point) for every pair of regions sharing a facet, from facets only."""
    if res.n_activation_regions == 0 or res._step is None:
        return []
    key = ("facets", points) if which is None and not walls_only else None
    if key is not None and key in res._cache:
        return res._cache[key]
    if points and not walls_only:
        res._explicit()  # sibling facet points lie between the two witnesses
    step, par, c = res._st, res._parents, res._c
    n = res.network.input_dim
    sel = np.ones(c.n, dtype=bool) if which is None else np.isin(np.arange(c.n), which)
    out: dict[tuple[int, int], Any] = {}
    # siblings: facets on the last layer's hyperplanes
    for i, j, s in ([] if walls_only else res._siblings().facets(np.nonzero(sel)[0]).tolist()):
        if not (sel[i] or sel[s]):
            continue
        a, b = min(i, s), max(i, s)
        if (a, b) in out:
            continue
        if points:
            Z = step.Z[c.parent[i], j]
            h = [int(v) for v in Z[:n]] + [-int(Z[n])]
            out[(a, b)] = _crossing(c.X[i], c.D[i], c.X[s], c.D[s], h)
        else:
            out[(a, b)] = None
    # facets on the walls inherited from earlier layers (not the domain's walls): the
    # region across is the one with the pattern just beyond the facet point
    if par is not None and par.R.shape[0]:
        child, Xp, Dp, bits = _wall_neighbours(res, sel)
        if child.size:
            flat = np.concatenate(bits, axis=1)
            nb = res._lookup_patterns(_void(np.packbits(flat > 0, axis=1)))
            if np.any(nb < 0):
                raise InternalError("a facet leads to a region missing from the enumeration")
            if np.any(nb == child):
                raise InternalError("a facet leads back to its own region")
            for k, (i, j) in enumerate(zip(child.tolist(), nb.tolist())):
                a, b = min(i, j), max(i, j)
                if (a, b) not in out:
                    out[(a, b)] = tuple(mpq(int(t), int(Dp[k])) for t in Xp[k]) if points else None
    res_list = sorted((a, b, p) for (a, b), p in out.items())
    if key is not None:
        res._cache[key] = res_list
    return res_list


def _wall_neighbours(res: NetworkRegions, sel: np.ndarray):
    """The facets of the regions ``sel`` (mask) on inherited walls that are not the domain's:
    (region, facet point X / D, the one-sided pattern just beyond it, one 0/1 matrix per
    hidden layer)."""
    step, par, c = res._st, res._par, res._c
    n = res.network.input_dim
    dom_keys = {cells.canonical_class_key([int(v) for v in r])[0] for r in res._domain_rows()}
    need = np.zeros(par.n, dtype=bool)
    need[c.parent[sel]] = True
    child, wrow, Xp, Dp = _wall_cells(par, step.Z, step.cut, res._siblings(), n, need, points=True)
    keep = sel[child] if child.size else np.zeros(0, dtype=bool)
    if child.size:
        wk = np.array([cells.canonical_class_key([int(v) for v in par.R[g]])[0] not in dom_keys for g in wrow.tolist()], dtype=bool)
        keep &= wk
    child, wrow = child[keep], wrow[keep]
    if not child.size:
        return child, None, None, []
    Xp, Dp = Xp[keep], Dp[keep]
    outward = -cells.wide(par.R[wrow][:, :n])
    return child, Xp, Dp, _one_sided_patterns(res.network, Xp, Dp, outward)


def _start_cells(network: ReluNetwork, domain: OpenPolyhedron | None) -> _Cells | None:
    """The one cell before layer 1: R^n or the domain (None if the domain is empty)."""
    n = network.input_dim
    if domain is not None:
        if domain.dim != n:
            raise ShapeError(f"domain has dimension {domain.dim} but the network has {n} inputs")
        rows = domain.engine_rows()
        w = domain.interior_point()
        if w is None:
            return None
        den = lcm_denominators(w)
        X0 = np.array([[int(v * den) for v in w]], dtype=object)
        D0 = np.array([den], dtype=object)
    else:
        rows = np.zeros((0, n + 1), dtype=np.int64)
        X0, D0 = np.zeros((1, n), dtype=np.int64), np.ones(1, dtype=np.int64)
    Hk0 = np.concatenate([np.eye(n, dtype=np.int64), np.zeros((n, 1), dtype=np.int64)], axis=1)[None]
    return _Cells(batch.fit_int(X0), batch.fit_int(D0), cells.compact(rows), np.zeros(rows.shape[0], dtype=np.int64), Hk0, [],
                  np.zeros(1, dtype=np.int64))


class _Workers:
    """The executor of a run: the caller's, or local processes started on first need
    (and stopped by :meth:`close`)."""

    def __init__(self, executor, workers: int | None):
        self.given, self.ex, self.workers = executor, executor, workers

    def for_layer(self, big: bool):
        from ..parallel import Executor, default_workers

        nw = self.workers if self.workers is not None else default_workers()
        if self.ex is None and nw > 1 and big:
            self.ex = Executor(workers=nw)
        return self.ex if (self.ex is not None and (big or self.ex.is_distributed)) else None

    def close(self) -> None:
        if self.given is None and self.ex is not None:
            self.ex.close()


def _run_layers(network: ReluNetwork, cur: _Cells, budget, pool: _Workers, progress, n_layers: int):
    """Refine ``cur`` by the first ``n_layers`` hidden layers (the last hidden layer gives
    the children the network's maps).  Returns (cells, last step, its parents, Q, partial,
    info)."""
    from ..parallel import NOT_RUN

    n = network.input_dim
    deadline = budget.deadline
    Q = 1
    step = parents = None
    partial = False
    info: dict[str, Any] = {"layers": network.n_hidden_layers, "layers_completed": 0}
    for li, layer in enumerate(network.layers[:n_layers]):
        Wi, bi, q = _integer_layer(layer)
        last = li == network.n_hidden_layers - 1
        out_layer = _integer_layer(network.layers[-1])[:2] if last else None
        big = cur.n >= 64 or (cur.n == 1 and layer.n_out >= 24 and n >= 3)
        use = pool.for_layer(big)
        par_ = use.parallelism if use is not None else 1
        chunk = max(1, min(512, -(-cur.n // (4 * par_)))) if (use is not None or budget) else cur.n
        chunks = [(lo, min(cur.n, lo + chunk)) for lo in range(0, cur.n, chunk)]
        found = [0]

        def stop_count(k: int) -> bool:
            return budget.over(k)

        try:
            if len(chunks) == 1:
                one = _refine(cur, Wi, bi, Q, q, n, deadline, executor=use if cur.n == 1 else None,
                              stop=stop_count if budget else None, out_layer=out_layer)
                parts = [one]
            else:
                def on_result(i, r):
                    found[0] += r.children.n
                    return budget.over(found[0])

                tasks = [(cur.take(lo, hi), Wi, bi, Q, q, n, deadline, out_layer) for lo, hi in chunks]
                if use is not None:
                    parts = use.map(_refine_task, tasks, deadline=deadline, on_result=on_result if budget.max_regions is not None else None)
                else:
                    parts = []
                    for t in tasks:
                        if budget.expired() or budget.over(found[0]):
                            break
                        parts.append(_refine_task(*t))
                        found[0] += parts[-1].children.n
                    parts += [NOT_RUN] * (len(tasks) - len(parts))
                if any(p is NOT_RUN for p in parts):
                    done = [k for k, p in enumerate(parts) if p is not NOT_RUN]
                    raise BudgetExceededError("budget", sum(parts[k].children.n for k in done),
                                              sum(chunks[k][1] - chunks[k][0] for k in done))
        except BudgetExceededError as exc:
            partial = True
            got = exc.args[1] if len(exc.args) > 1 else 0
            refined = exc.args[2] if len(exc.args) > 2 else 0
            if len(chunks) == 1 and cur.n == 1:  # inside the one cell: distinct regions found there
                refined = 1 if got > 1 else 0
            info.update({"stopped_in_layer": li + 1, "cells_refined": refined, "cells_in_layer": cur.n,
                         "activation_regions_at_least": max(cur.n, got + cur.n - refined)})
            break
        offsets = [lo for lo, _ in chunks]
        step = _Refined(_Cells.concat([p.children for p in parts], offsets), batch.concat([p.Z for p in parts]),
                        np.concatenate([p.cut for p in parts]))
        parents = cur
        cur = step.children
        Q *= q
        info["layers_completed"] = li + 1
        if progress is not None:
            progress(li, cur.n, cur.n)
        if li < network.n_hidden_layers - 1 and (budget.expired() or budget.over(cur.n)):
            partial = True
            info.update({"stopped_in_layer": li + 2, "cells_refined": 0, "cells_in_layer": cur.n,
                         "activation_regions_at_least": cur.n})
            break
    return cur, step, parents, Q, partial, info


def network_regions(
    network: ReluNetwork,
    *,
    domain: OpenPolyhedron | None = None,
    workers: int | None = None,
    executor=None,
    max_regions: int | None = None,
    max_seconds: float | None = None,
    progress: Callable[[int, int, int], None] | None = None,
    route: str = "auto",
) -> NetworkRegions:
    """Enumerate the activation regions of ``network`` on R^n (or inside ``domain``).

    Parameters
    ----------
    domain : OpenPolyhedron, optional
        Only regions inside it (e.g. ``OpenPolyhedron.box(n, lo, hi)``).
    workers : int, optional
        Local processes when no ``executor`` is given (default: all cores for large
        layers).  Same result.
    executor : polyrelu.parallel.Executor, optional
        Where the cells of a layer are refined (local processes or a Dask cluster).
    max_regions, max_seconds : optional budget
        Checked inside every layer (between groups of cells, and inside the engine).  When
        exceeded, the result has ``partial = True``: its regions are the cells of the last
        completed layer, and ``info`` says what was completed and a lower bound
        (``activation_regions_at_least``).
    progress : callable(layer, done_cells, total_cells), optional
    route : {"auto", "line", "cells"}
        "auto" takes the exact 1-D path (:mod:`polyrelu.nets.line`, no cells and no LP) for
        a network with one input and the cell engine otherwise; "cells" forces the cell
        engine (same results, slower).
    """
    from ..parallel import Budget

    _check_args(network, domain, workers, max_regions, max_seconds)
    n = network.input_dim
    if route not in ("auto", "line", "cells") or (route == "line" and n != 1):
        raise InvalidParameterError(f"route is {route!r}; use 'auto', 'cells' or (for a network with one input) 'line'")
    if n == 1 and route != "cells":  # on the line: breakpoint propagation, no cells, no LP
        if domain is not None and domain.dim != 1:
            raise ShapeError(f"domain has dimension {domain.dim} but the network has {n} inputs")
        return LineRegions.from_network(network, domain=domain, max_regions=max_regions, max_seconds=max_seconds, progress=progress)
    budget = Budget(max_seconds, max_regions)
    cur = _start_cells(network, domain)
    if cur is None:
        return NetworkRegions(network, domain, False, None, None, 1)
    pool = _Workers(executor, workers)
    try:
        cur, step, parents, Q, partial, info = _run_layers(network, cur, budget, pool, progress, network.n_hidden_layers)
    finally:
        pool.close()
    Wo, bo, qo = _integer_layer(network.layers[-1])
    if partial:  # the cells of the last completed layer, with their hidden outputs as maps
        return NetworkRegions(network, domain, True, cur, cur.Hk, Q, None, None, info)
    if network.n_hidden_layers == 0:  # an affine network: one region
        return NetworkRegions(network, domain, False, cur, _apply(Wo, bo, cur.Hk, 1), qo, None, None, info)
    return NetworkRegions(network, domain, False, cur, cur.Hk, Q * qo, step, parents, info)


# ------------------------------------------------------------------ streaming the last layer
@dataclass
class LastLayer:
    """The cells entering a network's last hidden layer (from :func:`last_layer`), with the
    integer data that refines them.  Its cells can be refined in chunks
    (:meth:`chunk`, :func:`refine_cells`), in any process, or one cell as a stream of
    batches (:func:`stream_cell`); concatenated in order, the regions are exactly those of
    :func:`network_regions` (same patterns, witnesses, maps, order).

    ``parents`` is None when nothing is left to refine (``partial``: the budget ran out in
    an earlier layer; or an empty domain)."""

    network: ReluNetwork
    domain: Any
    parents: Any
    layer: Any  # (W, b, q) of the last hidden layer, integers
    out_layer: Any  # (W, b) of the output layer, integers
    Q: int  # the scale of the parents' hidden outputs
    denominator: int  # the maps' common denominator
    partial: bool
    info: dict

    @property
    def n_cells(self) -> int:
        return self.parents.n if self.parents is not None else 0

    def chunk(self, lo: int, hi: int) -> "LastLayer":
        """Cells lo..hi-1 only."""
        c = self.parents.take(lo, hi)
        c.parent = np.zeros(c.n, dtype=np.int64)
        return LastLayer(self.network, self.domain, c, self.layer, self.out_layer, self.Q, self.denominator, self.partial, self.info)

    def cells(self, indices: Sequence[int]) -> "LastLayer":
        """The cells with these indices only (in this order)."""
        c = _Cells.concat([self.parents.take(int(i), int(i) + 1) for i in indices])
        c.parent = np.zeros(c.n, dtype=np.int64)
        return LastLayer(self.network, self.domain, c, self.layer, self.out_layer, self.Q, self.denominator, self.partial, self.info)

    def neuron_classes(self, cell: int = 0) -> list[np.ndarray]:
        """The last hidden layer's neurons that are not constant on cell ``cell``, grouped
        by their hyperplane there (coincident neurons, of either orientation, form one
        class; crossing the hyperplane flips every neuron of its class): sorted index
        arrays, in order of their first neuron."""
        W, b, _ = self.layer
        n = self.network.input_dim
        Z = _apply(W, b, self.parents.Hk[cell : cell + 1], self.Q)[0]
        live = np.nonzero(np.any(Z[:, :n] != 0, axis=1))[0]
        if not live.size:
            return []
        rows = Z[live].copy()
        rows[:, n] = -rows[:, n]
        key, _ = batch.canonical_rows(rows, n)
        first = batch.first_by_key(np.zeros(live.size, dtype=np.int64), key)
        return [live[first == k] for k in np.unique(first)]


def last_layer(network: ReluNetwork, *, domain: OpenPolyhedron | None = None, executor=None, workers: int | None = None,
               max_regions: int | None = None, max_seconds: float | None = None,
               progress: Callable[[int, int, int], None] | None = None) -> LastLayer:
    """Run the cell engine of :func:`network_regions` through every hidden layer but the
    last (same options; the budget counts the cells of those layers)."""
    from ..parallel import Budget

    _check_args(network, domain, workers, max_regions, max_seconds)
    if network.n_hidden_layers == 0:
        raise InvalidParameterError("an affine network (no hidden layer) has no last hidden layer to stream")
    budget = Budget(max_seconds, max_regions)
    Wo, bo, qo = _integer_layer(network.layers[-1])
    Wl, bl, ql = _integer_layer(network.layers[-2])
    cur = _start_cells(network, domain)
    info: dict[str, Any] = {"layers": network.n_hidden_layers, "layers_completed": 0}
    if cur is None:
        return LastLayer(network, domain, None, (Wl, bl, ql), (Wo, bo), 1, ql * qo, False, info)
    pool = _Workers(executor, workers)
    try:
        cur, _, _, Q, partial, info = _run_layers(network, cur, budget, pool, progress, network.n_hidden_layers - 1)
    finally:
        pool.close()
    if not partial and (budget.expired() or budget.over(cur.n)):
        partial = True
        info.update({"stopped_in_layer": network.n_hidden_layers, "cells_refined": 0, "cells_in_layer": cur.n,
                     "activation_regions_at_least": cur.n})
    return LastLayer(network, domain, None if partial else cur, (Wl, bl, ql), (Wo, bo), Q, Q * ql * qo, partial, info)


def refine_cells(layer: LastLayer, deadline: float | None = None, *, keep_step: bool = False) -> NetworkRegions:
    """The final regions inside the cells of ``layer`` (a :meth:`LastLayer.chunk`), in
    memory.  With ``keep_step`` the result keeps the refinement step and its cells, so that
    :meth:`NetworkRegions.same_map_sibling_pairs` and :meth:`NetworkRegions.wall_neighbours`
    work on it."""
    W, b, q = layer.layer
    one = _refine(layer.parents, W, b, layer.Q, q, layer.network.input_dim, deadline, out_layer=layer.out_layer)
    if keep_step:
        return NetworkRegions(layer.network, layer.domain, False, one.children, one.children.Hk, layer.denominator, one, layer.parents)
    return NetworkRegions(layer.network, layer.domain, False, one.children, one.children.Hk, layer.denominator)


def stream_cell(layer: LastLayer, executor=None, deadline: float | None = None) -> Iterator[NetworkRegions]:
    """The final regions inside the one cell of ``layer`` as a stream of batches (one group
    of the layer's hyperplanes at a time, :func:`polyrelu.cells.batch.cover_stream`); the
    candidate groups run on ``executor``.  What is kept between batches is one packed
    sign key per region."""
    if layer.n_cells != 1:
        raise InvalidParameterError(f"stream_cell refines one cell; this layer has {layer.n_cells} (use chunk and refine_cells)")
    par = layer.parents
    W, b, q = layer.layer
    n = layer.network.input_dim
    st = _Setup(par, W, b, layer.Q, n)
    empty_R = np.zeros((0, n + 1), dtype=np.int64)
    for X, Dn, U, cp in batch.cover_stream(n, st.H, par.R, (par.X, par.D, np.ones(1, dtype=bool)), deadline, executor):
        if X.shape[0] == 0:
            continue
        _, bits = st.signs(X, Dn, U, cp)
        Hk = _outputs(bits, st.Z, cp, layer.out_layer, layer.Q * q, n)
        children = _Cells(X, Dn, empty_R, np.zeros(0, dtype=np.int64), Hk, [bl[cp] for bl in par.bits] + [bits], cp, (U, st.Apad))
        yield NetworkRegions(layer.network, layer.domain, False, children, Hk, layer.denominator)


def _check_args(network, domain, workers, max_regions, max_seconds) -> None:
    if not isinstance(network, ReluNetwork):
        raise InvalidParameterError(f"network must be a ReluNetwork, got {type(network).__name__}")
    if domain is not None and not isinstance(domain, OpenPolyhedron):
        raise InvalidParameterError(f"domain must be an OpenPolyhedron or None, got {type(domain).__name__}")
    for name, v in (("workers", workers), ("max_regions", max_regions)):
        if v is not None and (isinstance(v, bool) or not isinstance(v, int) or v < 1):
            raise InvalidParameterError(f"{name} is {v!r}; give an integer >= 1 or None")
    if max_seconds is not None and (isinstance(max_seconds, bool) or not isinstance(max_seconds, (int, float)) or not max_seconds > 0):
        raise InvalidParameterError(f"max_seconds is {max_seconds!r}; give a positive number or None")


class LineRegions(LineRegionsMixin, NetworkRegions):  # type: ignore[misc]
    """The regions of a network on R, from the exact 1-D path (:mod:`polyrelu.nets.line`):
    the same results as the cell engine, listed left to right, built lazily; counts
    without LP."""

    region_type = ActivationRegion


def facet_point(rows: np.ndarray, k: int, n: int, other: np.ndarray | None = None) -> tuple[Rational, ...] | None:
    """A point in the relative interior of the facet that row ``k`` cuts from the closed
    region given by ``rows`` (engine convention: c . x - e > 0), also inside the closed
    region ``other`` if given (a facet shared with a neighbour); None if that set is not
    (n-1)-dimensional.  Rows coincident with row k are ignored."""
    h = [int(v) for v in rows[k]]
    key_h, _ = cells.canonical_class_key(h)
    others = [[int(v) for v in r] for r in (list(rows) + (list(other) if other is not None else []))
              if cells.canonical_class_key([int(v) for v in r])[0] != key_h]
    dom = np.array(others, dtype=object).reshape(len(others), n + 1)
    sec = cells.section(h, np.zeros((0, n + 1), dtype=np.int64), dom)
    if not len(sec):
        return None
    Xf, Df = sec.points()
    return tuple(mpq(int(v), int(Df[0])) for v in Xf[0])


def closures_meet(rows_i: np.ndarray, rows_j: np.ndarray, dom: np.ndarray, n: int) -> bool:
    """Whether closure(R_i) ∩ closure(R_j) meets the open domain (rows ``dom``): pieces
    are connected sets *inside* the domain, so regions touching only on its boundary stay
    apart.  Exact LP (maximise the slack of the domain rows)."""
    def aff(r):
        return tuple(mpq(int(v)) for v in r[:n]), mpq(-int(r[n]))

    cons = [aff(r) for r in list(rows_i) + list(rows_j)] + [aff(r) for r in dom]
    strict = [False] * (rows_i.shape[0] + rows_j.shape[0]) + [True] * dom.shape[0]
    from ..exact import cddlib  # imported here: start-up time of commands that never need an LP

    return cddlib.closed_point(cons, n, strict) is not None


def pattern_maps(network: ReluNetwork, bits: Sequence[np.ndarray]) -> tuple[np.ndarray, int]:
    """(M, Q): the network's affine map on the region of each activation pattern, exactly:
    ``bits`` has one 0/1 matrix (patterns x width) per hidden layer, and on pattern k's
    region the network is x -> (A x + c) / Q with [A | c] = M[k] (integers; Q is the
    :attr:`NetworkRegions.map_denominator` of the cell engine's results).

    >>> from polyrelu.paper.constructions import absolute_value
    >>> M, Q = pattern_maps(absolute_value(), [np.array([[1, 0], [0, 1]])])
    >>> (M // Q).tolist()
    [[[1, 0]], [[-1, 0]]]
    """
    n = network.input_dim
    N = bits[0].shape[0] if len(bits) else 1
    H = np.repeat(np.concatenate([np.eye(n, dtype=np.int64), np.zeros((n, 1), dtype=np.int64)], axis=1)[None], N, axis=0)
    Q = 1
    for layer, B in zip(network.layers[:-1], bits):
        W, b, q = _integer_layer(layer)
        Z = _apply(W, b, H, Q)
        H = batch.fit_int(Z * np.asarray(B, dtype=np.int64)[:, :, None].astype(Z.dtype))
        Q *= q
    Wo, bo, qo = _integer_layer(network.layers[-1])
    return _apply(Wo, bo, H, Q), Q * qo


def pattern_rows(network: ReluNetwork, bits: Sequence[Any]) -> np.ndarray:
    """Integer rows [c | e] (meaning c . x > e) whose intersection is the open activation
    region of the pattern ``bits`` (one 0/1 sequence per hidden layer) on R^n: one row per
    neuron that is not constant there (primitive, coincident rows once; often redundant).
    When that region is not empty, the closed rows c . x >= e give its closure.

    >>> from polyrelu.paper.constructions import absolute_value
    >>> pattern_rows(absolute_value(), [[1, 0]]).tolist()
    [[1, 0]]
    """
    n = network.input_dim
    H = np.concatenate([np.eye(n, dtype=np.int64), np.zeros((n, 1), dtype=np.int64)], axis=1)[None]
    Q = 1
    rows = []
    for layer, B in zip(network.layers[:-1], bits):
        W, b, q = _integer_layer(layer)
        Z = _apply(W, b, H, Q)  # a positive multiple of the pre-activations
        s = np.where(np.asarray(B, dtype=np.int64) > 0, 1, -1)
        for j in np.nonzero(np.any(Z[0, :, :n] != 0, axis=1))[0].tolist():
            rows.append([int(s[j]) * int(v) for v in Z[0, j, :n]] + [-int(s[j]) * int(Z[0, j, n])])
        H = batch.fit_int(Z * np.asarray(B, dtype=np.int64)[None, :, None].astype(Z.dtype))
        Q *= q
    if not rows:
        return np.zeros((0, n + 1), dtype=np.int64)
    R = batch.primitive_rows(np.array(rows, dtype=object).reshape(len(rows), n + 1))
    return cells.compact(np.unique(R, axis=0) if R.dtype != object else np.array(sorted(set(map(tuple, R.tolist()))), dtype=object))


def _affine_layer(weights, biases, matrix, offset, n):
    """z = W (M x + m) + b as (gradient rows, constants)."""
    grads, consts = [], []
    for wrow, b in zip(weights, biases):
        g = [sum((w * matrix[k][j] for k, w in enumerate(wrow) if w), _ZERO) for j in range(n)]
        c = sum((w * offset[k] for k, w in enumerate(wrow) if w), _ZERO) + b
        grads.append(g)
        consts.append(c)
    return grads, consts


def pattern_constraints(net: ReluNetwork, pattern) -> list[tuple[dict, tuple]]:
    """For every hidden neuron that is not identically zero on the pattern's region, the
    affine function s * z(x) (s = +1 active, -1 inactive) that is > 0 there, as
    ({"neuron": [layer, index]}, (gradient, constant)).  Constant neurons are skipped."""
    n = net.input_dim
    M = [[mpq(1) if i == j else _ZERO for j in range(n)] for i in range(n)]
    m = [_ZERO] * n
    out = []
    for li, (layer, bits) in enumerate(zip(net.layers[:-1], pattern)):
        grads, consts = _affine_layer(layer.weights, layer.biases, M, m, n)
        for j, (g, c, b) in enumerate(zip(grads, consts, bits)):
            if any(v != 0 for v in g):
                s = 1 if b else -1
                out.append(({"neuron": [li, j]}, (tuple(s * v for v in g), s * c)))
        M = [g if b else [_ZERO] * n for g, b in zip(grads, bits)]
        m = [c if b else _ZERO for c, b in zip(consts, bits)]
    return out


def _one_sided_patterns(net: ReluNetwork, X: np.ndarray, D: np.ndarray, dirs: np.ndarray) -> list[np.ndarray]:
    """:func:`one_sided_pattern` at many points X[k] / D[k] along dirs[k] at once, in
    integers: per layer the pre-activations times a positive scale, and their derivatives."""
    h, dh = cells.wide(X), cells.wide(dirs)
    scale = cells.wide(D)  # h / scale is the current layer input
    out = []
    for layer in net.layers[:-1]:
        W, b, q = _integer_layer(layer)
        W, b = cells.wide(W), cells.wide(b)
        z = h.dot(W.T) + scale[:, None] * b[None, :]  # = q * scale * pre-activation
        dz = dh.dot(W.T)
        bits = ((z > 0) | ((z == 0) & (dz > 0))).astype(np.uint8)
        out.append(bits)
        h = np.where(bits > 0, z, 0)
        dh = np.where(bits > 0, dz, 0)
        scale = scale * q
    return out


def one_sided_pattern(net: ReluNetwork, x, direction) -> tuple[tuple[int, ...], ...]:
    """The activation pattern at x + e * direction for infinitely small e > 0."""
    h = list(x)
    dh = list(direction)
    pattern = []
    for layer in net.layers[:-1]:
        z = [sum((w * v for w, v in zip(row, h)), _ZERO) + b for row, b in zip(layer.weights, layer.biases)]
        dz = [sum((w * v for w, v in zip(row, dh)), _ZERO) for row in layer.weights]
        bits = tuple(1 if (v > 0 or (v == 0 and dv > 0)) else 0 for v, dv in zip(z, dz))
        pattern.append(bits)
        h = [v if b else _ZERO for v, b in zip(z, bits)]
        dh = [dv if b else _ZERO for dv, b in zip(dz, bits)]
    return tuple(pattern)


