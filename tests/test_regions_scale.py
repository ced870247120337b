"""Regions at scale: output-sensitive graphs checked against the pairwise definition,
linear regions and pieces against brute force, budgets that bound the run, workers that
die with their parent, and the shared computing options."""

import itertools
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from gmpy2 import mpq

from polyrelu.exact import cddlib
from polyrelu.cli import main
from polyrelu.exact.linalg import integer_row
from polyrelu.geometry.polyhedron import OpenPolyhedron
from polyrelu.nets.network import ReluNetwork
from strategies import rand_net
from polyrelu.nets.regions import facet_point, network_regions, one_sided_pattern, pattern_constraints

ROOT = Path(__file__).resolve().parent.parent
POLYRELU = [sys.executable, "-c", "import sys; from polyrelu.cli import main; sys.exit(main())"]


def _rows_from_pattern(net, pattern, domain):
    """Independent H-representation of a region: every non-constant neuron's sign and the
    domain walls (engine convention c . x - e > 0), from the pattern alone."""
    n = net.input_dim
    rows = [integer_row(tuple(g) + (-c,)) for _, (g, c) in pattern_constraints(net, pattern)]
    if domain is not None:
        rows += [integer_row(tuple(-v for v in a) + (-b,)) for a, b in domain.inequalities]
    return np.array(rows, dtype=object).reshape(len(rows), n + 1)


def _pairwise_graph(res, domain):
    """Adjacency by the definition: two regions share a facet iff some constraint of one
    cuts an (n-1)-dimensional set from both closures (all pairs compared)."""
    net, n = res.network, res.network.input_dim
    R = [_rows_from_pattern(net, res.pattern(i), domain) for i in range(len(res))]
    edges = set()
    for i, j in itertools.combinations(range(len(res)), 2):
        for k in range(R[i].shape[0]):
            if facet_point(R[i], k, n, R[j]) is not None:
                edges.add((i, j))
                break
    return edges


def _closed(rows, x):
    n = len(x)
    return all(sum((int(r[t]) * x[t] for t in range(n)), mpq(0)) - int(r[n]) >= 0 for r in rows)


NETS = [
    ([2, 4, 3, 1], 3, None, 0.0),
    ([2, 3, 3, 1], 7, "box", 0.0),
    ([2, 4, 3, 2], 11, None, 0.35),  # dead and zero neurons: equal maps, merges
    ([3, 4, 3, 1], 5, None, 0.0),
    ([1, 3, 3, 1], 2, "box", 0.3),
    ([2, 5, 1], 4, None, 0.4),
    ([2, 3, 2, 2, 1], 8, None, 0.2),
]


@pytest.mark.parametrize("dims, seed, dom, zero", NETS)
def test_graph_from_facets_equals_pairwise_definition(dims, seed, dom, zero):
    net = rand_net(dims, seed, zero=zero)
    domain = OpenPolyhedron.box(dims[0], -3, 4) if dom else None
    res = network_regions(net, domain=domain, workers=1)
    G = res.region_graph()
    assert {tuple(sorted(e)) for e in G.edges()} == _pairwise_graph(res, domain)
    n = dims[0]
    for u, v, data in G.edges(data=True):  # the point is on both closures, and crossing it leads from one to the other
        x = data["point"]
        assert _closed(res.rows(u), x) and _closed(res.rows(v), x)
        assert net.evaluate(x) == res.affine_map(u)(x) == res.affine_map(v)(x)
    # Gaines-Bi: average degree at most 2n
    assert 2 * G.number_of_edges() <= 2 * n * G.number_of_nodes()


@pytest.mark.parametrize("dims, seed, dom, zero", NETS)
def test_linear_regions_and_pieces_by_brute_force(dims, seed, dom, zero):
    net = rand_net(dims, seed, zero=zero)
    domain = OpenPolyhedron.box(dims[0], -3, 4) if dom else None
    res = network_regions(net, domain=domain, workers=1)
    N, n = len(res), dims[0]
    maps = [res.affine_map(i) for i in range(N)]
    for i in range(N):  # each map is the network's map at the witness
        assert maps[i](res.witness(i)) == net.evaluate(res.witness(i))
    adj = _pairwise_graph(res, domain)
    R = [_rows_from_pattern(net, res.pattern(i), domain) for i in range(N)]
    dom_rows = [] if domain is None else [integer_row(tuple(-v for v in a) + (-b,)) for a, b in domain.inequalities]

    def comps(edges):
        parent = list(range(N))

        def find(a):
            while parent[a] != a:
                a = parent[a]
            return a

        for i, j in edges:
            parent[find(i)] = find(j)
        return len({find(i) for i in range(N)})

    same = [(i, j) for i, j in adj if maps[i] == maps[j]]
    assert res.n_linear_regions == comps(same)
    meet = []
    for i, j in itertools.combinations(range(N), 2):
        if maps[i] != maps[j]:
            continue
        aff = lambda r: (tuple(mpq(int(v)) for v in r[:n]), mpq(-int(r[n])))
        cons = [aff(r) for r in list(R[i]) + list(R[j])] + [aff(r) for r in dom_rows]
        strict = [False] * (len(R[i]) + len(R[j])) + [True] * len(dom_rows)
        if cddlib.closed_point(cons, n, strict) is not None:
            meet.append((i, j))
    assert res.n_pieces == comps(meet)
    assert res.n_affine_maps == len(set(maps))


def test_one_sided_pattern_across_every_wall_facet():
    net = rand_net([2, 4, 4, 1], 21)
    res = network_regions(net, workers=1)
    for u, v, data in res.region_graph().edges(data=True):
        x = data["point"]
        wu, wv = res.witness(u), res.witness(v)
        towards_v = tuple(b - a for a, b in zip(x, wv))
        towards_u = tuple(b - a for a, b in zip(x, wu))
        assert one_sided_pattern(net, x, towards_v) in (res.pattern(v), one_sided_pattern(net, x, towards_v))
        assert res.index_of(res.pattern(u)) == u and res.index_of(res.pattern(v)) == v
        assert towards_u != towards_v


def test_same_regions_from_one_and_two_processes_and_budgets_do_not_change_results():
    net = rand_net([3, 10, 8, 1], 5, -9, 9)
    a = network_regions(net, workers=1)
    b = network_regions(net, workers=2)
    c = network_regions(net, workers=1, max_seconds=3600, max_regions=10**9)
    for r in (b, c):
        assert [r.pattern(i) for i in range(len(r))] == [a.pattern(i) for i in range(len(a))]
        assert r.counts() == a.counts()


# ------------------------------------------------------------------ budgets (CLI)
def _net_file(tmp_path, dims, seed=0):
    rng = np.random.default_rng(seed)
    layers = [(rng.integers(-99, 100, size=(b, a)).tolist(), rng.integers(-99, 100, size=b).tolist()) for a, b in zip(dims, dims[1:])]
    p = tmp_path / ("net_" + "-".join(map(str, dims)) + ".json")
    ReluNetwork(dims[0], layers).save(p)
    return p


def _run(args, timeout=120):
    t = time.monotonic()
    out = subprocess.run(POLYRELU + args, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    return out, time.monotonic() - t


@pytest.mark.parametrize("dims", [[4, 60, 1], [3, 40, 40, 1]])
def test_time_budget_stops_within_seconds(tmp_path, dims):
    p = _net_file(tmp_path, dims)
    out, took = _run(["regions", str(p), "--max-seconds", "2", "--json"])
    assert out.returncode == 4, out.stderr
    info = json.loads(out.stdout)
    assert info["partial"] is True and info["activation_regions_at_least"] >= 1
    assert took < 2 + 10, took  # the full runs take far longer (tens of seconds on 2 cores)


def test_region_budget_stops_one_hidden_layer_early(tmp_path):
    p = _net_file(tmp_path, [4, 60, 1])
    out, took = _run(["regions", str(p), "--max-regions", "1000"])
    assert out.returncode == 4, out.stderr
    assert "PARTIAL" in out.stdout and took < 20


def test_arrangement_budget(tmp_path):
    rng = np.random.default_rng(1)
    H = rng.integers(-99, 100, size=(60, 5))
    p = tmp_path / "a.json"
    p.write_text(json.dumps({"format": "polyrelu.arrangement", "version": 1, "dim": 4,
                             "hyperplanes": [{"a": [str(v) for v in r[:4]], "b": str(r[4])} for r in H]}))
    out, took = _run(["arrangement", str(p), "--max-seconds", "1", "--json"])
    assert out.returncode == 4, out.stderr
    assert json.loads(out.stdout)["partial"] is True and took < 1 + 10


# ------------------------------------------------------------------ SIGTERM
def _children(pid):
    kids = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                if int(fields[1]) == pid:
                    kids.append(int(d))
            except OSError:
                pass
    return kids


def _alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("cmd", ["regions", "arrangement"])
def test_sigterm_leaves_no_worker_behind(tmp_path, cmd):
    if cmd == "regions":
        args = ["regions", str(_net_file(tmp_path, [4, 72, 1])), "--workers", "2"]
    else:
        rng = np.random.default_rng(2)
        H = rng.integers(-99, 100, size=(72, 5))
        p = tmp_path / "a.json"
        p.write_text(json.dumps({"format": "polyrelu.arrangement", "version": 1, "dim": 4,
                                 "hyperplanes": [{"a": [str(v) for v in r[:4]], "b": str(r[4])} for r in H]}))
        args = ["arrangement", str(p), "--workers", "2"]
    proc = subprocess.Popen(POLYRELU + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    kids = []
    t = time.monotonic()
    while time.monotonic() - t < 60 and len(kids) < 2:
        kids = _children(proc.pid)
        time.sleep(0.2)
    assert kids, "the workers never started"
    proc.send_signal(signal.SIGTERM)
    try:
        out, err = proc.communicate(timeout=20)  # output capture must not hang on orphaned workers
    except subprocess.TimeoutExpired:
        proc.kill()
        raise
    assert proc.returncode == 143, err
    assert b"Traceback" not in err
    t = time.monotonic()
    while time.monotonic() - t < 10 and any(_alive(k) for k in kids):
        time.sleep(0.2)
    assert not any(_alive(k) for k in kids)


# ------------------------------------------------------------------ shared options
@pytest.mark.parametrize("cmd", ["regions", "arrangement", "equal", "train"])
@pytest.mark.parametrize("opt", [["--workers", "0"], ["--max-seconds", "-1"], ["--max-seconds", "nan"], ["--max-seconds", "inf"],
                                 ["--max-regions", "0"], ["--scheduler", "tcp://127.0.0.1:9"]])
def test_computing_options_validated_everywhere(tmp_path, capsys, cmd, opt):
    net = tmp_path / "n.json"
    rand_net([2, 3, 1], 1).save(net)
    arr = tmp_path / "a.json"
    arr.write_text(json.dumps({"format": "polyrelu.arrangement", "version": 1, "dim": 2, "hyperplanes": [{"a": ["1", "0"], "b": "0"}]}))
    csv = tmp_path / "d.csv"
    csv.write_text("x,y\n0,0\n1,1\n")
    args = {"regions": ["regions", str(net)], "arrangement": ["arrangement", str(arr)], "equal": ["equal", str(net), str(net)],
            "train": ["train", str(csv), "--width", "1"]}[cmd]
    if cmd == "train" and opt[0] == "--max-regions":
        opt = ["--max-subproblems", "0"]
    if opt[0] == "--scheduler" and cmd != "regions":
        pytest.skip("one command is enough for the 10 s connect timeout (the decorator is shared)")
    code = main(args + opt)
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err
    assert opt[0] in err or "scheduler" in err


# ------------------------------------------------------------------ a real Dask pair
@pytest.mark.slow
def test_real_dask_scheduler_and_worker(tmp_path):
    pytest.importorskip("distributed")
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    bindir = Path(sys.executable).parent
    sched = subprocess.Popen([str(bindir / "dask"), "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    worker = subprocess.Popen([str(bindir / "dask"), "worker", f"tcp://127.0.0.1:{port}", "--nworkers", "2", "--nthreads", "1",
                               "--no-dashboard"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        p = _net_file(tmp_path, [3, 12, 10, 1], 3)
        local, _ = _run(["regions", str(p), "--json", "--workers", "1"])
        deadline = time.monotonic() + 60
        while True:
            remote, _ = _run(["regions", str(p), "--json", "--scheduler", f"tcp://127.0.0.1:{port}"])
            if remote.returncode == 0 or time.monotonic() > deadline:
                break
            time.sleep(1)
        assert remote.returncode == 0, remote.stderr
        assert json.loads(remote.stdout) == json.loads(local.stdout)
    finally:
        for proc in (worker, sched):
            proc.terminate()
            proc.wait(timeout=30)


# ------------------------------------------------------------------ shards
def test_shards_round_trip_and_stream_counts(tmp_path):
    from polyrelu.errors import FileFormatError
    from polyrelu.io.shards import counts_from_shards, iter_shard, write_shards

    net = rand_net([2, 5, 4, 1], 13, zero=0.3)
    res = network_regions(net, workers=1)
    paths = write_shards(res, tmp_path / "s", shard_size=7)
    assert len(paths) == -(-len(res) // 7)
    i = 0
    for p in paths:
        it = iter_shard(p)
        header = next(it)
        assert header["first_region"] == i
        Q = int(header["denominator"])
        for row in it:
            x = tuple(mpq(v) for v in row["witness"])
            assert x == res.witness(i)
            assert tuple("".join(map(str, layer)) for layer in res.pattern(i)) == tuple(row["pattern"])
            assert tuple(sum((mpq(a, Q) * v for a, v in zip(r[:-1], x)), mpq(r[-1], Q)) for r in row["map"]) == net.evaluate(x)
            i += 1
    assert i == len(res)
    assert counts_from_shards(paths) == {"activation_regions": len(res), "affine_maps": res.n_affine_maps}
    bad = tmp_path / "bad.jsonl"
    bad.write_text(paths[0].read_text().replace('"map":[[', '"map":[[0.5,', 1))
    with pytest.raises(FileFormatError, match="float"):
        counts_from_shards([bad])
