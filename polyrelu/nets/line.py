"""Activation regions of a network on R, exactly, by breakpoint propagation.

On the line every activation region is an open interval, and the regions are the
maximal intervals on which every hidden neuron keeps one sign (or is identically zero).
They are found layer by layer with integers only: each hidden unit is affine on every
current interval, (A X + B) / E with X = D x; a neuron of the next layer cuts an interval
where its values at the two ends have strictly opposite signs (at an unbounded end, the
sign of its slope decides), at X = -B / A.  ``D`` is scaled once per layer so that every
cut is an integer, and every layer's integers are divided by their common gcd.  Arrays
are int64 where a bound proves nothing overflows and Python integers otherwise.

Counts on the line need no LP and no cell engine: two regions share a facet iff they are
consecutive (the facet is their common endpoint), and two closures meet iff they are
equal or consecutive, so linear regions and pieces are both the maximal runs of
consecutive regions with one affine map.

:class:`LineRegionsMixin` gives :class:`polyrelu.nets.regions.NetworkRegions` these fast
routes (``network_regions`` uses them for every network with one input); regions,
witnesses, H-rows and affine maps are built only when asked for.

>>> from polyrelu.paper.constructions import hard_function
>>> cells = line_cells(hard_function([["1/3", "2/3"]] * 3, 1))
>>> cells.n_regions, len(cells.breakpoints())
(28, 27)
"""

from __future__ import annotations

import time
from collections.abc import Sequence as SequenceABC
from dataclasses import dataclass
from math import gcd
from typing import TYPE_CHECKING, Any, Callable, Sequence

import numpy as np
from gmpy2 import mpq

from ..errors import ShapeError
from ..exact.affine import AffineMap
from ..exact.linalg import lcm_denominators
from ..exact.rational import Rational

if TYPE_CHECKING:
    import networkx as nx

    from ..geometry.polyhedron import OpenPolyhedron
    from .network import ReluNetwork

__all__ = ["LineCells", "line_cells", "interval_of", "LineRegionsMixin"]

_SAFE = 1 << 62


# ------------------------------------------------------------------ integer arrays
def _maxabs(a: np.ndarray) -> int:
    if a.size == 0:
        return 0
    return max(abs(int(a.max())), abs(int(a.min())))


def _obj(a: np.ndarray) -> np.ndarray:
    return a if a.dtype == object else a.astype(object)


def _compact(a: np.ndarray) -> np.ndarray:
    if a.dtype == object and (a.size == 0 or _maxabs(a) < _SAFE):
        return a.astype(np.int64)
    return a


def _matmul(W: np.ndarray, A: np.ndarray) -> np.ndarray:
    if W.dtype != object and A.dtype != object and _maxabs(W) * _maxabs(A) * max(1, W.shape[1]) < _SAFE:
        return W @ A
    return _obj(W).dot(_obj(A))


def _affine(A: np.ndarray, X: np.ndarray, B: np.ndarray) -> np.ndarray:
    """A * X + B elementwise (broadcasting), exactly."""
    if A.dtype != object and X.dtype != object and B.dtype != object and _maxabs(A) * _maxabs(X) + _maxabs(B) < _SAFE:
        return A * X + B
    return _obj(A) * _obj(X) + _obj(B)


def _add(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """A + B (broadcasting), exactly."""
    if A.dtype != object and B.dtype != object and _maxabs(A) + _maxabs(B) < _SAFE:
        return A + B
    return _obj(A) + _obj(B)


def _scale(A: np.ndarray, f: int) -> np.ndarray:
    if f == 1:
        return A
    if A.dtype != object and abs(f) < _SAFE and _maxabs(A) * abs(f) < _SAFE:
        return A * f
    return _obj(A) * f


def _div(A: np.ndarray, g: int) -> np.ndarray:
    """A // g for a g that divides every entry (g may exceed int64)."""
    if A.dtype != object and g < _SAFE:
        return A // g
    return _compact(_obj(A) // g)


def _array_gcd(*arrays: np.ndarray) -> int:
    g = 0
    for a in arrays:
        if a.size == 0:
            continue
        if a.dtype != object:
            g = gcd(g, int(np.gcd.reduce(np.abs(a).ravel())))
        else:
            for v in a.ravel().tolist():
                g = gcd(g, v)
                if g == 1:
                    return 1
        if g == 1:
            return 1
    return g


def _sign(a: np.ndarray) -> np.ndarray:
    if a.dtype != object:
        return np.sign(a).astype(np.int8)
    return ((a > 0).astype(np.int8) - (a < 0).astype(np.int8)).reshape(a.shape)


def _layer_integers(layer) -> tuple[np.ndarray, np.ndarray, int]:
    """(Wn, bn, d) with weights = Wn / d and biases = bn / d, d > 0."""
    d = lcm_denominators([v for row in layer.weights for v in row] + list(layer.biases))
    W = np.array([[int(v * d) for v in row] for row in layer.weights], dtype=object)
    b = np.array([int(v * d) for v in layer.biases], dtype=object)
    return _compact(W), _compact(b), d


# ------------------------------------------------------------------ the domain
def interval_of(domain: "OpenPolyhedron | None") -> tuple[Rational | None, Rational | None] | None:
    """(lo, hi) with the open interval lo < x < hi equal to a 1-D open polyhedron (None
    for an infinite end), or None if it is empty."""
    lo = hi = None
    if domain is None:
        return lo, hi
    if domain.dim != 1:
        raise ShapeError(f"domain has dimension {domain.dim} but the network has 1 input")
    for (a,), b in domain.inequalities:
        if a == 0:
            if not b > 0:
                return None
        elif a > 0:
            hi = b / a if hi is None else min(hi, b / a)
        else:
            lo = b / a if lo is None else max(lo, b / a)
    if lo is not None and hi is not None and not lo < hi:
        return None
    return lo, hi


# ------------------------------------------------------------------ the engine
@dataclass
class LineCells:
    """The activation regions of a network on (an interval of) R, as integer arrays.

    Region k is the open interval between consecutive ends of ``lo``, ``cuts``, ``hi``
    (divided by D; ``lo`` / ``hi`` None: infinite).  ``layer_bits[l]`` is hidden layer
    l's pattern (neurons x the intervals after layer l), ``parents[l]`` maps those
    intervals to the intervals after layer l - 1; :meth:`pattern` composes them.  Output
    k of the map on region i is (A[k, i] x + B[k, i]) / E.  With ``partial`` the map is
    the hidden outputs of the last refined layer (a budget ran out).
    """

    D: int
    cuts: np.ndarray  # boundaries between consecutive regions, X units, increasing
    lo: int | None  # domain ends in X units (None: infinite)
    hi: int | None
    layer_bits: list[np.ndarray]
    parents: list[np.ndarray]
    A: np.ndarray
    B: np.ndarray
    E: int
    partial: bool
    layers_completed: int = 0

    @property
    def n_regions(self) -> int:
        return 0 if self.A.shape[1] == 0 else self.cuts.size + 1

    def breakpoints(self) -> list[Rational]:
        """The boundaries between consecutive regions, increasing."""
        return [mpq(int(v), self.D) for v in self.cuts.tolist()]

    def map_keys(self) -> np.ndarray:
        """One row per region identifying its affine map exactly (shared denominators)."""
        K = np.concatenate([self.A, self.B], axis=0).T
        return K

    def map_ids(self) -> tuple[np.ndarray, np.ndarray]:
        """(ids, first): ids[i] numbers region i's map in first-occurrence order; first[m]
        is the first region with map m."""
        K = self.map_keys()
        if K.shape[0] == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        if K.dtype == object:
            seen: dict[tuple, int] = {}
            firsts: list[int] = []
            id_list: list[int] = []
            for i, r in enumerate(K.tolist()):
                m = seen.setdefault(tuple(r), len(seen))
                if m == len(firsts):
                    firsts.append(i)
                id_list.append(m)
            return np.array(id_list, dtype=np.int64), np.array(firsts, dtype=np.int64)
        order = np.lexsort(K.T[::-1])  # stable: within a group, regions stay in order
        Ks = K[order]
        new = np.ones(order.size, dtype=bool)
        new[1:] = np.any(Ks[1:] != Ks[:-1], axis=1)
        group = np.cumsum(new) - 1
        first = order[new]  # the first region of each group (sorted by map)
        rank = np.empty(first.size, dtype=np.int64)
        by_first = np.argsort(first, kind="stable")
        rank[by_first] = np.arange(first.size)
        ids = np.empty(order.size, dtype=np.int64)
        ids[order] = rank[group]
        return ids, first[by_first]

    def map_changes(self) -> np.ndarray:
        """changes[k]: whether regions k and k + 1 have different affine maps."""
        K = self.map_keys()
        if K.shape[0] < 2:
            return np.zeros(0, dtype=bool)
        return np.any(K[1:] != K[:-1], axis=1)

    def bounds(self, k: int) -> tuple[int | None, int | None]:
        """Ends of region k in X units (None: infinite)."""
        left = self.lo if k == 0 else int(self.cuts[k - 1])
        right = self.hi if k == self.cuts.size else int(self.cuts[k])
        return left, right

    def witness(self, k: int) -> tuple[Rational]:
        left, right = self.bounds(k)
        if left is None and right is None:
            return (mpq(0),)
        if left is None:
            assert right is not None
            return (mpq(right - 1, self.D),)
        if right is None:
            return (mpq(left + 1, self.D),)
        return (mpq(left + right, 2 * self.D),)

    def rows(self, k: int) -> np.ndarray:
        """Engine rows [c | e] (c x - e > 0) of region k: its finite ends."""
        out = []
        left, right = self.bounds(k)
        if left is not None:
            g = gcd(self.D, left)
            out.append([self.D // g, left // g])
        if right is not None:
            g = gcd(self.D, right)
            out.append([-self.D // g, -right // g])
        return _compact(np.array(out, dtype=object).reshape(len(out), 2))

    def pattern(self, k: int) -> tuple[tuple[int, ...], ...]:
        out = []
        for bits, parent in zip(reversed(self.layer_bits), reversed(self.parents)):
            out.append(tuple(int(v) for v in bits[:, k].tolist()))
            k = int(parent[k])
        return tuple(reversed(out))

    def affine_map(self, k: int) -> AffineMap:
        slope = tuple((mpq(int(a), self.E),) for a in self.A[:, k].tolist())
        offset = tuple(mpq(int(b), self.E) for b in self.B[:, k].tolist())
        return AffineMap(slope, offset, 1)


def line_cells(
    network: "ReluNetwork",
    *,
    domain: "OpenPolyhedron | None" = None,
    max_regions: int | None = None,
    max_seconds: float | None = None,
    progress: Callable[[int, int, int], None] | None = None,
) -> LineCells:
    """The activation regions of a network with one input (see the module docstring).

    Budgets are checked after each hidden layer (a layer costs one pass over the
    intervals); when one runs out before the last layer, the result is ``partial``: the
    intervals of the completed layers, with the hidden outputs as maps.  (The cell engine
    also checks inside a layer, so on the same budget the two routes may stop at
    different layers; each partial result is a prefix of the enumeration.)
    """
    if network.input_dim != 1:
        raise ShapeError(f"the 1-D path needs a network with one input, this one has {network.input_dim}")
    span = interval_of(domain)
    start = time.monotonic()
    if span is None:  # empty domain: no region
        m = network.output_dim
        z = np.zeros((m, 0), dtype=np.int64)
        return LineCells(1, np.zeros(0, dtype=np.int64), None, None, [], [], z, z, 1, False, len(network.layers) - 1)
    lo_q, hi_q = span
    D = lcm_denominators([v for v in (lo_q, hi_q) if v is not None])
    lo = int(lo_q * D) if lo_q is not None else None
    hi = int(hi_q * D) if hi_q is not None else None
    cuts = np.zeros(0, dtype=np.int64)
    A = np.ones((1, 1), dtype=np.int64)  # the input unit: x = (1 X + 0) / E with E = D
    B = np.zeros((1, 1), dtype=np.int64)
    E = D
    layer_bits: list[np.ndarray] = []  # each hidden layer's pattern on its own intervals
    parents: list[np.ndarray] = []  # the interval of the previous layer holding each interval
    partial = False
    hidden = network.layers[:-1]
    completed = 0
    for li, layer in enumerate(hidden):
        Wn, bn, dW = _layer_integers(layer)
        Az = _matmul(Wn, A)
        Bz = _add(_matmul(Wn, B), _scale(bn, E)[:, None])
        Ez = dW * E
        g = gcd(_array_gcd(Az, Bz), Ez)
        if g > 1:
            Az, Bz, Ez = _div(Az, g), _div(Bz, g), Ez // g
        # which (neuron, interval) pairs cross zero strictly inside the interval
        n_int = cuts.size + 1
        big = cuts.dtype == object or max(abs(lo or 0), abs(hi or 0)) >= _SAFE
        ends = _obj(cuts) if big else cuts
        left = np.concatenate([np.array([lo or 0], dtype=ends.dtype), ends])  # placeholders at infinite ends
        right = np.concatenate([ends, np.array([hi or 0], dtype=ends.dtype)])
        zl = _sign(_affine(Az, left[None, :], Bz))
        zr = _sign(_affine(Az, right[None, :], Bz))
        sa = _sign(Az)
        cross = (zl * zr < 0)
        if lo is None:
            cross[:, 0] = sa[:, 0] != 0 if (hi is None and n_int == 1) else (sa[:, 0] * zr[:, 0] > 0)
        if hi is None:
            last = n_int - 1
            if not (lo is None and n_int == 1):
                cross[:, last] = sa[:, last] * zl[:, last] < 0
        ji, ii = np.nonzero(cross)
        if ji.size:
            num = -_obj(Bz[ji, ii]) if Bz.dtype == object else -Bz[ji, ii]
            den = Az[ji, ii]
            # scale X so that every root -B/A is an integer
            if den.dtype != object and num.dtype != object:
                q = np.abs(den) // np.gcd(den, num)
                qs = [] if int(q.max()) == 1 else np.unique(q).tolist()
            else:
                qs = {abs(a) // gcd(a, b) for a, b in zip(den.tolist(), num.tolist())}
            f = 1
            for q in qs:
                f = f * q // gcd(f, q)
            if f > 1:
                D *= f
                cuts = _scale(cuts, f)
                lo = lo * f if lo is not None else None
                hi = hi * f if hi is not None else None
                Bz, Ez = _scale(Bz, f), Ez * f  # (A X + B) / E = (A (f X) + f B) / (f E)
                num = _scale(num, f)
            roots = _compact(_obj(num) // _obj(den)) if (num.dtype == object or den.dtype == object) else num // den
            if cuts.dtype == object or roots.dtype == object:
                merged = sorted(set(_obj(cuts).tolist()) | set(_obj(roots).tolist()))
                new_cuts = _compact(np.array(merged, dtype=object))
            else:  # roots lie strictly inside intervals: only roots can repeat
                new_cuts = np.sort(np.concatenate([cuts, roots]))
                if new_cuts.size > 1:
                    new_cuts = new_cuts[np.concatenate([[True], new_cuts[1:] != new_cuts[:-1]])]
        else:
            new_cuts = cuts
        # the parent interval of every new interval, and a point inside it (doubled)
        n_new = new_cuts.size + 1
        parent = np.zeros(n_new, dtype=np.int64)  # new interval k starts at new_cuts[k - 1]
        if cuts.size:
            parent[1:] = np.searchsorted(_obj(cuts) if new_cuts.dtype == object else cuts, new_cuts, side="right")
        P2 = _points2(new_cuts, lo, hi)
        Ap, Bp = Az[:, parent], Bz[:, parent]
        val = _affine(Ap, P2[None, :], _scale(Bp, 2))
        on = (_sign(val) > 0)
        parents.append(parent)
        layer_bits.append(on.astype(np.uint8))
        zero = np.zeros((), dtype=Ap.dtype)
        A = np.where(on, Ap, zero)
        B = np.where(on, Bp, zero)
        if A.dtype == object:
            A, B = _compact(A), _compact(B)
        E = Ez
        cuts = new_cuts
        if progress is not None:
            progress(li, n_new, n_new)
        completed = li + 1
        if (max_regions is not None and n_new > max_regions) or (max_seconds is not None and time.monotonic() - start > max_seconds):
            partial = li < len(hidden) - 1
            if partial:
                break
    if not partial:
        Wn, bn, dW = _layer_integers(network.layers[-1])
        A, B = _matmul(Wn, A), _add(_matmul(Wn, B), _scale(bn, E)[:, None])
        E = dW * E
    # maps as (A x + B) / E: fold D into A, reduce
    A = _scale(A, D)
    g = gcd(_array_gcd(A, B), E)
    if g > 1:
        A, B, E = _div(A, g), _div(B, g), E // g
    return LineCells(D, cuts, lo, hi, layer_bits, parents, _compact(_obj(A)) if A.dtype == object else A,
                     _compact(_obj(B)) if B.dtype == object else B, E, partial, completed)


def _points2(cuts: np.ndarray, lo: int | None, hi: int | None) -> np.ndarray:
    """Twice a point (X units) strictly inside each interval between consecutive ends."""
    n = cuts.size + 1
    if cuts.size == 0:
        if lo is None and hi is None:
            return np.zeros(1, dtype=np.int64)
        if lo is None:
            assert hi is not None
            return _compact(np.array([2 * (hi - 1)], dtype=object))
        if hi is None:
            return _compact(np.array([2 * (lo + 1)], dtype=object))
        return _compact(np.array([lo + hi], dtype=object))
    c = cuts
    if c.dtype != object and _maxabs(c) * 2 + 2 + 2 * max(abs(lo or 0), abs(hi or 0)) < _SAFE:
        out = np.empty(n, dtype=np.int64)
        out[1:-1] = c[:-1] + c[1:]
        out[0] = 2 * (int(c[0]) - 1) if lo is None else lo + int(c[0])
        out[-1] = 2 * (int(c[-1]) + 1) if hi is None else int(c[-1]) + hi
        return out
    c = _obj(c)
    out = np.empty(n, dtype=object)
    out[1:-1] = c[:-1] + c[1:]
    out[0] = 2 * (int(c[0]) - 1) if lo is None else lo + int(c[0])
    out[-1] = 2 * (int(c[-1]) + 1) if hi is None else int(c[-1]) + hi
    return out


# ------------------------------------------------------------------ the result
class _LazyList(SequenceABC):
    """A read-only list whose items are built on first access (and kept)."""


    def __init__(self, n: int, build: Callable[[int], Any]):
        self._items: list[Any] = [None] * n
        self._build = build

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        item = self._items[i]
        if item is None:
            if i < 0:
                i += len(self._items)
            item = self._items[i] = self._build(i)
        return item

    def __iter__(self):
        for i in range(len(self._items)):
            yield self[i]


class LineRegionsMixin:
    """The regions of a network on R as a :class:`~polyrelu.nets.regions.NetworkRegions`.

    A concrete class combines it with ``NetworkRegions`` and names the region type in
    ``region_type`` (this module does not import the regions module, which dispatches
    here).  Every accessor of the public interface is defined here, from the integer
    arrays of :class:`LineCells` — NetworkRegions' own constructor and internals are not
    used — so regions are listed left to right and built only when asked for, and the
    counts, map groups and graphs need neither LP nor cell engine.
    """

    region_type: Any = None
    network: "ReluNetwork"
    domain: "OpenPolyhedron | None"
    line: LineCells
    partial: bool
    info: dict[str, Any]
    _cache: dict[str, Any]
    _built: "_LazyList"

    @classmethod
    def from_network(cls, network: "ReluNetwork", *, domain: "OpenPolyhedron | None" = None, max_regions: int | None = None,
                     max_seconds: float | None = None, progress: Callable[[int, int, int], None] | None = None):
        obj = cls.__new__(cls)
        obj.network, obj.domain = network, domain
        obj.line = line_cells(network, domain=domain, max_regions=max_regions, max_seconds=max_seconds, progress=progress)
        obj.partial = obj.line.partial
        obj.info = {"route": "line", "layers": network.n_hidden_layers, "layers_completed": obj.line.layers_completed}
        if obj.partial:  # refinement only adds regions: the last layer's count bounds the final one
            obj.info.update({"stopped_in_layer": obj.line.layers_completed + 1, "cells_refined": 0,
                             "cells_in_layer": obj.line.n_regions, "activation_regions_at_least": obj.line.n_regions})
        obj._cache = {}
        obj._built = _LazyList(obj.line.n_regions, obj.region)
        return obj

    # ------------------------------------------------------------ regions
    @property
    def n_activation_regions(self) -> int:
        return self.line.n_regions

    def __len__(self) -> int:
        return self.line.n_regions

    def pattern(self, i: int) -> tuple[tuple[int, ...], ...]:
        return self.line.pattern(i)

    def witness(self, i: int) -> tuple[Rational, ...]:
        return self.line.witness(i)

    def affine_map(self, i: int) -> AffineMap:
        return self.line.affine_map(i)

    def rows(self, i: int) -> np.ndarray:
        return self.line.rows(i)

    def region(self, i: int):
        return self.region_type(self.pattern(i), self.witness(i), self.rows(i), self.affine_map(i))

    @property
    def regions(self) -> Sequence:
        """The regions, left to right (built on first access, then kept)."""
        return self._built

    def iter_regions(self):
        return iter(self._built)

    def index_of(self, pattern) -> int | None:
        """The index of the region with this activation pattern, or None."""
        if "index" not in self._cache:
            self._cache["index"] = {self.pattern(i): i for i in range(self.line.n_regions)}
        key = tuple(tuple(int(v) for v in layer) for layer in pattern)
        return self._cache["index"].get(key)

    @property
    def map_denominator(self) -> int:
        """Q: on region i the network is x -> (A x + c) / Q with [A | c] integer."""
        return int(self.line.E)

    def iter_region_rows(self, lo: int = 0, hi: int | None = None, chunk: int = 65536):
        """Regions lo..hi-1 as plain JSON-ready rows (pattern strings, witness ``p/q``
        strings, integer map over :attr:`map_denominator`), as the cell engine gives them."""
        from ..exact.rational import to_str

        A, B = self.line.A, self.line.B
        hi = self.line.n_regions if hi is None else hi
        for k in range(lo, hi):
            yield {"pattern": ["".join("1" if v else "0" for v in layer) for layer in self.pattern(k)],
                   "witness": [to_str(v) for v in self.witness(k)],
                   "map": [[int(A[o, k]), int(B[o, k])] for o in range(A.shape[0])]}

    # ------------------------------------------------------------ maps and counts
    @property
    def n_affine_maps(self) -> int:
        return int(self.line.map_ids()[1].size)

    def map_groups(self) -> list[list[int]]:
        """Region indices grouped by equal affine map (first-occurrence order)."""
        ids, first = self.line.map_ids()
        order = np.argsort(ids, kind="stable")
        bounds = np.searchsorted(ids[order], np.arange(first.size + 1))
        flat = order.tolist()
        return [flat[bounds[m] : bounds[m + 1]] for m in range(first.size)]

    def _runs(self) -> np.ndarray:
        """Indices k with regions k and k + 1 sharing their affine map (and their endpoint)."""
        return np.flatnonzero(~self.line.map_changes())

    @property
    def n_linear_regions(self) -> int:
        n = self.line.n_regions
        return 0 if n == 0 else n - int(self._runs().size)

    @property
    def n_pieces(self) -> int:
        return self.n_linear_regions  # on the line, closures meet only at shared endpoints

    def counts(self) -> dict[str, Any]:
        return {"activation_regions": self.n_activation_regions, "linear_regions": self.n_linear_regions,
                "pieces": self.n_pieces, "affine_maps": self.n_affine_maps, "partial": self.partial}

    def nonzero_map_indices(self) -> np.ndarray:
        """Regions whose affine map is not identically zero (without building the regions)."""
        K = self.line.map_keys()
        return np.flatnonzero(np.any(K != 0, axis=1)) if K.shape[0] else np.zeros(0, dtype=np.int64)

    # ------------------------------------------------------------ graphs
    def region_graph(self) -> "nx.Graph":
        """Nodes: regions (left to right) with ``pattern``, ``witness``, ``affine_map``;
        edges: consecutive regions, ``point`` their common endpoint."""
        import networkx as nx

        G = nx.Graph()
        for i in range(self.line.n_regions):
            G.add_node(i, pattern=self.pattern(i), witness=self.witness(i), affine_map=self.affine_map(i))
        for k, x in enumerate(self.line.breakpoints()):
            G.add_edge(k, k + 1, point=(x,))
        return G

    def piece_graph(self) -> "nx.Graph":
        """Nodes: regions; edges: consecutive regions with the same affine map."""
        import networkx as nx

        if "pieces" not in self._cache:
            G = nx.Graph()
            G.add_nodes_from(range(self.line.n_regions))
            G.add_edges_from((k, k + 1) for k in self._runs().tolist())
            self._cache["pieces"] = G
        return self._cache["pieces"]
