"""The command group, exit codes and the helpers every command shares.

Exit codes: 0 ok, 1 a checked claim is false, 2 usage error, 3 bad input (a malformed
file or parameter, or a problem beyond a fixed limit of polyrelu, said so), 4 a budget
ran out (partial result), 5 internal error (a bug: one line asking for a report, never a
traceback), 130 interrupted, 143 terminated.  click gives composable subcommands, help text and usage
errors (exit 2) without code of our own.
"""

from __future__ import annotations

import math
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, Mapping, Sequence

import click

from .. import __version__
from ..errors import FileFormatError, PathCollisionError, PolyReluError
from ..exact.rational import as_rational
from ..io import formats
from ..io import outputs as io_outputs
from ..nets.network import ReluNetwork

EXIT_OK, EXIT_CLAIM_FALSE, EXIT_USAGE, EXIT_BAD_INPUT, EXIT_PARTIAL, EXIT_INTERNAL = 0, 1, 2, 3, 4, 5
BUG_REPORT = "this is a bug in polyrelu; please report it with the command and input files that caused it"



class ClaimFalse(Exception):
    """Raised by a command whose checked claim turned out false (exit code 1)."""



def emit_json(obj: Any) -> None:
    click.echo(formats.dumps(obj), nl=False)



SHARED_OPTIONS = """\b
Options shared by the commands (the same name means the same thing everywhere):
  --json                 print one JSON object on stdout instead of text
  --domain box:LO,HI     only inside the open cube (LO, HI)^n
  --domain FILE.json     only inside an open polyhedron {"dim": d, "inequalities":
                         [{"a": [...], "b": ...}]} meaning a.x < b
                         (--inside is the same option)
  --out FILE             the network a command builds or trains (zigzag,
                         hard-function, max-net, zonotope-family, train);
                         paper --out DIR is the report folder (report.md, .tex,
                         rows, provenance, certificates/, figures/); table --out
                         F writes a table and its provenance F.provenance.json
  --certificate FILE     a certificate that 'polyrelu verify' checks
  --graph FILE           the region-adjacency graph (polyrelu's own JSON format,
                         see polyrelu/io/graphs.py)
  --workers N            processes (N >= 1)
  --max-regions N, --max-seconds S, --max-subproblems N
                         budgets: stop with a partial result (exit 4)
  --scheduler ADDRESS    run on a Dask cluster; same results

\b
Input files: a directory, a missing file or a malformed file is exit 3 with one line
naming the file and the field.  Numbers: integers and p/q of any length are exact;
decimals mean their exact decimal value (exponent within +-10000); JSON floats are
refused.  Output files: checked before any work (an output equal to an input or to
another output is exit 2; an unwritable location is exit 3) and written all-or-nothing.

\b
Exit codes: 0 ok, 1 a checked claim is false (networks differ, certificate rejected,
paper --strict), 2 usage error, 3 bad input (a file, expression or search space) or
an unwritable output, 4 a budget ran out (partial result), 5 internal error (a bug in
polyrelu; please report it), 130 interrupted (Ctrl-C), 143 terminated (SIGTERM).  The
mathematics: docs/mathematics.md.
"""


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100}, epilog=SHARED_OPTIONS)
@click.version_option(__version__, "--version", prog_name="polyrelu")
def cli() -> None:
    """Exact polyhedral geometry for ReLU networks (Arora et al., ICLR 2018).

    Every number printed is decided in exact rational arithmetic.
    """



# ------------------------------------------------------------------ shared option types
#: An input file argument or option.  Whether it exists, is a directory or is malformed is
#: decided when it is read (exit 3, one line), the same way for every command.
INPUT_FILE = click.Path(path_type=Path)
#: An output file option; checked by :func:`prepare_outputs` before any work.
OUTPUT_FILE = click.Path(path_type=Path)


class _PositiveInt(click.ParamType):
    name = "N"

    def convert(self, value: Any, param: Any, ctx: Any) -> int:
        if isinstance(value, int) and not isinstance(value, bool):
            n = value
        else:
            try:
                n = int(str(value).strip())
            except ValueError:
                self.fail(f"{value!r} is not a whole number; give an integer of at least 1", param, ctx)
        if n < 1:
            self.fail(f"{n} is not allowed; it must be at least 1", param, ctx)
        return n


class _Seconds(click.ParamType):
    name = "SECONDS"

    def convert(self, value: Any, param: Any, ctx: Any) -> float:
        try:
            x = float(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a number of seconds", param, ctx)
        if not math.isfinite(x) or x <= 0:
            self.fail(f"{value} is not allowed; give a positive, finite number of seconds", param, ctx)
        return x


#: ``--workers``, ``--max-regions``, ``--max-subproblems``, ``--width``: an integer >= 1 (exit 2 otherwise).
POSITIVE_INT = _PositiveInt()
#: ``--max-seconds``: a positive finite number (NaN, infinities, 0 and negatives are exit 2).
SECONDS = _Seconds()


class PathConflict(click.ClickException):
    """An output path that names an input or another output: exit 2, one line."""

    exit_code = 2

    def show(self, file: Any = None) -> None:
        click.echo(f"polyrelu: usage error: {self.format_message()}", err=True)


Paths = Mapping[str, "Path | None"] | Sequence[tuple[str, "Path | None"]]


def _pairs(paths: Paths | None) -> list[tuple[str, Path | None]]:
    return list(paths.items()) if isinstance(paths, Mapping) else list(paths or ())


def prepare_outputs(outputs: Paths, inputs: Paths | None = None, *, make_folders: bool = False) -> None:
    """Check every output before the command computes anything: an output equal to an
    input or to another output (same file after resolving links) is a usage error
    (exit 2); an output location that cannot be written is exit 3 (one line naming the
    option, the path and why).  ``outputs`` and ``inputs`` map option or argument names
    to paths (a mapping or a list of pairs; None entries are skipped).  With
    ``make_folders=True`` missing folders are accepted when they can be created."""
    try:
        io_outputs.check_outputs(_pairs(outputs), _pairs(inputs), make_folders=make_folders)
    except PathCollisionError as exc:
        raise PathConflict(str(exc)) from None


def write_outputs(files: list[tuple[Path, str]], *, make_folders: bool = False) -> None:
    """Write a command's output files all-or-nothing (see polyrelu.io.outputs)."""
    io_outputs.write_files(files, make_folders=make_folders)



def domain_file(spec: str | None) -> Path | None:
    """The polyhedron file named by ``--domain FILE.json`` (None for ``box:LO,HI``), for
    the output-collision check."""
    return None if spec is None or spec.startswith("box:") else Path(spec)


def parse_domain(spec: str | None, n: int):
    """``--domain box:LO,HI`` (the open cube (LO, HI)^n) or ``--domain FILE.json`` (an open
    polyhedron file, which must be of dimension n)."""
    from ..geometry.polyhedron import OpenPolyhedron

    if spec is None:
        return None
    if not spec.startswith("box:"):
        poly = OpenPolyhedron.load(spec)
        if poly.dim != n:
            raise FileFormatError(f"{spec}: the polyhedron has \"dim\" {poly.dim} but the input space is R^{n}")
        return poly
    lo, hi = parse_box(spec, "the cube (LO, HI)^n) or a polyhedron FILE.json")
    return OpenPolyhedron.box(n, lo, hi)


def parse_box(spec: str, what: str) -> tuple:
    """(LO, HI) of ``--domain box:LO,HI``, exact, LO < HI (usage errors otherwise);
    ``what`` completes the message "expected box:LO,HI (..."."""
    if not spec.startswith("box:") or spec.count(",") != 1:
        raise click.BadParameter(f"{spec!r}: expected box:LO,HI ({what}", param_hint="--domain")
    lo_s, hi_s = spec[4:].split(",")
    try:
        lo, hi = as_rational(lo_s, field="LO"), as_rational(hi_s, field="HI")
    except PolyReluError as exc:
        raise click.BadParameter(str(exc), param_hint="--domain") from None
    if not lo < hi:
        raise click.BadParameter(f"{spec!r}: LO must be less than HI", param_hint="--domain")
    return lo, hi



def rational_list(text: str, name: str) -> list:
    try:
        return [as_rational(v.strip(), field=name) for v in text.split(",") if v.strip()]
    except PolyReluError as exc:
        raise click.BadParameter(str(exc), param_hint=name) from None



def write_or_print(net: ReluNetwork, out: Path | None) -> None:
    """A built network: to ``--out`` (checked before the work by :func:`prepare_outputs`)
    or, without it, to stdout."""
    if out is None:
        click.echo(net.to_json(), nl=False)
    else:
        write_outputs([(out, net.to_json())])
        click.echo(f"wrote {out}: {net!r}", err=True)



# ------------------------------------------------------------------ computing options
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
            f = click.option("--max-regions", type=POSITIVE_INT, default=None,
                             help=f"Stop once more {what} than this are found (partial result, exit 4).")(f)
        f = click.option("--max-seconds", type=SECONDS, default=None,
                         help="Stop within a few seconds of this time (partial result, exit 4).")(f)
        f = click.option("--workers", type=POSITIVE_INT, default=None,
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
