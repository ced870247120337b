"""The ``polyrelu`` command: a thin layer that parses arguments, calls the library and
prints.  Exit codes: 0 ok, 1 a checked claim is false, 2 usage error, 3 bad input file,
4 a budget ran out (partial result), 5 internal error (a bug: one line asking for a
report, never a traceback), 130 interrupted.  click is used because it gives composable
subcommands, help text and usage errors (exit 2) without code of our own.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from . import __version__
from .io import formats, graphs
from .paper import claims
from .errors import InternalError, PolyReluError
from .nets.network import ReluNetwork
from .exact.rational import as_rational, to_str

EXIT_OK, EXIT_CLAIM_FALSE, EXIT_USAGE, EXIT_BAD_INPUT, EXIT_PARTIAL, EXIT_INTERNAL = 0, 1, 2, 3, 4, 5
BUG_REPORT = "this is a bug in polyrelu; please report it with the command and input files that caused it"


class ClaimFalse(Exception):
    """Raised by a command whose checked claim turned out false (exit code 1)."""


def _emit_json(obj: Any) -> None:
    click.echo(formats.dumps(obj), nl=False)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="polyrelu")
def cli() -> None:
    """Exact polyhedral geometry for ReLU networks (Arora et al., ICLR 2018).

    Every number printed is decided in exact rational arithmetic.
    """


@cli.command()
@click.argument("network", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object instead of text.")
def inspect(network: Path, as_json: bool) -> None:
    """Shape, depth, width and size of NETWORK (a polyrelu.nets.network JSON file)."""
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
        _emit_json(info)
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


@cli.command("arrangement")
@click.argument("arrangement", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object instead of text.")
@click.option("--inside", type=click.Path(dir_okay=False, path_type=Path), help="Only regions inside this open polyhedron (JSON: {\"dim\": d, \"inequalities\": [{\"a\": [...], \"b\": ...}]}, meaning a.x < b).")
@click.option("--certificate", "cert_out", type=click.Path(dir_okay=False, path_type=Path), help="Write a certificate that 'polyrelu verify' checks.")
@click.option("--graph", "graph_out", type=click.Path(dir_okay=False, path_type=Path), help="Write the region-adjacency graph (JSON).")
@click.option("--no-check", is_flag=True, help="Skip the second count route (characteristic polynomial); it is skipped automatically above 60 hyperplanes.")
def arrangement_cmd(arrangement: Path, as_json: bool, inside: Path | None, cert_out: Path | None, graph_out: Path | None, no_check: bool) -> None:
    """Count and certify the regions of a hyperplane arrangement exactly.

    ARRANGEMENT is a JSON file {"format": "polyrelu.arrangement", "version": 1,
    "dim": d, "hyperplanes": [{"a": [...], "b": ...}, ...]} (hyperplanes a.x = b).
    Regions are counted by exact enumeration and, as an independent check, from the
    characteristic polynomial (Zaslavsky); a disagreement is reported as exit code 1.
    """
    from .certify import arrangement_certificate
    from .geometry.arrangement import HyperplaneArrangement
    from .geometry.polyhedron import OpenPolyhedron

    arr = HyperplaneArrangement.load(arrangement)
    domain = None
    if inside is not None:
        try:
            domain = OpenPolyhedron.from_dict(formats.load(inside))
        except PolyReluError as exc:
            raise type(exc)(f"{inside}: {exc}") from None
    info: dict[str, Any] = {
        "dim": arr.dim,
        "hyperplanes": arr.n_hyperplanes,
        "distinct_hyperplanes": arr.n_classes,
        "rank": arr.rank,
        "central": arr.is_central,
        "essential": arr.is_essential,
        "regions": arr.n_regions(inside=domain),
        "bounded_regions": arr.n_bounded_regions(inside=domain),
    }
    check = domain is None and not no_check and arr.n_hyperplanes <= 60
    if check:
        chi = arr.characteristic_polynomial
        info["characteristic_polynomial"] = list(chi)
        info["regions_zaslavsky"] = arr.n_regions_zaslavsky()
        info["bounded_regions_zaslavsky"] = arr.n_bounded_regions_zaslavsky()
    if graph_out is not None:
        G = arr.region_graph(inside=domain)
        info["graph_edges"] = G.number_of_edges()
        formats.dump_atomic(graphs.arrangement_graph_to_dict(G), graph_out)
    if cert_out is not None:
        formats.dump_atomic(arrangement_certificate(arr, inside=domain), cert_out)
    if as_json:
        _emit_json(info)
    else:
        where = " inside the given polyhedron" if domain is not None else ""
        click.echo(f"{arr.n_hyperplanes} hyperplanes ({arr.n_classes} distinct) in R^{arr.dim}, rank {arr.rank}"
                   f"{', central' if arr.is_central else ''}{', essential' if arr.is_essential else ', not essential'}")
        click.echo(f"regions{where}:          {info['regions']}")
        click.echo(f"bounded regions{where}:  {info['bounded_regions']}")
        if check:
            click.echo(f"characteristic polynomial: {_poly_text(info['characteristic_polynomial'])}")
            click.echo(f"Zaslavsky: |chi(-1)| = {info['regions_zaslavsky']}, bounded = {info['bounded_regions_zaslavsky']}")
        if graph_out is not None:
            click.echo(f"region graph: {info['graph_edges']} edges -> {graph_out}")
        if cert_out is not None:
            click.echo(f"certificate -> {cert_out}")
    if check and (info["regions"] != info["regions_zaslavsky"] or info["bounded_regions"] != info["bounded_regions_zaslavsky"]):
        raise ClaimFalse("enumeration and characteristic polynomial disagree; please report this as a bug")


def _poly_text(coeffs: list[int]) -> str:
    terms = [f"{c}" + (f" t^{i}" if i > 1 else (" t" if i == 1 else "")) for i, c in reversed(list(enumerate(coeffs))) if c]
    return " + ".join(terms).replace("+ -", "- ") or "0"


@cli.command("verify")
@click.argument("certificate", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary.")
def verify_cmd(certificate: Path, as_json: bool) -> None:
    """Check a certificate with the independent verifier (exit 1 if it is rejected)."""
    from .verify.certificates import verify
    from .errors import CertificateError

    obj = formats.load(certificate)
    try:
        summary = verify(obj)
    except CertificateError as exc:
        raise ClaimFalse(f"certificate rejected: {exc}") from None
    if as_json:
        _emit_json({"valid": True, **summary})
    elif summary["kind"] == "training":
        click.echo(f"certificate valid: the optimal {summary['loss']} loss of width {summary['width']} is {summary['optimum']}; "
                   f"{summary['multisets']} subproblems covered ({summary['by_dual']} by exact dual solutions, "
                   f"{summary['by_sign_bound']} by the sign bound)")
    elif summary["kind"] == "network":
        click.echo(f"certificate valid: {summary['activation_regions']} activation regions, {summary['linear_regions']} linear "
                   f"regions, {summary['pieces']} pieces, {summary['affine_maps']} affine maps")
    else:
        click.echo(f"certificate valid: {summary['n_regions']} regions ({summary['n_bounded_regions']} bounded) of "
                   f"{summary['hyperplanes']} hyperplanes in R^{summary['dim']}")


@cli.command("zonotope")
@click.argument("zonotope", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object instead of text.")
@click.option("--list", "list_vertices", is_flag=True, help="Also print the vertices (p/q coordinates).")
@click.option("--check-cdd", is_flag=True, help="Also compute the vertices by iterated Minkowski sums in cdd (slow) and compare.")
def zonotope_cmd(zonotope: Path, as_json: bool, list_vertices: bool, check_cdd: bool) -> None:
    """Vertices, facets, volume and general position of a zonotope.

    ZONOTOPE is a JSON file {"format": "polyrelu.zonotope", "version": 1,
    "generators": [[...], ...], "center": [...]}.  Vertices come from the regions of
    the central arrangement {r : <r, b_i> = 0}; --check-cdd recomputes them as the
    paper describes (Minkowski sum of segments) and exits 1 if the two differ.
    """
    from .geometry.zonotope import Zonotope

    Z = Zonotope.load(zonotope)
    info: dict[str, Any] = {
        "dim": Z.dim,
        "rank": Z.rank,
        "generators": Z.n_generators,
        "zero_generators": Z.n_zero_generators,
        "vertices": Z.n_vertices,
        "vertex_bound": Z.vertex_bound(),
        "facets": Z.n_facets,
        "volume": to_str(Z.volume()),
        "general_position": Z.is_general_position(),
    }
    if list_vertices:
        info["vertex_list"] = [[to_str(v) for v in x] for x in Z.vertices()]
    agree = True
    if check_cdd:
        agree = sorted(Z.vertices()) == Z.vertices_cdd()
        info["cdd_agrees"] = agree
    if as_json:
        _emit_json(info)
    else:
        click.echo(f"zonotope with {Z.n_generators} generators ({Z.n_zero_generators} zero) in R^{Z.dim}, dimension {Z.rank}")
        click.echo(f"vertices          {info['vertices']}  (Thm 3.6 bound {info['vertex_bound']})")
        click.echo(f"facets            {info['facets']}")
        click.echo(f"volume            {info['volume']}")
        click.echo(f"general position  {'yes' if info['general_position'] else 'no'}")
        if check_cdd:
            click.echo(f"cdd route         {'agrees' if agree else 'DISAGREES'}")
        for x in info.get("vertex_list", []):
            click.echo("  " + " ".join(x))
    if not agree:
        raise ClaimFalse("the cdd route and the arrangement route give different vertices; please report this as a bug")


def _parse_domain(spec: str | None, n: int):
    from .geometry.polyhedron import OpenPolyhedron

    if spec is None:
        return None
    if not spec.startswith("box:") or spec.count(",") != 1:
        raise click.BadParameter(f"{spec!r}: expected box:LO,HI (the cube [LO, HI]^n)", param_hint="--domain")
    lo_s, hi_s = spec[4:].split(",")
    try:
        lo, hi = as_rational(lo_s, field="LO"), as_rational(hi_s, field="HI")
    except PolyReluError as exc:
        raise click.BadParameter(str(exc), param_hint="--domain") from None
    if not lo < hi:
        raise click.BadParameter(f"{spec!r}: LO must be less than HI", param_hint="--domain")
    return OpenPolyhedron.box(n, lo, hi)


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
    from .certify import network_certificate
    from .nets.regions import network_regions

    net = ReluNetwork.load(network)
    dom = _parse_domain(domain, net.input_dim)
    def show(layer: int, done: int, total: int) -> None:
        click.echo(f"\rlayer {layer + 1}/{net.n_hidden_layers}: {total} regions", err=True, nl=layer + 1 == net.n_hidden_layers)

    from .parallel import set_scheduler

    set_scheduler(scheduler)
    try:
        res = network_regions(net, domain=dom, workers=workers, max_regions=max_regions, max_seconds=max_seconds,
                              progress=show if sys.stderr.isatty() else None)
    finally:
        set_scheduler(None)
    if cert_out is not None and not res.partial:
        formats.dump_atomic(network_certificate(res), cert_out)
    info = res.counts() if not res.partial else {"activation_regions": res.n_activation_regions, "partial": True}
    if graph_out is not None and not res.partial:
        G = res.region_graph()
        formats.dump_atomic(graphs.network_graph_to_dict(G), graph_out)
    if as_json:
        _emit_json(info)
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
    from .nets.equality import networks_equal

    f, g = ReluNetwork.load(first), ReluNetwork.load(second)
    same, x = networks_equal(f, g, domain=_parse_domain(domain, f.input_dim))
    if same:
        click.echo("equal: the networks compute the same function" + (f" on {domain}" if domain else " on R^%d" % f.input_dim))
        return
    click.echo("different at x = (" + ", ".join(to_str(v) for v in x) + ")")
    click.echo("  first:  " + " ".join(to_str(v) for v in f.evaluate(x)))
    click.echo("  second: " + " ".join(to_str(v) for v in g.evaluate(x)))
    raise ClaimFalse("the networks differ")


def _rational_list(text: str, name: str) -> list:
    try:
        return [as_rational(v.strip(), field=name) for v in text.split(",") if v.strip()]
    except PolyReluError as exc:
        raise click.BadParameter(str(exc), param_hint=name) from None


def _write_or_print(net: ReluNetwork, out: Path | None) -> None:
    if out is None:
        click.echo(net.to_json(), nl=False)
    else:
        net.save(out)
        click.echo(f"wrote {out}: {net!r}", err=True)


@cli.command("zigzag")
@click.option("--a", "a_text", required=True, metavar="A1,A2,...", help="Breakpoints 0 < a_1 < ... < a_{w-1} < M (rationals).")
@click.option("--M", "M_text", default="1", show_default=True, help="The height and period M > 0.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write the network JSON here (default: stdout).")
def zigzag_cmd(a_text: str, M_text: str, out: Path | None) -> None:
    """The zig-zag h_a of PAPER.md §4 as a network (w neurons, no output bias)."""
    from .paper.constructions import zigzag

    try:
        net = zigzag(_rational_list(a_text, "--a"), as_rational(M_text, field="--M"))
    except PolyReluError as exc:
        raise click.BadParameter(str(exc)) from None
    _write_or_print(net, out)


@cli.command("hard-function")
@click.option("--widths", required=True, metavar="W1,W2,...", help="Width of each zig-zag (each >= 2); k = number of widths.")
@click.option("--M", "M_text", default="1", show_default=True, help="The height and period M > 0.")
@click.option("--seed", type=int, default=None, help="Random breakpoints from this seed (default: equally spaced a_i = i M / w).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write the network JSON here (default: stdout).")
def hard_function_cmd(widths: str, M_text: str, seed: int | None, out: Path | None) -> None:
    """H = h_{a^k} o ... o h_{a^1}: k hidden layers of the given widths (PAPER.md §4)."""
    from .paper.constructions import hard_function, random_hard_function

    try:
        ws = [int(v) for v in widths.split(",") if v.strip()]
    except ValueError:
        raise click.BadParameter(f"{widths!r}: expected integers such as 2,3,3", param_hint="--widths") from None
    try:
        M = as_rational(M_text, field="--M")
        if seed is not None:
            net, _ = random_hard_function(ws, M, seed)
        else:
            if any(w < 2 for w in ws) or not ws:
                raise click.BadParameter(f"{widths!r}: every width must be at least 2", param_hint="--widths")
            net = hard_function([[M * i / w for i in range(1, w)] for w in ws], M)
    except PolyReluError as exc:
        raise click.BadParameter(str(exc)) from None
    _write_or_print(net, out)


@cli.command("max-net")
@click.argument("functions", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--min", "use_min", is_flag=True, help="The minimum instead of the maximum.")
@click.option("--check/--no-check", default=True, show_default=True, help="Prove the result equal to a sequential max chain (exact).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write the network JSON here (default: stdout).")
def max_net_cmd(functions: Path, use_min: bool, check: bool, out: Path | None) -> None:
    """The max (or min) of affine functions as a network with ceil(log2 q) hidden layers.

    FUNCTIONS is {"format": "polyrelu.affine-functions", "version": 1, "dim": n,
    "functions": [{"a": [...], "c": ...}, ...]} (each x -> a.x + c).
    """
    from .errors import FileFormatError, InternalError
    from .paper.constructions.maxnet import max_affine, min_affine

    obj = formats.load(functions)
    formats.check_header(obj, "polyrelu.affine-functions", source=str(functions))
    fs = obj.get("functions")
    if not isinstance(fs, list) or not fs or not all(isinstance(f, dict) and "a" in f and "c" in f for f in fs):
        raise FileFormatError(f"{functions}: field \"functions\" must be a nonempty list of {{\"a\": [...], \"c\": ...}}")
    pairs = [(f["a"], f["c"]) for f in fs]
    try:
        net = min_affine(pairs, check=check) if use_min else max_affine(pairs, check=check)
    except InternalError:
        raise
    except PolyReluError as exc:
        raise FileFormatError(f"{functions}: {exc}") from None
    _write_or_print(net, out)


@cli.command("zonotope-family")
@click.option("--n", "n", type=int, required=True, help="Input dimension.")
@click.option("--m", "m", type=int, required=True, help="Number of zonotope generators.")
@click.option("--w", "w", type=int, required=True, help="Width of each zig-zag (>= 2).")
@click.option("--k", "k", type=int, required=True, help="Number of zig-zags (hidden layers of H).")
@click.option("--seed", type=int, default=0, show_default=True, help="Random generators (integers in [-9, 9]) and breakpoints.")
@click.option("--M", "M_text", default="1", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write the network JSON here (default: stdout).")
def zonotope_family_cmd(n: int, m: int, w: int, k: int, seed: int, M_text: str, out: Path | None) -> None:
    """A random member of ZONOTOPE^n_{k,w,m} = H o g_Z (depth k + 2, size 2m + wk)."""
    import random
    import warnings

    from .paper.constructions import random_breakpoints
    from .paper.constructions.zonotope_family import zonotope_family

    if n < 1 or m < 1 or w < 2 or k < 1:
        raise click.UsageError("need n >= 1, m >= 1, w >= 2, k >= 1")
    rng = random.Random(seed)
    M = as_rational(M_text, field="--M")
    gens = [[rng.randint(-9, 9) or 1 for _ in range(n)] for _ in range(m)]
    bps = [random_breakpoints(w, M, rng.randint(0, 10**6)) for _ in range(k)]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        net = zonotope_family(bps, gens, M)
    for wmsg in caught:
        click.echo(f"warning: {wmsg.message}", err=True)
    _write_or_print(net, out)


@cli.command("train")
@click.argument("data", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--width", type=int, required=True, help="Hidden neurons w >= 1.")
@click.option("--loss", type=click.Choice(["absolute", "squared", "hinge"]), default="absolute", show_default=True,
              help="Hinge loss needs labels -1 and 1.")
@click.option("--output-bias", is_flag=True, help="Allow a constant added to the output.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object instead of text.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write the optimal network JSON here.")
@click.option("--certificate", "cert_out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write an optimality certificate ('polyrelu verify' checks it).")
@click.option("--workers", type=int, default=None, help="Processes (default: all cores when there are many subproblems).")
@click.option("--max-seconds", type=float, default=None, help="Stop with the best network so far, not certified (exit 4).")
@click.option("--max-subproblems", type=int, default=None, help="Stop after this many convex subproblems (exit 4).")
@click.option("--scheduler", metavar="ADDRESS", default=None, help="Solve the subproblems on a Dask cluster (e.g. tcp://host:8786).")
def train_cmd(data: Path, width: int, loss: str, output_bias: bool, as_json: bool, out: Path | None, cert_out: Path | None,
              workers: int | None, max_seconds: float | None, max_subproblems: int | None, scheduler: str | None) -> None:
    """Globally optimal one-hidden-layer network for DATA, exactly (the paper's Algorithm 1).

    DATA is a CSV file: a header row, then one point per row with the label in the last
    column; numbers are integers, decimals (their exact decimal value) or p/q.  The loss
    reported is the exact empirical risk (mean loss over the points).

    \b
    Example:
      polyrelu train data/examples/xor.csv --width 2 --loss squared --certificate xor.cert.json
      polyrelu verify xor.cert.json
    """
    from .parallel import set_scheduler
    from .io.dataset import read_csv
    from .training.trainer import ExactReluTrainer

    X, y = read_csv(data)
    for name, v in (("--width", width), ("--workers", workers), ("--max-subproblems", max_subproblems)):
        if v is not None and v < 1:
            raise click.BadParameter(f"{v} is not allowed; it must be at least 1", param_hint=name)
    if max_seconds is not None and not max_seconds > 0:
        raise click.BadParameter(f"{max_seconds} is not allowed; give a positive number of seconds", param_hint="--max-seconds")
    t = ExactReluTrainer(width=width, loss=loss, output_bias=output_bias, workers=workers, max_seconds=max_seconds,
                         max_subproblems=max_subproblems, certify=cert_out is not None)

    def show(done: int, total: int, best: Any) -> None:
        click.echo(f"\rsubproblems {done}/{total}  best loss {float(best):.6g}" if best is not None else f"\rsubproblems {done}/{total}",
                   err=True, nl=done == total)

    set_scheduler(scheduler)
    try:
        t.fit(X, y, progress=show if sys.stderr.isatty() else None)
    finally:
        set_scheduler(None)
    if out is not None:
        t.network_.save(out)
    if cert_out is not None and t.certified_:
        formats.dump_atomic(t.certificate_, cert_out)
    info = {"loss": to_str(t.loss_), "width": width, "loss_function": loss, "certified": t.certified_,
            "lower_bound": to_str(t.lower_bound_), "subproblems": t.n_subproblems_, "pruned": t.n_pruned_,
            "candidates": t.n_candidates_, "cells": t.n_cells_, "paper_bound": t.paper_bound_, "network": t.network_.to_dict()}
    if as_json:
        _emit_json(info)
    else:
        click.echo(f"{'optimal' if t.certified_ else 'best found'} {loss} loss (mean over {len(X)} points): {info['loss']}")
        click.echo(f"{t.n_cells_} activation splits per neuron; {t.n_candidates_} subproblems after symmetry, "
                   f"{t.n_subproblems_} solved exactly, {t.n_pruned_} pruned by bounds (paper's bound 2^w D^(nw) = {t.paper_bound_})")
        if not t.certified_:
            click.echo(f"PARTIAL: the budget ran out; the optimum lies in [{info['lower_bound']}, {info['loss']}]")
        if out is not None:
            click.echo(f"network -> {out}")
        if cert_out is not None and t.certified_:
            click.echo(f"certificate -> {cert_out}")
    if not t.certified_:
        if cert_out is not None:
            click.echo("no certificate written: the search did not finish", err=True)
        raise click.exceptions.Exit(EXIT_PARTIAL)


@cli.command("paper")
@click.option("--check", "checks", multiple=True, metavar="NAME", help=f"Run only these checks ({', '.join(claims.CHECKS)}).")
@click.option("--json", "as_json", is_flag=True, help="Print the verdict rows as JSON.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="Also write report.md and report.json into this folder.")
@click.option("--strict", is_flag=True, help="Exit with code 1 if any verdict is 'fails'.")
def paper_cmd(checks: tuple[str, ...], as_json: bool, out: Path | None, strict: bool) -> None:
    """Check the paper's claims exactly and print one verdict row per claim.

    Verdicts: 'holds', 'holds only as a bound', 'fails'.  A failing paper claim is a
    finding, reported with its evidence; with --strict it also sets exit code 1.
    """
    unknown = [c for c in checks if c not in claims.CHECKS]
    if unknown:
        raise click.UsageError(f"unknown check(s) {', '.join(unknown)}; available: {', '.join(claims.CHECKS)}")
    rows = claims.run_checks(list(checks) or None)
    report = {"format": "polyrelu.paper-report", "version": 1, "polyrelu": __version__, "rows": [r.to_dict() for r in rows]}
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        formats.dump_atomic(report, out / "report.json")
        formats.write_text_atomic(claims.to_markdown(rows), out / "report.md")
    if as_json:
        _emit_json(report)
    else:
        click.echo(claims.to_markdown(rows), nl=False)
        counts = {v: sum(r.verdict == v for r in rows) for v in (claims.HOLDS, claims.BOUND, claims.FAILS)}
        click.echo(f"\n{len(rows)} claims checked: " + ", ".join(f"{n} {v}" for v, n in counts.items()))
    if strict and any(r.verdict == claims.FAILS for r in rows):
        raise ClaimFalse("at least one claim fails")


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code."""
    try:
        rv = cli.main(args=argv, prog_name="polyrelu", standalone_mode=False)
        if isinstance(rv, int):  # click returns the code of ctx.exit / Exit in this mode
            return rv
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo("polyrelu: aborted", err=True)
        return 130
    except click.ClickException as exc:  # usage errors and bad parameters
        exc.show()
        return EXIT_USAGE if exc.exit_code == 2 else exc.exit_code
    except InternalError as exc:
        click.echo(f"polyrelu: internal error: {exc}; {BUG_REPORT}", err=True)
        return EXIT_INTERNAL
    except PolyReluError as exc:
        click.echo(f"polyrelu: error: {exc}", err=True)
        return EXIT_BAD_INPUT
    except ClaimFalse as exc:
        click.echo(f"polyrelu: {exc}", err=True)
        return EXIT_CLAIM_FALSE
    except KeyboardInterrupt:
        click.echo("polyrelu: interrupted", err=True)
        return 130
    except Exception as exc:  # an internal error: never exit 1, which means "a claim is false"
        where = _innermost_frame(exc)
        click.echo(f"polyrelu: internal error: {type(exc).__name__}: {exc} (at {where}); {BUG_REPORT}", err=True)
        return EXIT_INTERNAL
    return EXIT_OK


def _innermost_frame(exc: BaseException) -> str:
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    if tb is None:
        return "unknown location"
    return f"{Path(tb.tb_frame.f_code.co_filename).name}:{tb.tb_lineno}"


def entry_point() -> None:  # pragma: no cover - thin wrapper used by the console script
    sys.exit(main())
