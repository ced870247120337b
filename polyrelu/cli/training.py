"""The train command: the exact one-hidden-layer trainer (Algorithm 1)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from .app import EXIT_PARTIAL, cli, emit_json


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
    from ..exact.rational import to_str
    from ..io import formats
    from ..io.dataset import read_csv
    from ..parallel import set_scheduler
    from ..training.trainer import ExactReluTrainer

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
        emit_json(info)
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
