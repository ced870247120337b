"""Exact geometry for drawing: region polygons and graphs, computed in rational arithmetic.

Nothing here imports matplotlib and nothing here is a float: the drawing module converts
the exact vertices at the last moment.

* :func:`region_polygons` - the activation regions of an R^2 -> R network inside a box, each
  as the exact vertex list of its closure (from its H-representation with
  :func:`polyrelu.exact.cddlib.h_to_v`), with its affine map and its piece.
* :func:`graph_points` - an R -> R network on an interval: its exact breakpoints and the
  values there.

>>> from polyrelu.paper.constructions import max_of_two
>>> polys = region_polygons(max_of_two(), -1, 1)
>>> len(polys), sorted({p.piece for p in polys}), len(polys[0].vertices)
(4, [0, 1], 3)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from ..errors import ShapeError
from ..exact import cddlib
from ..exact.affine import AffineMap
from ..exact.rational import Rational, as_rational, to_str
from ..geometry.polyhedron import OpenPolyhedron
from ..nets.network import ReluNetwork

__all__ = ["Polygon", "region_polygons", "graph_points", "check_domain"]


@dataclass(frozen=True)
class Polygon:
    """The closure of one activation region (clipped to a box), exactly: ``vertices`` in
    counter-clockwise order, the region's ``affine_map``, its ``piece`` (index of the
    connected piece of the function) and ``region`` (index among the activation regions)."""

    vertices: tuple[tuple[Rational, Rational], ...]
    affine_map: AffineMap
    piece: int
    region: int

    def values(self) -> tuple[Rational, ...]:
        """The function at the vertices (exact)."""
        return tuple(self.affine_map(v)[0] for v in self.vertices)


def check_domain(net: ReluNetwork, lo: Any, hi: Any) -> tuple[Rational, Rational]:
    lo_q, hi_q = as_rational(lo, field="LO"), as_rational(hi, field="HI")
    if not lo_q < hi_q:
        raise ShapeError(f"the domain [{to_str(lo_q)}, {to_str(hi_q)}] is empty; give LO < HI")
    if net.output_dim != 1:
        raise ShapeError(f"plots need a network with one output; this one has {net.output_dim}")
    return lo_q, hi_q


def _ccw(points: list[tuple[Rational, Rational]]) -> tuple[tuple[Rational, Rational], ...]:
    """Order the vertices of a convex polygon counter-clockwise (the order is only used for
    drawing; the angle is computed in floats from exact coordinates)."""
    cx = sum((p[0] for p in points), as_rational(0)) / len(points)
    cy = sum((p[1] for p in points), as_rational(0)) / len(points)
    return tuple(sorted(points, key=lambda p: math.atan2(float(p[1] - cy), float(p[0] - cx))))


def region_polygons(net: ReluNetwork, lo: Any, hi: Any, *, positive_only: bool = False, workers: int | None = 1) -> list[Polygon]:
    """The activation regions of ``net`` (R^2 -> R) inside the box (lo, hi)^2 as exact polygons.

    With ``positive_only``, each polygon is cut to where the function is > 0 (its closure),
    and regions where it is nowhere positive are left out.
    """
    import networkx as nx

    from ..nets.regions import network_regions

    if net.input_dim != 2:
        raise ShapeError(f"region polygons need a network on R^2; this one has {net.input_dim} inputs "
                         "(R -> R networks: use the graph kind)")
    lo_q, hi_q = check_domain(net, lo, hi)
    res = network_regions(net, domain=OpenPolyhedron.box(2, lo_q, hi_q), workers=workers)
    piece_of: dict[int, int] = {}
    comps = sorted((sorted(c) for c in nx.connected_components(res.piece_graph())), key=lambda c: c[0])
    for p, comp in enumerate(comps):
        for i in comp:
            piece_of[i] = p
    out = []
    for i, r in enumerate(res.regions):
        rows = [[b] + [-v for v in a] for a, b in r.inequalities]  # b - a.x >= 0 (the closure)
        amap = r.affine_map
        if positive_only:
            rows.append([amap.offset[0], *amap.matrix[0]])
        pts, _, _ = cddlib.h_to_v(rows)
        if len(pts) < 3:
            continue  # positive only on a segment or point: nothing to fill
        poly = Polygon(_ccw([tuple(p) for p in pts]), amap, piece_of[i], i)
        if positive_only and not any(v > 0 for v in poly.values()):
            continue  # the function is 0 on the whole region (a flat piece at zero)
        out.append(poly)
    return out


def graph_points(net: ReluNetwork, lo: Any, hi: Any) -> tuple[list[tuple[Rational, Rational]], list[tuple[Rational, Rational]]]:
    """(points, breakpoints) of an R -> R network on [lo, hi]: ``points`` are the ends and
    every breakpoint inside, with exact values; drawing straight segments between them is
    the exact graph."""
    from ..nets.pwl1d import PWL1D

    if net.input_dim != 1:
        raise ShapeError(f"a graph needs a network on R; this one has {net.input_dim} inputs (R^2 -> R: use regions or surface)")
    lo_q, hi_q = check_domain(net, lo, hi)
    f = PWL1D.from_network(net)
    inside = [t for t in f.breakpoints if lo_q < t < hi_q]
    pts = [(x, f(x)) for x in [lo_q, *inside, hi_q]]
    return pts, [(t, f(t)) for t in inside]
