"""The command group, exit codes and the helpers every command shares.

Exit codes: 0 ok, 1 a checked claim is false, 2 usage error, 3 bad input file, 4 a budget
ran out (partial result), 5 internal error (a bug: one line asking for a report, never a
traceback), 130 interrupted.  click gives composable subcommands, help text and usage
errors (exit 2) without code of our own.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .. import __version__
from ..errors import PolyReluError

if TYPE_CHECKING:
    from ..nets.network import ReluNetwork

# Start-up time: `polyrelu --help` and small inputs must stay fast, so the command modules
# import only click and this module at load time; everything else (numpy, networkx, cdd,
# scipy, dask and the library modules that use them) is imported inside the command that
# needs it.

EXIT_OK, EXIT_CLAIM_FALSE, EXIT_USAGE, EXIT_BAD_INPUT, EXIT_PARTIAL, EXIT_INTERNAL = 0, 1, 2, 3, 4, 5
BUG_REPORT = "this is a bug in polyrelu; please report it with the command and input files that caused it"



class ClaimFalse(Exception):
    """Raised by a command whose checked claim turned out false (exit code 1)."""



def emit_json(obj: Any) -> None:
    from ..io import formats

    click.echo(formats.dumps(obj), nl=False)



@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="polyrelu")
def cli() -> None:
    """Exact polyhedral geometry for ReLU networks (Arora et al., ICLR 2018).

    Every number printed is decided in exact rational arithmetic.
    """



def parse_domain(spec: str | None, n: int):
    from ..exact.rational import as_rational
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
    from ..exact.rational import as_rational

    try:
        return [as_rational(v.strip(), field=name) for v in text.split(",") if v.strip()]
    except PolyReluError as exc:
        raise click.BadParameter(str(exc), param_hint=name) from None



def write_or_print(net: "ReluNetwork", out: Path | None) -> None:
    if out is None:
        click.echo(net.to_json(), nl=False)
    else:
        net.save(out)
        click.echo(f"wrote {out}: {net!r}", err=True)
