"""The paper's Figures 1-4, regenerated from exact geometry (docs/mathematics.md §3-§5).

* Figure 1: the three panels of ZONOTOPE^2 (left k = 2, m = 2; middle k = 2, m = 4;
  right k = 3, m = 4; M = 1, every a^i = (1/2)): the surface where the function is above
  zero (top row) and the partition into activation regions coloured by piece (bottom row).
* Figure 2: h_{a^1} (a^1 = (1/3, 2/3)), h_{a^2} (a^2 = (1/2)) and H = h_{a^2} o h_{a^1}.
* Figure 3: the one-hidden-layer network of max{x1, x2} and its partition of R^2.
* Figure 4: f and g = max{0, f + b}.

:func:`write_figures` draws them (PNG and PDF by default) and returns, per figure, what
was drawn, so tests can compare the polygons drawn with the regions counted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from gmpy2 import mpq

__all__ = ["FigureInfo", "write_figures", "FIGURE1_BOX", "FIGURE_NAMES"]

FIGURE1_BOX = (mpq(-3, 2), mpq(3, 2))  # contains the set where every Figure 1 function is > 0
FIGURE_NAMES = ("figure1", "figure2", "figure3", "figure4")


@dataclass
class FigureInfo:
    """A drawn figure: its files and, per panel, (polygons drawn, activation regions in the
    box) for region panels or breakpoints for graphs."""

    name: str
    files: list[Path] = field(default_factory=list)
    panels: dict[str, dict] = field(default_factory=dict)


def _figure1(dpi: int) -> tuple[object, dict]:
    from ..plot import draw
    from ..plot.geometry import region_polygons
    from .claims import FIGURE1_PANELS, figure1_network

    lo, hi = FIGURE1_BOX
    fig, axes = draw.new_figure([["3d"] * 3, ["2d"] * 3], size=(9.0, 6.0))
    panels = {}
    for c, (panel, (name, bps, gens)) in enumerate(FIGURE1_PANELS.items()):
        net = figure1_network(panel)
        regions = region_polygons(net, lo, hi)
        positive = region_polygons(net, lo, hi, positive_only=True)
        k, m = len(bps), len(gens)
        drawn_surface = draw.draw_surface(axes[0][c], positive, lo, hi, title=f"{panel}: k = {k}, m = {m}, where > 0")
        n_pieces = len({p.piece for p in regions})
        drawn = draw.draw_regions(axes[1][c], regions, lo, hi,
                                  title=f"{len(regions)} activation regions, {n_pieces} pieces in the box")
        panels[panel] = {"polygons": drawn, "regions": len(regions), "pieces": n_pieces, "surface_faces": drawn_surface,
                         "positive_pieces": len({p.piece for p in positive})}
    return fig, panels


def _figure2(dpi: int) -> tuple[object, dict]:
    from ..plot import draw
    from ..plot.geometry import graph_points
    from .constructions import hard_function, zigzag

    a1, a2 = (mpq(1, 3), mpq(2, 3)), (mpq(1, 2),)
    fig, axes = draw.new_figure([["2d"] * 3], size=(9.0, 2.8))
    panels = {}
    for c, (label, net) in enumerate((("h_{a^1}, a^1 = (1/3, 2/3)", zigzag(a1, 1)), ("h_{a^2}, a^2 = (1/2)", zigzag(a2, 1)),
                                      ("H = h_{a^2} o h_{a^1}", hard_function([a1, a2], 1)))):
        pts, bps = graph_points(net, 0, 1)
        draw.draw_graph(axes[0][c], pts, bps, title=f"${label}$: {len(bps) + 1} pieces in [0, 1]".replace("$", "") )
        panels[label] = {"breakpoints": len(bps), "pieces": len(bps) + 1}
    return fig, panels


def _figure3(dpi: int) -> tuple[object, dict]:
    from ..plot import draw
    from ..plot.geometry import region_polygons
    from .constructions import max_of_two

    net = max_of_two()
    fig, axes = draw.new_figure([["2d", "2d"]], size=(8.0, 3.6))
    draw.draw_network(axes[0][0], net, title="max{x1, x2} = (x1 + x2)/2 + |x1 - x2|/2: 4 hidden neurons")
    polys = region_polygons(net, -1, 1)
    drawn = draw.draw_regions(axes[0][1], polys, -1, 1, title=f"{len(polys)} activation regions, {len({p.piece for p in polys})} pieces")
    return fig, {"partition": {"polygons": drawn, "regions": len(polys), "pieces": len({p.piece for p in polys})}}


def _figure4(dpi: int) -> tuple[object, dict]:
    from ..nets.pwl1d import PWL1D
    from ..plot import draw
    from ..plot.geometry import graph_points
    from .claims import relu_shift, figure4_function

    f, b = figure4_function()
    g = relu_shift(f, b)
    fig, axes = draw.new_figure([["2d"]], size=(5.0, 3.2))
    lo, hi = -2, 4
    pf, bf = graph_points(f.to_network(), lo, hi)
    pg, bg = graph_points(g.to_network(), lo, hi)
    draw.draw_graph(axes[0][0], pf, bf, label=f"f ({f.pieces()} pieces)", colour="#4e79a7")
    draw.draw_graph(axes[0][0], pg, bg, label=f"g = max{{0, f + b}}, b = {b} ({g.pieces()} pieces)", colour="#e15759",
                    title="Figure 4: g has at most twice as many pieces as f")
    axes[0][0].legend(fontsize=7)
    assert isinstance(f, PWL1D)
    return fig, {"f": {"pieces": f.pieces()}, "g": {"pieces": g.pieces()}}


_BUILDERS = {"figure1": _figure1, "figure2": _figure2, "figure3": _figure3, "figure4": _figure4}


def write_figures(out_dir: str | Path, *, names: Sequence[str] = FIGURE_NAMES, suffixes: Sequence[str] = (".png", ".pdf"),
                  dpi: int = 100) -> list[FigureInfo]:
    """Draw the named figures into ``out_dir`` (one file per suffix)."""
    from ..plot import draw

    out = Path(out_dir)
    infos = []
    for name in names:
        fig, panels = _BUILDERS[name](dpi)
        info = FigureInfo(name, panels=panels)
        for suffix in suffixes:
            info.files.append(draw.save(fig, out / f"{name}{suffix}", dpi=dpi))
        infos.append(info)
    return infos
