"""Activation regions, linear regions and pieces of a ReLU network, exactly.

Route (DESIGN.md "Networks"): the regions after layer 1 are the cells of layer 1's
hyperplane arrangement; each cell is refined by the next layer's neurons, which are
affine on it, with the same region engine (no LP).  Neurons that are constant on a cell
(dead, always active, zero weights) do not cut it.

**Pattern convention.**  A neuron is reported active (1) on a region where its
pre-activation is > 0 and inactive (0) where it is < 0 *or identically 0* on the whole
region (ReLU(0) = 0, so both choices compute the same function there).

Three counts (PAPER.md §2), always reported separately:

* activation regions — the cells above;
* linear regions — activation regions merged across shared facets when their affine maps
  are equal (facet contact is decided by the region engine, no LP);
* pieces — maximal connected sets on which the function is affine: regions with equal
  maps whose closures meet anywhere (exact LP, only inside a group of equal maps).

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
from typing import TYPE_CHECKING, Any, Callable, Sequence

import numpy as np
from gmpy2 import mpq

from .. import cells
from ..exact.affine import AffineMap
from ..errors import ShapeError
from ..exact.linalg import integer_row, lcm_denominators
from .line import LineRegionsMixin
from .network import ReluNetwork
from ..geometry.polyhedron import OpenPolyhedron
from ..exact.rational import Rational

if TYPE_CHECKING:  # networkx and cddlib are imported where used (start-up time of small commands)
    import networkx as nx

__all__ = ["ActivationRegion", "NetworkRegions", "LineRegions", "network_regions", "pattern_constraints", "one_sided_pattern"]

_ZERO = mpq(0)


@dataclass(frozen=True)
class ActivationRegion:
    """One activation region of a network.

    ``inequalities`` is an H-representation ``a . x < b`` (possibly with redundant rows)
    including the domain, built on first use; ``affine_map`` is the network's exact map
    on the region.
    """

    pattern: tuple[tuple[int, ...], ...]
    witness: tuple[Rational, ...]
    rows: Any = field(repr=False, compare=False)  # integer rows [c | e]: c . x - e > 0
    affine_map: AffineMap

    @property
    def inequalities(self) -> tuple[tuple[tuple[Rational, ...], Rational], ...]:
        n = len(self.witness)
        return tuple((tuple(mpq(-int(v)) for v in r[:n]), mpq(-int(r[n]))) for r in _as_rows(self.rows))


class _LazyRows:
    """The H-representation of a region of the last refinement, built on demand from
    its parent's rows and the sign of each cutting neuron (siblings share the arrays)."""

    __slots__ = ("parent", "H", "signs")

    def __init__(self, parent: np.ndarray, H: np.ndarray, signs: np.ndarray):
        self.parent, self.H, self.signs = parent, H, signs

    def materialize(self) -> np.ndarray:
        new = cells.wide(self.H) * self.signs.astype(object)[:, None]
        return cells.compact(np.concatenate([cells.wide(self.parent), new], axis=0) if self.parent.shape[0] else new)


def _as_rows(rows) -> np.ndarray:
    return rows.materialize() if isinstance(rows, _LazyRows) else rows


@dataclass
class _Cell:
    rows: np.ndarray  # engine convention: rows [c | e] meaning c . x - e > 0
    witness: tuple[tuple[int, ...], int]  # numerators, denominator
    pattern: tuple[tuple[int, ...], ...]
    matrix: tuple[tuple[Rational, ...], ...]  # post-activation outputs of the last layer: M x + m
    offset: tuple[Rational, ...]
    generators: tuple | None = None  # (points, rays, lines) of the closure, when known


def _meets(grad, const, gens) -> bool:
    """Whether the hyperplane grad . x + const = 0 meets the open cell with these
    generators: inf < 0 < sup of the affine function over the cell."""
    points, rays, lines = gens
    lo_inf = hi_inf = False
    for l in lines:
        if sum((a * b for a, b in zip(grad, l)), _ZERO) != 0:
            return True
    for r in rays:
        v = sum((a * b for a, b in zip(grad, r)), _ZERO)
        hi_inf |= v > 0
        lo_inf |= v < 0
    vals = [sum((a * b for a, b in zip(grad, p)), _ZERO) + const for p in points]
    lo = lo_inf or min(vals) < 0
    hi = hi_inf or max(vals) > 0
    return lo and hi


def _affine_layer(weights, biases, matrix, offset, n):
    """z = W (M x + m) + b as (gradient rows, constants)."""
    grads, consts = [], []
    for wrow, b in zip(weights, biases):
        g = [sum((w * matrix[k][j] for k, w in enumerate(wrow) if w), _ZERO) for j in range(n)]
        c = sum((w * offset[k] for k, w in enumerate(wrow) if w), _ZERO) + b
        grads.append(g)
        consts.append(c)
    return grads, consts


def _refine(cell: _Cell, weights, biases, n: int, more: bool = False, out_layer=None) -> list[_Cell]:
    """Split a cell by the next layer's neurons.  ``more``: another hidden layer follows,
    so the children keep only their facets and their generators (exact cddlib), which lets
    the next refinement skip the neurons that do not cut a child."""
    from ..exact import cddlib

    grads, consts = _affine_layer(weights, biases, cell.matrix, cell.offset, n)
    cutting = [j for j, g in enumerate(grads) if any(v != 0 for v in g)]
    if cell.generators is not None:
        cutting = [j for j in cutting if _meets(grads[j], consts[j], cell.generators)]
    w = tuple(mpq(v, cell.witness[1]) for v in cell.witness[0])
    const_bits = {
        j: (1 if sum((a * b for a, b in zip(grads[j], w)), _ZERO) + consts[j] > 0 else 0)
        for j in range(len(grads))
        if j not in set(cutting)
    }
    if not cutting:
        bits = tuple(const_bits[j] for j in range(len(grads)))
        child = _child(cell, bits, grads, consts, cell.rows, cell.witness, out_layer)
        child.generators = cell.generators if more else None
        return [child]
    H = cells.compact(np.array([integer_row(tuple(grads[j]) + (-consts[j],)) for j in cutting], dtype=object))
    X, D, U = cells.cover(n, H, cell.rows, base=cell.witness, hints=cell.generators)
    S = cells.lexsigns(X, D, U, H)
    rows_all = np.concatenate([cells.wide(H), cells.wide(cell.rows)], axis=0) if cell.rows.shape[0] else cells.wide(H)
    Xr, Dr = cells.realize(X, D, U, rows_all)
    children = []
    for i in range(X.shape[0]):
        sign = dict(zip(cutting, S[i].tolist()))
        bits = tuple(const_bits[j] if j in const_bits else (1 if sign[j] > 0 else 0) for j in range(len(grads)))
        wit = (tuple(int(v) for v in Xr[i]), int(Dr[i]))
        if more:
            new = cells.wide(H) * S[i].astype(object)[:, None]
            rows = np.concatenate([cells.wide(cell.rows), new], axis=0) if cell.rows.shape[0] else new
            rows = cells.compact(_facets_only(rows, n))
        else:
            rows = _LazyRows(cell.rows, H, S[i])
        child = _child(cell, bits, grads, consts, rows, wit, out_layer)
        if more:
            child.generators = cddlib.h_to_v([[mpq(-int(r[n]))] + [mpq(int(v)) for v in r[:n]] for r in rows])
        children.append(child)
    return children


def _facets_only(rows: np.ndarray, n: int) -> np.ndarray:
    """Keep the irredundant rows (the cell's facets).  An exact cddlib redundancy test; it
    only shortens the H-representation that later refinements carry, never decides a
    count, and above 2n rows it makes each refinement several times cheaper."""
    from ..exact import cddlib

    if rows.shape[0] <= 1:
        return rows
    return rows[cddlib.irredundant(rows.tolist())]


def _child(cell: _Cell, bits, grads, consts, rows, witness, out_layer=None) -> _Cell:
    """A refined cell.  With ``out_layer`` (the network's output layer, after the last
    hidden layer) it stores the network's final affine map instead of the hidden outputs."""
    n = len(grads[0]) if grads else 0
    if out_layer is not None:
        W, b = out_layer
        act = [j for j, a in enumerate(bits) if a]
        matrix = tuple(tuple(sum((row[j] * grads[j][c] for j in act), _ZERO) for c in range(n)) for row in W)
        offset = tuple(sum((row[j] * consts[j] for j in act), _ZERO) + bo for row, bo in zip(W, b))
        return _Cell(rows, witness, cell.pattern + (bits,), matrix, offset)
    matrix = tuple(tuple(g) if a else tuple([_ZERO] * n) for g, a in zip(grads, bits))
    offset = tuple(c if a else _ZERO for c, a in zip(consts, bits))
    return _Cell(rows, witness, cell.pattern + (bits,), matrix, offset)


def _refine_many(cells: list[_Cell], weights, biases, n: int, more: bool, out_layer=None) -> list[list[_Cell]]:
    return [_refine(c, weights, biases, n, more, out_layer) for c in cells]


class NetworkRegions:
    """The activation regions of a network (on a domain) and the counts derived from them."""

    def __init__(self, network: ReluNetwork, regions: list[ActivationRegion], rows: list[np.ndarray], domain, partial: bool):
        self.network = network
        self.regions = regions
        self._rows = rows
        self.domain = domain
        self.partial = partial
        self._cache: dict[str, Any] = {}

    def _row(self, i: int) -> np.ndarray:
        return _as_rows(self._rows[i])

    @property
    def n_activation_regions(self) -> int:
        return len(self.regions)

    @property
    def n_affine_maps(self) -> int:
        return len({(r.affine_map.matrix, r.affine_map.offset) for r in self.regions})

    def _row_keys(self, i: int) -> dict[tuple, list[tuple[int, int]]]:
        out: dict[tuple, list[tuple[int, int]]] = {}
        rows = self._row(i)
        for k in range(rows.shape[0]):
            key, o = cells.canonical_class_key([int(v) for v in rows[k]])
            out.setdefault(key, []).append((k, o))
        return out

    def _facet_between(self, i: int, j: int):
        """A point in the relative interior of a facet shared by regions i and j, or None."""
        ki, kj = self._row_keys(i), self._row_keys(j)
        for key, lst in ki.items():
            for k, o in lst:
                opp = [kk for kk, oo in kj.get(key, []) if oo == -o]
                if opp:
                    pt = facet_point(self._row(i), k, self.network.input_dim, self._row(j))
                    if pt is not None:
                        return pt
        return None

    def _facet_pairs(self, pairs=None) -> list[tuple[int, int, tuple[Rational, ...]]]:
        """(i, j, point) for regions sharing a facet, ``point`` in its relative interior.
        Checks the given candidate pairs, or every pair sharing a hyperplane."""
        if pairs is None:
            if "facets" in self._cache:
                return self._cache["facets"]
            index: dict[tuple, set[int]] = {}
            for i in range(len(self.regions)):
                for key in self._row_keys(i):
                    index.setdefault(key, set()).add(i)
            cand = sorted({(i, j) for members in index.values() for i in members for j in members if i < j})
            out = [(i, j, pt) for i, j in cand if (pt := self._facet_between(i, j)) is not None]
            self._cache["facets"] = out
            return out
        return [(i, j, pt) for i, j in pairs if (pt := self._facet_between(i, j)) is not None]

    def _domain_rows(self) -> np.ndarray:
        n = self.network.input_dim
        return self.domain.engine_rows() if self.domain is not None else np.zeros((0, n + 1), dtype=np.int64)

    def map_groups(self) -> list[list[int]]:
        """Region indices grouped by equal affine map (first-occurrence order)."""
        groups: dict[tuple, list[int]] = {}
        for i, r in enumerate(self.regions):
            groups.setdefault((r.affine_map.matrix, r.affine_map.offset), []).append(i)
        return list(groups.values())

    def _same_map_facets(self) -> list[tuple[int, int]]:
        if "same_facets" not in self._cache:
            pairs = [(i, j) for g in self.map_groups() for a, i in enumerate(g) for j in g[a + 1 :]]
            self._cache["same_facets"] = [(i, j) for i, j, _ in self._facet_pairs(pairs)]
        return self._cache["same_facets"]

    def region_graph(self) -> nx.Graph:
        """Nodes: region indices with ``pattern``, ``witness``, ``affine_map``; edges: shared
        facets with ``point`` (exact, in the facet's relative interior)."""
        import networkx as nx

        G = nx.Graph()
        for i, r in enumerate(self.regions):
            G.add_node(i, pattern=r.pattern, witness=r.witness, affine_map=r.affine_map)
        for i, j, pt in self._facet_pairs():
            G.add_edge(i, j, point=pt)
        return G

    def _components(self, edges) -> int:
        parent = list(range(len(self.regions)))

        def find(a):
            while parent[a] != a:
                parent[a] = parent[parent[a]]
                a = parent[a]
            return a

        for i, j in edges:
            a, b = find(i), find(j)
            if a != b:
                parent[a] = b
        return len({find(i) for i in range(len(self.regions))}), find

    @property
    def n_linear_regions(self) -> int:
        """Regions merged across shared facets with equal affine maps (facets tested only
        inside groups of equal maps, by the region engine)."""
        return self._components(self._same_map_facets())[0]

    def piece_graph(self) -> nx.Graph:
        """Nodes: regions; edges: equal affine maps and closures that meet (any dimension)."""
        import networkx as nx

        if "pieces" not in self._cache:
            G = nx.Graph()
            G.add_nodes_from(range(len(self.regions)))
            G.add_edges_from(self._same_map_facets())
            for members in self.map_groups():
                for a_i, i in enumerate(members):
                    for j in members[a_i + 1 :]:
                        if nx.has_path(G, i, j):
                            continue
                        if _closures_meet(self._row(i), self._row(j), self._domain_rows(), self.network.input_dim):
                            G.add_edge(i, j)
            self._cache["pieces"] = G
        return self._cache["pieces"]

    @property
    def n_pieces(self) -> int:
        import networkx as nx

        return nx.number_connected_components(self.piece_graph()) if self.regions else 0

    def counts(self) -> dict[str, Any]:
        return {
            "activation_regions": self.n_activation_regions,
            "linear_regions": self.n_linear_regions,
            "pieces": self.n_pieces,
            "affine_maps": self.n_affine_maps,
            "partial": self.partial,
        }


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


def _closures_meet(rows_i: np.ndarray, rows_j: np.ndarray, dom: np.ndarray, n: int) -> bool:
    """Whether closure(R_i) ∩ closure(R_j) meets the open domain (rows ``dom``): pieces
    are connected sets *inside* the domain, so regions touching only on its boundary stay
    apart.  Exact LP (maximise the slack of the domain rows)."""
    from ..certify import proofs

    def aff(r):
        return tuple(mpq(int(v)) for v in r[:n]), mpq(-int(r[n]))

    cons = [aff(r) for r in list(rows_i) + list(rows_j)] + [aff(r) for r in dom]
    strict = [False] * (rows_i.shape[0] + rows_j.shape[0]) + [True] * dom.shape[0]
    return proofs.closed_point(cons, n, strict) is not None


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


class LineRegions(LineRegionsMixin, NetworkRegions):
    """The regions of a network on R, from the exact 1-D path (:mod:`polyrelu.nets.line`):
    same results, listed left to right, built lazily; counts without LP."""

    region_type = ActivationRegion


def network_regions(
    network: ReluNetwork,
    *,
    domain: OpenPolyhedron | None = None,
    workers: int | None = None,
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
        Processes (default: all cores when a layer has many cells).  Same result.
    max_regions, max_seconds : optional budget
        When exceeded, enumeration stops after the current layer and the result has
        ``partial = True``: its regions are the cells of a partially refined network,
        not the network's activation regions.
    progress : callable(layer, done_cells, total_cells), optional
    route : {"auto", "line", "cells"}
        "auto" takes the exact 1-D path (:mod:`polyrelu.nets.line`) for one input and the
        cell engine otherwise; "cells" forces the cell engine (same results, slower).
    """
    n = network.input_dim
    if route not in ("auto", "line", "cells") or (route == "line" and n != 1):
        raise ShapeError(f"route is {route!r}; use 'auto', 'cells' or (for a network with one input) 'line'")
    if n == 1 and route != "cells":  # on the line: breakpoint propagation, no cells, no LP
        return LineRegions.from_network(network, domain=domain, max_regions=max_regions, max_seconds=max_seconds, progress=progress)
    if domain is not None:
        if domain.dim != n:
            raise ShapeError(f"domain has dimension {domain.dim} but the network has {n} inputs")
        rows = domain.engine_rows()
        w = domain.interior_point()
        if w is None:
            return NetworkRegions(network, [], [], domain, False)
        den = lcm_denominators(w)
        witness = (tuple(int(v * den) for v in w), den)
    else:
        rows = np.zeros((0, n + 1), dtype=np.int64)
        witness = (tuple([0] * n), 1)
    ident = tuple(tuple(mpq(1) if i == j else _ZERO for j in range(n)) for i in range(n))
    cells = [_Cell(rows, witness, (), ident, tuple([_ZERO] * n))]
    start = time.monotonic()
    partial = False
    from ..parallel import default_workers, run_tasks

    for li, layer in enumerate(network.layers[:-1]):
        nw = workers if workers is not None else (default_workers() if len(cells) >= 64 else 1)
        chunk = max(1, len(cells) // (4 * nw)) if nw > 1 else len(cells)
        more = li < network.n_hidden_layers - 1
        final = None if more else (network.layers[-1].weights, network.layers[-1].biases)
        tasks = [(cells[i : i + chunk], layer.weights, layer.biases, n, more, final) for i in range(0, len(cells), chunk)]
        out = run_tasks(_refine_many, tasks, workers=nw)
        new = [c for part in out for children in part for c in children]
        if progress is not None:
            progress(li, len(new), len(new))
        cells = new
        if (max_regions is not None and len(cells) > max_regions) or (max_seconds is not None and time.monotonic() - start > max_seconds):
            partial = li < network.n_hidden_layers - 1
            if partial:
                break
    last = network.layers[-1]
    regions, row_list = [], []
    for c in cells:
        if partial or network.n_hidden_layers > 0:
            amap = AffineMap(c.matrix, c.offset, n)  # the final map (or, if partial, the hidden outputs)
        else:  # an affine network: no hidden layer was refined
            grads, consts = _affine_layer(last.weights, last.biases, c.matrix, c.offset, n)
            amap = AffineMap(tuple(tuple(g) for g in grads), tuple(consts), n)
        X, D = c.witness
        regions.append(ActivationRegion(c.pattern, tuple(mpq(v, D) for v in X), c.rows, amap))
        row_list.append(c.rows)
    return NetworkRegions(network, regions, row_list, domain, partial)
