"""Streamed regions (polyrelu.nets.stream): the shards hold exactly the regions of the
in-memory engine, from 1 process, 2 processes and a Dask cluster; budgets leave a partial
manifest; the CLI's --stream."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from polyrelu.errors import InvalidParameterError
from polyrelu.geometry.polyhedron import OpenPolyhedron
from polyrelu.io.shards import counts_from_shards, iter_shard, read_manifest
from polyrelu.nets.network import ReluNetwork
from strategies import rand_net
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
    for key in ("linear_regions", "pieces"):
        assert r.counts[key] in (None, ref.counts()[key])
    assert counts_from_shards(r.shards) == {"activation_regions": len(ref), "affine_maps": ref.n_affine_maps}
    m = read_manifest(tmp_path / "s")
    assert m["partial"] is False and m["paths"] == r.shards and m["counts"] == r.counts
    assert sum(s["regions"] for s in m["shards"]) == len(ref)
    assert not [p for p in (tmp_path / "s").iterdir() if p.name.startswith(".")]  # no temporary files left


def test_one_process_two_processes_and_a_dask_cluster_write_the_same_shards(tmp_path):
    nets = [rand_net([3, 8, 6, 1], 4, -9, 9), rand_net([3, 30, 1], 6, -9, 9)]
    for j, net in enumerate(nets):
        one = stream_regions(net, tmp_path / f"one{j}", workers=1)
        with Executor(workers=2) as ex:
            two = stream_regions(net, tmp_path / f"two{j}", executor=ex, cells_per_task=3)
        assert _rows(one.shards) == _rows(two.shards) == _memory_rows(network_regions(net, workers=1))
        assert one.counts == two.counts
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster, \
            distributed.Client(cluster) as client:
        ex = Executor(scheduler=client)
        for j, net in enumerate(nets):
            far = stream_regions(net, tmp_path / f"dask{j}", executor=ex, cells_per_task=3)
            assert _rows(far.shards) == _rows(stream_regions(net, tmp_path / f"again{j}", workers=1).shards)


def test_budget_stop_leaves_a_partial_manifest(tmp_path):
    net = rand_net([3, 8, 6, 1], 4, -9, 9)
    full = network_regions(net, workers=1)
    cells = last_layer(net, workers=1).n_cells
    budget = cells + 20
    assert budget < len(full)
    r = stream_regions(net, tmp_path / "s", workers=1, max_regions=budget, cells_per_task=2)
    assert r.partial and r.counts["partial"] is True and r.counts["activation_regions"] is None
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
    assert read_manifest(tmp_path / "s")["counts"]["activation_regions"] == len(ref)
    out = subprocess.run(POLYRELU + ["regions", str(p), "--shards", str(tmp_path / "t"), "--stream", "--max-regions", "50"],
                         capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert out.returncode == 4, out.stderr
    assert "PARTIAL" in out.stdout and read_manifest(tmp_path / "t")["partial"] is True
    out = subprocess.run(POLYRELU + ["regions", str(p), "--stream"], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert out.returncode == 2 and "--shards" in out.stderr
