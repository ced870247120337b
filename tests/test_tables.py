"""Proof tables: data/tables is regenerable byte for byte, --check reports differing rows,
sweeps give the same rows for any executor and after an interruption (a run is killed
part-way and resumed from its journal)."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from polyrelu.cli import main
from polyrelu.paper import sweep
from polyrelu.paper.tables import TABLES, build, render

ROOT = Path(__file__).resolve().parent.parent
TABLE_DIR = ROOT / "data" / "tables"
FAST = ["hard-functions", "depth-gap", "one-layer-regions", "max-depth"]
SLOW = ["zonotope-vertices", "algorithm-1"]  # 10-30 s each on 2 cores; zonotope-family (minutes) below


@pytest.mark.parametrize("name", FAST + [pytest.param(n, marks=pytest.mark.slow) for n in SLOW])
def test_shipped_table_is_reproducible(name, capsys):
    stem = TABLES[name].file_stem
    files = [TABLE_DIR / f"{stem}.md", TABLE_DIR / f"{stem}.csv"]
    assert all(f.exists() and (f.parent / (f.name + ".provenance.json")).exists() for f in files)
    code = main(["table", name, "--workers", "2"] + [a for f in files for a in ("--check", str(f))])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "fails" not in (TABLE_DIR / f"{stem}.md").read_text()


@pytest.mark.slow
def test_zonotope_family_table_is_reproducible(capsys):
    md = TABLE_DIR / "zonotope_family.md"
    assert main(["table", "zonotope-family", "--full", "--max-pieces", "3000", "--check", str(md)]) == 0, capsys.readouterr().out
    assert "| fails |" not in md.read_text()


def test_check_reports_the_differing_row(tmp_path, capsys):
    src = TABLE_DIR / "max_depth.md"
    bad = tmp_path / "max_depth.md"
    text = src.read_text().replace("| 5 | 3 | 3 | 20 |", "| 5 | 3 | 3 | 21 |")
    assert text != src.read_text()
    bad.write_text(text)
    (tmp_path / "max_depth.md.provenance.json").write_text((TABLE_DIR / "max_depth.md.provenance.json").read_text())
    assert main(["table", "max-depth", "--check", str(bad)]) == 1
    out = capsys.readouterr().out
    assert "-| 5 | 3 | 3 | 21 |" in out and "+| 5 | 3 | 3 | 20 |" in out


def test_out_is_byte_identical_and_provenance_is_machine_free(tmp_path):
    a, b = tmp_path / "a.md", tmp_path / "b.md"
    assert main(["table", "hard-functions", "--out", str(a), "--workers", "1"]) == 0
    assert main(["table", "hard-functions", "--out", str(b), "--workers", "2"]) == 0
    assert a.read_bytes() == b.read_bytes()
    pa = json.loads((tmp_path / "a.md.provenance.json").read_text())
    pb = json.loads((tmp_path / "b.md.provenance.json").read_text())
    assert pa == pb and pa["command"] == "polyrelu table hard-functions --format md" and pa["seeds"] == [0]
    text = json.dumps(pa)
    assert os.uname().nodename not in text and str(tmp_path) not in text and time.strftime("%Y") not in text
    assert not (tmp_path / "a.md.journal").exists()  # removed after a complete run


def test_executors_give_the_same_rows():
    t = TABLES["hard-functions"]
    assert build(t, workers=1) == build(t, workers=2)


def test_options_that_do_not_apply_are_refused(capsys):
    assert main(["table", "depth-gap", "--max-pieces", "5"]) == 2
    assert "does not apply" in capsys.readouterr().err


_WORKER = """
import sys, time
from pathlib import Path
from polyrelu.paper import sweep

SLEEP = float(sys.argv[3])

def slow_square(job):
    with open(job["log"], "a") as fh:
        fh.write(f"{job['x']}\\n")
    time.sleep(SLEEP)
    return {"x": job["x"], "x2": job["x"] ** 2}

if __name__ == "__main__":
    log, journal = sys.argv[1], sys.argv[2]
    jobs = [{"x": i, "log": log} for i in range(12)]
    rows = sweep.run_grid(slow_square, jobs, workers=1, journal=journal, header={"test": 1}, batch=1)
    print(sum(r["x2"] for r in rows))
"""


def test_an_interrupted_sweep_resumes_without_redoing_or_losing_rows(tmp_path):
    script = tmp_path / "worker.py"
    script.write_text(_WORKER)
    log, journal = tmp_path / "calls.log", tmp_path / "sweep.journal"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, str(script), str(log), str(journal), "0.2"], env=env, cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if journal.exists() and len(journal.read_text().splitlines()) >= 5:  # header + 4 rows
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    done_before = [json.loads(line)["row"]["x"] for line in journal.read_text().splitlines()[1:] if line.endswith("}")]
    assert 4 <= len(done_before) < 12
    with open(journal, "a") as fh:
        fh.write('{"key": "sha256:torn')  # a torn last line, as if killed while writing
    log.write_text("")
    r = subprocess.run([sys.executable, str(script), str(log), str(journal), "0"], env=env, cwd=tmp_path, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert int(r.stdout) == sum(i * i for i in range(12))  # nothing lost
    redone = [int(v) for v in log.read_text().split()]
    assert not set(redone) & set(done_before)  # nothing redone
    assert sorted(redone + done_before) == list(range(12))


def test_a_journal_of_another_run_is_refused(tmp_path):
    from polyrelu.errors import JournalError

    j = tmp_path / "j.journal"
    sweep.run_grid(lambda job: {"v": job["v"]}, [{"v": 1}], journal=j, header={"table": "a"})
    with pytest.raises(JournalError, match="different run"):
        sweep.run_grid(lambda job: {"v": job["v"]}, [{"v": 1}], journal=j, header={"table": "b"})


def test_every_format_renders():
    t = TABLES["max-depth"]
    rows = build(t, prove_up_to=2)
    md, csv, tex, js = (render(t, rows, f, prove_up_to=2) for f in ("md", "csv", "tex", "json"))
    assert sum(line.startswith("| ") for line in md.splitlines()) == len(rows) + 1
    assert "--prove-up-to 2" in md
    assert csv.splitlines()[0].startswith("q,hidden_layers")
    assert r"\toprule" in tex and r"\bottomrule" in tex
    assert json.loads(js)["rows"] == rows
