"""Commands on networks: inspect, eval, regions, equal."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import PolyReluError
from .app import EXIT_PARTIAL, ClaimFalse, cli, emit_json, parse_domain


@cli.command()
@click.argument("network", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object instead of text.")
def inspect(network: Path, as_json: bool) -> None:
    """Shape, depth, width and size of NETWORK (a polyrelu.nets.network JSON file)."""
    from ..nets.network import ReluNetwork

    net = ReluNetwork.load(network)
    info = {
        "input_dim": net.input_dim,
        "output_dim": net.output_dim,
        "hidden_widths": list(net.hidden_widths),
        "depth": net.depth,
        "width": net.width,
        "size": net.size,
        "output_bias": net.has_output_bias,
    }
    if as_json:
        emit_json(info)
        return
    arch = " -> ".join(str(w) for w in (net.input_dim, *net.hidden_widths, net.output_dim))
    click.echo(f"network      {network}")
    click.echo(f"shape        {arch}  (R^{net.input_dim} -> R^{net.output_dim})")
    click.echo(f"depth        {net.depth}  ({net.n_hidden_layers} hidden layer{'s' if net.n_hidden_layers != 1 else ''} + output layer)")
    click.echo(f"width        {net.width}")
    click.echo(f"size         {net.size}  (hidden neurons)")
    click.echo(f"output bias  {'nonzero' if net.has_output_bias else 'zero (the paper convention)'}")



@cli.command("eval", context_settings={"ignore_unknown_options": True})
@click.argument("network", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("point", nargs=-1, type=click.UNPROCESSED)
@click.option("--pattern", is_flag=True, help="Also print the activation pattern at the point.")
def eval_cmd(network: Path, point: tuple[str, ...], pattern: bool) -> None:
    """Exact output of NETWORK at POINT (coordinates such as 1/2 -3 0.25).

    Decimals mean their exact decimal value.  Outputs are printed one per line as p/q.
    """
    from ..exact.rational import as_rational, to_str
    from ..nets.network import ReluNetwork

    net = ReluNetwork.load(network)
    if len(point) != net.input_dim:
        raise click.UsageError(
            f"POINT has {len(point)} coordinate(s) but the network's input dimension is {net.input_dim}"
        )
    coords = []
    for i, text in enumerate(point):
        try:
            coords.append(as_rational(text, field=f"POINT[{i}]"))
        except PolyReluError as exc:
            raise click.BadParameter(str(exc), param_hint="POINT") from None
    for v in net.evaluate(coords):
        click.echo(to_str(v))
    if pattern:
        for i, layer in enumerate(net.activation_pattern(coords)):
            click.echo(f"pattern layer {i}: {''.join(map(str, layer))}")



@cli.command("regions")
@click.argument("network", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--domain", metavar="box:LO,HI", help="Only inside the cube (LO, HI)^n (an interval on R).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object instead of text.")
@click.option("--graph", "graph_out", type=click.Path(dir_okay=False, path_type=Path), help="Write the region-adjacency graph (JSON).")
@click.option("--certificate", "cert_out", type=click.Path(dir_okay=False, path_type=Path), help="Write a certificate of the regions and counts ('polyrelu verify' checks it).")
@click.option("--workers", type=int, default=None, help="Processes (default: all cores for large layers).")
@click.option("--max-regions", type=int, default=None, help="Stop after a layer yields more regions (partial result, exit 4).")
@click.option("--max-seconds", type=float, default=None, help="Stop after a layer once this time is spent (partial result, exit 4).")
@click.option("--scheduler", metavar="ADDRESS", default=None, help="Run on a Dask distributed cluster (e.g. tcp://host:8786); same results.")
def regions_cmd(network: Path, domain: str | None, as_json: bool, graph_out: Path | None, cert_out: Path | None,
                workers: int | None, max_regions: int | None, max_seconds: float | None, scheduler: str | None) -> None:
    """Activation regions, linear regions, pieces and affine maps of NETWORK, exactly.

    Three counts, reported separately: activation regions (one activation pattern each),
    linear regions (merged across shared facets with equal affine maps) and pieces
    (maximal connected sets where the function is affine).
    """
    from ..nets.network import ReluNetwork
    from ..nets.regions import network_regions

    net = ReluNetwork.load(network)
    dom = parse_domain(domain, net.input_dim)
    def show(layer: int, done: int, total: int) -> None:
        click.echo(f"\rlayer {layer + 1}/{net.n_hidden_layers}: {total} regions", err=True, nl=layer + 1 == net.n_hidden_layers)

    if scheduler is not None:  # (the executors are imported only when needed: start-up time)
        from ..parallel import set_scheduler

        set_scheduler(scheduler)
    try:
        res = network_regions(net, domain=dom, workers=workers, max_regions=max_regions, max_seconds=max_seconds,
                              progress=show if sys.stderr.isatty() else None)
    finally:
        if scheduler is not None:
            set_scheduler(None)
    if cert_out is not None and not res.partial:
        from ..certify import network_certificate
        from ..io import formats

        formats.dump_atomic(network_certificate(res), cert_out)
    info = res.counts() if not res.partial else {"activation_regions": res.n_activation_regions, "partial": True}
    if graph_out is not None and not res.partial:
        from ..io import formats, graphs

        G = res.region_graph()
        formats.dump_atomic(graphs.network_graph_to_dict(G), graph_out)
    if as_json:
        emit_json(info)
    else:
        where = f" inside {domain}" if domain else ""
        click.echo(f"network {net!r}{where}")
        for key in ("activation_regions", "linear_regions", "pieces", "affine_maps"):
            if key in info:
                click.echo(f"{key.replace('_', ' '):20s}{info[key]}")
        if res.partial:
            click.echo("PARTIAL: the budget ran out; the count is of partially refined cells")
    if res.partial:
        raise click.exceptions.Exit(EXIT_PARTIAL)



@cli.command("equal")
@click.argument("first", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("second", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--domain", metavar="box:LO,HI", help="Compare only inside the cube (LO, HI)^n.")
def equal_cmd(first: Path, second: Path, domain: str | None) -> None:
    """Decide exactly whether two networks compute the same function (exit 1 if not,
    printing a rational point where they differ)."""
    from ..exact.rational import to_str
    from ..nets.equality import networks_equal
    from ..nets.network import ReluNetwork

    f, g = ReluNetwork.load(first), ReluNetwork.load(second)
    same, x = networks_equal(f, g, domain=parse_domain(domain, f.input_dim))
    if same:
        click.echo("equal: the networks compute the same function" + (f" on {domain}" if domain else " on R^%d" % f.input_dim))
        return
    click.echo("different at x = (" + ", ".join(to_str(v) for v in x) + ")")
    click.echo("  first:  " + " ".join(to_str(v) for v in f.evaluate(x)))
    click.echo("  second: " + " ".join(to_str(v) for v in g.evaluate(x)))
    raise ClaimFalse("the networks differ")
