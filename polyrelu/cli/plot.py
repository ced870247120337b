"""The plot command: a network's graph, regions or surface, from exact geometry."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import ShapeError
from ..exact.rational import to_str
from ..nets.network import ReluNetwork
from .app import INPUT_FILE, OUTPUT_FILE, cli, parse_box, prepare_outputs


def _box(spec: str) -> tuple:
    return parse_box(spec, "the square [LO, HI]^n)")


@cli.command("plot")
@click.argument("network", type=INPUT_FILE)
@click.option("--domain", metavar="box:LO,HI", default="box:-1,1", show_default=True, help="The interval or square to draw.")
@click.option("--out", type=OUTPUT_FILE, default=None,
              help="The image: .png, .pdf or .svg (default: NETWORK with .png).")
@click.option("--kind", type=click.Choice(["regions", "surface", "graph"]), default=None,
              help="graph (R -> R; the default there), regions or surface (R^2 -> R; regions is the default).")
@click.option("--positive", is_flag=True, help="Only where the function is above zero (regions and surface).")
@click.option("--dpi", type=click.IntRange(min=30, max=600), default=110, show_default=True, help="Resolution of PNG files.")
def plot_cmd(network: Path, domain: str, out: Path | None, kind: str | None, positive: bool, dpi: int) -> None:
    """Draw NETWORK from its exact geometry (docs/mathematics.md §2).

    On R: the graph, with every exact breakpoint marked.  On R^2: the activation regions as
    exact polygons (vertices from each region's inequalities, in rational arithmetic),
    coloured by affine piece, or the 3-D surface over them.  Other input dimensions are
    refused.  Floats are used only to draw.
    """
    try:
        from ..plot import plot_network
    except ImportError:
        raise click.ClickException("polyrelu plot needs matplotlib: pip install 'polyrelu[plot]' (scripts/setup.sh installs it)") from None
    out = out or network.with_suffix(".png")
    prepare_outputs({"--out": out}, {"NETWORK": network})  # never the input; writable, checked before the work
    net = ReluNetwork.load(network)
    lo, hi = _box(domain)
    try:
        info = plot_network(net, out, lo=lo, hi=hi, kind=kind, positive_only=positive, dpi=dpi)
    except ShapeError as exc:
        raise click.BadParameter(str(exc)) from None
    if info.kind == "graph":
        click.echo(f"graph on [{to_str(lo)}, {to_str(hi)}]: {info.breakpoints} breakpoints, {info.pieces} pieces -> {out}")
    else:
        click.echo(f"{info.kind} on [{to_str(lo)}, {to_str(hi)}]^2: {info.polygons} polygons drawn, {info.regions} activation regions, "
                   f"{info.pieces} pieces -> {out}")
