"""Commands that build the paper's networks: zigzag, hard-function, max-net, zonotope-family."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import PolyReluError
from ..exact.rational import as_rational
from .app import INPUT_FILE, OUTPUT_FILE, cli, prepare_outputs, rational_list, write_or_print

OUT_HELP = "Write the network JSON to this file (default: stdout)."


@cli.command("zigzag")
@click.option("--a", "a_text", required=True, metavar="A1,A2,...", help="Breakpoints 0 < a_1 < ... < a_{w-1} < M (rationals).")
@click.option("--M", "M_text", default="1", show_default=True, help="The height and period M > 0.")
@click.option("--out", type=OUTPUT_FILE, help=OUT_HELP)
def zigzag_cmd(a_text: str, M_text: str, out: Path | None) -> None:
    """The zig-zag h_a of docs/mathematics.md §4 as a network (w neurons, no output bias)."""
    from ..paper.constructions import zigzag

    prepare_outputs({"--out": out})
    try:
        net = zigzag(rational_list(a_text, "--a"), as_rational(M_text, field="--M"))
    except PolyReluError as exc:
        raise click.BadParameter(str(exc)) from None
    write_or_print(net, out)



@cli.command("hard-function")
@click.option("--widths", required=True, metavar="W1,W2,...", help="Width of each zig-zag (each >= 2); k = number of widths.")
@click.option("--M", "M_text", default="1", show_default=True, help="The height and period M > 0.")
@click.option("--seed", type=click.IntRange(min=0), default=None,
              help="Random breakpoints from this seed, the same instance as the hard-functions table (default: equally spaced a_i = i M / w).")
@click.option("--out", type=OUTPUT_FILE, help=OUT_HELP)
def hard_function_cmd(widths: str, M_text: str, seed: int | None, out: Path | None) -> None:
    """H = h_{a^k} o ... o h_{a^1}: k hidden layers of the given widths (docs/mathematics.md §4)."""
    from ..paper.constructions import hard_function
    from ..paper.instances import random_hard_function

    prepare_outputs({"--out": out})
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
    write_or_print(net, out)



@cli.command("max-net")
@click.argument("functions", type=INPUT_FILE)
@click.option("--min", "use_min", is_flag=True, help="The minimum instead of the maximum.")
@click.option("--check/--no-check", default=True, show_default=True, help="Prove the result equal to a sequential max chain (exact).")
@click.option("--out", type=OUTPUT_FILE, help=OUT_HELP)
def max_net_cmd(functions: Path, use_min: bool, check: bool, out: Path | None) -> None:
    """The max (or min) of affine functions as a network with ceil(log2 q) hidden layers.

    FUNCTIONS is {"format": "polyrelu.affine-functions", "version": 1, "dim": n,
    "functions": [{"a": [...], "c": ...}, ...]} (each x -> a.x + c, every a of length n).
    """
    from ..io.functions import load_affine_functions
    from ..paper.constructions.maxnet import max_affine, min_affine

    prepare_outputs({"--out": out}, {"FUNCTIONS": functions})
    _, pairs = load_affine_functions(functions)
    net = min_affine(pairs, check=check) if use_min else max_affine(pairs, check=check)
    write_or_print(net, out)



@cli.command("zonotope-family")
@click.option("--n", "n", type=int, required=True, help="Input dimension.")
@click.option("--m", "m", type=int, required=True, help="Number of zonotope generators.")
@click.option("--w", "w", type=int, required=True, help="Width of each zig-zag (>= 2).")
@click.option("--k", "k", type=int, required=True, help="Number of zig-zags (hidden layers of H).")
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True,
              help="The instance: random generators (nonzero integers in [-9, 9]) and breakpoints; the same member as "
                   "`polyrelu table zonotope-family` and `polyrelu paper` rows with this seed.")
@click.option("--M", "M_text", default="1", show_default=True, help="The height and period M > 0 of the zig-zags.")
@click.option("--out", type=OUTPUT_FILE, help=OUT_HELP)
def zonotope_family_cmd(n: int, m: int, w: int, k: int, seed: int, M_text: str, out: Path | None) -> None:
    """A random member of ZONOTOPE^n_{k,w,m} = H o g_Z (depth k + 2, size 2m + wk; docs/mathematics.md §5)."""
    import warnings

    from ..paper.instances import zonotope_family_instance

    if n < 1 or m < 1 or w < 2 or k < 1:
        raise click.UsageError("need n >= 1, m >= 1, w >= 2, k >= 1")
    prepare_outputs({"--out": out})
    M = as_rational(M_text, field="--M")
    inst = zonotope_family_instance(n, m, w, k, seed=seed, M=M)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        net = inst.network(M)
    for wmsg in caught:
        click.echo(f"warning: {wmsg.message}", err=True)
    write_or_print(net, out)
