"""Figures: exact polygons (one per activation region), files of the expected kind and size,
clear errors for what cannot be drawn, and the paper's figures in data/figures."""

import json
from pathlib import Path

import pytest

pytest.importorskip("matplotlib")

from gmpy2 import mpq  # noqa: E402

from polyrelu.cli import main  # noqa: E402
from polyrelu.errors import ShapeError  # noqa: E402
from polyrelu.nets.network import ReluNetwork  # noqa: E402
from polyrelu.nets.regions import network_regions  # noqa: E402
from polyrelu.geometry.polyhedron import OpenPolyhedron  # noqa: E402
from polyrelu.paper import claims  # noqa: E402
from polyrelu.paper.constructions import max_of_two, zigzag  # noqa: E402
from polyrelu.plot import graph_points, plot_network, region_polygons  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
MAGIC = {".png": b"\x89PNG", ".pdf": b"%PDF", ".svg": b"<?xml"}


def _shoelace(vs):
    return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(vs, vs[1:] + vs[:1]))) / 2


@pytest.mark.parametrize("panel", ["left", "middle"])
def test_polygons_are_exact_and_tile_the_box(panel):
    net = claims.figure1_network(panel)
    polys = region_polygons(net, -1, 1)
    res = network_regions(net, domain=OpenPolyhedron.box(2, -1, 1))
    assert len(polys) == res.n_activation_regions  # one polygon per activation region
    assert all(isinstance(v, type(mpq(1))) for p in polys for xy in p.vertices for v in xy)
    assert sum(_shoelace(list(p.vertices)) for p in polys) == 4  # exact areas add up to the box
    assert len({p.piece for p in polys}) == res.n_pieces
    for p in polys:  # the map of the polygon is the network's at an interior point
        cx = sum(x for x, _ in p.vertices) / len(p.vertices)
        cy = sum(y for _, y in p.vertices) / len(p.vertices)
        assert net.evaluate([cx, cy]) == p.affine_map([cx, cy])


@pytest.mark.parametrize("suffix", [".png", ".pdf", ".svg"])
def test_plot_files_and_counts(tmp_path, suffix):
    info = plot_network(max_of_two(), tmp_path / f"m{suffix}", lo=-2, hi=2)
    data = (tmp_path / f"m{suffix}").read_bytes()
    assert data.startswith(MAGIC[suffix]) and 2_000 < len(data) < 400_000
    assert (info.polygons, info.regions, info.pieces) == (4, 4, 2)


def test_graph_marks_the_exact_breakpoints(tmp_path):
    net = zigzag(["1/3", "2/3"], 1)
    pts, bps = graph_points(net, 0, 1)
    assert [x for x, _ in bps] == [mpq(1, 3), mpq(2, 3)] and [y for _, y in bps] == [1, 0]
    info = plot_network(net, tmp_path / "z.png", lo=0, hi=1)
    assert info.kind == "graph" and info.breakpoints == 2 and info.pieces == 3


def test_surface_above_zero_leaves_out_the_zero_piece(tmp_path):
    net = claims.figure1_network("left")
    every = region_polygons(net, "-3/2", "3/2")
    positive = region_polygons(net, "-3/2", "3/2", positive_only=True)
    assert len({p.piece for p in positive}) == claims.figure1_counts("left")["positive_pieces"] == 16
    assert all(max(p.values()) > 0 for p in positive) and len(positive) < len(every)
    info = plot_network(net, tmp_path / "s.png", lo="-3/2", hi="3/2", kind="surface", positive_only=True)
    assert info.polygons == len(positive)


def test_what_cannot_be_drawn_is_refused(tmp_path):
    net3 = ReluNetwork(3, [([[1, 0, 0]], [0]), ([[1]], [0])])
    with pytest.raises(ShapeError, match="R or R\\^2"):
        plot_network(net3, tmp_path / "x.png")
    with pytest.raises(ShapeError, match="graph"):
        plot_network(max_of_two(), tmp_path / "x.png", kind="graph")
    with pytest.raises(ShapeError, match="must end in"):
        plot_network(max_of_two(), tmp_path / "x.jpg")
    assert not list(tmp_path.iterdir())


def test_plot_command(tmp_path, capsys):
    net = tmp_path / "max.json"
    max_of_two().save(net)
    assert main(["plot", str(net), "--domain", "box:-1,1", "--out", str(tmp_path / "max.svg")]) == 0
    assert "4 polygons drawn, 4 activation regions, 2 pieces" in capsys.readouterr().out
    assert main(["plot", str(net), "--kind", "graph"]) == 2
    assert main(["plot", str(net), "--out", str(net)]) == 2  # never overwrite the input


def test_paper_figures_are_shipped_and_match_the_counts(tmp_path):
    from polyrelu.paper.constructions.zonotope_family import family_pieces_by_cones
    from polyrelu.paper.figures import FIGURE1_BOX, write_figures

    for name in ("figure1", "figure2", "figure3", "figure4"):
        for suffix in (".png", ".pdf"):
            f = ROOT / "data" / "figures" / f"{name}{suffix}"
            assert f.exists() and f.read_bytes().startswith(MAGIC[suffix]) and 5_000 < f.stat().st_size < 300_000, f
    infos = {i.name: i for i in write_figures(tmp_path, names=["figure1"], suffixes=(".png",), dpi=40)}
    box = OpenPolyhedron.box(2, *FIGURE1_BOX)
    for panel, drawn in infos["figure1"].panels.items():
        res = network_regions(claims.figure1_network(panel), domain=box)
        assert drawn["polygons"] == drawn["regions"] == res.n_activation_regions
        _, bps, gens = claims.FIGURE1_PANELS[panel]
        # every piece but the single flat one (f = 0 where g_Z >= 1): the box holds all of f > 0
        assert drawn["positive_pieces"] == family_pieces_by_cones(bps, gens) - 1
    assert json.dumps(infos["figure1"].panels)  # plain data


def test_only_plot_imports_matplotlib_and_only_the_cli_imports_tqdm():
    import ast

    pkg = ROOT / "polyrelu"
    for path in pkg.rglob("*.py"):
        tree = ast.parse(path.read_text())
        names = {a.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import) for a in node.names}
        names |= {node.module.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module and node.level == 0}
        rel = path.relative_to(pkg).as_posix()
        if names & {"matplotlib", "mpl_toolkits"}:
            assert rel == "plot/draw.py", rel
        if "tqdm" in names:
            assert rel == "cli/progress.py", rel
