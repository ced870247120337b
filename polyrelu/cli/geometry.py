"""Commands on arrangements and zonotopes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ..errors import BudgetExceededError, InternalError
from .app import (EXIT_PARTIAL, INPUT_FILE, OUTPUT_FILE, cli, computing_options, domain_file, emit_json, executor_for, parse_domain,
                  prepare_outputs, write_outputs)


@cli.command("arrangement")
@click.argument("arrangement", type=INPUT_FILE)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object instead of text.")
@click.option("--domain", "--inside", "domain", metavar="box:LO,HI|FILE.json",
              help="Only regions inside the open cube (LO, HI)^d or inside the open polyhedron of a JSON file "
                   "({\"dim\": d, \"inequalities\": [{\"a\": [...], \"b\": ...}]}, meaning a.x < b).")
@click.option("--certificate", "cert_out", type=OUTPUT_FILE, help="Write a certificate that 'polyrelu verify' checks.")
@click.option("--graph", "graph_out", type=OUTPUT_FILE, help="Write the region-adjacency graph (polyrelu.region-graph JSON).")
@click.option("--no-check", is_flag=True, help="Skip the second count route (characteristic polynomial; it costs less than the enumeration).")
@click.option("--shards", "shards_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Stream every region (signs, exact witness, bounded) to JSON Lines shards in this folder as it is found "
                   "(format polyrelu.arrangement-shard v1; manifest.json, written last, lists them with the counts). Memory "
                   "stays bounded (one packed sign key per region), so this is the route for very large arrangements. "
                   "The folder must not hold shards yet; --graph and --certificate need every region in memory and "
                   "cannot be combined with it.")
@computing_options(what="regions")
def arrangement_cmd(arrangement: Path, as_json: bool, domain: str | None, cert_out: Path | None, graph_out: Path | None, no_check: bool,
                    shards_dir: Path | None, workers: int | None, max_seconds: float | None, max_regions: int | None,
                    scheduler: str | None) -> None:
    """Count and certify the regions of a hyperplane arrangement exactly.

    ARRANGEMENT is a JSON file {"format": "polyrelu.arrangement", "version": 1,
    "dim": d, "hyperplanes": [{"a": [...], "b": ...}, ...]} (hyperplanes a.x = b).
    Regions are counted by exact enumeration and, as an independent check, from the
    characteristic polynomial (Zaslavsky); a disagreement is a bug in polyrelu (exit 5).
    The polynomial comes from the intersection lattice, counted level by level in
    integers; it costs less than the enumeration and runs at every size (--no-check
    skips it; it does not apply with --domain).
    """
    from ..geometry.arrangement import HyperplaneArrangement
    from ..io import formats

    if shards_dir is not None and (cert_out is not None or graph_out is not None):
        raise click.UsageError("--shards streams the regions to disk and keeps none in memory: --graph and --certificate "
                               "need them (drop --shards, or run twice)")
    prepare_outputs({"--certificate": cert_out, "--graph": graph_out}, {"ARRANGEMENT": arrangement, "--domain": domain_file(domain)})
    arr = HyperplaneArrangement.load(arrangement)
    if workers is not None:
        arr = HyperplaneArrangement(arr.hyperplanes, dim=arr.dim, workers=workers)
    inside = parse_domain(domain, arr.dim)
    if shards_dir is not None:
        _arrangement_stream(arr, inside, domain, shards_dir, as_json, no_check, workers, max_seconds, max_regions, scheduler)
        return
    try:
        with executor_for(workers, scheduler) as ex:
            arr.enumerate(inside=inside, executor=ex, max_seconds=max_seconds, max_regions=max_regions)
    except BudgetExceededError as exc:
        found, done, total = (list(exc.args[1:4]) + [None, None, None])[:3]
        part = {"partial": True, "regions_at_least": found, "steps_done": done, "steps": total}
        if as_json:
            emit_json(part)
        else:
            click.echo(f"PARTIAL: the budget ran out after {done} of {total} hyperplanes of the enumeration")
            click.echo(f"regions:          at least {found}")
        if cert_out is not None or graph_out is not None:
            click.echo("no certificate or graph written: the enumeration did not finish", err=True)
        raise click.exceptions.Exit(EXIT_PARTIAL)
    info = _facts(arr)
    info.update({
        "hyperplanes": arr.n_hyperplanes,
        "distinct_hyperplanes": arr.n_classes,
        "rank": arr.rank,
        "central": arr.is_central,
        "regions": arr.n_regions(inside=inside),
        "bounded_regions": arr.n_bounded_regions(inside=inside),
    })
    check = inside is None and not no_check
    if check:
        info.update(_zaslavsky(arr))
        _agree(info)
    files = []
    if graph_out is not None:
        from ..io import graphs

        G = arr.region_graph(inside=inside)
        info["graph_edges"] = G.number_of_edges()
        files.append((graph_out, formats.dumps(graphs.arrangement_graph_to_dict(G))))
    if cert_out is not None:
        from ..certify import arrangement_certificate

        files.append((cert_out, formats.dumps(arrangement_certificate(arr, inside=inside))))
    write_outputs(files)
    if as_json:
        emit_json(info)
    else:
        _echo_counts(arr, domain, info, check)
        if graph_out is not None:
            click.echo(f"region graph: {info['graph_edges']} edges -> {graph_out}")
        if cert_out is not None:
            click.echo(f"certificate -> {cert_out}")



def _facts(arr: Any) -> dict[str, Any]:
    return {"dim": arr.dim, "hyperplanes": arr.n_hyperplanes, "distinct_hyperplanes": arr.n_classes, "rank": arr.rank,
            "central": arr.is_central, "essential": arr.is_essential}


def _zaslavsky(arr: Any) -> dict[str, Any]:
    return {"characteristic_polynomial": list(arr.characteristic_polynomial), "regions_zaslavsky": arr.n_regions_zaslavsky(),
            "bounded_regions_zaslavsky": arr.n_bounded_regions_zaslavsky()}


def _agree(info: dict[str, Any]) -> None:
    """The two count routes must agree; a disagreement is a bug in polyrelu (exit 5)."""
    if info["regions"] != info["regions_zaslavsky"] or info["bounded_regions"] != info["bounded_regions_zaslavsky"]:
        raise InternalError(f"enumeration ({info['regions']} regions, {info['bounded_regions']} bounded) and the characteristic "
                            f"polynomial ({info['regions_zaslavsky']}, {info['bounded_regions_zaslavsky']}) disagree")


def _echo_counts(arr: Any, domain: str | None, info: dict[str, Any], check: bool) -> None:
    click.echo(f"{arr.n_hyperplanes} hyperplanes ({arr.n_classes} distinct) in R^{arr.dim}, rank {arr.rank}"
               f"{', central' if arr.is_central else ''}{', essential' if arr.is_essential else ', not essential'}")
    if domain is not None:
        click.echo(f"inside {domain} (regions of the arrangement restricted to it):")
    click.echo(f"regions:          {info['regions']}")
    click.echo(f"bounded regions:  {info['bounded_regions']}")
    if check:
        click.echo(f"characteristic polynomial: {_poly_text(info['characteristic_polynomial'])}")
        click.echo(f"Zaslavsky: |chi(-1)| = {info['regions_zaslavsky']}, bounded = {info['bounded_regions_zaslavsky']}")


def _arrangement_stream(arr: Any, inside: Any, domain: str | None, shards_dir: Path, as_json: bool, no_check: bool,
                        workers: int | None, max_seconds: float | None, max_regions: int | None, scheduler: str | None) -> None:
    """``arrangement --shards DIR``: the regions go to the shards as they are found; the
    characteristic polynomial comes first (it gives the progress bar its total)."""
    from ..geometry.shards import stream_arrangement
    from .progress import bar

    check = inside is None and not no_check
    info = _facts(arr)
    if check:
        info.update(_zaslavsky(arr))
    total = info.get("regions_zaslavsky", 0)
    with executor_for(workers, scheduler) as ex, bar("regions", unit="region") as show:
        r = stream_arrangement(arr, shards_dir, inside=inside, executor=ex, max_seconds=max_seconds, max_regions=max_regions,
                               progress=(lambda k: show(k, max(total, k))) if show is not None else None)
    if r.partial:
        part = {"partial": True, "regions_at_least": r.info["regions_at_least"], "shards": [str(p) for p in r.shards],
                "manifest": str(r.manifest)}
        if as_json:
            emit_json(part)
        else:
            click.echo("PARTIAL: the budget ran out during the enumeration")
            click.echo(f"regions:          at least {part['regions_at_least']} (written to {len(r.shards)} complete shards)")
            click.echo(f"shards:           {len(r.shards)} -> {shards_dir} (manifest {r.manifest.name if r.manifest else '-'})")
        raise click.exceptions.Exit(EXIT_PARTIAL)
    info.update({"regions": r.counts["regions"], "bounded_regions": r.counts["bounded_regions"]})
    if check:
        _agree(info)
    info.update({"shards": [str(p) for p in r.shards], "manifest": str(r.manifest)})
    if as_json:
        emit_json(info)
    else:
        _echo_counts(arr, domain, info, check)
        click.echo(f"shards:           {len(r.shards)} -> {shards_dir} (manifest {r.manifest.name if r.manifest else '-'})")


def _poly_text(coeffs: list[int]) -> str:
    terms = [f"{c}" + (f" t^{i}" if i > 1 else (" t" if i == 1 else "")) for i, c in reversed(list(enumerate(coeffs))) if c]
    return " + ".join(terms).replace("+ -", "- ") or "0"



#: facets, volume and general position are computed by default while the number of
#: generator-direction subsets they examine is at most this, or at most
#: EXTRAS_PER_VERTEX times the number of vertices (measured: a subset costs well under
#: 1/20 of a vertex, so the extras then cost less than the vertices; scripts/bench_zonotope.py)
EXTRAS_SUBSETS = 200_000
EXTRAS_PER_VERTEX = 20


@cli.command("zonotope")
@click.argument("zonotope", type=INPUT_FILE)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object instead of text.")
@click.option("--list", "list_vertices", is_flag=True, help="Also print the vertices (p/q coordinates).")
@click.option("--facets", "want_facets", is_flag=True, help="Always count the facets (by default only when cheap, see below).")
@click.option("--volume", "want_volume", is_flag=True, help="Always compute the volume and general position (by default only when cheap).")
@click.option("--check-cdd", is_flag=True, help="Also compute the vertices by iterated Minkowski sums in cdd (slow) and compare.")
def zonotope_cmd(zonotope: Path, as_json: bool, list_vertices: bool, want_facets: bool, want_volume: bool, check_cdd: bool) -> None:
    """Vertices, facets, volume and general position of a zonotope.

    ZONOTOPE is a JSON file {"format": "polyrelu.zonotope", "version": 1,
    "generators": [[...], ...], "center": [...]}.  Vertices come from the regions of
    the central arrangement {r : <r, b_i> = 0}; --check-cdd recomputes them as the
    paper describes (Minkowski sum of segments); a difference is a bug in polyrelu (exit 5).

    Facets, volume and general position are integer minors of the k distinct generator
    directions in R^n (C(k, n-1) and C(k, n) of them).  They are computed by default
    when that is cheap next to the vertices (at most 200,000 subsets or 20 per vertex);
    otherwise they are reported as not computed (null in --json) unless --facets or
    --volume asks for them.
    """
    from ..exact.rational import to_str
    from ..geometry.zonotope import Zonotope

    Z = Zonotope.load(zonotope)
    n_vertices = Z.n_vertices
    cheap = Z.n_direction_subsets() <= max(EXTRAS_SUBSETS, EXTRAS_PER_VERTEX * n_vertices)
    info: dict[str, Any] = {
        "dim": Z.dim,
        "rank": Z.rank,
        "generators": Z.n_generators,
        "zero_generators": Z.n_zero_generators,
        "vertices": n_vertices,
        "vertex_bound": Z.vertex_bound(),
        "facets": Z.n_facets if cheap or want_facets else None,
        "volume": to_str(Z.volume()) if cheap or want_volume else None,
        "general_position": Z.is_general_position() if cheap or want_volume else None,
    }
    if list_vertices:
        info["vertex_list"] = [[to_str(v) for v in x] for x in Z.vertices()]
    agree = True
    if check_cdd:
        agree = sorted(Z.vertices()) == Z.vertices_cdd()
        info["cdd_agrees"] = agree
        if not agree:
            raise InternalError("the cdd route and the arrangement route give different vertices")
    if as_json:
        emit_json(info)
    else:
        skipped = "not computed (many generator subsets; pass --{})"
        gp = info["general_position"]
        click.echo(f"zonotope with {Z.n_generators} generators ({Z.n_zero_generators} zero) in R^{Z.dim}, dimension {Z.rank}")
        click.echo(f"vertices          {info['vertices']}  (Thm 3.6 bound {info['vertex_bound']})")
        click.echo(f"facets            {info['facets'] if info['facets'] is not None else skipped.format('facets')}")
        click.echo(f"volume            {info['volume'] if info['volume'] is not None else skipped.format('volume')}")
        click.echo(f"general position  {skipped.format('volume') if gp is None else ('yes' if gp else 'no')}")
        if check_cdd:
            click.echo(f"cdd route         {'agrees' if agree else 'DISAGREES'}")
        for x in info.get("vertex_list", []):
            click.echo("  " + " ".join(x))
