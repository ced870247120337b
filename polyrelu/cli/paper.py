"""The paper command: every claim of the paper, checked."""

from __future__ import annotations

from pathlib import Path

import click

from .. import __version__
from .app import ClaimFalse, cli, emit_json


class _ChecksOption(click.Option):
    """--check, whose help lists the checks: polyrelu.paper.claims is imported only when
    that help is shown (start-up time)."""

    def get_help_record(self, ctx: click.Context):
        from ..paper import claims

        self.help = f"Run only these checks ({', '.join(claims.CHECKS)})."
        return super().get_help_record(ctx)


@cli.command("paper")
@click.option("--check", "checks", cls=_ChecksOption, multiple=True, metavar="NAME", help="Run only these checks.")
@click.option("--json", "as_json", is_flag=True, help="Print the verdict rows as JSON.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="Also write report.md and report.json into this folder.")
@click.option("--strict", is_flag=True, help="Exit with code 1 if any verdict is 'fails'.")
def paper_cmd(checks: tuple[str, ...], as_json: bool, out: Path | None, strict: bool) -> None:
    """Check the paper's claims exactly and print one verdict row per claim.

    Verdicts: 'holds', 'holds only as a bound', 'fails'.  A failing paper claim is a
    finding, reported with its evidence; with --strict it also sets exit code 1.
    """
    from ..io import formats
    from ..paper import claims

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
        emit_json(report)
    else:
        click.echo(claims.to_markdown(rows), nl=False)
        counts = {v: sum(r.verdict == v for r in rows) for v in (claims.HOLDS, claims.BOUND, claims.FAILS)}
        click.echo(f"\n{len(rows)} claims checked: " + ", ".join(f"{n} {v}" for v, n in counts.items()))
    if strict and any(r.verdict == claims.FAILS for r in rows):
        raise ClaimFalse("at least one claim fails")
