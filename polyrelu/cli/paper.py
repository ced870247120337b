"""The paper command: every statement of the paper, checked, as a report folder."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

import click

from ..io import formats
from .app import OUTPUT_FILE, POSITIVE_INT, ClaimFalse, cli, emit_json, prepare_outputs, write_outputs


def _statement_keys() -> list[str]:
    from ..paper.claims import statement_keys

    return statement_keys()


@cli.command("paper")
@click.option("--only", "--check", "only", multiple=True, metavar="STATEMENT",
              help="Check only these statements (e.g. --only 'Thm 3.2' --only 'Figure 1'); default: all.")
@click.option("--out", type=OUTPUT_FILE, default=Path("polyrelu-paper"), show_default=True,
              help="The report folder: report.md, report.tex, rows.csv, rows.json, provenance.json, certificates/, figures/.")
@click.option("--no-files", is_flag=True, help="Write no report folder (print only).")
@click.option("--details", is_flag=True, help="Print every row, not just one line per statement.")
@click.option("--json", "as_json", is_flag=True, help="Print the rows as JSON (instead of the summary).")
@click.option("--full", is_flag=True, help="Run the larger grids of the proof tables (minutes, not seconds).")
@click.option("--no-figures", is_flag=True, help="Skip drawing the figures.")
@click.option("--figures", "figures_dir", type=OUTPUT_FILE, default=None,
              help="Also write the figures (PNG and PDF) into this folder, e.g. data/figures.")
@click.option("--workers", type=POSITIVE_INT, default=None, help="Processes for the table sweeps (default: all cores).")
@click.option("--scheduler", metavar="ADDRESS", default=None, help="Run the table sweeps on a Dask cluster (e.g. tcp://host:8786).")
@click.option("--strict", is_flag=True, help="Exit with code 1 if any verdict is 'fails'.")
def paper_cmd(only: tuple[str, ...], out: Path, no_files: bool, details: bool, as_json: bool, full: bool, no_figures: bool,
              figures_dir: Path | None, workers: int | None, scheduler: str | None, strict: bool) -> None:
    """Check every statement of the paper exactly and write a report.

    One line per statement (theorem, lemma, corollary, proposition, figure): the claim,
    the instances checked, the verdict tally and the time.  Verdicts: 'holds', 'holds only
    as a bound', 'fails', 'not checkable' (with its reason).  A failing claim of the paper
    is a finding, reported with its evidence; with --strict it also sets exit code 1.
    The mathematics is in docs/mathematics.md, cited by section in every row.

    \b
    The report folder (default ./polyrelu-paper/, --out DIR):
      report.md, report.tex   the summary, the figures and every row (LaTeX: booktabs, standalone)
      rows.csv, rows.json     every row
      provenance.json         version, command, statements, tables, certificate digests
      certificates/           a certificate for every headline count ('polyrelu verify' checks each)
      figures/                the paper's Figures 1-4 (PNG and PDF)
    """
    from ..paper import claims
    from ..paper.report import render_files, summarize, tally_text
    from ..parallel import default_workers

    keys = _statement_keys()
    unknown = [k for k in only if k not in keys]
    if unknown:
        raise click.UsageError(f"unknown statement(s) {', '.join(map(repr, unknown))}; available: {', '.join(keys)}")
    names = ["report.md", "report.tex", "rows.csv", "rows.json", "provenance.json", "timings.json"]
    if not no_files:  # checked before any work: an unwritable folder is exit 3 now, not after a minute
        prepare_outputs([("--out", out / n) for n in names], make_folders=True)
    if figures_dir is not None:
        prepare_outputs([("--figures", figures_dir / "figure1.png")], make_folders=True)
    t0 = time.perf_counter()
    ctx = claims.Context(full=full, workers=workers or default_workers(), scheduler=scheduler, certificates=not no_files,
                         journal_dir=None if no_files else out / ".journals")  # an interrupted run resumes its table sweeps
    seconds: dict[str, float] = {}
    chosen = [s for s in claims.STATEMENTS if not only or s.key in only]
    from .progress import bar

    with bar("statements", unit="statement") as update:
        done = [0]

        def progress(st, rows, secs):
            seconds[st.key] = secs
            done[0] += 1
            if update is not None:
                update(done[0], len(chosen))

        rows = claims.run_statements([s.key for s in chosen], ctx, progress=progress)
    summaries = summarize(chosen, rows, seconds)
    figures: list[str] = []
    fig_note = ""
    if not no_files:
        from ..verify import verify

        files: list[tuple[Path, str]] = []
        cert_digests = {}
        for name, cert in sorted(ctx.certs.items()):
            verify(cert)  # every certificate is checked by the independent verifier before it is written
            text = formats.dumps(cert)
            files.append((out / name, text))
            cert_digests[name] = "sha256:" + hashlib.sha256(text.encode()).hexdigest()
        if not no_figures and (not only or any(s.key.startswith("Figure") for s in chosen)):
            try:
                from ..paper.figures import write_figures

                infos = write_figures(out / "figures")
                figures = [f"figures/{p.name}" for info in infos for p in info.files]
            except ImportError:
                fig_note = "figures skipped: matplotlib is not installed (pip install 'polyrelu[plot]')"
        from ..paper.tables import TABLES, command_line

        tables = {name: command_line(TABLES[name], "md", full=full) for name in sorted(ctx.table_rows)}
        command = "polyrelu paper" + (" --full" if full else "") + "".join(f" --only '{k}'" for k in only)
        for name, text in render_files(summaries, rows, command=command, full=full, figures=figures, certificates=cert_digests,
                                       tables=tables).items():
            files.append((out / name, text))
        files.append((out / "timings.json", formats.dumps({"format": "polyrelu.paper-timings", "version": 1, "note": "machine-dependent",
                                                           "seconds": {k: f"{v:.3f}" for k, v in seconds.items()}})))
        write_outputs(files, make_folders=True)  # all or nothing
        for j in sorted((out / ".journals").glob("*.journal")):  # complete: the journals are not needed any more
            j.unlink()
        if (out / ".journals").is_dir() and not any((out / ".journals").iterdir()):
            (out / ".journals").rmdir()
    if figures_dir is not None:
        from ..paper.figures import write_figures

        write_figures(figures_dir)
    elapsed = time.perf_counter() - t0
    if as_json:
        from .. import __version__

        emit_json({"format": "polyrelu.paper-report", "version": 2, "polyrelu": __version__, "rows": [r.to_dict() for r in rows]})
    else:
        width = max(len(s.statement) for s in summaries) if summaries else 10
        for s in summaries:
            click.echo(f"{s.statement:<{width}}  {s.claim[:52]:<52}  {s.instances:>4}  {s.overall:<22} {s.seconds:6.1f} s"
                       + (f"   [{tally_text(s.tally)}]" if len(s.tally) > 1 else ""))
        if details:
            click.echo("")
            for r in rows:
                ev = r.evidence if r.verdict != claims.NOT_CHECKABLE else r.reason
                click.echo(f"{r.statement} | {r.instance} | {r.verdict} | {ev} | {r.method}")
        total = {v: sum(r.verdict == v for r in rows) for v in (claims.HOLDS, claims.BOUND, claims.FAILS, claims.NOT_CHECKABLE)}
        click.echo(f"{len(summaries)} statements, {len(rows)} rows: " + ", ".join(f"{n} {v}" for v, n in total.items() if n)
                   + f"; {elapsed:.1f} s")
        if not no_files:
            click.echo(f"report -> {out}/ (report.md, report.tex, rows.csv, rows.json, provenance.json, "
                       f"{len(ctx.certs)} certificates, {len(figures)} figure files)")
        if fig_note:
            click.echo(fig_note, err=True)
    if strict and any(r.verdict == claims.FAILS for r in rows):
        raise ClaimFalse("at least one claim fails")
