"""Streamed regions (polyrelu.nets.stream): the shards hold exactly the regions of the
in-memory engine, from 1 process, 2 processes and a Dask cluster; budgets leave a partial
manifest; the CLI's --stream."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from polyrelu.errors import InvalidParameterError
from polyrelu.geometry.polyhedron import OpenPolyhedron
from polyrelu.io.shards import counts_from_shards, iter_shard, read_manifest
from polyrelu.nets.network import ReluNetwork
from strategies import networks, rand_net
from polyrelu.nets.regions import last_layer, network_regions
from polyrelu.nets.stream import stream_regions
from polyrelu.parallel import Executor

ROOT = Path(__file__).resolve().parent.parent
POLYRELU = [sys.executable, "-c", "import sys; from polyrelu.cli import main; sys.exit(main())"]


def duplicate_neurons():
    # neurons 0 and 1 coincide, neuron 2 is dead (zero row, negative bias), neuron 3 is a multiple of neuron 0
    return ReluNetwork(2, [([[1, 2], [1, 2], [0, 0], [2, 4], [3, -1]], [1, 1, -1, 2, 0]),
                           ([[1, -1, 2, 1, 1], [0, 1, 1, -1, 2]], [0, 1]),
                           ([[1, 1]], [0])])


CASES = [
    (rand_net([2, 4, 3, 1], 3), None),
    (rand_net([2, 3, 3, 1], 7), "box"),
    (rand_net([2, 4, 3, 2], 11, zero=0.35), None),  # dead and zero neurons
    (rand_net([3, 4, 3, 1], 5), None),
    (rand_net([3, 12, 1], 1), None),  # one hidden layer: the one-cell stream
    (rand_net([3, 10, 1], 2, zero=0.2), "box"),
    (rand_net([2, 3, 2, 2, 1], 8, zero=0.2), None),
    (duplicate_neurons(), None),
    (rand_net([1, 3, 3, 1], 2, zero=0.3), "box"),  # one input: the 1-D route, in memory
    (ReluNetwork(2, [([[1, 2]], [3])]), None),  # affine
]


def _rows(paths):
    out = []
    for p in paths:
        it = iter_shard(p)
        next(it)
        out += [json.dumps(r, sort_keys=True) for r in it]
    return out


def _memory_rows(res):
    return [json.dumps(r, sort_keys=True) for r in res.iter_region_rows()]


@pytest.mark.parametrize("k", range(len(CASES)))
def test_streamed_shards_are_the_in_memory_regions(tmp_path, k):
    net, dom = CASES[k]
    D = OpenPolyhedron.box(net.input_dim, -2, 3) if dom else None
    ref = network_regions(net, domain=D, workers=1)
    r = stream_regions(net, tmp_path / "s", domain=D, workers=1, cells_per_task=2)
    got = _rows(r.shards)
    assert got == _memory_rows(ref)  # same regions, same order
    assert r.counts["activation_regions"] == len(ref) and r.counts["affine_maps"] == ref.n_affine_maps
    assert r.counts["partial"] is False
    assert r.counts == ref.counts()  # linear regions and pieces too, exactly
    assert counts_from_shards(r.shards) == {"activation_regions": len(ref), "affine_maps": ref.n_affine_maps}
    m = read_manifest(tmp_path / "s")
    assert m["partial"] is False and m["paths"] == r.shards and m["counts"] == r.counts
    assert sum(s["regions"] for s in m["shards"]) == len(ref)
    assert not [p for p in (tmp_path / "s").iterdir() if p.name.startswith(".")]  # no temporary files left


# ------------------------------------------------------------------ linear regions and pieces from the stream
def _quadrants():
    # relu(x) + relu(y) - relu(x + y): three lines through 0, six regions; the opposite
    # quadrants x, y > 0 and x, y < 0 both have the map 0 and touch only at the origin
    return ReluNetwork(2, [([[1, 0], [0, 1], [1, 1]], [0, 0, 0]), ([[1, 1, -1]], [0])])


def _quadrants_deep():
    # the same function after a layer that passes x and y through relu(+-): the two zero
    # quadrants lie in different cells of layer 1 (the join crosses cells)
    return ReluNetwork(2, [([[1, 0], [-1, 0], [0, 1], [0, -1]], [0, 0, 0, 0]),
                           ([[1, -1, 0, 0], [0, 0, 1, -1], [1, -1, 1, -1]], [0, 0, 0]),
                           ([[1, 1, -1]], [0])])


def _three_layers():
    # a dead neuron (zero row, bias -1), a neuron whose only outgoing weight is 3 into a
    # neuron that never reaches the output, a duplicate-sum neuron: regions merge across
    # walls of layer 1 (inherited walls) as well as across last-layer hyperplanes
    return ReluNetwork(2, [([[1, 0], [-1, 0], [0, 1], [0, -1], [0, 0]], [0, 0, 0, 0, -1]),
                           ([[1, -1, 0, 0, 3], [0, 0, 1, -1, 0], [1, -1, 1, -1, 0], [1, 1, 1, 1, 0]], [0, 0, 0, -1]),
                           ([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [1, 1, 0, 1]], [0, 0, 0, 0]),
                           ([[1, 1, -1, 0]], [0])])


def _zero_outgoing():
    # one hidden layer (one cell): neurons 1 and 4 have zero outgoing weight, 2 and 3 are
    # duplicates whose weights cancel, 5 is the opposite of 0
    return ReluNetwork(3, [([[1, 2, 0], [0, 1, -1], [2, -1, 1], [2, -1, 1], [1, 1, 1], [-1, -2, 0], [0, 0, 1]], [1, 0, 1, 1, -2, -1, 0]),
                           ([[1, 0, 1, -1, 0, 2, -1]], [0])])


def _coincident_deep():
    # integer weights; layer 2 has a neuron with zero outgoing weight, a coincident pair
    # (one a multiple of the other) and a neuron that equals a layer-1 hyperplane
    return ReluNetwork(2, [([[1, -1], [2, 1], [0, 1], [1, 1]], [0, -1, 1, 0]),
                           ([[1, 0, 0, 0], [1, 1, 0, -1], [2, 2, 0, -2], [0, 1, 1, 0], [1, 0, 1, 1]], [0, -1, -2, 0, -1]),
                           ([[1, 0, 1, -1, 1]], [0])])


SHARED = [_quadrants_deep(), _three_layers(), _coincident_deep(), duplicate_neurons()]
DEGENERATE = [_quadrants(), _quadrants_deep(), _three_layers(), _zero_outgoing(), _coincident_deep(), duplicate_neurons(),
              rand_net([2, 4, 3, 1], 5, -1, 1, zero=0.3), rand_net([3, 5, 4, 1], 2, -2, 2, zero=0.3),
              rand_net([2, 3, 3, 3, 1], 4, -1, 1, zero=0.25), rand_net([3, 8, 1], 9, -1, 1, zero=0.3)]


def test_quadrants_closed_form():
    # 6 regions, 5 maps (two zero quadrants), no facet joins them, the origin does
    for net in (_quadrants(), _quadrants_deep()):
        assert network_regions(net, workers=1).counts() == {"activation_regions": 6, "linear_regions": 6, "pieces": 5,
                                                           "affine_maps": 5, "partial": False}


@pytest.mark.parametrize("k", range(len(DEGENERATE)))
@pytest.mark.parametrize("dom", [None, "box"])
def test_streamed_linear_regions_and_pieces_equal_in_memory(tmp_path, k, dom):
    net = DEGENERATE[k]
    D = OpenPolyhedron.box(net.input_dim, -2, 3) if dom else None
    ref = network_regions(net, domain=D, workers=1).counts()
    for j, cpt in enumerate((1, None)):  # one cell per task, and the default chunks
        r = stream_regions(net, tmp_path / f"s{j}", domain=D, workers=1, cells_per_task=cpt)
        assert r.counts == ref, (k, dom, cpt)


def test_degenerate_cases_exercise_every_join():
    # the cases above are not all trivial: facets join regions (within a cell, across an
    # inherited wall, in the one-cell route) and closures join parts, or the test could not fail
    got = [network_regions(net, workers=1) for net in DEGENERATE]
    assert any(r.n_pieces < r.n_linear_regions for r in got)
    assert any(r.n_linear_regions < r.n_activation_regions and last_layer(r.network, workers=1).n_cells == 1 for r in got)
    assert any(r.n_linear_regions < r.n_activation_regions and last_layer(r.network, workers=1).n_cells > 1 for r in got)
    three = got[2]
    assert three.n_linear_regions < three.n_activation_regions - len(three.same_map_sibling_pairs())  # wall facets count


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(net=st.one_of(networks(input_dim=2, max_hidden=3, max_width=4, integer=True), networks(input_dim=3, max_hidden=2, max_width=5, integer=True)),
       cpt=st.sampled_from([1, 2, None]), box=st.booleans())
def test_streamed_counts_equal_in_memory_on_random_nets(tmp_path_factory, net, cpt, box):
    D = OpenPolyhedron.box(net.input_dim, -3, 2) if box else None
    ref = network_regions(net, domain=D, workers=1).counts()
    r = stream_regions(net, tmp_path_factory.mktemp("h"), domain=D, workers=1, cells_per_task=cpt)
    assert r.counts == ref


def test_one_process_two_processes_and_a_dask_cluster_write_the_same_shards(tmp_path):
    nets = [rand_net([3, 8, 6, 1], 4, -9, 9), rand_net([3, 30, 1], 6, -9, 9)]
    for j, net in enumerate(nets):
        one = stream_regions(net, tmp_path / f"one{j}", workers=1)
        with Executor(workers=2) as ex:
            two = stream_regions(net, tmp_path / f"two{j}", executor=ex, cells_per_task=3)
        assert _rows(one.shards) == _rows(two.shards) == _memory_rows(network_regions(net, workers=1))
        assert one.counts == two.counts
    for j, net in enumerate(SHARED):  # maps shared across cells: the second pass and the LP joins run on the executor
        ref = network_regions(net, workers=1).counts()
        one = stream_regions(net, tmp_path / f"one-s{j}", workers=1, cells_per_task=1)
        with Executor(workers=2) as ex:
            two = stream_regions(net, tmp_path / f"two-s{j}", executor=ex, cells_per_task=1)
        assert one.counts == two.counts == ref
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster, \
            distributed.Client(cluster) as client:
        ex = Executor(scheduler=client)
        for j, net in enumerate(nets):
            far = stream_regions(net, tmp_path / f"dask{j}", executor=ex, cells_per_task=3)
            assert _rows(far.shards) == _rows(stream_regions(net, tmp_path / f"again{j}", workers=1).shards)
        for j, net in enumerate(SHARED):
            far = stream_regions(net, tmp_path / f"dask-s{j}", executor=ex, cells_per_task=1)
            assert far.counts == network_regions(net, workers=1).counts()


def test_budget_stop_leaves_a_partial_manifest(tmp_path):
    net = rand_net([3, 8, 6, 1], 4, -9, 9)
    full = network_regions(net, workers=1)
    cells = last_layer(net, workers=1).n_cells
    budget = cells + 20
    assert budget < len(full)
    r = stream_regions(net, tmp_path / "s", workers=1, max_regions=budget, cells_per_task=2)
    assert r.partial and r.counts["partial"] is True and r.counts["activation_regions"] is None
    assert r.counts["linear_regions"] is None and r.counts["pieces"] is None
    m = read_manifest(tmp_path / "s")
    assert m["partial"] is True
    assert budget < m["info"]["regions_written"] < len(full)
    assert r.info["activation_regions_at_least"] <= len(full)
    got = set(_rows(m["paths"]))
    assert got < set(_memory_rows(full))  # complete shards of true regions, not all of them
    wide = rand_net([3, 30, 1], 6, -9, 9)
    one = stream_regions(wide, tmp_path / "t", workers=1, max_regions=100)
    m = read_manifest(tmp_path / "t")
    assert one.partial and m["partial"] is True and 100 < m["info"]["regions_written"] < len(network_regions(wide, workers=1))
    assert set(_rows(m["paths"])) < set(_memory_rows(network_regions(wide, workers=1)))
    early = stream_regions(net, tmp_path / "u", workers=1, max_regions=cells - 1)  # stops before the last layer
    assert early.partial and early.shards == [] and read_manifest(tmp_path / "u")["partial"] is True


def test_a_folder_with_shards_is_refused(tmp_path):
    net = rand_net([2, 4, 3, 1], 3)
    stream_regions(net, tmp_path / "s", workers=1)
    with pytest.raises(InvalidParameterError, match="already holds"):
        stream_regions(net, tmp_path / "s", workers=1)


def test_cli_stream(tmp_path):
    net = rand_net([3, 8, 6, 1], 4, -9, 9)
    p = tmp_path / "net.json"
    net.save(p)
    out = subprocess.run(POLYRELU + ["regions", str(p), "--shards", str(tmp_path / "s"), "--stream", "--json", "--workers", "1"],
                         capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr
    info = json.loads(out.stdout)
    ref = network_regions(net, workers=1)
    assert info["activation_regions"] == len(ref) and info["affine_maps"] == ref.n_affine_maps
    assert (info["linear_regions"], info["pieces"]) == (ref.n_linear_regions, ref.n_pieces)
    assert read_manifest(tmp_path / "s")["counts"]["activation_regions"] == len(ref)
    out = subprocess.run(POLYRELU + ["regions", str(p), "--shards", str(tmp_path / "t"), "--stream", "--max-regions", "50"],
                         capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert out.returncode == 4, out.stderr
    assert "PARTIAL" in out.stdout and read_manifest(tmp_path / "t")["partial"] is True
    out = subprocess.run(POLYRELU + ["regions", str(p), "--stream"], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert out.returncode == 2 and "--shards" in out.stderr


def test_shared_map_patterns_are_read_back_from_any_shard_layout(tmp_path):
    from polyrelu.io.shards import iter_map_patterns, map_text, write_shards

    res = network_regions(_zero_outgoing(), workers=1)
    paths = write_shards(res, tmp_path / "s", shard_size=5)
    rows = list(res.iter_region_rows())
    want = {map_text(rows[0]["map"]), map_text(rows[-1]["map"])}
    expect = [(map_text(r["map"]), r["pattern"]) for r in rows if map_text(r["map"]) in want]
    assert len(expect) >= 2 and len(expect) < len(rows)
    assert list(iter_map_patterns(paths, want)) == expect
    other = tmp_path / "other.jsonl"  # another writer's key order and spacing: every line is parsed
    header = next(iter_shard(paths[0]))
    other.write_text("\n".join([json.dumps(header)] + [json.dumps({"witness": r["witness"], "pattern": r["pattern"], "map": r["map"]})
                                                      for r in rows]) + "\n")
    assert list(iter_map_patterns([other], want)) == expect


def test_maps_beyond_int64_in_both_routes(tmp_path):
    # the quadrant nets with weights 10^12 and an output bias 10^30: every map is kept as
    # text, the shared zero-slope map too (one-cell route and many-cell route)
    B = 10**12
    deep = ReluNetwork(2, [([[B, 0], [-B, 0], [0, B], [0, -B]], [0, 0, 0, 0]),
                           ([[B, -B, 0, 0], [0, 0, B, -B], [B, -B, B, -B]], [0, 0, 0]),
                           ([[B + 1, B + 1, -B - 1]], [10**30])])
    one = ReluNetwork(2, [([[B, 0], [0, B], [B, B], [0, 0]], [0, 0, 0, 1]), ([[B * B + 1, B * B + 1, -B * B - 1, B]], [10**30])])
    for j, net in enumerate((deep, one)):
        ref = network_regions(net, workers=1)
        fixed, big, _ = ref.map_key_ids()
        assert fixed.size == 0 and len(big) == 5
        r = stream_regions(net, tmp_path / f"s{j}", workers=1, cells_per_task=1)
        assert r.counts == ref.counts() == {"activation_regions": 6, "linear_regions": 6, "pieces": 5, "affine_maps": 5, "partial": False}
