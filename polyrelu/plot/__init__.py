"""Figures of networks: exact geometry in, floats only for drawing (matplotlib).

* R -> R: the graph with its exact breakpoints marked (``kind="graph"``);
* R^2 -> R: the exact region polygons coloured by affine piece (``kind="regions"``), or
  the 3-D surface over them (``kind="surface"``);
* other input dimensions: a :class:`~polyrelu.errors.ShapeError` saying so.

:mod:`polyrelu.plot.geometry` computes the polygons exactly (vertices from each region's
H-representation); :mod:`polyrelu.plot.draw` is the only matplotlib importer in polyrelu.
matplotlib is installed with the ``plot`` extra (``scripts/setup.sh`` installs it).

>>> import tempfile, os
>>> from polyrelu.paper.constructions import max_of_two
>>> with tempfile.TemporaryDirectory() as d:
...     info = plot_network(max_of_two(), os.path.join(d, "max.png"), lo=-1, hi=1)
>>> info.kind, info.polygons, info.regions, info.pieces
('regions', 4, 4, 2)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ShapeError
from ..nets.network import ReluNetwork
from .geometry import Polygon, check_domain, graph_points, region_polygons

__all__ = ["PlotInfo", "plot_network", "region_polygons", "graph_points", "Polygon", "KINDS"]

KINDS = ("regions", "surface", "graph")


@dataclass(frozen=True)
class PlotInfo:
    """What was drawn: the kind, the polygons (or breakpoints) drawn, the activation regions
    and pieces of the network in the domain, and the file."""

    kind: str
    polygons: int
    regions: int
    pieces: int
    breakpoints: int
    path: Path


def plot_network(net: ReluNetwork, out: str | Path, *, lo: Any = -1, hi: Any = 1, kind: str | None = None,
                 positive_only: bool = False, title: str | None = None, dpi: int = 110) -> PlotInfo:
    """Draw ``net`` on the box [lo, hi]^n into ``out`` (.png, .pdf or .svg).

    ``kind`` defaults to ``graph`` on R and ``regions`` on R^2; ``positive_only`` keeps
    only where the function is > 0 (regions and surface).
    """
    from . import draw

    n = net.input_dim
    if n not in (1, 2):
        raise ShapeError(f"polyrelu plots networks on R or R^2; this one has {n} inputs "
                         "(restrict it to a line or a plane first, e.g. by composing with an affine map)")
    kind = kind or ("graph" if n == 1 else "regions")
    if kind not in KINDS:
        raise ShapeError(f"kind {kind!r} is not one of {', '.join(KINDS)}")
    if (kind == "graph") != (n == 1):
        raise ShapeError(f"kind {kind!r} needs a network on {'R' if kind == 'graph' else 'R^2'}; this one has {n} input(s)")
    check_domain(net, lo, hi)
    if kind == "graph":
        pts, bps = graph_points(net, lo, hi)
        fig, axes = draw.new_figure([["2d"]], size=(5.0, 3.2))
        draw.draw_graph(axes[0][0], pts, bps, title=title or f"{len(bps)} breakpoints, {len(bps) + 1} pieces in the domain")
        draw.save(fig, out, dpi=dpi)
        return PlotInfo(kind, 0, len(bps) + 1, len(bps) + 1, len(bps), Path(out))
    polys = region_polygons(net, lo, hi, positive_only=positive_only)
    all_polys = polys if not positive_only else region_polygons(net, lo, hi)
    n_regions, n_pieces = len(all_polys), len({p.piece for p in all_polys})
    fig, axes = draw.new_figure([["3d" if kind == "surface" else "2d"]], size=(5.0, 4.2))
    label = title or f"{n_regions} activation regions, {n_pieces} pieces in the box"
    if kind == "surface":
        drawn = draw.draw_surface(axes[0][0], polys, lo, hi, title=label)
    else:
        drawn = draw.draw_regions(axes[0][0], polys, lo, hi, title=label)
    draw.save(fig, out, dpi=dpi)
    return PlotInfo(kind, drawn, n_regions, n_pieces, 0, Path(out))
