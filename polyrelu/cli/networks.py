"""Commands on networks: inspect, eval, regions, equal."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import PolyReluError
from ..exact.rational import as_rational, to_str
from ..io import formats
from ..nets.network import ReluNetwork
from .app import (EXIT_PARTIAL, INPUT_FILE, OUTPUT_FILE, ClaimFalse, cli, computing_options, domain_file, emit_json,
                  executor_for, parse_domain, prepare_outputs, write_outputs)

DOMAIN_HELP = "Only inside the open cube (LO, HI)^n, or inside the open polyhedron of a JSON file (see 'polyrelu --help')."


@cli.command()
@click.argument("network", type=INPUT_FILE)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object instead of text.")
def inspect(network: Path, as_json: bool) -> None:
    """Shape, depth, width and size of NETWORK (a polyrelu.network JSON file)."""
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
@click.argument("network", type=INPUT_FILE)
@click.argument("point", nargs=-1, type=click.UNPROCESSED)
@click.option("--pattern", is_flag=True, help="Also print the activation pattern at the point.")
def eval_cmd(network: Path, point: tuple[str, ...], pattern: bool) -> None:
    """Exact output of NETWORK at POINT (coordinates such as 1/2 -3 0.25).

    Decimals mean their exact decimal value.  Outputs are printed one per line as p/q.
    """
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
@click.argument("network", type=INPUT_FILE)
@click.option("--domain", "--inside", "domain", metavar="box:LO,HI|FILE.json", help=DOMAIN_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object instead of text.")
@click.option("--graph", "graph_out", type=OUTPUT_FILE, help="Write the region-adjacency graph (polyrelu.network-region-graph JSON).")
@click.option("--certificate", "cert_out", type=OUTPUT_FILE, help="Write a certificate of the regions and counts ('polyrelu verify' checks it).")
@click.option("--shards", "shards_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Also write every region (pattern, exact witness, affine map) to JSON Lines shards in this folder (format polyrelu.region-shard v1).")
@click.option("--stream", is_flag=True,
              help="With --shards: write the last hidden layer's regions shard by shard as they are found (workers write their own "
                   "shards; with --scheduler the folder must be on a file system the workers share) and keep only counts and "
                   "exact keys (one per distinct affine map, and on one-hidden-layer nets a packed sign key of width/8 bytes "
                   "per region), not the regions. All four counts are exact and equal to those without --stream: linear "
                   "regions and pieces come from the facets and closure joins among the regions whose affine map occurs "
                   "more than once (their pattern keys are kept; cells holding a map met in two cells are refined again "
                   "for the facets on their walls). The folder must not hold shards yet; manifest.json, written "
                   "last, lists the shards and the counts. No --graph or --certificate.")
@computing_options(what="regions")
def regions_cmd(network: Path, domain: str | None, as_json: bool, graph_out: Path | None, cert_out: Path | None,
                shards_dir: Path | None, stream: bool, workers: int | None, max_regions: int | None, max_seconds: float | None,
                scheduler: str | None) -> None:
    """Activation regions, linear regions, pieces and affine maps of NETWORK, exactly.

    Three counts, reported separately: activation regions (one activation pattern each),
    linear regions (merged across shared facets with equal affine maps) and pieces
    (maximal connected sets where the function is affine).  With --shards DIR --stream the
    regions go to disk as they are found; only counts and what joins the regions of shared
    affine maps are kept, and the four counts are the same.
    """
    from ..nets.regions import network_regions
    from .progress import layers

    if stream and shards_dir is None:
        raise click.UsageError("--stream writes the regions to shards: give --shards DIR")
    if stream and (graph_out is not None or cert_out is not None):
        raise click.UsageError("--stream keeps no regions in memory: --graph and --certificate need them (drop --stream)")
    prepare_outputs({"--graph": graph_out, "--certificate": cert_out}, {"NETWORK": network, "--domain": domain_file(domain)})
    net = ReluNetwork.load(network)
    dom = parse_domain(domain, net.input_dim)
    if stream:
        assert shards_dir is not None
        _regions_stream(net, network, domain, dom, shards_dir, as_json, workers, max_regions, max_seconds, scheduler)
        return
    with executor_for(workers, scheduler) as ex, layers("regions", net.n_hidden_layers) as show:
        res = network_regions(net, domain=dom, executor=ex, max_regions=max_regions, max_seconds=max_seconds, progress=show)
    files = []
    if res.partial:
        info = {"activation_regions": res.n_activation_regions, "partial": True, **res.info}
    else:
        info = res.counts()
        if cert_out is not None:
            from ..certify import network_certificate

            files.append((cert_out, formats.dumps(network_certificate(res))))
        if graph_out is not None:
            from ..io import graphs

            files.append((graph_out, formats.dumps(graphs.network_graph_to_dict(res.region_graph()))))
    write_outputs(files)
    if shards_dir is not None and not res.partial:
        from ..io.shards import write_shards

        info["shards"] = [str(p) for p in write_shards(res, shards_dir)]
    if as_json:
        emit_json(info)
    else:
        if res.partial:
            i = res.info
            _echo_partial(net, domain, f"{i.get('layers_completed')} layers completed; {i.get('cells_refined', 0)} of the "
                                       f"{i.get('cells_in_layer')} cells entering that layer refined", i)
        else:
            click.echo(f"network {net!r}" + (f" inside {domain}" if domain else ""))
            for key in ("activation_regions", "linear_regions", "pieces", "affine_maps"):
                click.echo(f"{key.replace('_', ' '):20s}{info[key]}")
            if "shards" in info:
                click.echo(f"{'shards':20s}{len(info['shards'])} -> {shards_dir}")
    if res.partial:
        if cert_out is not None or graph_out is not None:
            click.echo("no certificate or graph written: the enumeration did not finish", err=True)
        raise click.exceptions.Exit(EXIT_PARTIAL)


def _echo_partial(net, domain: str | None, what: str, info: dict) -> None:
    """The text of a result a budget cut short: where it stopped and the lower bound."""
    click.echo(f"network {net!r}" + (f" inside {domain}" if domain else ""))
    click.echo(f"PARTIAL: the budget ran out in hidden layer {info.get('stopped_in_layer')} of {info.get('layers')} ({what})")
    click.echo(f"{'activation regions':20s}at least {info.get('activation_regions_at_least')}")


def _regions_stream(net: ReluNetwork, network: Path, domain: str | None, dom, shards_dir: Path, as_json: bool, workers: int | None,
                    max_regions: int | None, max_seconds: float | None, scheduler: str | None) -> None:
    """``regions --shards DIR --stream``: counts only, the regions go to the shards."""
    from ..nets.stream import stream_regions
    from .progress import layers

    with executor_for(workers, scheduler) as ex, layers("regions", net.n_hidden_layers) as show:
        r = stream_regions(net, shards_dir, domain=dom, executor=ex, max_regions=max_regions, max_seconds=max_seconds, progress=show)
    extra = {k: r.info[k] for k in ("shared_maps", "regions_with_shared_maps", "cells_refined_again", "map_groups_needing_lp")
             if k in r.info}
    info = {**r.counts, **(extra if not r.partial else r.info), "shards": [str(p) for p in r.shards], "manifest": str(r.manifest)}
    if as_json:
        emit_json(info)
    else:
        if r.partial:
            i = r.info
            _echo_partial(net, domain, f"{i.get('regions_written', 0)} regions written to {i.get('shards_written', 0)} complete shards", i)
        else:
            click.echo(f"network {net!r}" + (f" inside {domain}" if domain else ""))
            for key in ("activation_regions", "linear_regions", "pieces", "affine_maps"):
                click.echo(f"{key.replace('_', ' '):20s}{r.counts[key]}")
            if r.info.get("shared_maps"):
                i = r.info
                click.echo(f"{'shared maps':20s}{i['shared_maps']} (over {i['regions_with_shared_maps']} regions; "
                           f"{i.get('cells_refined_again', 0)} cells refined again, LP joins tried in {i['map_groups_needing_lp']} map groups)")
        click.echo(f"{'shards':20s}{len(r.shards)} -> {shards_dir} (manifest {r.manifest.name if r.manifest else '-'})")
    if r.partial:
        raise click.exceptions.Exit(EXIT_PARTIAL)



@cli.command("equal")
@click.argument("first", type=INPUT_FILE)
@click.argument("second", type=INPUT_FILE, required=False)
@click.option("--to", "target", metavar="EXPR", default=None,
              help='Compare FIRST with an expression instead of a second network, e.g. "max(0, x1, x2, x3, x4)".')
@click.option("--domain", "--inside", "domain", metavar="box:LO,HI|FILE.json", help="Compare only there. " + DOMAIN_HELP)
@computing_options(what="regions of the difference")
def equal_cmd(first: Path, second: Path | None, target: str | None, domain: str | None, workers: int | None,
              max_regions: int | None, max_seconds: float | None, scheduler: str | None) -> None:
    """Decide exactly whether two networks compute the same function (exit 1 if not,
    printing a rational point where they differ).

    With --to EXPR the second function is an expression in x1..xn: max(...), min(...),
    relu(.), abs(.), +, -, rational scalars (3/4, 0.25), products by constants and
    parentheses, compiled to a network by the Thm 2.1 constructions.
    """
    from ..nets.equality import networks_equal

    if (second is None) == (target is None):
        raise click.UsageError("give a second network SECOND or an expression --to EXPR (exactly one)")
    f = ReluNetwork.load(first)
    dom = parse_domain(domain, f.input_dim)
    where = f" on {domain}" if domain else " on R^%d" % f.input_dim
    if target is not None:
        from ..conjecture.expression import equal_to_expression

        r = equal_to_expression(f, target, domain=dom)
        if r["equal"]:
            click.echo(f"equal: the network computes {target}{where}")
            return
        click.echo("different at x = (" + ", ".join(to_str(v) for v in r["point"]) + ")")
        click.echo("  network:    " + to_str(r["network_value"]))
        click.echo("  expression: " + to_str(r["expression_value"]))
        raise ClaimFalse("the network does not compute the expression")
    g = ReluNetwork.load(second)
    with executor_for(workers, scheduler) as ex:
        same, x = networks_equal(f, g, domain=dom, executor=ex, max_regions=max_regions, max_seconds=max_seconds)
    if same is None:
        click.echo("undecided: the budget ran out before every region of f - g was checked")
        raise click.exceptions.Exit(EXIT_PARTIAL)
    if same:
        click.echo("equal: the networks compute the same function" + where)
        return
    click.echo("different at x = (" + ", ".join(to_str(v) for v in x) + ")")
    click.echo("  first:  " + " ".join(to_str(v) for v in f.evaluate(x)))
    click.echo("  second: " + " ".join(to_str(v) for v in g.evaluate(x)))
    raise ClaimFalse("the networks differ")
