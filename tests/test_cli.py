"""The command line, run as a user runs it (subprocess) and through main() for speed."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from polyrelu.cli import main
from polyrelu.nets.network import ReluNetwork

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "data" / "examples"


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "polyrelu", *args], capture_output=True, text=True, cwd=cwd)


def test_version_and_help_subprocess():
    r = run("--version")
    assert r.returncode == 0 and "polyrelu, version" in r.stdout
    r = run("--help")
    assert r.returncode == 0 and "inspect" in r.stdout and "eval" in r.stdout and "paper" in r.stdout


def test_inspect_example(capsys):
    assert main(["inspect", str(EXAMPLES / "max_of_two.json"), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info == {"depth": 2, "hidden_widths": [4], "input_dim": 2, "output_bias": False, "output_dim": 1, "size": 4, "width": 4}


def test_eval_negative_and_fraction_arguments_subprocess():
    r = run("eval", str(EXAMPLES / "max_of_two.json"), "-3", "1/2")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "1/2"
    r = run("eval", str(EXAMPLES / "absolute_value.json"), "-0.125")
    assert r.stdout.strip() == "1/8"


def test_eval_huge_and_exact(tmp_path, capsys):
    net = ReluNetwork(1, [([[10**30]], [0]), ([["1/3"]], [0])])
    p = tmp_path / "big.json"
    net.save(p)
    assert main(["eval", str(p), "7"]) == 0
    assert capsys.readouterr().out.strip() == f"{7 * 10**30}/3"


@pytest.mark.parametrize(
    "args, code, message",
    [
        (["eval", "MAX", "1"], 2, "input dimension is 2"),
        (["eval", "MAX", "1", "abc"], 2, "not a rational"),
        (["frobnicate"], 2, "No such command"),
        (["paper", "--only", "nope"], 2, "unknown statement"),
    ],
)
def test_usage_errors_exit_2(args, code, message, capsys):
    args = [str(EXAMPLES / "max_of_two.json") if a == "MAX" else a for a in args]
    assert main(args) == code
    assert message in capsys.readouterr().err


@pytest.mark.parametrize(
    "content, message",
    [
        ('{"format": "polyrelu.network", "version": 1, "input_dim": 1, "layers": [{"weights": [[0.5]], "biases": [0]}]}', "float"),
        ('{"format": "polyrelu.network", "version": 1, "input_dim": 1, "layers": [{"weights": [[1]], "bi', "not valid JSON"),
        ('{"format": "polyrelu.network", "version": 1, "input_dim": 2, "layers": [{"weights": [[1]], "biases": [0]}]}', "shape (1, 1) but (1, 2)"),
        ('{"format": "polyrelu.network", "version": 7, "input_dim": 1, "layers": []}', "version"),
    ],
)
def test_bad_input_files_exit_3_with_one_line(tmp_path, content, message):
    p = tmp_path / "bad.json"
    p.write_text(content)
    r = run("inspect", str(p))
    assert r.returncode == 3
    assert message in r.stderr
    assert r.stderr.count("\n") == 1 and r.stdout == ""


def test_missing_file_exits_3(capsys):
    assert main(["inspect", "/nonexistent/net.json"]) == 3
    assert "no such file" in capsys.readouterr().err


def test_paper_runs_and_writes_report(tmp_path, capsys):
    """A subset of statements (the whole default run is timed in scripts, not here)."""
    out_dir = tmp_path / "report"
    assert main(["paper", "--only", "Figure 3", "--only", "Thm 2.3", "--only", "Lemma D.4", "--out", str(out_dir), "--no-figures"]) == 0
    out = capsys.readouterr().out
    assert "3 statements" in out and "Thm 2.3" in out and "not checkable" in out
    rows = json.loads((out_dir / "rows.json").read_text())
    assert rows["format"] == "polyrelu.paper-report" and {r["statement"] for r in rows["rows"]} == {"Figure 3", "Thm 2.3", "Lemma D.4"}
    for name in ("report.md", "report.tex", "rows.csv", "provenance.json", "certificates/figure3_max.json"):
        assert (out_dir / name).exists(), name
    assert "docs/mathematics.md §3" in (out_dir / "rows.csv").read_text()


