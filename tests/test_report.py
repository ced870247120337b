"""The polyrelu paper report: files, certificates accepted by the verifier, LaTeX that
compiles, the JSON and detail views, progress only on a terminal, Dask sweeps."""

import csv
import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from polyrelu.cli import main
from polyrelu.io import formats
from polyrelu.verify import verify


def test_report_folder_with_verified_certificates(tmp_path, capsys):
    out = tmp_path / "r"
    assert main(["paper", "--only", "Figure 1", "--only", "Thm 2.3", "--out", str(out), "--no-figures"]) == 0
    text = capsys.readouterr().out
    assert "Figure 1" in text and "holds only as a bound" in text and "2 statements, 4 rows" in text
    prov = json.loads((out / "provenance.json").read_text())
    assert sorted(prov["certificates"]) == [f"certificates/figure1_{p}.json" for p in ("left", "middle", "right")]
    counts = {}
    for name in prov["certificates"]:
        summary = verify(formats.load(out / name))  # the independent verifier accepts every headline count
        counts[name] = summary["pieces"]
    assert counts == {"certificates/figure1_left.json": 17, "certificates/figure1_middle.json": 33, "certificates/figure1_right.json": 65}
    rows = list(csv.DictReader(io.StringIO((out / "rows.csv").read_text())))
    assert {r["verdict"] for r in rows} == {"holds only as a bound", "not checkable"}
    assert all(r["reason"] for r in rows if r["verdict"] == "not checkable")
    md = (out / "report.md").read_text()
    assert "| Figure 1 | 5 |" in md and "docs/mathematics.md §5" in md and "PAPER.md" not in md


def test_shipped_certificates_are_the_figure1_panels():
    root = Path(__file__).resolve().parent.parent / "data" / "certificates"
    got = {p.stem: verify(formats.load(p))["pieces"] for p in sorted(root.glob("figure1_*.json"))}
    assert got == {"figure1_left": 17, "figure1_middle": 33, "figure1_right": 65}


def test_json_and_details_views(capsys):
    assert main(["paper", "--only", "Lemma D.4", "--no-files", "--json"]) == 0
    obj = json.loads(capsys.readouterr().out)
    assert obj["format"] == "polyrelu.paper-report" and all(r["statement"] == "Lemma D.4" for r in obj["rows"])
    assert main(["paper", "--only", "Lemma D.4", "--no-files", "--details"]) == 0
    out = capsys.readouterr().out
    assert out.count("Lemma D.4 |") == len(obj["rows"])


def test_progress_bars_only_on_a_terminal(monkeypatch):
    from polyrelu.cli import progress

    with progress.bar("x") as cb:
        assert cb is None  # pytest's stderr is not a terminal
    monkeypatch.setattr(progress, "enabled", lambda: True)
    with progress.bar("x") as cb:
        cb(3, 10)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="needs pdflatex (texlive-latex-base, texlive-latex-recommended)")
def test_report_tex_compiles_standalone(tmp_path, capsys):
    out = tmp_path / "r"
    assert main(["paper", "--only", "Figure 2", "--only", "Thm 2.3", "--only", "Thm 3.5", "--out", str(out)]) == 0
    r = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "report.tex"], cwd=out, capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, r.stdout[-2000:]
    assert (out / "report.pdf").stat().st_size > 10_000


@pytest.mark.slow
def test_a_dask_cluster_gives_the_same_table(tmp_path):
    distributed = pytest.importorskip("distributed")
    from polyrelu.paper.tables import TABLES, build

    local = build(TABLES["hard-functions"], workers=1)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        remote = build(TABLES["hard-functions"], scheduler=cluster.scheduler_address, journal=tmp_path / "j.journal")
    assert remote == local
