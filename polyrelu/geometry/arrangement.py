"""Hyperplane arrangements: exact regions, region graph, counts two ways, certificates.

>>> A = HyperplaneArrangement([([1, 0], 0), ([0, 1], 0), ([1, 1], 1)])
>>> A.n_regions(), A.n_bounded_regions()
(7, 1)
>>> A.n_regions_zaslavsky(), A.n_bounded_regions_zaslavsky()
(7, 1)
>>> r = next(A.iter_regions())
>>> r.sign_vector, r.witness, r.is_bounded
((1, 1, -1), (mpq(1,3), mpq(1,9)), True)

Regions are open, full-dimensional cells; a sign vector has one entry per hyperplane
(+1 where a . x > b, -1 where a . x < b).  Coincident hyperplanes (equal up to a
nonzero factor, possibly of opposite orientation) are one geometric hyperplane: their
*class* separates regions once, and their signs agree up to orientation.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, Iterator, Sequence

import numpy as np
from gmpy2 import mpq

from .. import cells
from ..io import formats
from ..errors import FileFormatError, InternalError, InvalidArrangementError, ShapeError
from .lattice import characteristic_polynomial, evaluate_polynomial
from ..exact.linalg import integer_row, rank
from .polyhedron import OpenPolyhedron
from ..exact.rational import Rational, as_affine_pair, to_str

if TYPE_CHECKING:  # networkx is imported where a graph is built (start-up time)
    import networkx as nx

__all__ = ["HyperplaneArrangement", "Region", "FORMAT"]

FORMAT = "polyrelu.arrangement"
_BATCH = 50_000


@dataclass(frozen=True)
class Region:
    """One region: sign per hyperplane, an exact witness strictly inside, boundedness."""

    sign_vector: tuple[int, ...]
    witness: tuple[Rational, ...]
    is_bounded: bool


class _Enumeration:
    """The engine's output for one domain: symbolic witnesses and class sign matrix."""

    def __init__(self, X, D, U, S):
        self.X, self.D, self.U, self.S = X, D, U, S
        packed = np.packbits(S > 0, axis=1)
        self.keys = {packed[i].tobytes(): i for i in range(S.shape[0])}
        self.bounded = None


class HyperplaneArrangement:
    """N hyperplanes a_i . x = b_i in R^d with rational a_i (nonzero) and b_i.

    Parameters
    ----------
    hyperplanes : sequence of (a, b) pairs or {"a": [...], "b": ...} dicts
    dim : int, optional
        Required when there are no hyperplanes.
    workers : int, optional
        Processes for enumeration.  Default: every core for large arrangements (at least
        24 distinct hyperplanes in dimension 3 or more), one process otherwise.  Results
        do not depend on it.
    """

    def __init__(self, hyperplanes: Sequence[Any], *, dim: int | None = None, workers: int | None = None):
        self._workers_opt = workers
        planes: list[tuple[tuple[Rational, ...], Rational]] = []
        for i, item in enumerate(hyperplanes):
            length = dim if dim is not None else (len(planes[0][0]) if planes else None)
            av, bv = as_affine_pair(item, field=f"hyperplanes[{i}]", length=length, meaning="a . x = b", error=InvalidArrangementError)
            if all(v == 0 for v in av):
                raise InvalidArrangementError(
                    f"hyperplanes[{i}].a is the zero vector; a hyperplane needs a nonzero normal "
                    "(0 = b is either empty or all of R^d — remove it)"
                )
            planes.append((av, bv))
        if dim is None:
            if not planes:
                raise InvalidArrangementError("an arrangement with no hyperplanes needs dim=...")
            dim = len(planes[0][0])
        if isinstance(dim, bool) or not isinstance(dim, int) or dim < 1:
            raise InvalidArrangementError(f"dim is {dim!r}; it must be a positive integer")
        self._dim = dim
        self._planes = tuple(planes)
        # classes of coincident hyperplanes
        keys: dict[tuple, int] = {}
        cls: list[int] = []
        orient: list[int] = []
        reps: list[tuple[int, ...]] = []
        for a, b in planes:
            key, o = cells.canonical_class_key(integer_row(a + (b,)))
            if key not in keys:
                keys[key] = len(reps)
                reps.append(key)
            cls.append(keys[key])
            orient.append(o)
        self._class_of = tuple(cls)
        self._orientation = tuple(orient)
        self._class_rows = cells.compact(np.array(reps, dtype=object).reshape(len(reps), dim + 1))
        self._cache: dict = {}

    # ------------------------------------------------------------ basic facts
    @classmethod
    def central(cls, normals: Sequence[Sequence[Any]], *, dim: int | None = None) -> "HyperplaneArrangement":
        """The central arrangement {x : n_i . x = 0}."""
        return cls([(n, 0) for n in normals], dim=dim)

    @property
    def dim(self) -> int:
        return self._dim

    @property
    def n_hyperplanes(self) -> int:
        return len(self._planes)

    @property
    def hyperplanes(self) -> tuple[tuple[tuple[Rational, ...], Rational], ...]:
        return self._planes

    @property
    def classes(self) -> tuple[tuple[int, ...], ...]:
        """Indices of the hyperplanes in each class of coincident hyperplanes."""
        out: list[list[int]] = [[] for _ in range(self._class_rows.shape[0])]
        for i, c in enumerate(self._class_of):
            out[c].append(i)
        return tuple(tuple(c) for c in out)

    @property
    def n_classes(self) -> int:
        """Number of distinct geometric hyperplanes."""
        return self._class_rows.shape[0]

    @property
    def is_central(self) -> bool:
        """True iff all hyperplanes share a common point."""
        from ..exact.linalg import solve

        if not self._planes:
            return True
        return solve([a for a, _ in self._planes], [b for _, b in self._planes]) is not None

    @cached_property
    def rank(self) -> int:
        """Dimension of the span of the normals."""
        return rank([a for a, _ in self._planes]) if self._planes else 0

    @property
    def is_essential(self) -> bool:
        return self.rank == self._dim

    # ------------------------------------------------------------ enumeration
    def _domain_rows(self, inside: OpenPolyhedron | None) -> np.ndarray:
        if inside is None:
            return np.zeros((0, self._dim + 1), dtype=np.int64)
        if not isinstance(inside, OpenPolyhedron):
            raise ShapeError("inside must be an OpenPolyhedron (strict inequalities a . x < b)")
        if inside.dim != self._dim:
            raise ShapeError(f"inside has dimension {inside.dim} but the arrangement lives in R^{self._dim}")
        return inside.engine_rows()

    def _workers(self) -> int:
        if self._workers_opt is not None:
            return max(1, int(self._workers_opt))
        from ..parallel import default_workers

        return default_workers() if self.n_classes >= 24 and self._dim >= 3 else 1

    def enumerate(self, *, inside: OpenPolyhedron | None = None, executor: Any = None, max_seconds: float | None = None,
                  max_regions: int | None = None) -> int:
        """Enumerate the regions now (the other methods reuse the result) and return their
        number.  ``executor`` (:class:`polyrelu.parallel.Executor`) runs the engine's top
        level on local processes or a Dask cluster.  With a budget, enumeration stops
        within about one engine step of it with
        :class:`~polyrelu.errors.BudgetExceededError`; ``args[1]`` is a lower bound on the
        number of regions (distinct regions found), ``args[2:4]`` the steps done and their total.

        >>> HyperplaneArrangement([([1, 0], 0), ([0, 1], 0)]).enumerate(max_seconds=60)
        4
        """
        from ..parallel import Budget

        budget = Budget(max_seconds, max_regions)
        self._executor = executor
        try:
            return int(self._enumerate(inside, deadline=budget.deadline, max_regions=max_regions).S.shape[0])
        finally:
            self._executor = None

    def _enumerate(self, inside: OpenPolyhedron | None = None, *, deadline: float | None = None,
                   max_regions: int | None = None) -> _Enumeration:
        key = ("enum", inside)
        if key not in self._cache:
            dom = self._domain_rows(inside)
            ex = getattr(self, "_executor", None)
            X, D, U = cells.cover(self._dim, self._class_rows, dom, workers=self._workers() if ex is None else 1,
                                  executor=ex if ex is not None and self._workers() > 1 else None,
                                  deadline=deadline, max_regions=max_regions)
            S = cells.lexsigns(X, D, U, self._class_rows)
            self._cache[key] = _Enumeration(X, D, U, S)
        return self._cache[key]

    def _bounded_mask(self, inside: OpenPolyhedron | None) -> np.ndarray:
        """Bounded flags without an LP: a region is unbounded iff it meets one of the 2d
        hyperplanes x_j = +-M, where M exceeds every vertex coordinate (see _box_bound)."""
        en = self._enumerate(inside)
        if en.bounded is not None:
            return en.bounded
        n = en.S.shape[0]
        keys = self._unbounded_keys(inside)
        if keys is None:  # a lineality space: every region holds a line
            en.bounded = np.zeros(n, dtype=bool)
            return en.bounded
        unbounded = np.zeros(n, dtype=bool)
        for key in keys:
            idx = en.keys.get(key)
            if idx is None:
                raise InternalError("a region met on the bounding box is missing from the enumeration")
            unbounded[idx] = True
        en.bounded = ~unbounded
        return en.bounded

    def _unbounded_keys(self, inside: OpenPolyhedron | None) -> set[bytes] | None:
        """The packed class-sign keys of the unbounded regions (those meeting a wall of the
        box |x_j| < M), or None when every region is unbounded (a lineality space)."""
        dom = self._domain_rows(inside)
        d = self._dim
        if self._lineality(dom):
            return None
        M = _box_bound(np.concatenate([cells.wide(self._class_rows), cells.wide(dom)], axis=0), d)
        tasks = [(j, s * M, self._class_rows, dom) for j in range(d) for s in (1, -1)]
        from ..parallel import run_tasks

        out: set[bytes] = set()
        for keys in run_tasks(_keys_on_box_wall, tasks, workers=min(self._workers(), len(tasks))):
            out.update(keys)
        return out

    def _expand_signs(self, S_classes: np.ndarray) -> np.ndarray:
        """Class sign matrix to the sign matrix of every hyperplane (orientation applied)."""
        if S_classes.shape[0] == 0 or not self._planes:
            return np.zeros((S_classes.shape[0], len(self._planes)), dtype=np.int8)
        idx = np.array(self._class_of, dtype=np.int64)
        o = np.array(self._orientation, dtype=np.int8)
        return S_classes[:, idx] * o[None, :]

    def iter_region_arrays(self, *, inside: OpenPolyhedron | None = None, batch: int = _BATCH) -> Iterator[dict[str, np.ndarray]]:
        """All regions in batches of arrays (the fast bulk interface).

        Each batch is a dict: ``signs`` (int8, one row per region, one column per
        hyperplane), ``witness_numerators`` (Python integers, one row per region),
        ``witness_denominators`` (positive Python integers; the witness is
        numerators / denominator) and ``bounded`` (bool).  Same order as
        :meth:`iter_regions`.
        """
        en = self._enumerate(inside)
        bounded = self._bounded_mask(inside)
        dom = self._domain_rows(inside)
        rows = np.concatenate([cells.wide(self._class_rows), cells.wide(dom)], axis=0)
        n = en.S.shape[0]
        for lo in range(0, n, batch):
            hi = min(n, lo + batch)
            Xr, Dr = cells.realize(en.X[lo:hi], en.D[lo:hi], en.U[lo:hi], rows)
            yield {
                "signs": self._expand_signs(en.S[lo:hi]),
                "witness_numerators": Xr,
                "witness_denominators": Dr,
                "bounded": bounded[lo:hi],
            }

    def stream_region_arrays(self, *, inside: OpenPolyhedron | None = None, executor: Any = None,
                             max_seconds: float | None = None, batch: int = 1 << 14) -> Iterator[dict[str, np.ndarray]]:
        """All regions in batches like :meth:`iter_region_arrays`, but found and yielded one
        group of hyperplanes at a time (:func:`polyrelu.cells.cover_stream`) so that the
        regions are never all in memory: what is kept between batches is one packed sign
        key per region (ceil(#distinct hyperplanes / 8) bytes) and the keys of the
        unbounded regions (computed first, on the 2d walls of a bounding box).  Nothing is
        cached on the arrangement; batches hold at most ``batch`` regions.

        Every region is yielded exactly once; the order is deterministic but not that of
        :meth:`iter_region_arrays`.  ``executor`` (:class:`polyrelu.parallel.Executor`)
        computes the groups on local processes or a Dask cluster (same batches).  When
        ``max_seconds`` runs out the generator raises
        :class:`~polyrelu.errors.BudgetExceededError` after the batches found so far;
        ``args[1]`` is the number of regions yielded.

        >>> A = HyperplaneArrangement([([1, 0], 0), ([0, 1], 0), ([1, 1], 1)])
        >>> sum(b["bounded"].sum() for b in A.stream_region_arrays()), sum(len(b["signs"]) for b in A.stream_region_arrays())
        (np.int64(1), 7)
        """
        from ..parallel import Budget

        budget = Budget(max_seconds, None)
        dom = self._domain_rows(inside)
        unbounded = self._unbounded_keys(inside)
        ukeys = None
        if unbounded:
            width = len(next(iter(unbounded)))
            ukeys = np.sort(np.frombuffer(b"".join(sorted(unbounded)), dtype=f"V{width}"))
        del unbounded
        rows = np.concatenate([cells.wide(self._class_rows), cells.wide(dom)], axis=0)
        H = self._class_rows if self._class_rows.shape[0] else np.zeros((0, self._dim + 1), dtype=np.int64)
        lineality = self._lineality(dom)
        for Xa, Da, Ua, _ in cells.cover_stream(self._dim, H, dom, deadline=budget.deadline, executor=executor):
            for lo in range(0, Xa.shape[0], batch):  # bounded memory: sign rows are #hyperplanes bytes each
                X, Dn, U = Xa[lo : lo + batch], Da[lo : lo + batch], Ua[lo : lo + batch]
                S = cells.lexsigns(X, Dn, U, self._class_rows)
                if ukeys is None:
                    bounded = np.full(S.shape[0], not lineality, dtype=bool)
                else:
                    packed = np.ascontiguousarray(np.packbits(S > 0, axis=1))
                    q = packed.view(np.dtype((np.void, packed.shape[1])))[:, 0]
                    pos = np.minimum(np.searchsorted(ukeys, q), ukeys.size - 1)
                    bounded = ukeys[pos] != q
                Xr, Dr = cells.realize(X, Dn, U, rows)
                yield {"signs": self._expand_signs(S), "witness_numerators": Xr, "witness_denominators": Dr, "bounded": bounded}

    def _lineality(self, dom: np.ndarray) -> bool:
        d = self._dim
        rows_all = np.concatenate([cells.wide(self._class_rows), cells.wide(dom)], axis=0)
        return rows_all.shape[0] == 0 or rank([tuple(mpq(int(v)) for v in r[:d]) for r in rows_all]) < d

    def iter_regions(self, *, inside: OpenPolyhedron | None = None) -> Iterator[Region]:
        """Every region (inside the open polyhedron ``inside`` if given), lazily in batches.

        Order is deterministic (it depends only on the input).
        """
        for b in self.iter_region_arrays(inside=inside):
            for sv, x, dd, bd in zip(b["signs"].tolist(), b["witness_numerators"], b["witness_denominators"], b["bounded"]):
                yield Region(tuple(sv), tuple(mpq(int(v), int(dd)) for v in x), bool(bd))

    def regions(self, *, inside: OpenPolyhedron | None = None) -> list[Region]:
        """All regions as a list (use :meth:`iter_regions` for large arrangements)."""
        return list(self.iter_regions(inside=inside))

    def n_regions(self, *, inside: OpenPolyhedron | None = None) -> int:
        """Number of regions, from the enumeration (no witnesses materialised)."""
        return int(self._enumerate(inside).S.shape[0])

    def n_bounded_regions(self, *, inside: OpenPolyhedron | None = None) -> int:
        return int(self._bounded_mask(inside).sum())

    def sign_matrix(self, *, inside: OpenPolyhedron | None = None) -> np.ndarray:
        """Sign vectors of all regions as an int8 matrix (one row per region)."""
        return self._expand_signs(self._enumerate(inside).S)

    # ------------------------------------------------------ Zaslavsky's route
    @cached_property
    def characteristic_polynomial(self) -> tuple[int, ...]:
        """Coefficients c_0..c_d of chi(t) = sum c_i t^i, from the intersection lattice
        (an algorithm independent of the enumeration)."""
        rows = [tuple(mpq(int(v)) for v in r) for r in self._class_rows]
        return tuple(characteristic_polynomial(rows, self._dim))

    def n_regions_zaslavsky(self) -> int:
        """|chi(-1)| (Zaslavsky)."""
        return abs(evaluate_polynomial(self.characteristic_polynomial, -1))

    def n_bounded_regions_zaslavsky(self) -> int:
        """|chi(1)| for an essential arrangement; 0 otherwise (every region holds a line)."""
        if not self.is_essential:
            return 0
        return abs(evaluate_polynomial(self.characteristic_polynomial, 1))

    # ------------------------------------------------------------ region graph
    def region_graph(self, *, inside: OpenPolyhedron | None = None) -> nx.Graph:
        """The region-adjacency graph.

        Nodes are region indices (the order of :meth:`iter_regions`) with attributes
        ``sign_vector``, ``witness``, ``bounded``.  An edge joins two regions sharing a
        facet, with ``hyperplanes`` (indices of the coincident hyperplanes of the facet)
        and ``point`` (an exact point in the relative interior of the shared facet).

        Facets are found as the regions of each hyperplane's restricted arrangement, so
        the graph is also a consistency check of the enumeration.
        """
        import networkx as nx

        en = self._enumerate(inside)
        dom = self._domain_rows(inside)
        G = nx.Graph()
        for i, r in enumerate(self.iter_regions(inside=inside)):
            G.add_node(i, sign_vector=r.sign_vector, witness=r.witness, bounded=r.is_bounded)
        classes = self.classes
        for c in range(self.n_classes):
            others = np.concatenate([self._class_rows[:c], self._class_rows[c + 1 :]], axis=0)
            sec = cells.section(self._class_rows[c], others, dom)
            if not len(sec):
                continue
            S = cells.lexsigns(*sec.lifted(), others)
            S = np.concatenate([S[:, :c], np.ones((S.shape[0], 1), dtype=np.int8), S[:, c:]], axis=1)
            plus = np.packbits(S > 0, axis=1)
            S[:, c] = -1
            minus = np.packbits(S > 0, axis=1)
            Xf, Df = sec.points()  # exact points in the relative interior of each facet
            for k in range(S.shape[0]):
                u, v = en.keys.get(plus[k].tobytes()), en.keys.get(minus[k].tobytes())
                if u is None or v is None:
                    raise InternalError("a facet leads to a region missing from the enumeration")
                point = tuple(mpq(int(t), int(Df[k])) for t in Xf[k])
                G.add_edge(u, v, hyperplanes=classes[c], point=point)
        return G

    def wall_facets(self, *, inside: OpenPolyhedron | None = None) -> dict[int, list[tuple[int, tuple[Rational, ...]]]]:
        """Facets on the domain walls: region index -> [(wall index, an exact point in the
        relative interior of the facet)].  Coincident walls give one facet (the first wall)."""
        out: dict[int, list[tuple[int, tuple]]] = {}
        if inside is None:
            return out
        en = self._enumerate(inside)
        dom = self._domain_rows(inside)
        d = self._dim
        # coincident walls (equal up to a positive factor) are one facet: keep the first of
        # each; the others are implied by it (a Farkas proof with one multiplier)
        first: dict[tuple, int] = {}
        for w in range(dom.shape[0]):
            first.setdefault(cells.canonical_class_key([int(v) for v in dom[w]]), w)  # (key, orientation)
        distinct = sorted(first.values())
        for w in distinct:
            wall = [int(v) for v in dom[w]]
            rest = dom[[x for x in distinct if x != w]] if len(distinct) > 1 else dom[:0]
            sec = cells.section(wall, self._class_rows, rest)
            if not len(sec):
                continue
            S = cells.lexsigns(*sec.lifted(extra=wall[:d]), self._class_rows)  # a step inward off the wall
            packed = np.packbits(S > 0, axis=1)
            Xf, Df = sec.points()
            for k in range(S.shape[0]):
                idx = en.keys.get(packed[k].tobytes())
                if idx is None:
                    raise InternalError("a facet on the domain wall leads to a region missing from the enumeration")
                out.setdefault(idx, []).append((w, tuple(mpq(int(t), int(Df[k])) for t in Xf[k])))
        return out

    # -------------------------------------------------------------------- I/O
    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": 1,
            "dim": self._dim,
            "hyperplanes": [{"a": [to_str(v) for v in a], "b": to_str(b)} for a, b in self._planes],
        }

    @classmethod
    def from_dict(cls, obj: Any, *, source: str = "arrangement") -> "HyperplaneArrangement":
        """Read a ``polyrelu.arrangement`` object strictly: ``dim`` is required, every
        normal must have ``dim`` entries, and unknown fields are refused with their path.

        >>> HyperplaneArrangement.from_dict({"format": "polyrelu.arrangement", "version": 1, "dim": 2,
        ...     "hyperplanes": [{"a": [1, 0], "b": 0, "c": 1}]})
        Traceback (most recent call last):
        ...
        polyrelu.errors.FileFormatError: arrangement: hyperplanes[0]: unknown field "c" (allowed: a, b)
        """
        formats.check_header(obj, FORMAT, source=source)
        formats.fields(obj, "", required=("format", "version", "dim", "hyperplanes"), optional=("metadata",), source=source)
        formats.positive_int(obj["dim"], "field \"dim\"", source=source)
        if not isinstance(obj["hyperplanes"], list):
            raise FileFormatError(f"{source}: field \"hyperplanes\" must be a list of {{\"a\": [...], \"b\": ...}}, "
                                  f"got {formats.describe(obj['hyperplanes'])}")
        for i, h in enumerate(obj["hyperplanes"]):
            formats.fields(h, f"hyperplanes[{i}]", required=("a", "b"), source=source)
        try:
            return cls(obj["hyperplanes"], dim=obj["dim"])
        except (InvalidArrangementError, ValueError, TypeError) as exc:
            raise FileFormatError(f"{source}: {exc}") from None

    @classmethod
    def load(cls, path: Any) -> "HyperplaneArrangement":
        return cls.from_dict(formats.load(path), source=str(path))

    def save(self, path: Any) -> None:
        formats.dump_atomic(self.to_dict(), path)

    def digest(self) -> str:
        return formats.digest(self.to_dict())

    def __repr__(self) -> str:
        return f"HyperplaneArrangement({self.n_hyperplanes} hyperplanes in R^{self._dim})"


def _keys_on_box_wall(j: int, offset: int, class_rows: np.ndarray, dom: np.ndarray) -> list[bytes]:
    """Sign keys of the regions meeting the hyperplane x_j = offset."""
    d = class_rows.shape[1] - 1 if class_rows.shape[0] else dom.shape[1] - 1
    wall = [0] * (d + 1)
    wall[j], wall[d] = 1, offset
    sec = cells.section(wall, class_rows, dom)
    if not len(sec):
        return []
    packed = np.packbits(cells.lexsigns(*sec.lifted(), class_rows) > 0, axis=1)
    return [packed[i].tobytes() for i in range(packed.shape[0])]


def _box_bound(rows: np.ndarray, d: int) -> int:
    """An integer M with |x_j| < M at every vertex (and |b| < M for every row x_j = b).

    A vertex solves B x = c for d rows [B | c] of integers; by Cramer's rule and
    Hadamard's inequality |x_j| = |det B_j| / |det B| <= prod of the d largest Euclidean
    norms of the rows [a | b], since |det B| >= 1.
    """
    from math import isqrt

    norms = sorted((isqrt(sum(int(v) ** 2 for v in r)) + 1 for r in rows), reverse=True)
    M = 1
    for v in norms[:d]:
        M *= v
    return M + 1
