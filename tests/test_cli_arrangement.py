import json

from polyrelu.cli import main

ARR = {
    "format": "polyrelu.arrangement",
    "version": 1,
    "dim": 2,
    "hyperplanes": [{"a": ["1", "0"], "b": "0"}, {"a": ["0", "1"], "b": "0"}, {"a": ["1", "1"], "b": "1"}, {"a": [2, 2], "b": 2}],
}


def write(tmp_path, name, obj):
    p = tmp_path / name
    p.write_text(json.dumps(obj) if not isinstance(obj, str) else obj)
    return str(p)


def test_arrangement_json_certificate_graph_and_verify(tmp_path, capsys):
    arr = write(tmp_path, "a.json", ARR)
    cert, graph = tmp_path / "c.json", tmp_path / "g.json"
    assert main(["arrangement", arr, "--json", "--certificate", str(cert), "--graph", str(graph)]) == 0
    info = json.loads(capsys.readouterr().out)
    assert (info["regions"], info["bounded_regions"], info["hyperplanes"], info["dim"]) == (7, 1, 4, 2)
    assert info["regions_zaslavsky"] == 7 and info["distinct_hyperplanes"] == 3
    g = json.loads(graph.read_text())
    assert len(g["nodes"]) == 7 and len(g["edges"]) == info["graph_edges"]
    assert main(["verify", str(cert), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["valid"] is True
    c = json.loads(cert.read_text())
    c["regions"].pop()
    c["n_regions"] -= 1
    bad = write(tmp_path, "bad.json", c)
    assert main(["verify", bad]) == 1
    assert "certificate rejected" in capsys.readouterr().err


def test_arrangement_inside_box(tmp_path, capsys):
    arr = write(tmp_path, "a.json", ARR)
    box = write(tmp_path, "box.json", {"dim": 2, "inequalities": [{"a": [1, 0], "b": 1}, {"a": [-1, 0], "b": 1}, {"a": [0, 1], "b": 1}, {"a": [0, -1], "b": 1}]})
    assert main(["arrangement", arr, "--inside", box, "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["regions"] == 5 and info["bounded_regions"] == 5


def test_arrangement_bad_files_exit_3(tmp_path, capsys):
    zero = dict(ARR, hyperplanes=[{"a": [0, 0], "b": 1}])
    assert main(["arrangement", write(tmp_path, "z.json", zero)]) == 3
    assert "zero vector" in capsys.readouterr().err
    assert main(["arrangement", write(tmp_path, "f.json", '{"format": "polyrelu.arrangement", "version": 1, "dim": 1, "hyperplanes": [{"a": [1.5], "b": 0}]}')]) == 3
    assert "float" in capsys.readouterr().err
    assert main(["verify", write(tmp_path, "t.json", '{"format": "polyrelu.arrangement-certificate", ')]) == 3
