"""Arrangement regions streamed to shards (polyrelu.geometry.shards, ``arrangement
--shards``): the shards hold every region exactly once, with witnesses that are checked
here in plain Fractions, boundedness equal to the in-memory route, counts equal to
Zaslavsky's; budgets leave a partial manifest; the KeySet behind the stream with small
levels; realize and lexsigns across their chunk boundaries."""

import json
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from polyrelu.cells import lexsigns, realize
from polyrelu.cells.batch import KeySet
from polyrelu.errors import FileFormatError, InvalidParameterError
from polyrelu.geometry.arrangement import HyperplaneArrangement
from polyrelu.geometry.polyhedron import OpenPolyhedron
from polyrelu.geometry.shards import iter_shard, read_manifest, stream_arrangement
from polyrelu.parallel import Executor

POLYRELU = [sys.executable, "-c", "import sys; from polyrelu.cli import main; sys.exit(main())"]


def shard_rows(result):
    rows = []
    for p in result.shards:
        it = iter_shard(p)
        header = next(it)
        assert header["first_region"] == len(rows)
        rows.extend(it)
    return rows


def check_witnesses(arr, rows, inside=None):
    """Each witness lies strictly on the side its signs say, of every hyperplane (and
    strictly inside the domain): an independent check in Fractions."""
    planes = [([Fraction(str(v)) for v in a], Fraction(str(b))) for a, b in arr.hyperplanes]
    for row in rows:
        w = [Fraction(t) for t in row["witness"]]
        for (a, b), s in zip(planes, row["signs"]):
            v = sum(x * y for x, y in zip(a, w)) - b
            assert (v > 0 and s == "+") or (v < 0 and s == "-"), (row, a, b)
        if inside is not None:
            for ineq in inside.inequalities:
                a, b = ineq
                assert sum(Fraction(str(x)) * y for x, y in zip(a, w)) < Fraction(str(b))


def reference(arr, inside=None):
    return sorted(("".join("+" if s > 0 else "-" for s in r.sign_vector), r.is_bounded) for r in arr.iter_regions(inside=inside))


DEGENERATE = [
    HyperplaneArrangement([([1, 0], 0), ([0, 1], 0), ([1, 1], 1)]),
    HyperplaneArrangement([([1, 0], 0), ([2, 0], 0), ([-1, 0], 0), ([0, 1], 3)]),  # coincident, both orientations
    HyperplaneArrangement([([1, 0, 0], 0), ([1, 0, 0], 1), ([1, 0, 0], 2)]),  # parallel: a lineality space
    HyperplaneArrangement.central([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 1], [1, -1, 0]]),
    HyperplaneArrangement([([1, 1, 0], 1), ([1, 1, 0], 1), ([0, 1, 1], 0), ([1, 0, -1], 1), ([1, 2, 1], 2)]),
    HyperplaneArrangement([([3], 1), ([6], 2), ([1], 0)]),  # R^1, coincident
    HyperplaneArrangement([], dim=2),
]


@pytest.mark.parametrize("arr", DEGENERATE, ids=range(len(DEGENERATE)))
def test_degenerate_arrangements_stream_their_regions(arr, tmp_path):
    r = stream_arrangement(arr, tmp_path / "s", shard_size=2)
    rows = shard_rows(r)
    assert sorted((row["signs"], row["bounded"]) for row in rows) == reference(arr)
    check_witnesses(arr, rows)
    assert r.counts == {"regions": arr.n_regions_zaslavsky(), "bounded_regions": arr.n_bounded_regions_zaslavsky(), "partial": False}
    m = read_manifest(tmp_path / "s")
    assert [s["regions"] for s in m["shards"]] == [sum(1 for _ in iter_shard(p)) - 1 for p in m["paths"]]
    assert all(s["regions"] <= 2 for s in m["shards"]) and sum(s["regions"] for s in m["shards"]) == len(rows)
    assert m["arrangement_digest"] == arr.digest() and m["partial"] is False


def test_an_unbounded_domain_keeps_unbounded_regions(tmp_path):
    arr = HyperplaneArrangement([([1, 0], 0), ([0, 1], 0), ([1, 1], 1), ([1, -1], 3)])
    inside = OpenPolyhedron.from_inequalities(2, [([1, 0], 2), ([-1, -2], 5)])  # x < 2, x + 2y > -5
    r = stream_arrangement(arr, tmp_path / "s", inside=inside)
    rows = shard_rows(r)
    assert sorted((row["signs"], row["bounded"]) for row in rows) == reference(arr, inside)
    assert any(row["bounded"] for row in rows) and not all(row["bounded"] for row in rows)
    check_witnesses(arr, rows, inside)


@given(d=st.integers(1, 4), m=st.integers(0, 12), seed=st.integers(0, 10**6), boxed=st.booleans())
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_random_arrangements_agree_with_the_in_memory_route(d, m, seed, boxed, tmp_path_factory):
    rng = np.random.default_rng(seed)
    rows = rng.integers(-3, 4, size=(m, d + 1))
    rows = [r for r in rows.tolist() if any(r[:d])]
    if rng.random() < 0.3 and rows:  # repeat a hyperplane, scaled
        rows.append([2 * v for v in rows[0]])
    arr = HyperplaneArrangement([(r[:d], r[d]) for r in rows], dim=d)
    inside = OpenPolyhedron.box(d, -2, 3) if boxed else None
    r = stream_arrangement(arr, tmp_path_factory.mktemp("s"), inside=inside, shard_size=5)
    got = shard_rows(r)
    assert sorted((row["signs"], row["bounded"]) for row in got) == reference(arr, inside)
    assert len({row["signs"] for row in got}) == len(got)
    check_witnesses(arr, got, inside)
    if inside is None:
        assert r.counts["regions"] == arr.n_regions_zaslavsky()
        assert r.counts["bounded_regions"] == arr.n_bounded_regions_zaslavsky()


def test_two_processes_and_a_dask_cluster_write_the_same_shards(tmp_path):
    rng = np.random.default_rng(4)
    rows = rng.integers(-20, 21, size=(30, 4)).tolist()
    arr = HyperplaneArrangement([(r[:3], r[3]) for r in rows])
    one = stream_arrangement(arr, tmp_path / "one", shard_size=1000)
    with Executor(workers=2) as ex:
        two = stream_arrangement(arr, tmp_path / "two", executor=ex, shard_size=1000)
    assert one.counts == two.counts and one.counts["regions"] == arr.n_regions_zaslavsky()
    assert [p.read_bytes() for p in one.shards] == [p.read_bytes() for p in two.shards]
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster, \
            distributed.Client(cluster) as client:
        far = stream_arrangement(arr, tmp_path / "dask", executor=Executor(scheduler=client), shard_size=1000)
    assert [p.read_bytes() for p in one.shards] == [p.read_bytes() for p in far.shards]


def test_a_budget_leaves_complete_shards_and_a_partial_manifest(tmp_path):
    rng = np.random.default_rng(5)
    rows = rng.integers(-20, 21, size=(25, 4)).tolist()
    arr = HyperplaneArrangement([(r[:3], r[3]) for r in rows])
    r = stream_arrangement(arr, tmp_path / "s", max_regions=700, shard_size=300)
    assert r.partial and r.counts["regions"] is None
    rows_ = shard_rows(r)
    assert len(rows_) == r.info["regions_at_least"] == 700 < arr.n_regions_zaslavsky()
    check_witnesses(arr, rows_)
    assert read_manifest(tmp_path / "s")["partial"] is True


def test_bad_folders_are_refused(tmp_path):
    arr = DEGENERATE[0]
    stream_arrangement(arr, tmp_path / "s")
    with pytest.raises(InvalidParameterError, match="already holds"):
        stream_arrangement(arr, tmp_path / "s")
    (tmp_path / "f").write_text("x")
    with pytest.raises(InvalidParameterError, match="not a folder"):
        stream_arrangement(arr, tmp_path / "f")
    with pytest.raises(InvalidParameterError, match="shard_size"):
        stream_arrangement(arr, tmp_path / "t", shard_size=0)
    with pytest.raises(FileFormatError, match="no manifest"):
        read_manifest(tmp_path)
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"format": "polyrelu.arrangement-shard", "version": 1}\n{"signs": "+", "witness": [0.5], "bounded": true}\n')
    with pytest.raises(FileFormatError):
        list(iter_shard(bad))


def test_cli_shards(tmp_path):
    rng = np.random.default_rng(6)
    rows = rng.integers(-20, 21, size=(12, 4)).tolist()
    arr = HyperplaneArrangement([(r[:3], r[3]) for r in rows])
    path = tmp_path / "a.json"
    arr.save(path)
    out = subprocess.run([*POLYRELU, "arrangement", str(path), "--shards", str(tmp_path / "s"), "--json"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    info = json.loads(out.stdout)
    assert info["regions"] == info["regions_zaslavsky"] == arr.n_regions_zaslavsky()
    assert info["bounded_regions"] == arr.n_bounded_regions_zaslavsky()
    assert sum(1 for p in info["shards"] for _ in iter_shard(p)) - len(info["shards"]) == info["regions"]
    again = subprocess.run([*POLYRELU, "arrangement", str(path), "--shards", str(tmp_path / "s")], capture_output=True, text=True)
    assert again.returncode == 3 and "already holds" in again.stderr
    both = subprocess.run([*POLYRELU, "arrangement", str(path), "--shards", str(tmp_path / "t"), "--graph", str(tmp_path / "g.json")],
                          capture_output=True, text=True)
    assert both.returncode == 2 and not (tmp_path / "t").exists()
    part = subprocess.run([*POLYRELU, "arrangement", str(path), "--shards", str(tmp_path / "p"), "--max-regions", "50"],
                          capture_output=True, text=True)
    assert part.returncode == 4 and "at least 50" in part.stdout


@given(keys=st.lists(st.binary(min_size=3, max_size=3), max_size=300), batch=st.integers(1, 40))
@settings(max_examples=60, deadline=None)
def test_keyset_with_small_levels_is_a_set(keys, batch):
    ks = KeySet(level_bytes=3 * 16)
    seen: set[bytes] = set()
    for a in range(0, len(keys), batch):
        part = np.array(keys[a : a + batch], dtype="V3")
        new = ks.add_new(part)
        expect = []
        for k in keys[a : a + batch]:
            expect.append(k not in seen)
            seen.add(k)
        assert new.tolist() == expect
    assert len(ks) == len(seen)
    probe = np.array(sorted(seen | {b"zzz"}), dtype="V3")
    assert ks.contains(probe).tolist() == [k in seen for k in sorted(seen | {b"zzz"})]


def test_realize_and_lexsigns_across_chunks():
    """Many rows make both work in chunks of a few hundred points; each point's signs are
    checked in Fractions, row by row."""
    rng = np.random.default_rng(7)
    d, n, m = 2, 700, 3000
    rows = rng.integers(-50, 51, size=(m, d + 1))
    rows[:, :d][~rows[:, :d].any(axis=1)] = 1
    X = rng.integers(-9, 10, size=(n, d))
    D = rng.integers(1, 5, size=n)
    U = np.broadcast_to(np.eye(d, dtype=np.int64), (n, d, d)).copy()
    S = lexsigns(X, D, U, rows)
    Xr, Dr = realize(X, D, U, rows)
    for i in range(0, n, 97):
        w = [Fraction(int(v), int(Dr[i])) for v in Xr[i]]
        vals = [sum(Fraction(int(a)) * x for a, x in zip(r[:d], w)) - int(r[d]) for r in rows.tolist()]
        assert [1 if v > 0 else -1 for v in vals] == S[i].tolist()
        assert 0 not in vals
