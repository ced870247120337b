"""The train command: the exact one-hidden-layer trainer (Algorithm 1)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ..exact.rational import to_str
from ..io import formats
from .app import EXIT_PARTIAL, INPUT_FILE, OUTPUT_FILE, POSITIVE_INT, cli, computing_options, emit_json, executor_for, prepare_outputs, write_outputs


@cli.command("train")
@click.argument("data", type=INPUT_FILE)
@click.option("--width", type=POSITIVE_INT, required=True, help="Hidden neurons w >= 1.")
@click.option("--loss", type=click.Choice(["absolute", "squared", "hinge"]), default="absolute", show_default=True,
              help="Hinge loss needs labels -1 and 1.")
@click.option("--output-bias", is_flag=True, help="Allow a constant added to the output.")
@click.option("--no-header", is_flag=True, help="DATA has no header row: every row is a point (by default the first row names the columns).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object instead of text.")
@click.option("--out", type=OUTPUT_FILE, help="Write the optimal (or, if a budget ran out, best found) network JSON to this file.")
@click.option("--certificate", "cert_out", type=OUTPUT_FILE,
              help="Write an optimality certificate ('polyrelu verify' checks it).")
@click.option("--max-subproblems", type=POSITIVE_INT, default=None, help="Stop after this many convex subproblems (exit 4).")
@click.option("--no-proposals", is_flag=True,
              help="Solve every subproblem by the exact route only (no float proposals); same result, slower.")
@click.option("--batch-size", type=POSITIVE_INT, default=16, show_default=True,
              help="Subproblems per batch between updates of the incumbent and the shared duals (larger: more parallel, more solved).")
@computing_options(max_regions=False)
def train_cmd(data: Path, width: int, loss: str, output_bias: bool, no_header: bool, as_json: bool, out: Path | None, cert_out: Path | None,
              max_subproblems: int | None, no_proposals: bool, batch_size: int, workers: int | None, max_seconds: float | None,
              scheduler: str | None) -> None:
    """Globally optimal one-hidden-layer network for DATA, exactly (the paper's Algorithm 1).

    DATA is a CSV file: a header row (or none, with --no-header), then one point per row
    with the label in the last column; numbers are integers, decimals (their exact decimal
    value) or p/q.  A first row of numbers without --no-header is refused (it would be
    lost as a header).  The loss reported is the exact empirical risk (mean loss over the
    points).  Without --output-bias the network has no output constant (the paper's
    convention), so for example XOR at width 2 has squared loss 1/4; with it, 0.

    \b
    Example:
      polyrelu train data/examples/xor.csv --width 2 --loss squared --certificate xor.cert.json
      polyrelu verify xor.cert.json
    """
    from ..io.dataset import read_csv
    from ..training.trainer import ExactReluTrainer

    prepare_outputs({"--out": out, "--certificate": cert_out}, {"DATA": data})
    X, y = read_csv(data, header=not no_header)
    t = ExactReluTrainer(width=width, loss=loss, output_bias=output_bias, workers=workers, max_seconds=max_seconds,
                         max_subproblems=max_subproblems, certify=cert_out is not None, proposals=not no_proposals,
                         batch_size=batch_size)

    from .progress import bar

    with executor_for(workers, scheduler) as ex, bar("subproblems", unit="subproblem") as update:
        def show(done: int, total: int, best: Any) -> None:
            if update is not None:
                update(done, total)

        t.fit(X, y, progress=show if update is not None else None, executor=ex)
    files = [(out, t.network_.to_json())] if out is not None else []
    if cert_out is not None and t.certified_:
        files.append((cert_out, formats.dumps(t.certificate_)))
    write_outputs(files)
    info = {"loss": to_str(t.loss_), "width": width, "loss_function": loss, "certified": t.certified_,
            "lower_bound": to_str(t.lower_bound_), "subproblems": t.n_subproblems_, "pruned": t.n_pruned_,
            "pruned_by_sign_bound": t.n_pruned_sign_, "pruned_by_shared_duals": t.n_pruned_dual_, "exact_fallbacks": t.n_fallbacks_,
            "candidates": t.n_candidates_, "cells": t.n_cells_, "paper_bound": t.paper_bound_, "network": t.network_.to_dict()}
    if as_json:
        emit_json(info)
    else:
        click.echo(f"{'optimal' if t.certified_ else 'best found'} {loss} loss (mean over {len(X)} points): {info['loss']}")
        if t.n_cells_ == 0:  # a finished build has at least two cells (a central arrangement of D >= 1 hyperplanes)
            click.echo(f"the budget ran out while building the problem (the data's arrangement and its cells); nothing solved "
                       f"(paper's bound 2^w D^(nw) = {t.paper_bound_})")
        else:
            click.echo(f"{t.n_cells_} activation splits per neuron; {t.n_candidates_} subproblems after symmetry, "
                       f"{t.n_subproblems_} solved exactly, {t.n_pruned_sign_} pruned by the sign bound, {t.n_pruned_dual_} by shared duals "
                       f"(paper's bound 2^w D^(nw) = {t.paper_bound_})")
        if not no_proposals and t.n_cells_:
            click.echo(f"float proposals verified exactly in {t.n_subproblems_ - t.n_fallbacks_} of {t.n_subproblems_} solves "
                       f"({t.n_fallbacks_} exact fallbacks)")
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
