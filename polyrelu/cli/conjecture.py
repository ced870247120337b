"""Commands that check conjectures: conjecture (built-ins or a user file) and represent."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..io import formats
from .app import (EXIT_PARTIAL, INPUT_FILE, OUTPUT_FILE, POSITIVE_INT, SECONDS, ClaimFalse, cli, emit_json, prepare_outputs,
                  write_outputs)


def _progress():
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        click.echo(f"\r{done}/{total} chunks", err=True, nl=done == total)

    return show


def _budget_options(f):
    f = click.option("--budget", "budget", type=SECONDS, default=None, metavar="SECONDS",
                     help="Stop cleanly after about this many seconds (partial result, exit 4; resume with --checkpoint).")(f)
    f = click.option("--max-candidates", type=POSITIVE_INT, default=None, help="Stop after this many candidates (partial, exit 4).")(f)
    f = click.option("--workers", type=POSITIVE_INT, default=None, help="Processes (default: every core). The answer does not depend on it.")(f)
    f = click.option("--scheduler", metavar="ADDRESS", default=None, help="Run on a Dask cluster (e.g. tcp://host:8786); same answer.")(f)
    f = click.option("--checkpoint", type=OUTPUT_FILE, default=None,
                     help="JSON Lines journal of finished chunks; rerun with the same file to resume.")(f)
    f = click.option("--certificate", "cert_out", type=OUTPUT_FILE, default=None,
                     help="Write a certificate that 'polyrelu verify' checks: of the counterexample or the maximum's witness (conjecture), of the equality of the network found (represent).")(f)
    f = click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")(f)
    f = click.option("--space", default=None, metavar="SPACE",
                     help="KIND:key=value;... e.g. exhaustive:n=2;widths=1..3;weights=-1..1 (see 'polyrelu conjecture --help').")(f)
    return f


def _print_result(res, cert_out: Path | None) -> None:
    c = res.conjecture
    s = res.space
    click.echo(f"conjecture   {c.name}: {c.statement}")
    objs = s.get("objects", "")
    click.echo(f"space        {s['kind']}: {objs}")
    details = ", ".join(f"{k} {s[k]}" for k in ("n", "widths", "architectures", "generators", "w", "k", "weights", "den", "samples", "seed", "examples")
                        if k in s)
    click.echo(f"             {details}")
    if "removed_by_symmetry" in s:
        sym = ", ".join(s["symmetries"]) or "none"
        click.echo(f"             {s['raw_candidates']} raw candidates, {s['representatives']} after symmetry reduction "
                   f"({s['removed_by_symmetry']} removed: {sym})")
    cov = res.coverage
    if "chunks_total" in cov:
        raw = f", standing for {cov['raw_covered']} raw candidates" if cov.get("raw_covered") is not None else ""
        click.echo(f"covered      {cov['evaluated']} candidates{raw}; {cov['chunks_done']}/{cov['chunks_total']} chunks"
                   + ("" if cov["complete"] else " (stopped early)"))
    else:
        click.echo(f"covered      {cov['evaluated']} examples ({cov.get('note', '')})")
    if res.status == "refuted":
        cx = res.counterexample
        net = res.counterexample_network
        bound = f" (bound {cx['bound']})" if cx.get("bound") is not None else ""
        which = {True: "the smallest counterexample", False: "a counterexample (the budget ran out before smaller ones were ruled out)",
                 None: "a counterexample"}[cov.get("minimal")]
        click.echo(f"result       REFUTED: {which} has {c.quantity} = {cx['value']}{bound}")
        click.echo(f"             network {net!r}")
        for i, layer in enumerate(net.layers):
            from ..exact.rational import to_str

            rows = "; ".join(" ".join(to_str(v) for v in row) for row in layer.weights)
            click.echo(f"             layer {i}: weights [{rows}]  biases [{' '.join(to_str(v) for v in layer.biases)}]")
    elif res.status == "holds":
        what = "no counterexample in this space" if "chunks_total" in cov else "no counterexample found (not exhaustive)"
        click.echo(f"result       HOLDS: {what}")
    else:
        click.echo("result       PARTIAL: the budget ran out before the space was covered; rerun with --checkpoint to resume")
    for g, e in res.extremes.items():
        mx = e.get("max", {})
        bound = f" (bound {mx['bound']})" if mx.get("bound") is not None else ""
        click.echo(f"extremes     {g}: max {mx.get('value')}{bound}, min {e.get('min', {}).get('value')}")
    if c.name == "serra-montufar" and res.extremes:
        from ..conjecture.builtins import serra_montufar_table

        click.echo("table        widths  max-in-space  Serra-Thm1  Serra-Thm5  Serra-Thm6  Montufar  LemmaD5")
        for r in serra_montufar_table(res):
            click.echo(f"             {r['widths']:7s} {r['max_pieces_in_space']:12d}  {r['serra_upper_thm1']:10d}  "
                       f"{str(r['serra_exact_thm5'] or '-'):>10s}  {str(r['serra_lower_thm6'] or '-'):>10s}  "
                       f"{str(r['montufar_lower'] or '-'):>8s}  {r['lemma_d5']:7d}")
    if c.known_answer:
        rep = {True: "reproduced", False: "NOT reproduced", None: "not checked"}[res.known_answer_reproduced]
        click.echo(f"known answer {c.known_answer} — {rep}")
    if cert_out is not None:
        click.echo(f"certificate  {cert_out} (check it with: polyrelu verify {cert_out})" if res.certificate else
                   "certificate  none (this conjecture has no certificate producer)")
    click.echo(f"time         {res.elapsed:.2f} s on {res.workers} process{'es' if res.workers != 1 else ''}")


def _finish(res, as_json: bool, cert_out: Path | None, extra: dict | None = None) -> None:
    if cert_out is not None and res.certificate is not None:
        write_outputs([(cert_out, formats.dumps(res.certificate))])
    if as_json:
        out = res.to_dict()
        if extra:
            out.update(extra)
        emit_json(out)
    else:
        _print_result(res, cert_out)
    if res.status == "partial":
        raise click.exceptions.Exit(EXIT_PARTIAL)
    if res.status == "refuted":
        raise ClaimFalse(f"{res.conjecture.name}: refuted by a counterexample")


@cli.command("conjecture")
@click.argument("name", required=False)
@click.option("--file", "file_", type=INPUT_FILE, default=None,
              help="A Python file defining your own conjecture (see --template).")
@click.option("--list", "list_", is_flag=True, help="List the built-in conjectures.")
@click.option("--template", is_flag=True, help="Print a documented template for --file.")
@_budget_options
def conjecture_cmd(name, file_, list_, template, space, budget, max_candidates, workers, scheduler, checkpoint, cert_out, as_json):
    """Check a conjecture on every candidate of a search space, exactly.

    NAME is a built-in (see --list) or use --file for your own.  Exit 0: no counterexample
    in the space; 1: refuted (the smallest counterexample is printed, with a certificate
    for 'polyrelu verify' via --certificate); 4: the budget ran out (what was covered is
    printed).

    SPACE is KIND:key=value;... with KIND exhaustive, random or hypothesis.  Keys: n (input
    dimension), widths (4, 1..3, or 2x1,1x2 for deeper nets), weights (LO..HI), den
    (denominators up to Q), reduce (no: skip the symmetry reduction), chunk; random:
    samples, seed; hypothesis: examples, seed.  Keys left out come from the conjecture's
    default space.
    """
    from ..conjecture import BUILTINS, check, get_builtin
    from ..conjecture.userfile import TEMPLATE, load_conjecture_file

    if template:
        click.echo(TEMPLATE, nl=False)
        return
    if list_:
        for b in BUILTINS:
            conj = get_builtin(b)
            click.echo(f"{b:16s} {conj.statement}")
            click.echo(f"{'':16s} default space: {conj.default_space}")
        return
    if (name is None) == (file_ is None):
        raise click.UsageError("give a built-in NAME (see --list) or --file FILE, not both")
    prepare_outputs({"--certificate": cert_out, "--checkpoint": checkpoint}, {"--file": file_})
    conj = get_builtin(name) if name is not None else load_conjecture_file(file_)
    res = check(conj, space, workers=workers, scheduler=scheduler, max_seconds=budget, max_candidates=max_candidates,
                checkpoint=checkpoint, certify=cert_out is not None or as_json, progress=_progress())
    extra = None
    if conj.name == "serra-montufar" and res.extremes:
        from ..conjecture.builtins import serra_montufar_table

        extra = {"table": serra_montufar_table(res)}
    _finish(res, as_json, cert_out, extra)


@cli.command("represent")
@click.argument("expression")
@click.option("--n", "n", type=int, default=None, help="Number of inputs (default: the largest k of the x_k used).")
@click.option("--out", type=OUTPUT_FILE, default=None, help="Write the network found.")
@_budget_options
def represent_cmd(expression, n, out, space, budget, max_candidates, workers, scheduler, checkpoint, cert_out, as_json):
    """Search a space of networks (architecture x finite weight set) for one that computes
    EXPRESSION exactly, e.g. "max(0, x1, x2)".

    Exit 0: found (the smallest such network is printed; --out writes it, --certificate
    writes an equality certificate); 1: no network of this space computes it; 4: budget.
    Default space: exhaustive:n=N;widths=1,2;weights=-1..1 (every weight and bias).
    """
    from ..conjecture.harness import find_representation

    prepare_outputs({"--out": out, "--certificate": cert_out, "--checkpoint": checkpoint})
    res = find_representation(expression, n=n, space=space, workers=workers, scheduler=scheduler, max_seconds=budget,
                              max_candidates=max_candidates, checkpoint=checkpoint, certify=cert_out is not None)
    files = []
    if cert_out is not None and res.certificate is not None:
        files.append((cert_out, formats.dumps(res.certificate)))
    found = res.counterexample_network if res.status == "refuted" else None
    if found is not None and out is not None:
        files.append((out, found.to_json()))
    write_outputs(files)
    if as_json:
        d = res.to_dict()
        d["found"] = res.status == "refuted"
        emit_json(d)
    else:
        net = found
        if net is not None:
            click.echo(f"found: {net!r} computes {expression}")
            from ..exact.rational import to_str

            for i, layer in enumerate(net.layers):
                rows = "; ".join(" ".join(to_str(v) for v in row) for row in layer.weights)
                click.echo(f"  layer {i}: weights [{rows}]  biases [{' '.join(to_str(v) for v in layer.biases)}]")
            if out is not None:
                click.echo(f"network -> {out}")
            if cert_out is not None:
                click.echo(f"equality certificate -> {cert_out} (format polyrelu.equality-certificate)")
        elif res.status == "holds":
            s = res.space
            click.echo(f"none: no network of this space computes {expression} "
                       f"({res.coverage['evaluated']} representatives of {s.get('raw_candidates')} raw networks; "
                       f"architectures {', '.join(s.get('architectures', []))}, weights {s.get('weights')}, den {s.get('den')})")
        else:
            click.echo("PARTIAL: the budget ran out before the space was covered")
        click.echo(f"time {res.elapsed:.2f} s on {res.workers} process{'es' if res.workers != 1 else ''}")
    if res.status == "partial":
        raise click.exceptions.Exit(EXIT_PARTIAL)
    if res.status == "holds":
        raise ClaimFalse(f"no network of this space computes {expression}")
