"""The cheapest exact counts behind the conjecture searches.

Two routes, each proved here and checked in the tests against the general engines
(:class:`~polyrelu.geometry.arrangement.HyperplaneArrangement` enumeration and its
intersection lattice, :func:`~polyrelu.nets.regions.network_regions`,
:meth:`~polyrelu.nets.pwl1d.PWL1D.from_network`).

**One hidden layer: Whitney's formula.**  The activation regions of a one-hidden-layer
network on R^n are the regions of the arrangement A of the hyperplanes
{x : w_i . x + b_i = 0} of its neurons with w_i != 0 (a neuron with w_i = 0 is constant
and cuts nothing; coincident hyperplanes, equal up to a nonzero factor, are one).  By
Zaslavsky's theorem r(A) = |chi_A(-1)|, and by Whitney's theorem
chi_A(t) = sum over the subsets T of A with nonempty intersection ("central" subsets,
the empty set included) of (-1)^|T| t^(n - rank T).  Since (-1)^n (-1)^(n - rank T) =
(-1)^(rank T) and r(A) = (-1)^n chi_A(-1) > 0,

    r(A) = sum_{T central} (-1)^(|T| + rank T).

The (n-1)-dimensional faces (facets) of the arrangement are the regions of the restricted
arrangements A^H = {H ∩ H' : H' in A, H' not parallel to H} inside each H in A.  Whitney's
formula also holds for a multiset of hyperplanes (subsets containing a repeated copy cancel
in pairs), so for A^H, whose central subsets are the T ∋ H central in A with rank
rank T - 1 inside H, r(A^H) = sum_{T ∋ H central} (-1)^(|T| + rank T).  Summing over H,

    f_{n-1}(A) = sum_{T central} |T| (-1)^(|T| + rank T).

Each facet separates exactly two regions, so the region-adjacency graph has f_{n-1} edges
and average degree 2 f_{n-1} / r.  Central subsets are found by depth-first search over
the hyperplanes in index order, reducing one integer row per step against the echelon
basis of the prefix (a superset of an inconsistent subset is inconsistent: pruned).  No
LP, no enumeration of regions: a few dozen small integer eliminations per candidate.

>>> regions_and_facets([(1, 0, 0), (0, 1, 0)], 2)          # two crossing lines in R^2
(4, 4)
>>> regions_and_facets([(1, 0, 0), (0, 1, 0), (1, 1, -1)], 2)
(7, 9)
>>> regions_and_facets([(1, 0, 0), (1, 0, -1)], 2)         # parallel lines
(3, 2)

**Networks on R: exact breakpoint propagation.**  :func:`activation_regions_1d` refines a
grid of points layer by layer: if every pre-activation of layers < l has constant sign on
each open interval of the grid, every pre-activation of layer l is affine there, so its
zero crossings are found exactly from its values at the grid points (and one step beyond
the ends); adding them keeps the invariant.  On the final grid the activation pattern is
constant on each open interval; the activation regions are the maximal runs of equal
patterns.  Pieces come from :meth:`PWL1D.from_network` (an independent route).

>>> from polyrelu.nets.network import ReluNetwork
>>> net = ReluNetwork(1, [([[1], [1]], [0, -1]), ([[1, -2]], [0])])   # a tent
>>> activation_regions_1d(net), pieces_1d(net)
(3, 3)
"""

from __future__ import annotations

from math import gcd
from typing import Sequence

from gmpy2 import mpq

from ..nets.network import ReluNetwork
from ..nets.pwl1d import PWL1D

__all__ = ["regions_and_facets", "whitney_counts", "n_regions", "average_degree", "primitive_class", "activation_regions_1d", "pieces_1d"]


def primitive_class(row: Sequence[int]) -> tuple[int, ...] | None:
    """The canonical integer row of the hyperplane w . x + b = 0 given as (w_1..w_n, b):
    divided by the gcd of its entries and with its first nonzero entry positive.  None for
    a row with w = 0 (a constant neuron, no hyperplane)."""
    if not any(row[:-1]):
        return None
    g = 0
    for v in row:
        g = gcd(g, int(v))
    first = next(v for v in row if v)
    if first < 0:
        g = -g
    return tuple(int(v) // g for v in row)


def _reduce(row: list[int], basis: list[tuple[int, list[int]]]) -> list[int]:
    """Fraction-free reduction of ``row`` against an echelon basis [(pivot, row)]."""
    for p, b in basis:
        c = row[p]
        if c:
            bp = b[p]
            row = [bp * x - c * y for x, y in zip(row, b)]
    return row


def regions_and_facets(rows: Sequence[Sequence[int]], n: int) -> tuple[int, int]:
    """(regions, facets) of the arrangement of the hyperplanes ``rows`` = (w_1..w_n, b)
    meaning w . x + b = 0, by Whitney's formula (see the module docstring).  Rows must
    have w != 0; coincident rows may repeat (they are merged first)."""
    classes = {c for c in (primitive_class(r) for r in rows) if c is not None}
    return whitney_counts(sorted(classes), n)


def whitney_counts(classes: Sequence[tuple[int, ...]], n: int) -> tuple[int, int]:
    """(regions, facets) for *distinct primitive* integer rows (see :func:`primitive_class`;
    the search spaces hand them out in this form, so no normalisation is repeated)."""
    regions = 1  # the empty subset: |T| = 0, rank 0
    facets = 0
    m = len(classes)
    # depth-first over subsets in index order; basis: echelon rows of [w | b]
    stack: list[tuple[int, int, list[tuple[int, list[int]]]]] = [(0, 0, [])]  # (next index, size, basis)
    while stack:
        start, size, basis = stack.pop()
        for j in range(start, m):
            r = _reduce(list(classes[j]), basis)
            piv = next((k for k, v in enumerate(r) if v), None)
            if piv == n:  # 0 = c != 0: the subset has no common point, nor do its supersets
                continue
            new_basis = basis if piv is None else basis + [(piv, r)]
            s = size + 1
            sign = 1 if (s + len(new_basis)) % 2 == 0 else -1
            regions += sign
            facets += sign * s
            if j + 1 < m:
                stack.append((j + 1, s, new_basis))
    return regions, facets


def n_regions(rows: Sequence[Sequence[int]], n: int) -> int:
    """Regions of the arrangement of ``rows`` (see :func:`regions_and_facets`)."""
    return regions_and_facets(rows, n)[0]


def average_degree(rows: Sequence[Sequence[int]], n: int) -> mpq:
    """2 f_{n-1} / r: the exact average degree of the region-adjacency graph."""
    r, f = regions_and_facets(rows, n)
    return mpq(2 * f, r)


# ------------------------------------------------------------------ networks on R
def _preacts(net: ReluNetwork, x) -> tuple[tuple, ...]:
    return net.preactivations([x])


def activation_regions_1d(net: ReluNetwork) -> int:
    """Activation regions of a network R -> R^m, exactly (see the module docstring)."""
    if net.input_dim != 1:
        raise ValueError("activation_regions_1d needs a network on R")
    grid: list = []
    one = mpq(1)
    for layer in range(net.n_hidden_layers):
        new = set()
        if not grid:
            z0, z1 = _preacts(net, mpq(0))[layer], _preacts(net, one)[layer]
            for a, b in zip(z0, z1):
                if a != b:  # z(t) = a + (b - a) t crosses 0 at t = -a / (b - a)
                    new.add(-a / (b - a))
        else:
            vals = [_preacts(net, t)[layer] for t in grid]
            left, right = _preacts(net, grid[0] - one)[layer], _preacts(net, grid[-1] + one)[layer]
            pts = [grid[0] - one] + grid + [grid[-1] + one]
            vs = [left] + vals + [right]
            for j in range(len(vs[0])):
                for i in range(len(pts) - 1):
                    a, b = vs[i][j], vs[i + 1][j]
                    if (a < 0 < b) or (b < 0 < a):
                        new.add(pts[i] + (pts[i + 1] - pts[i]) * a / (a - b))
                # beyond the ends the unit is affine: a root further out is also a crossing
                for (p0, v0), (p1, v1) in (((pts[1], vs[1][j]), (pts[0], vs[0][j])), ((pts[-2], vs[-2][j]), (pts[-1], vs[-1][j]))):
                    if v0 != v1:
                        t = p0 - v0 * (p1 - p0) / (v1 - v0)
                        if (p1 < p0 and t <= p1) or (p1 > p0 and t >= p1):
                            new.add(t)
        grid = sorted(set(grid) | new)
    if not grid:
        return 1
    samples = [grid[0] - one] + [(a + b) / 2 for a, b in zip(grid, grid[1:])] + [grid[-1] + one]
    pats = [net.activation_pattern([t]) for t in samples]
    return 1 + sum(1 for p, q in zip(pats, pats[1:]) if p != q)


def pieces_1d(net: ReluNetwork) -> int:
    """Pieces (maximal intervals where the function is affine) of a network R -> R."""
    return PWL1D.from_network(net).pieces()
