"""Start-up: the command line loads no heavy module before a command needs it.

`polyrelu --help` and small inputs should answer in well under 0.2 s; importing numpy,
networkx, cdd, scipy or dask alone costs about that much.  Checked by listing the modules
a fresh interpreter has loaded (deterministic, unlike a timing; scripts/bench_*.py time
the commands).
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("numpy", "networkx", "cdd", "scipy", "dask", "distributed", "torch")
EXAMPLES = Path(__file__).resolve().parent.parent / "data" / "examples"


def loaded_after(args: list[str]) -> set[str]:
    probe = (f"from polyrelu.cli import main\nmain({args!r})\nimport sys\n"
             f"print('LOADED', ' '.join(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    line = [s for s in out.stdout.splitlines() if s.startswith("LOADED")]
    assert line, out.stderr
    return set(line[-1].split()[1:])


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["paper", "--help"], ["regions", "--help"],
                                  ["inspect", str(EXAMPLES / "figure1_hard.json")],
                                  ["eval", str(EXAMPLES / "figure1_hard.json"), "1/3"], ["zigzag", "--a", "1/2"]])
def test_small_commands_load_nothing_heavy(args):
    assert loaded_after(args) == set()


def test_arrangement_and_zonotope_load_numpy_only(tmp_path):
    arr = tmp_path / "a.json"
    arr.write_text(json.dumps({"format": "polyrelu.arrangement", "version": 1, "dim": 2,
                               "hyperplanes": [{"a": [1, 0], "b": 0}, {"a": [0, 1], "b": 0}, {"a": [1, 1], "b": 1}]}))
    z = tmp_path / "z.json"
    z.write_text(json.dumps({"format": "polyrelu.zonotope", "version": 1, "generators": [[1, 0], [0, 1], [1, 1]], "center": [0, 0]}))
    # the enumeration needs numpy; graphs (networkx) and certificates (cdd) were not asked for
    assert loaded_after(["arrangement", str(arr), "--json"]) == {"numpy"}
    assert loaded_after(["zonotope", str(z), "--json"]) == {"numpy"}


def test_regions_and_equal_on_small_nets_load_numpy_only():
    net = str(EXAMPLES / "figure1_hard.json")
    assert loaded_after(["regions", net, "--json"]) == {"numpy"}
    assert loaded_after(["equal", str(EXAMPLES / "tent.json"), str(EXAMPLES / "absolute_value.json")]) == {"numpy"}
