"""The ``polyrelu`` command: a thin layer that parses arguments, calls the library and
prints.  One module per group of commands; :mod:`.app` holds the group, the exit codes and
the shared helpers.  The library never prints or exits; this package does both.
"""

from __future__ import annotations

import signal
import sys
import threading
from pathlib import Path

import click

from ..errors import BudgetExceededError, InternalError, PolyReluError, ResourceLimitError
from . import conjecture, constructions, geometry, networks, paper, plot, tables, training, verify  # noqa: F401  (registers the commands)
from .app import (BUG_REPORT, EXIT_BAD_INPUT, EXIT_CLAIM_FALSE, EXIT_INTERNAL, EXIT_OK, EXIT_PARTIAL, EXIT_USAGE,
                  ClaimFalse, cli)

__all__ = ["cli", "main", "entry_point", "EXIT_OK", "EXIT_CLAIM_FALSE", "EXIT_USAGE", "EXIT_BAD_INPUT", "EXIT_PARTIAL", "EXIT_INTERNAL"]


class Terminated(BaseException):
    """SIGTERM arrived: unwind like Ctrl-C (worker pools are stopped on the way out)."""


def _on_sigterm(signum, frame):
    raise Terminated()


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code.  SIGTERM is handled
    like Ctrl-C: the command unwinds, its worker processes are stopped, exit 143."""
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        return _main(argv)
    except Terminated:
        click.echo("polyrelu: terminated", err=True)
        return 143
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _main(argv: list[str] | None) -> int:
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
    except BudgetExceededError as exc:  # the caller's budget ran out before a complete result
        click.echo(f"polyrelu: budget exhausted: {exc}", err=True)
        return EXIT_PARTIAL
    except ResourceLimitError as exc:  # the input is fine but larger than a fixed limit of polyrelu
        click.echo(f"polyrelu: beyond a limit of polyrelu (the input is not malformed): {exc}", err=True)
        return EXIT_BAD_INPUT
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
