"""Drawing with matplotlib: the only module of polyrelu that imports it, and the only place
where exact numbers become floats (for the screen, never for a decision).

Figures are built on :class:`matplotlib.figure.Figure` directly (no pyplot, no global
state, no display needed) and saved with fixed metadata, so the files do not change from
run to run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from mpl_toolkits.mplot3d import Axes3D  # noqa: F401  (registers the 3d projection)

from ..errors import ShapeError
from ..exact.rational import to_str

__all__ = ["new_figure", "draw_regions", "draw_surface", "draw_graph", "draw_network", "save", "piece_colour", "SUFFIXES"]

SUFFIXES = (".png", ".pdf", ".svg")
_PALETTE = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
            "#86bcb6", "#d37295", "#a0cbe8", "#ffbe7d", "#8cd17d", "#f1ce63", "#499894", "#d4a6c8", "#fabfd2", "#b6992d")


def piece_colour(piece: int) -> str:
    return _PALETTE[piece % len(_PALETTE)]


def new_figure(layout: Sequence[Sequence[str]], *, size: tuple[float, float] = (6.0, 4.5)):
    """A figure with a grid of axes; ``layout[r][c]`` is ``"2d"`` or ``"3d"``. Returns
    (figure, axes as a list of rows)."""
    fig = Figure(figsize=size, layout="constrained")
    nrows, ncols = len(layout), max(len(r) for r in layout)
    axes = []
    for r, row in enumerate(layout):
        axes.append([fig.add_subplot(nrows, ncols, r * ncols + c + 1, projection="3d" if kind == "3d" else None)
                     for c, kind in enumerate(row)])
    return fig, axes


def _f(v: Any) -> float:
    return float(v)


def draw_regions(ax, polygons, lo, hi, *, title: str | None = None, edges: bool = True) -> int:
    """Fill every polygon with the colour of its piece; returns the number drawn."""
    verts = [[(_f(x), _f(y)) for x, y in p.vertices] for p in polygons]
    coll = PolyCollection(verts, facecolors=[piece_colour(p.piece) for p in polygons],
                          edgecolors="#333333" if edges else "none", linewidths=0.3)
    ax.add_collection(coll)
    ax.set_xlim(_f(lo), _f(hi))
    ax.set_ylim(_f(lo), _f(hi))
    ax.set_aspect("equal")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    if title:
        ax.set_title(title, fontsize=8)
    return len(verts)


def draw_surface(ax, polygons, lo, hi, *, title: str | None = None, resolution: int = 121) -> int:
    """The graph of the function over the polygons, coloured by piece; returns the number of
    polygons drawn.

    The surface is sampled on a grid for the painter's algorithm of matplotlib's 3-D axes:
    each grid node takes the value of the exact affine map of the polygon that contains it
    (maps and polygons converted to floats here, for the picture only), and nodes outside
    every polygon are left blank.  The polygons' exact outlines are drawn on top."""
    import numpy as np
    from matplotlib.colors import to_rgba

    xs = [_f(x) for p in polygons for x, _ in p.vertices] or [_f(lo), _f(hi)]
    ys = [_f(y) for p in polygons for _, y in p.vertices] or [_f(lo), _f(hi)]
    gx = np.linspace(min(xs), max(xs), resolution)
    gy = np.linspace(min(ys), max(ys), resolution)
    X, Y = np.meshgrid(gx, gy)
    Z = np.full(X.shape, np.nan)
    P = np.full(X.shape, -1)
    cx, cy = (X[:-1, :-1] + X[1:, 1:]) / 2, (Y[:-1, :-1] + Y[1:, 1:]) / 2
    C = np.full(cx.shape, -1)
    tol = 1e-9 * max(1.0, max(map(abs, xs + ys)))  # drawing only: nodes on a shared edge get either map
    for p in polygons:
        vx = np.array([_f(x) for x, _ in p.vertices])
        vy = np.array([_f(y) for _, y in p.vertices])
        (a, b), c = (_f(v) for v in p.affine_map.matrix[0]), _f(p.affine_map.offset[0])

        def inside(px, py):
            ok = np.ones(px.shape, dtype=bool)
            for i in range(len(vx)):
                j = (i + 1) % len(vx)
                ok &= (vx[j] - vx[i]) * (py - vy[i]) - (vy[j] - vy[i]) * (px - vx[i]) >= -tol
            return ok

        m = inside(X, Y)
        Z[m] = a * X[m] + b * Y[m] + c
        C[inside(cx, cy)] = p.piece
    colours = np.zeros(C.shape + (4,))
    for piece in np.unique(C):
        colours[C == piece] = to_rgba(piece_colour(int(piece))) if piece >= 0 else (0, 0, 0, 0)
    ax.plot_surface(X, Y, Z, facecolors=colours, rstride=1, cstride=1, linewidth=0, antialiased=False, shade=False, rasterized=True)
    for p in polygons:
        ring = list(p.vertices) + [p.vertices[0]]
        vals = list(p.values()) + [p.values()[0]]
        ax.plot([_f(x) for x, _ in ring], [_f(y) for _, y in ring], [_f(z) for z in vals], color="#333333", linewidth=0.25)
    zs = [z for z in Z[~np.isnan(Z)]] or [0.0, 1.0]
    ax.set_xlim(min(xs), max(xs))
    ax.set_ylim(min(ys), max(ys))
    ax.set_zlim(min(zs), max(zs) if max(zs) > min(zs) else min(zs) + 1)
    ax.set_box_aspect((1, 1, 0.45))
    ax.view_init(elev=40, azim=-60)
    ax.tick_params(labelsize=6)
    if title:
        ax.set_title(title, fontsize=8)
    return len(polygons)


def draw_graph(ax, points, breakpoints, *, title: str | None = None, label: str | None = None, colour: str = "#4e79a7") -> int:
    """The exact graph of an R -> R function (straight segments between exact points), with
    its breakpoints marked; returns the number of breakpoints marked."""
    ax.plot([_f(x) for x, _ in points], [_f(y) for _, y in points], color=colour, linewidth=1.4, label=label)
    if breakpoints:
        ax.plot([_f(x) for x, _ in breakpoints], [_f(y) for _, y in breakpoints], "o", color=colour, markersize=3)
    ax.axhline(0, color="#999999", linewidth=0.5)
    ax.set_xlabel("$x$")
    if title:
        ax.set_title(title, fontsize=8)
    return len(breakpoints)


def draw_network(ax, net, *, title: str | None = None, input_names: Sequence[str] | None = None) -> None:
    """A layered diagram of a small network: nodes per layer, edges labelled with their
    exact weights (zero weights left out)."""
    widths = [net.input_dim] + [len(layer.biases) for layer in net.layers]
    pos = {}
    for li, w in enumerate(widths):
        for i in range(w):
            pos[(li, i)] = (li, (w - 1) / 2 - i)
    for li, layer in enumerate(net.layers):
        for j, row in enumerate(layer.weights):
            for i, v in enumerate(row):
                if v == 0:
                    continue
                (x0, y0), (x1, y1) = pos[(li, i)], pos[(li + 1, j)]
                ax.plot([x0, x1], [y0, y1], color="#4e79a7" if v > 0 else "#e15759", linewidth=0.8)
                t = 0.72 if li == 0 else 0.4  # first-layer labels near the hidden nodes, where the edges separate
                ax.text(x0 + t * (x1 - x0), y0 + t * (y1 - y0), to_str(v), fontsize=6, ha="center", va="center",
                        bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none"})
    for (li, i), (x, y) in pos.items():
        last = li == len(widths) - 1
        name = (input_names[i] if input_names else f"$x_{i + 1}$") if li == 0 else ("out" if last else "ReLU")
        ax.scatter([x], [y], s=260, color="white", edgecolors="#333333", zorder=3)
        ax.text(x, y, name, fontsize=6, ha="center", va="center", zorder=4)
    ax.set_xlim(-0.5, len(widths) - 0.5)
    ax.set_ylim(-max(widths) / 2 - 0.2, max(widths) / 2 + 0.2)
    ax.axis("off")
    if title:
        ax.set_title(title, fontsize=8)


def save(fig, path: str | Path, *, dpi: int = 110) -> Path:
    """Save with fixed metadata (no dates, no version strings), atomically."""
    import os
    import tempfile

    path = Path(path)
    if path.suffix.lower() not in SUFFIXES:
        raise ShapeError(f"{path}: the file name must end in one of {', '.join(SUFFIXES)} (the format)")
    meta = {".png": {"Software": None}, ".pdf": {"Creator": None, "Producer": None, "CreationDate": None},
            ".svg": {"Date": None, "Creator": None}}[path.suffix.lower()]
    import matplotlib

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp" + path.suffix, dir=path.parent)
    os.close(fd)
    try:
        with matplotlib.rc_context({"svg.hashsalt": "polyrelu", "pdf.compression": 9}):
            fig.savefig(tmp, dpi=dpi, metadata=meta, format=path.suffix.lower()[1:])
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
