"""The paper command: every claim of the paper, checked."""

from __future__ import annotations

from pathlib import Path

import click

from .. import __version__
from ..io import formats
from ..paper import claims
from .app import ClaimFalse, cli, emit_json, prepare_outputs, write_outputs


@cli.command("paper")
@click.option("--check", "checks", multiple=True, metavar="NAME", help=f"Run only these checks ({', '.join(claims.CHECKS)}).")
@click.option("--json", "as_json", is_flag=True, help="Print the verdict rows as JSON.")
@click.option("--out", type=click.Path(path_type=Path), help="Also write report.md and report.json into this folder (created if missing).")
@click.option("--strict", is_flag=True, help="Exit with code 1 if any verdict is 'fails'.")
def paper_cmd(checks: tuple[str, ...], as_json: bool, out: Path | None, strict: bool) -> None:
    """Check the paper's claims exactly and print one verdict row per claim.

    Verdicts: 'holds', 'holds only as a bound', 'fails'.  A failing paper claim is a
    finding, reported with its evidence; with --strict it also sets exit code 1.
    """
    unknown = [c for c in checks if c not in claims.CHECKS]
    if unknown:
        raise click.UsageError(f"unknown check(s) {', '.join(unknown)}; available: {', '.join(claims.CHECKS)}")
    if out is not None:
        prepare_outputs([("--out", out / "report.json"), ("--out", out / "report.md")], make_folders=True)
    rows = claims.run_checks(list(checks) or None)
    report = {"format": "polyrelu.paper-report", "version": 1, "polyrelu": __version__, "rows": [r.to_dict() for r in rows]}
    if out is not None:
        write_outputs([(out / "report.json", formats.dumps(report)), (out / "report.md", claims.to_markdown(rows))], make_folders=True)
    if as_json:
        emit_json(report)
    else:
        click.echo(claims.to_markdown(rows), nl=False)
        counts = {v: sum(r.verdict == v for r in rows) for v in (claims.HOLDS, claims.BOUND, claims.FAILS)}
        click.echo(f"\n{len(rows)} claims checked: " + ", ".join(f"{n} {v}" for v, n in counts.items()))
    if strict and any(r.verdict == claims.FAILS for r in rows):
        raise ClaimFalse("at least one claim fails")
