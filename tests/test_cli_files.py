"""Every command that reads or writes files, driven by tables: bad input gives its exit
code and exactly one line on stderr and leaves no file behind; an output never
overwrites an input or another output; an unwritable output stops the command before it
computes and a set of outputs is written all-or-nothing; a 5,000-digit integer is read
exactly everywhere (the documented policy: digits of any length are exact, decimal
exponents are limited to +-10000)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import gmpy2
import pytest

from polyrelu.cli import main
from polyrelu.errors import OutputPathError, PathCollisionError
from polyrelu.io import outputs

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "data" / "examples"
BIG = "7" * 5000  # 5,000 digits: beyond Python's 4,300-digit int/str limit


@pytest.fixture
def work(tmp_path, monkeypatch):
    """A folder with one valid input of every kind, as the current directory."""
    for name in ("tent.json", "arrangement.json", "zonotope.json", "square.json", "max_affine.json", "xor.csv", "max_of_two.json"):
        shutil.copy(EXAMPLES / name, tmp_path / name)
    (tmp_path / "interval.json").write_text(json.dumps({"dim": 1, "inequalities": [{"a": [1], "b": 1}, {"a": [-1], "b": 0}]}))
    shutil.copy(ROOT / "data" / "certificates" / "figure1_left.json", tmp_path / "cert.json")
    (tmp_path / "folder").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def listing(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): (p.read_bytes() if p.is_file() else b"<dir>") for p in sorted(folder.rglob("*"))}


def run_main(capsys, args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def one_line(err: str) -> bool:
    return err.count("\n") == 1 and err.endswith("\n") and "Traceback" not in err


# ----------------------------------------------------------------------------- bad inputs
NET = {"format": "polyrelu.network", "version": 1, "input_dim": 1,
       "layers": [{"weights": [[1], [-1]], "biases": [0, 0]}, {"weights": [[1, 1]], "biases": [0]}]}
ARR = {"format": "polyrelu.arrangement", "version": 1, "dim": 2, "hyperplanes": [{"a": [1, 0], "b": 0}, {"a": [0, 1], "b": 0}]}
ZON = {"format": "polyrelu.zonotope", "version": 1, "generators": [[1, 0], [0, 1]], "center": [0, 0]}
FUN = {"format": "polyrelu.affine-functions", "version": 1, "dim": 1, "functions": [{"a": [1], "c": 0}, {"a": [-1], "c": 0}]}
POLY = {"dim": 1, "inequalities": [{"a": [1], "b": 1}]}


def _with(obj, path, value):
    """A deep copy of obj with the field at path (a list of keys/indices) set (or removed if value is ...)."""
    obj = json.loads(json.dumps(obj))
    cur = obj
    for k in path[:-1]:
        cur = cur[k]
    if value is ...:
        del cur[path[-1]]
    else:
        cur[path[-1]] = value
    return obj


# (name, file content: dict/str/bytes/None for "missing"/"DIR", expected message)
def bad_json(fmt: str) -> list:
    return [

    ("missing", None, "no such file"),
    ("directory", "DIR", "is a directory"),
    ("garbage", "not json at all", "not valid JSON"),
    ("truncated", '{"format": "polyrelu.network", "vers', "not valid JSON"),
    ("latin-1", b'{"format": "caf\xe9"}', "not UTF-8"),
    ("json-float", '{"format": "polyrelu.network", "version": 1, "x": 0.5}', "float"),
    ("nan", '{"format": "polyrelu.network", "version": 1, "x": NaN}', "NaN"),
    ("repeated-key", '{"format": "polyrelu.network", "format": "polyrelu.network"}', "appears twice"),
    ("array", "[1, 2]", "expected a JSON object"),
    ("huge-version", '{"format": "%s", "version": %s}' % (fmt, BIG), "integer of 5000 digits"),
    ]


BAD_NETWORK = bad_json("polyrelu.network") + [
    ("wrong-format", _with(NET, ["format"], "polyrelu.arrangement"), "\"format\""),
    ("activation", _with(NET, ["layers", 0, "activation"], "sigmoid"), 'layers[0]: unknown field "activation"'),
    ("bias-and-biases", _with(NET, ["layers", 1, "bias"], [1]), 'layers[1]: unknown field "bias"'),
    ("unknown-top", _with(NET, ["activations"], "relu"), 'unknown field "activations"'),
    ("input-dim", _with(NET, ["input_dim"], 2), "layers[0].weights has shape (2, 1) but (2, 2)"),
    ("input-dim-huge", json.dumps(NET).replace('"input_dim": 1', f'"input_dim": {BIG}'), "integer of 5000 digits"),
    ("no-layers", _with(NET, ["layers"], []), "nonempty list"),
    ("weight-text", _with(NET, ["layers", 0, "weights", 0, 0], "one"), "layers[0].weights[0][0]"),
    ("huge-exponent", _with(NET, ["layers", 0, "biases", 0], "1e-99999999"), "decimal exponent"),
]
BAD_ARRANGEMENT = bad_json("polyrelu.arrangement") + [
    ("unknown-key", _with(ARR, ["name"], "x"), 'unknown field "name"'),
    ("hyperplane-key", _with(ARR, ["hyperplanes", 1, "c"], 1), 'hyperplanes[1]: unknown field "c"'),
    ("dim", _with(ARR, ["dim"], 3), "hyperplanes[0].a has length 2 but 3 was expected"),
    ("no-dim", _with(ARR, ["dim"], ...), 'missing field "dim"'),
    ("zero-normal", _with(ARR, ["hyperplanes", 0, "a"], [0, 0]), "zero vector"),
]
BAD_ZONOTOPE = bad_json("polyrelu.zonotope") + [
    ("no-center", _with(ZON, ["center"], ...), 'missing field "center"'),
    ("unknown-key", _with(ZON, ["centre"], [0, 0]), 'unknown field "centre"'),
    ("center-length", _with(ZON, ["center"], [0]), "generators[0] has 2 entries but the center has 1"),
    ("dim", _with(ZON, ["dim"], 3), "generators[0] has 2 entries but dim has 3"),
]
BAD_FUNCTIONS = bad_json("polyrelu.affine-functions") + [
    ("dim-1-on-r2", _with(FUN, ["functions", 0, "a"], [1, 2]), "functions[0].a has 2 entries but \"dim\" is 1"),
    ("no-dim", _with(FUN, ["dim"], ...), 'missing field "dim"'),
    ("unknown-key", _with(FUN, ["functions", 1, "b"], 0), 'functions[1]: unknown field "b"'),
]
BAD_POLYHEDRON = bad_json("polyrelu.polyhedron") + [
    ("unknown-key", _with(POLY, ["inequalities", 0, "strict"], True), 'inequalities[0]: unknown field "strict"'),
    ("dim", _with(POLY, ["dim"], 2), "inequalities[0].a has length 1 but 2 was expected"),
    ("wrong-format", _with(POLY, ["format"], "polyrelu.zonotope"), "\"format\""),
]
BAD_CSV = [
    ("missing", None, "no such file"),
    ("directory", "DIR", "is a directory"),
    ("no-header", "0,0,0\n1,1,1\n", "--no-header"),
    ("ragged", "x,y\n1,2\n3\n", "line 3 has 1 fields"),
    ("float-word", "x,y\n1,two\n", "not a rational"),
    ("only-header", "x,y\n", "at least one data row"),
    ("latin-1", b"x,y\n1,\xe9\n", "not UTF-8"),
    ("huge-exponent", "x,y\n1,1e99999\n", "decimal exponent"),
]

# command line for each reader; IN is the bad file; outputs are requested where the
# command writes any, so that "no file left behind" is tested too
READERS = [
    ("inspect", ["inspect", "IN"], BAD_NETWORK),
    ("eval", ["eval", "IN", "1/2"], BAD_NETWORK),
    ("regions", ["regions", "IN", "--graph", "g.json", "--certificate", "c.json"], BAD_NETWORK),
    ("equal-first", ["equal", "IN", "tent.json"], BAD_NETWORK),
    ("equal-second", ["equal", "tent.json", "IN"], BAD_NETWORK),
    ("arrangement", ["arrangement", "IN", "--graph", "g.json", "--certificate", "c.json"], BAD_ARRANGEMENT),
    ("zonotope", ["zonotope", "IN"], BAD_ZONOTOPE),
    ("max-net", ["max-net", "IN", "--out", "n.json"], BAD_FUNCTIONS),
    ("train", ["train", "IN", "--width", "1", "--out", "n.json", "--certificate", "c.json"], BAD_CSV),
    ("regions-domain", ["regions", "tent.json", "--domain", "IN", "--graph", "g.json"], BAD_POLYHEDRON),
    ("arrangement-inside", ["arrangement", "arrangement.json", "--inside", "IN", "--certificate", "c.json"], BAD_POLYHEDRON),
    ("equal-domain", ["equal", "tent.json", "tent.json", "--domain", "IN"], BAD_POLYHEDRON),
    ("verify", ["verify", "IN"], bad_json("polyrelu.network-certificate")),
]
CASES = [pytest.param(cmd, name, content, msg, id=f"{cid}-{name}") for cid, cmd, table in READERS for name, content, msg in table]


@pytest.mark.parametrize("cmd, name, content, message", CASES)
def test_bad_input_exit_3_one_line_no_file(work, capsys, cmd, name, content, message):
    bad = work / ("bad.csv" if cmd[0] == "train" else "bad.json")
    if content == "DIR":
        bad.mkdir()
    elif isinstance(content, bytes):
        bad.write_bytes(content)
    elif isinstance(content, str):
        bad.write_text(content)
    elif content is not None:
        bad.write_text(json.dumps(content))
    before = listing(work)
    code, out, err = run_main(capsys, [bad if a == "IN" else a for a in cmd])
    assert code == 3, err
    assert one_line(err), err
    assert message in err, err
    assert str(bad.name) in err  # the message names the file
    assert listing(work) == before


def test_verify_of_a_network_is_bad_input_not_a_rejection(work, capsys):
    code, _, err = run_main(capsys, ["verify", "tent.json"])
    assert code == 3 and one_line(err) and "not a certificate" in err


def test_inputs_are_read_by_the_same_rules_in_a_real_process(work):
    """The console entry point (not only main()): one line, no traceback, exit 3."""
    (work / "d").mkdir()
    for args in (["inspect", "d"], ["train", "d", "--width", "1"], ["zonotope", "nope.json"]):
        r = subprocess.run([sys.executable, "-m", "polyrelu", *args], capture_output=True, text=True, cwd=work)
        assert r.returncode == 3 and one_line(r.stderr) and r.stdout == "", (args, r.stderr)


# --------------------------------------------------------------- option values (exit 2)
@pytest.mark.parametrize("args", [
    ["regions", "tent.json", "--workers", "0"],
    ["regions", "tent.json", "--max-regions", "-1"],
    ["regions", "tent.json", "--max-seconds", "nan"],
    ["regions", "tent.json", "--max-seconds", "-5"],
    ["regions", "tent.json", "--max-seconds", "inf"],
    ["train", "xor.csv", "--width", "1", "--workers", "0"],
    ["train", "xor.csv", "--width", "0"],
    ["train", "xor.csv", "--width", "1", "--max-seconds", "nan"],
    ["train", "xor.csv", "--width", "1", "--max-subproblems", "0"],
    ["regions", "tent.json", "--domain", "box:1,0"],
])
def test_bad_option_values_are_usage_errors(work, capsys, args):
    code, out, err = run_main(capsys, args)
    assert code == 2 and out == "" and ("Invalid value" in err or "LO must be less than HI" in err), err


# ------------------------------------------------------- outputs that would destroy data
WRITERS = [
    # (command, input name or None, [output options])
    (["regions", "tent.json"], "tent.json", ["--graph", "--certificate"]),
    (["arrangement", "arrangement.json"], "arrangement.json", ["--graph", "--certificate"]),
    (["regions", "tent.json", "--domain", "interval.json"], "interval.json", ["--graph", "--certificate"]),
    (["arrangement", "arrangement.json", "--inside", "square.json"], "square.json", ["--graph", "--certificate"]),
    (["train", "xor.csv", "--width", "1"], "xor.csv", ["--out", "--certificate"]),
    (["max-net", "max_affine.json"], "max_affine.json", ["--out"]),
    (["zigzag", "--a", "1/2"], None, ["--out"]),
    (["hard-function", "--widths", "2,2"], None, ["--out"]),
    (["zonotope-family", "--n", "2", "--m", "2", "--w", "2", "--k", "1"], None, ["--out"]),
]


def _collisions():
    for cmd, inp, opts in WRITERS:
        cid = cmd[0] + ("-domain" if "--domain" in cmd or "--inside" in cmd else "")
        if inp is not None:
            for opt in opts:
                yield pytest.param(cmd, [opt, inp], id=f"{cid}{opt}=input")
                yield pytest.param(cmd, [opt, "./" + inp], id=f"{cid}{opt}=./input")
                yield pytest.param(cmd, [opt, "LINK"], id=f"{cid}{opt}=symlink-to-input")
                yield pytest.param(cmd, [opt, "HARD"], id=f"{cid}{opt}=hardlink-to-input")
        if len(opts) == 2:
            yield pytest.param(cmd, [opts[0], "same.json", opts[1], "same.json"], id=f"{cid}-outputs-equal")
            yield pytest.param(cmd, [opts[0], "same.json", opts[1], "sub/../same.json"], id=f"{cid}-outputs-equal-spelling")


@pytest.mark.parametrize("cmd, extra", list(_collisions()))
def test_output_equal_to_an_input_or_another_output_is_refused(work, capsys, cmd, extra):
    inp = next((a for a in cmd[1:] if (work / a).is_file()), None)
    (work / "sub").mkdir()
    if inp:
        os.symlink(inp, work / "LINK")
        os.link(work / inp, work / "HARD")
    before = listing(work)
    code, out, err = run_main(capsys, cmd + extra)
    assert code == 2, err
    assert one_line(err) and ("would overwrite the input" in err or "are the same file" in err), err
    assert listing(work) == before  # the input is untouched and nothing was written


# --------------------------------------------------------- unwritable outputs (exit 3)
UNWRITABLE = [
    ("missing-folder", "nofolder/x.json", "does not exist"),
    ("through-a-file", "xor.csv/x.json", "is not a folder"),
    ("a-directory", "folder", "is a directory"),
    ("read-only-file", "ro.json", "is read-only"),
    ("proc", "/proc/polyrelu-test.json", "/proc"),
]


@pytest.mark.parametrize("label, target, message", UNWRITABLE, ids=[u[0] for u in UNWRITABLE])
@pytest.mark.parametrize("cmd, first, second", [
    (["regions", "tent.json"], "--graph", "--certificate"),
    (["arrangement", "arrangement.json"], "--graph", "--certificate"),
    (["train", "xor.csv", "--width", "1"], "--out", "--certificate"),
], ids=["regions", "arrangement", "train"])
def test_unwritable_second_output_leaves_neither_written(work, capsys, monkeypatch, cmd, first, second, label, target, message):
    (work / "ro.json").write_text("keep\n")
    (work / "ro.json").chmod(0o444)
    if label == "proc" and not Path("/proc").is_dir():
        pytest.skip("no /proc")
    computed = []
    import polyrelu.io.dataset as dataset
    import polyrelu.io.formats as formats

    real_load, real_read = formats.load, dataset.read_csv
    monkeypatch.setattr(formats, "load", lambda p: computed.append(p) or real_load(p))
    monkeypatch.setattr(dataset, "read_csv", lambda *a, **k: computed.append(a) or real_read(*a, **k))
    before = listing(work)
    code, out, err = run_main(capsys, cmd + [first, "first.json", second, target])
    assert code == 3, err
    assert one_line(err) and second in err and message in err, err
    assert listing(work) == before and not (work / "first.json").exists()
    assert computed == []  # refused before reading or computing anything


def test_paper_out_folder_checked_first_and_written_together(work, capsys):
    code, _, err = run_main(capsys, ["paper", "--only", "Thm 2.3", "--out", "xor.csv"])
    assert code == 3 and one_line(err) and "not a folder" in err
    code, _, err = run_main(capsys, ["paper", "--only", "Thm 2.3", "--out", "new/reports"])
    assert code == 0, err
    assert sorted(p.name for p in (work / "new" / "reports").iterdir()) == [
        "provenance.json", "report.md", "report.tex", "rows.csv", "rows.json", "timings.json"]


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_failure_while_writing_restores_every_target(work, capsys):
    """The second output fails only when written (a full device): the first, already
    renamed into place, is put back as it was."""
    (work / "g.json").write_text("old graph\n")
    code, _, err = run_main(capsys, ["regions", "tent.json", "--graph", "g.json", "--certificate", "/dev/full"])
    assert code == 3 and one_line(err) and "no output was written" in err, err
    assert (work / "g.json").read_text() == "old graph\n"
    assert sorted(p.name for p in work.iterdir() if p.name.startswith(".")) == []  # no temporaries or backups


def test_write_files_all_or_nothing_when_a_rename_fails(tmp_path, monkeypatch):
    a, b, c = tmp_path / "a.json", tmp_path / "b.json", tmp_path / "c.json"
    a.write_text("old a\n")
    real_replace, calls = os.replace, []

    def flaky(src, dst):
        calls.append(dst)
        if len(calls) == 3 and str(dst) == str(c):
            raise OSError(28, "No space left on device")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", flaky)
    with pytest.raises(OutputPathError, match="no output was written"):
        outputs.write_files([(a, "new a\n"), (b, "new b\n"), (c, "new c\n")])
    assert a.read_text() == "old a\n" and not b.exists() and not c.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json"]
    monkeypatch.setattr(os, "replace", real_replace)
    outputs.write_files([(a, "new a\n"), (b, "new b\n")])
    assert (a.read_text(), b.read_text()) == ("new a\n", "new b\n")
    with pytest.raises(PathCollisionError):
        outputs.write_files([(a, "1"), (tmp_path / "." / "a.json", "2")])


def test_outputs_follow_symlinks_and_devices_are_written_in_place(tmp_path):
    target = tmp_path / "real.json"
    target.write_text("old\n")
    (tmp_path / "link.json").symlink_to("real.json")
    outputs.write_files([(tmp_path / "link.json", "new\n"), ("/dev/null", "discarded\n")])
    assert (tmp_path / "link.json").is_symlink() and target.read_text() == "new\n"
    assert Path("/dev/null").is_char_device()


# ------------------------------------------------------------------ 5,000-digit numbers
def _mpz_text(v) -> str:
    return str(gmpy2.mpz(v))


@pytest.fixture
def big(work):
    B = int(gmpy2.mpz(BIG))
    (work / "big.json").write_text(
        '{"format": "polyrelu.network", "version": 1, "input_dim": 1, "layers": ['
        f'{{"weights": [[{BIG}], [-1]], "biases": [0, 0]}}, {{"weights": [[1, "1/{BIG}"]], "biases": [0]}}]}}'
    )  # f(x) = s(B x) + s(-x) / B: two regions, kink at 0
    (work / "big_arr.json").write_text(
        '{"format": "polyrelu.arrangement", "version": 1, "dim": 2, "hyperplanes": ['
        f'{{"a": [{BIG}, 1], "b": {BIG}}}, {{"a": ["1", "-{BIG}"], "b": "1/{BIG}"}}, {{"a": [0, 1], "b": "-{BIG}"}}]}}'
    )
    (work / "big_zon.json").write_text(
        f'{{"format": "polyrelu.zonotope", "version": 1, "generators": [[{BIG}, 1], [1, 0]], "center": ["{BIG}", 0]}}'
    )
    (work / "big_fun.json").write_text(
        f'{{"format": "polyrelu.affine-functions", "version": 1, "dim": 1, "functions": [{{"a": [{BIG}], "c": 0}}, {{"a": [-1], "c": "{BIG}"}}]}}'
    )
    (work / "big.csv").write_text(f"x,y\n{BIG},1\n1,{BIG}\n")
    return B


def test_a_5000_digit_integer_is_exact_everywhere(big, work, capsys):
    B = big
    code, out, err = run_main(capsys, ["inspect", "big.json", "--json"])
    assert code == 0 and json.loads(out)["hidden_widths"] == [2], err
    code, out, err = run_main(capsys, ["eval", "big.json", BIG])  # f(B) = B * B
    assert code == 0 and out.strip() == _mpz_text(gmpy2.mpz(B) ** 2), err[:200]
    code, out, err = run_main(capsys, ["eval", "big.json", f"-{BIG}/3"])  # f(-B/3) = (B/3) / B = 1/3
    assert code == 0 and out.strip() == "1/3"
    code, out, err = run_main(capsys, ["regions", "big.json", "--json", "--certificate", "c.json", "--graph", "g.json"])
    assert code == 0 and json.loads(out)["activation_regions"] == 2, err[:300]
    assert BIG in (work / "c.json").read_text()
    code, out, err = run_main(capsys, ["verify", "c.json"])
    assert code == 0, err[:300]
    code, out, err = run_main(capsys, ["regions", "tent.json", "--json", "--domain", f"box:-{BIG},{BIG}"])
    assert code == 0 and json.loads(out)["activation_regions"] == 3
    code, out, err = run_main(capsys, ["equal", "big.json", "big.json"])
    assert code == 0
    # three lines in general position, one nearly parallel to x1 = 0: 7 regions, 1 bounded
    code, out, err = run_main(capsys, ["arrangement", "big_arr.json", "--json", "--certificate", "ac.json"])
    info = json.loads(out)
    assert code == 0 and (info["regions"], info["bounded_regions"], info["regions_zaslavsky"]) == (7, 1, 7), err[:300]
    assert run_main(capsys, ["verify", "ac.json"])[0] == 0
    code, out, err = run_main(capsys, ["zonotope", "big_zon.json", "--json"])
    info = json.loads(out)
    assert code == 0 and (info["vertices"], info["volume"]) == (4, "4"), err[:300]  # |det| * 2^2 = 1 * 4
    code, out, err = run_main(capsys, ["max-net", "big_fun.json", "--out", "m.json"])
    assert code == 0, err[:300]
    code, out, err = run_main(capsys, ["eval", "m.json", "1"])  # max(B * 1, B - 1) = B
    assert code == 0 and out.strip() == BIG
    code, out, err = run_main(capsys, ["train", "big.csv", "--width", "1", "--json"])  # -x + B + 1 fits both points
    assert code == 0 and json.loads(out)["loss"] == "0", err[:300]


@pytest.mark.parametrize("args, code", [
    (["eval", "tent.json", "1e-99999999"], 2),
    (["eval", "tent.json", "1e" + "9" * 5000], 2),
    (["regions", "tent.json", "--domain", "box:-1e99999,1"], 2),
    (["zigzag", "--a", "1e-20000"], 2),
])
def test_decimal_exponents_beyond_the_limit_are_refused_quickly(work, capsys, args, code):
    got, _, err = run_main(capsys, args)
    assert got == code and "decimal exponent" in err


def test_a_5000_digit_decimal_and_fraction_are_exact(work, capsys):
    code, out, _ = run_main(capsys, ["eval", "tent.json", "0." + "0" * 4998 + "1"])  # tent(x) = 2x near 0
    assert code == 0 and out.strip() == "1/5" + "0" * 4998
    code, out, _ = run_main(capsys, ["eval", "tent.json", f"1/{BIG}"])
    assert code == 0 and out.strip() == f"2/{BIG}"


def test_train_no_header_reads_every_row(work, capsys):
    rows = (work / "xor.csv").read_text().splitlines()[1:]
    (work / "plain.csv").write_text("\n".join(rows) + "\n")
    code, with_header, _ = run_main(capsys, ["train", "xor.csv", "--width", "1", "--json"])
    assert code == 0
    code, without, err = run_main(capsys, ["train", "plain.csv", "--width", "1", "--json", "--no-header"])
    assert code == 0, err
    assert json.loads(without) == json.loads(with_header)
    code, _, err = run_main(capsys, ["train", "plain.csv", "--width", "1"])
    assert code == 3 and one_line(err) and "--no-header" in err


def test_a_5000_digit_number_in_construction_options(work, capsys):
    code, out, err = run_main(capsys, ["zigzag", "--a", f"1/{BIG}", "--out", "z.json"])
    assert code == 0, err[:300]
    code, out, _ = run_main(capsys, ["eval", "z.json", f"1/{BIG}"])  # the peak: h_a(a_1) = M = 1
    assert code == 0 and out.strip() == "1"
    code, out, err = run_main(capsys, ["hard-function", "--widths", "2", "--M", BIG, "--out", "h.json"])
    assert code == 0, err[:300]
    code, out, _ = run_main(capsys, ["eval", "h.json", f"{BIG}/2"])  # h at a_1 = M/2 is M
    assert code == 0 and out.strip() == BIG


@pytest.mark.parametrize("args, attribute", [
    (["arrangement", "arrangement.json"], "n_regions_zaslavsky"),
    (["zonotope", "zonotope.json", "--check-cdd"], "vertices_cdd"),
])
def test_two_routes_disagreeing_is_an_internal_error_not_a_false_claim(work, capsys, monkeypatch, args, attribute):
    from polyrelu.geometry.arrangement import HyperplaneArrangement
    from polyrelu.geometry.zonotope import Zonotope

    cls = HyperplaneArrangement if args[0] == "arrangement" else Zonotope
    monkeypatch.setattr(cls, attribute, lambda self: [] if attribute == "vertices_cdd" else 99)
    code, _, err = run_main(capsys, args)
    assert code == 5 and one_line(err) and "internal error" in err and "report" in err, err


def test_help_documents_the_shared_options_once(capsys):
    code, out, _ = run_main(capsys, ["--help"])
    assert code == 0
    for text in ("--domain FILE.json", "--inside is the same option", "paper --out DIR", "Exit codes", "5 internal error",
                 "docs/mathematics.md"):
        assert text in out, text
