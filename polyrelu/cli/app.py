"""The command group, exit codes and the helpers every command shares.

Exit codes: 0 ok, 1 a checked claim is false, 2 usage error, 3 bad input file, 4 a budget
ran out (partial result), 5 internal error (a bug: one line asking for a report, never a
traceback), 130 interrupted.  click gives composable subcommands, help text and usage
errors (exit 2) without code of our own.
"""

from __future__ import annotations

import math
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import click

from .. import __version__
from ..errors import PolyReluError
from ..exact.rational import as_rational
from ..io import formats
from ..nets.network import ReluNetwork

EXIT_OK, EXIT_CLAIM_FALSE, EXIT_USAGE, EXIT_BAD_INPUT, EXIT_PARTIAL, EXIT_INTERNAL = 0, 1, 2, 3, 4, 5
BUG_REPORT = "this is a bug in polyrelu; please report it with the command and input files that caused it"



class ClaimFalse(Exception):
    """Raised by a command whose checked claim turned out false (exit code 1)."""



def emit_json(obj: Any) -> None:
    click.echo(formats.dumps(obj), nl=False)



@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="polyrelu")
def cli() -> None:
    """Exact polyhedral geometry for ReLU networks (Arora et al., ICLR 2018).

    Every number printed is decided in exact rational arithmetic.
    """



def parse_domain(spec: str | None, n: int):
    from ..geometry.polyhedron import OpenPolyhedron

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



def rational_list(text: str, name: str) -> list:
    try:
        return [as_rational(v.strip(), field=name) for v in text.split(",") if v.strip()]
    except PolyReluError as exc:
        raise click.BadParameter(str(exc), param_hint=name) from None



def write_or_print(net: ReluNetwork, out: Path | None) -> None:
    if out is None:
        click.echo(net.to_json(), nl=False)
    else:
        net.save(out)
        click.echo(f"wrote {out}: {net!r}", err=True)



# ------------------------------------------------------------------ computing options
def _workers_ok(ctx, param, value):
    if value is not None and value < 1:
        raise click.BadParameter(f"{value} is not allowed; give at least 1 process", param_hint="--workers")
    return value


def _seconds_ok(ctx, param, value):
    if value is not None and not (math.isfinite(value) and value > 0):
        raise click.BadParameter(f"{value} is not allowed; give a positive number of seconds", param_hint="--max-seconds")
    return value


def _count_ok(ctx, param, value):
    if value is not None and value < 1:
        raise click.BadParameter(f"{value} is not allowed; it must be at least 1", param_hint="/".join(param.opts))
    return value


def computing_options(*, max_regions: bool = True, what: str = "regions"):
    """The options every command that computes shares, validated the same way:
    ``--workers``, ``--max-seconds``, ``--max-regions`` (if ``max_regions``) and
    ``--scheduler``.  The command receives them as ``workers``, ``max_seconds``,
    ``max_regions`` and ``scheduler``; :func:`executor_for` turns the first and the last
    into an executor (contacting the scheduler first)."""

    def deco(f):
        f = click.option("--scheduler", metavar="ADDRESS", default=None,
                         help="Run on a Dask distributed cluster (e.g. tcp://host:8786); same results. "
                              "The scheduler is contacted before any work starts.")(f)
        if max_regions:
            f = click.option("--max-regions", type=int, default=None, callback=_count_ok,
                             help=f"Stop once more {what} than this are found (partial result, exit 4).")(f)
        f = click.option("--max-seconds", type=float, default=None, callback=_seconds_ok,
                         help="Stop within a few seconds of this time (partial result, exit 4).")(f)
        f = click.option("--workers", type=int, default=None, callback=_workers_ok,
                         help="Local processes (default: all cores for large jobs).")(f)
        return f

    return deco


@contextmanager
def executor_for(workers: int | None, scheduler: str | None, *, default: int | None = None) -> Iterator[Any]:
    """The executor of the computing options (closed, and its workers stopped, on exit).
    An unreachable scheduler is a usage error (one line, exit 2) before any work."""
    from ..parallel import Executor, SchedulerUnreachableError, default_workers

    try:
        ex = Executor(workers=workers if workers is not None else (default or default_workers()), scheduler=scheduler)
    except SchedulerUnreachableError as exc:
        raise click.BadParameter(str(exc), param_hint="--scheduler") from None
    with ex:
        yield ex
