"""Zonotopes Z = c + sum_i [-b_i, b_i] (docs/mathematics.md §5), exactly, two ways.

* **Fast route** (default): the vertices of Z are in bijection with the regions of the
  central arrangement {r : <r, b_i> = 0}; the region with sign vector e gives the vertex
  c + sum_i e_i b_i (its normal cone).  Facet normals are the normals of the hyperplanes
  spanned by (k-1)-subsets of generator directions (k = dim of the span), each giving a
  pair of opposite facets; the volume is 2^n sum over n-subsets of |det|.  Both are
  integer minors of the distinct directions (parallel generators merged), computed in
  batches (:func:`polyrelu.exact.linalg.maximal_minors`).  No convex hull is computed.
* **Reference route**: the paper's construction, the Minkowski sum of the segments, with
  pycddlib's exact module (iterated sums, redundancy removal).  Exponential in practice;
  kept to cross-check.

>>> Z = Zonotope([[1, 0], [0, 1], [1, 1]])
>>> Z.n_vertices, Z.n_facets, Z.volume(), Z.is_general_position()
(6, 6, mpq(12,1), True)
>>> Z.support([1, 2])
mpq(6,1)
"""

from __future__ import annotations

import itertools
from functools import cached_property
from math import comb
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np
from gmpy2 import mpq

from .. import cells
from ..io import formats
from .arrangement import HyperplaneArrangement
from ..errors import FileFormatError, ShapeError
from ..exact.linalg import integer_row, lcm_denominators, maximal_minors, nullspace, primitive_row, rank, rref
from ..paper.closed_forms import zonotope_vertex_bound
from ..exact.rational import Rational, as_matrix, as_vector, to_str

if TYPE_CHECKING:  # imported where used: the command line keeps start-up light
    from ..nets.network import ReluNetwork

__all__ = ["Zonotope", "FORMAT", "vertex_bound"]

FORMAT = "polyrelu.zonotope"


def vertex_bound(n: int, m: int) -> int:
    """Thm 3.6: |vert Z| <= 2 sum_{i=0}^{n-1} C(m-1, i) (equality in general position);
    the closed form lives in :mod:`polyrelu.paper.closed_forms`."""
    return zonotope_vertex_bound(n, m)


class Zonotope:
    """Z(b_1..b_m) + c in R^n with exact rational generators.

    Zero generators are allowed: they are ignored, and counted in
    :attr:`n_zero_generators`.  Parallel and repeated generators are allowed.
    """

    def __init__(self, generators: Sequence[Sequence[Any]], center: Sequence[Any] | None = None, *, dim: int | None = None):
        if dim is not None and (isinstance(dim, bool) or not isinstance(dim, int)):
            raise ShapeError(f"dim is {dim!r}; it must be a positive integer")
        gens = as_matrix(generators, field="generators")
        if gens:
            n = len(gens[0])
        elif center is not None:
            n = len(center)
        elif dim is not None:
            n = dim
        else:
            raise ShapeError("a zonotope with no generators needs a center or dim")
        if dim is not None and n != dim:
            raise ShapeError(f"generators have length {n} but dim is {dim}")
        if n < 1:
            raise ShapeError("a zonotope needs dimension at least 1")
        self._dim = n
        self._generators = gens
        self._center = as_vector(center, field="center", length=n) if center is not None else tuple(mpq(0) for _ in range(n))
        self._nonzero = tuple(g for g in gens if any(v != 0 for v in g))

    # ---------------------------------------------------------------- basics
    @property
    def dim(self) -> int:
        return self._dim

    @property
    def generators(self) -> tuple[tuple[Rational, ...], ...]:
        return self._generators

    @property
    def center(self) -> tuple[Rational, ...]:
        return self._center

    @property
    def n_generators(self) -> int:
        return len(self._generators)

    @property
    def n_zero_generators(self) -> int:
        return len(self._generators) - len(self._nonzero)

    @cached_property
    def rank(self) -> int:
        """Dimension of the zonotope (of the span of its generators)."""
        return rank(self._nonzero) if self._nonzero else 0

    def is_general_position(self) -> bool:
        """Whether the nonzero generators lie in S(n, m): every min(n, m) of them are
        linearly independent (and no generator is zero)."""
        if self.n_zero_generators:
            return False
        m, n = len(self._nonzero), self._dim
        if min(n, m) == 0 or n == 1:
            return True
        if m <= n:
            return self.rank == m
        if len(self._directions[0]) < m:  # two parallel generators lie in a common n-subset
            return False
        return self._subset_sums[1]

    def vertex_bound(self) -> int:
        """2 sum_{i<n} C(m-1, i) for the m nonzero generators (Thm 3.6)."""
        return vertex_bound(self._dim, len(self._nonzero))

    # -------------------------------------------------------------- fast route
    @cached_property
    def _arrangement_signs(self) -> np.ndarray:
        """Sign matrix (regions x nonzero generators) of the central arrangement."""
        if not self._nonzero:
            return np.zeros((1, 0), dtype=np.int8)
        A = HyperplaneArrangement.central(self._nonzero, dim=self._dim)
        return A.sign_matrix()

    @cached_property
    def _vertex_array(self) -> tuple[np.ndarray, int]:
        S = self._arrangement_signs
        if not self._nonzero:
            L = lcm_denominators(self._center)
            return np.array([[int(v * L) for v in self._center]], dtype=object), L
        L = lcm_denominators([v for g in self._nonzero for v in g] + list(self._center))
        B = np.array([[int(v * L) for v in g] for g in self._nonzero], dtype=object)
        c = np.array([int(v * L) for v in self._center], dtype=object)
        V = cells.matmul(cells.compact(S.astype(np.int64)), cells.compact(B)) + c[None, :]
        return np.asarray(V, dtype=object), L

    @property
    def n_vertices(self) -> int:
        return int(self._arrangement_signs.shape[0])

    def vertices(self) -> list[tuple[Rational, ...]]:
        """The vertices (fast route), in a deterministic order."""
        V, L = self._vertex_array
        return [tuple(mpq(int(v), L) for v in row) for row in V]

    @cached_property
    def _directions(self) -> tuple[list[tuple[int, ...]], list[int], int]:
        """(U, w, L): the distinct directions of the nonzero generators as primitive integer
        vectors with first nonzero entry positive (first-occurrence order), the weight of
        each (sum of |c| over the generators with L g = c u) and the common denominator L."""
        L = lcm_denominators([v for g in self._nonzero for v in g])
        index: dict[tuple[int, ...], int] = {}
        U: list[tuple[int, ...]] = []
        w: list[int] = []
        for g in self._nonzero:
            ints = [int(v * L) for v in g]
            p = primitive_row(ints)
            c = next(abs(a) // abs(b) for a, b in zip(ints, p) if b)
            if next(v for v in p if v) < 0:
                p = tuple(-v for v in p)
            at = index.setdefault(p, len(U))
            if at == len(U):
                U.append(p)
                w.append(0)
            w[at] += c
        return U, w, L

    def n_direction_subsets(self) -> int:
        """C(k, n): how many n-subsets of the k distinct generator directions the volume (and
        general position, facets: (n-1)-subsets) examine; a measure of their cost."""
        return comb(len(self._directions[0]), self._dim)

    @cached_property
    def _subset_sums(self) -> tuple[int, bool]:
        """(sum over n-subsets S of directions of |det U_S| prod_{u in S} w_u, whether every
        such det is nonzero), in integers."""
        U, w, _ = self._directions
        n = self._dim
        if len(U) < n:
            return 0, False
        Ua = _int_array(U)
        wa = _int_array(w)
        total, all_nonzero = 0, True
        for idx in _combinations(len(U), n):
            det = np.abs(maximal_minors(Ua[idx])[:, 0])
            if det.dtype == object or wa.dtype == object:
                weights = [_prod(r) for r in wa[idx].tolist()]
                dets = det.tolist()
                all_nonzero = all_nonzero and all(v != 0 for v in dets)
                total += sum(int(x) * y for x, y in zip(dets, weights))
                continue
            all_nonzero = all_nonzero and bool(det.all())
            weight = np.prod(wa[idx], axis=1)
            if int(wa.max()) ** n < _SAFE and _dot_fits(det, weight):
                total += int(np.dot(det, weight))
            else:
                total += sum(int(x) * int(y) for x, y in zip(det.tolist(), (_prod(r) for r in wa[idx].tolist())))
        return total, all_nonzero

    @cached_property
    def _facet_normals(self) -> list[tuple[Rational, ...]]:
        """Primitive integer normals (one per pair of opposite facets), from the
        (k-1)-subsets of generator directions spanning a hyperplane of the generators' span."""
        k = self.rank
        if k == 0:
            return []
        if k < self._dim:
            return self._facet_normals_in_span()
        n = self._dim
        U = _int_array(self._directions[0])
        seen: dict[tuple, None] = {}
        for idx in _combinations(len(U), n - 1):
            minors = maximal_minors(U[idx])  # column t of the combinations omits column n - 1 - t
            normals = np.stack([minors[:, n - 1 - i] * (-1) ** i for i in range(n)], axis=1)
            normals = normals[np.any(normals != 0, axis=1)]  # generalised cross products
            if normals.dtype == object:
                rows = [primitive_row(u) for u in normals.tolist()]
                rows = [p if next(v for v in p if v) > 0 else tuple(-v for v in p) for p in rows]
            else:
                normals = normals // np.abs(np.gcd.reduce(normals, axis=1))[:, None]
                lead = normals[np.arange(normals.shape[0]), np.argmax(normals != 0, axis=1)]
                normals = normals * np.where(lead < 0, -1, 1)[:, None]
                _, first = np.unique(normals, axis=0, return_index=True)
                rows = [tuple(u) for u in normals[np.sort(first)].tolist()]
            for p in rows:
                seen.setdefault(p)
        return [tuple(mpq(v) for v in u) for u in seen]

    def _facet_normals_in_span(self) -> list[tuple[Rational, ...]]:
        """Facet normals of a lower-dimensional zonotope, inside the span of its generators."""
        k = self.rank
        gens = [integer_row(g) for g in self._nonzero]
        basis, _ = rref([tuple(mpq(v) for v in g) for g in gens])
        seen: dict[tuple, tuple] = {}
        uniq = self._directions[0]
        for S in itertools.combinations(range(len(uniq)), k - 1):
            rows = [tuple(mpq(v) for v in uniq[i]) for i in S]
            if k > 1 and rank(rows) < k - 1:
                continue
            # u in span(basis), orthogonal to the subset: u = y @ basis with (basis @ g_s) . y = 0
            M = [tuple(sum((bj * gj for bj, gj in zip(b, r)), mpq(0)) for b in basis) for r in rows]
            ys = nullspace(M, k)
            if len(ys) != 1:
                continue
            u = tuple(sum((y * b[j] for y, b in zip(ys[0], basis)), mpq(0)) for j in range(self._dim))
            key, _ = cells.canonical_class_key(integer_row(u) + (0,))
            seen.setdefault(key, key[:-1])
        return [tuple(mpq(v) for v in u) for u in seen.values()]

    @property
    def n_facets(self) -> int:
        """Facets of Z within its affine hull (2 per facet normal; a segment has 2)."""
        return 2 * len(self._facet_normals)

    def facets(self) -> list[tuple[tuple[Rational, ...], Rational]]:
        """Facet inequalities (u, h) meaning <u, x> <= h, from the fast route.  For a
        lower-dimensional zonotope, add :meth:`affine_hull` equalities."""
        out = []
        for u in self._facet_normals:
            out.append((u, self.support(u)))
            neg = tuple(-v for v in u)
            out.append((neg, self.support(neg)))
        return out

    def affine_hull(self) -> list[tuple[tuple[Rational, ...], Rational]]:
        """Equalities (w, <w, c>) with <w, x> = <w, c> on Z (empty if full-dimensional)."""
        ws = nullspace(list(self._nonzero), self._dim) if self._nonzero else [
            tuple(mpq(1) if i == j else mpq(0) for i in range(self._dim)) for j in range(self._dim)
        ]
        return [(w, sum((a * b for a, b in zip(w, self._center)), mpq(0))) for w in ws]

    # -------------------------------------------------------------- functions
    def support(self, r: Sequence[Any]) -> Rational:
        """h_Z(r) = max_{x in Z} <r, x> = sum_i |<r, b_i>| + <r, c>, exactly."""
        rv = as_vector(r, field="r", length=self._dim)
        total = sum((a * b for a, b in zip(rv, self._center)), mpq(0))
        for g in self._nonzero:
            total += abs(sum((a * b for a, b in zip(rv, g)), mpq(0)))
        return total

    def contains(self, x: Sequence[Any]) -> bool:
        """Closed membership, decided exactly by the facet inequalities."""
        xv = as_vector(x, field="x", length=self._dim)
        dot = lambda u: sum((a * b for a, b in zip(u, xv)), mpq(0))  # noqa: E731
        return all(dot(u) <= h for u, h in self.facets()) and all(dot(w) == e for w, e in self.affine_hull())

    def volume(self) -> Rational:
        """n-dimensional volume: 2^n sum over n-subsets of |det| (0 if not full-dimensional).

        Parallel generators are merged into one direction first (their lengths add)."""
        n = self._dim
        if self.rank < n:
            return mpq(0)
        return mpq(self._subset_sums[0] * 2**n, self._directions[2] ** n)

    def to_network(self) -> "ReluNetwork":
        """Lemma 3.7: the one-hidden-layer network of the support function
        r -> sum_i (s(<b_i, r>) + s(-<b_i, r>)) (+ <c, r> through 2 identity neurons when
        c != 0): 2m neurons, no output bias.  Zero generators are skipped."""
        from ..nets.network import ReluNetwork

        rows, out = [], []
        for g in self._nonzero:
            rows += [list(g), [-v for v in g]]
            out += [1, 1]
        if any(v != 0 for v in self._center):
            rows += [list(self._center), [-v for v in self._center]]
            out += [1, -1]
        if not rows:
            return ReluNetwork(self._dim, [([[0] * self._dim], [0])])
        return ReluNetwork(self._dim, [(rows, [0] * len(rows)), ([out], [0])])

    # -------------------------------------------------------------- Minkowski
    def minkowski_sum(self, other: "Zonotope") -> "Zonotope":
        """Z + Z' (generators concatenated, centers added)."""
        if other.dim != self._dim:
            raise ShapeError(f"cannot add zonotopes in R^{self._dim} and R^{other.dim}")
        return Zonotope(
            list(self._generators) + list(other.generators),
            [a + b for a, b in zip(self._center, other.center)],
            dim=self._dim,
        )

    def minkowski_sum_polytope(self, points: Sequence[Sequence[Any]]) -> list[tuple[Rational, ...]]:
        """Vertices of Z + conv(points), through cdd (hull of all pairwise sums)."""
        from ..exact import cddlib

        pts = as_matrix(points, field="points", shape=(None, self._dim))
        sums = [tuple(a + b for a, b in zip(p, v)) for p in pts for v in self.vertices()]
        return cddlib.extreme_points(sums)

    # -------------------------------------------------------- reference route
    def vertices_cdd(self) -> list[tuple[Rational, ...]]:
        """Vertices by the paper's construction: iterated exact Minkowski sums of the
        segments [-b_i, b_i] with pycddlib, redundant points removed after each sum."""
        from ..exact import cddlib

        current = [self._center]
        for g in self._nonzero:
            plus = [tuple(a + b for a, b in zip(v, g)) for v in current]
            minus = [tuple(a - b for a, b in zip(v, g)) for v in current]
            current = cddlib.extreme_points(plus + minus)
        return current

    def facets_cdd(self) -> tuple:
        """H-representation (inequalities, equalities) of Z from cdd, rows [b, a] for
        b + a.x >= 0 (= 0)."""
        from ..exact import cddlib

        return cddlib.v_to_h(self.vertices_cdd())

    # ------------------------------------------------------------------- I/O
    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": 1,
            "generators": [[to_str(v) for v in g] for g in self._generators],
            "center": [to_str(v) for v in self._center],
        }

    @classmethod
    def from_dict(cls, obj: Any, *, source: str = "zonotope") -> "Zonotope":
        """Read a ``polyrelu.zonotope`` object strictly.  ``"center"`` is required (the
        Python constructor defaults it to the origin; a file says so explicitly), an
        optional ``"dim"`` must agree with the vectors' lengths, and unknown fields are
        refused with their JSON path.

        >>> Zonotope.from_dict({"format": "polyrelu.zonotope", "version": 1, "generators": [[1, 0]]})
        Traceback (most recent call last):
        ...
        polyrelu.errors.FileFormatError: zonotope: missing field "center"; write "center": ["0", ...] (one entry per coordinate) for a zonotope centred at the origin
        """
        formats.check_header(obj, FORMAT, source=source)
        try:
            formats.fields(obj, "", required=("format", "version", "generators", "center"), optional=("dim", "metadata"), source=source)
        except FileFormatError as exc:
            if isinstance(obj, dict) and "center" not in obj and str(exc).endswith('missing field "center"'):
                raise FileFormatError(f"{exc}; write \"center\": [\"0\", ...] (one entry per coordinate) "
                                      "for a zonotope centred at the origin") from None
            raise
        if "dim" in obj:
            formats.positive_int(obj["dim"], "field \"dim\"", source=source)
        if not isinstance(obj["generators"], list):
            raise FileFormatError(f"{source}: field \"generators\" must be a list of vectors, got {formats.describe(obj['generators'])}")
        if not isinstance(obj["center"], list):
            raise FileFormatError(f"{source}: field \"center\" must be a list of numbers, got {formats.describe(obj['center'])}")
        n = obj.get("dim", len(obj["center"]))
        for i, g in enumerate(obj["generators"]):
            if isinstance(g, list) and len(g) != n:
                why = "dim" if "dim" in obj else "the center"
                raise FileFormatError(f"{source}: generators[{i}] has {len(g)} entries but {why} has {n}")
        if len(obj["center"]) != n:
            raise FileFormatError(f"{source}: center has {len(obj['center'])} entries but dim is {n}")
        try:
            return cls(obj["generators"], obj["center"], dim=n)
        except (ShapeError, ValueError, TypeError) as exc:
            raise FileFormatError(f"{source}: {exc}") from None

    @classmethod
    def load(cls, path: Any) -> "Zonotope":
        return cls.from_dict(formats.load(path), source=str(path))

    def __repr__(self) -> str:
        return f"Zonotope({self.n_generators} generators in R^{self._dim})"


_SAFE = 1 << 62  # integers (and sums of products, checked) below this fit int64


def _int_array(rows) -> np.ndarray:
    """Python integers as an int64 array when they fit comfortably, objects otherwise."""
    arr = np.array(rows, dtype=object)
    if arr.size == 0 or max(abs(int(v)) for v in arr.ravel().tolist()) < _SAFE:
        return arr.astype(np.int64)
    return arr


def _dot_fits(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether the dot product of two nonnegative int64 vectors provably fits int64."""
    return a.size == 0 or int(a.max()) * int(b.max()) * a.size < _SAFE


def _prod(values) -> int:
    out = 1
    for v in values:
        out *= int(v)
    return out


def _combinations(k: int, r: int, chunk: int = 1 << 17):
    """All r-subsets of range(k) as index arrays (lexicographic order), in chunks."""
    if r == 0:
        yield np.zeros((1, 0), dtype=np.int64)
        return
    if r > k:
        return
    # first r - 1 entries from itertools, the last entry vectorised
    for head in _chunks(itertools.combinations(range(k), r - 1), max(1, chunk // max(1, k))):
        H = np.array(head, dtype=np.int64).reshape(len(head), r - 1)
        start = H[:, -1] + 1 if r > 1 else np.zeros(len(head), dtype=np.int64)
        counts = k - start
        keep = counts > 0
        H, start, counts = H[keep], start[keep], counts[keep]
        if not H.shape[0]:
            continue
        rep = np.repeat(np.arange(H.shape[0]), counts)
        offs = np.arange(rep.size) - np.repeat(np.cumsum(counts) - counts, counts)
        yield np.concatenate([H[rep], (start[rep] + offs)[:, None]], axis=1)


def _chunks(it, size: int):
    buf = []
    for x in it:
        buf.append(x)
        if len(buf) == size:
            yield buf
            buf = []
    if buf:
        yield buf
