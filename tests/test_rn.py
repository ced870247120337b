"""The paper in R^n: max gadgets, the Thm 2.1 compiler, the zonotope family."""

import json
import random
import warnings
from math import ceil, log2

import pytest
from gmpy2 import mpq
from hypothesis import given, settings
from hypothesis import strategies as st

from polyrelu.cli import main
from polyrelu.paper.instances import zonotope_family_instance
from polyrelu.paper.constructions.maxnet import compile_lattice, compile_max_sum, max_affine, max_affine_sequential, min_affine, theorem_21_depth_bound
from polyrelu.paper.constructions.zonotope_family import family_pieces_by_cones, paper_family_count, zonotope_family
from polyrelu.errors import InvalidParameterError
from polyrelu.nets.equality import networks_equal
from polyrelu.nets.regions import network_regions


def affine_lists(n, q_max=6):
    return st.lists(st.tuples(st.lists(st.integers(-5, 5), min_size=n, max_size=n), st.integers(-5, 5)), min_size=1, max_size=q_max)


def value(f, x):
    a, c = f
    return sum((mpq(u) * v for u, v in zip(a, x)), mpq(0)) + c


@settings(max_examples=30)
@given(st.integers(1, 3).flatmap(lambda n: st.tuples(st.just(n), affine_lists(n))), st.data())
def test_max_and_min_gadgets(nf, data):
    n, fs = nf
    net, low = max_affine(fs), min_affine(fs)
    assert net.n_hidden_layers == ceil(log2(len(fs)))
    for _ in range(5):
        x = [mpq(data.draw(st.integers(-20, 20)), data.draw(st.integers(1, 5))) for _ in range(n)]
        assert net.evaluate(x)[0] == max(value(f, x) for f in fs)
        assert low.evaluate(x)[0] == min(value(f, x) for f in fs)


@pytest.mark.parametrize("n, q", [(1, 2), (2, 3), (2, 6), (3, 5)])
def test_max_network_exactly_equals_a_different_construction(n, q):
    rng = random.Random(n * 10 + q)
    fs = [([rng.randint(-4, 4) for _ in range(n)], rng.randint(-4, 4)) for _ in range(q)]
    assert networks_equal(max_affine(fs), max_affine_sequential(fs)) == (True, None)
    # and a wrong one is caught with a witness point: lifting the last function by 100
    # changes the max at x = 0 (from at most 4 to at least 96), so they differ
    lifted = fs[:-1] + [(fs[-1][0], fs[-1][1] + 100)]
    same, x = networks_equal(max_affine(fs), max_affine(lifted))
    assert not same and max(value(f, x) for f in fs) != max(value(f, x) for f in lifted)


@settings(max_examples=15)
@given(st.integers(1, 3).flatmap(lambda n: st.tuples(st.just(n), st.lists(st.tuples(st.sampled_from([1, -1]), affine_lists(n, n + 1)), min_size=1, max_size=3))), st.data())
def test_theorem_21_compiler_depth_and_values(spec, data):
    n, terms = spec
    net = compile_max_sum(terms)
    assert net.depth <= theorem_21_depth_bound(n)
    x = [mpq(data.draw(st.integers(-9, 9)), 2) for _ in range(n)]
    assert net.evaluate(x)[0] == sum(s * max(value(f, x) for f in fs) for s, fs in terms)


def test_lattice_form():
    fs = [([1, 0], 0), ([0, 1], 1), ([1, 1], -1), ([-1, 0], 2)]
    net = compile_lattice([fs[:2], fs[2:]])
    for x in ([0, 0], [3, -1], [mpq(-1, 2), 5]):
        x = [mpq(v) for v in x]
        assert net.evaluate(x)[0] == max(min(value(f, x) for f in fs[:2]), min(value(f, x) for f in fs[2:]))
    with pytest.raises(InvalidParameterError, match="must be \\+1 or -1"):
        compile_max_sum([(2, fs)])


@pytest.mark.parametrize("n, m, w, k", [(2, 2, 2, 1), (2, 3, 3, 1), (2, 4, 2, 2), (3, 3, 2, 1), (3, 4, 2, 1)])
def test_family_shape_and_two_piece_counts(n, m, w, k):
    inst = zonotope_family_instance(n, m, w, k, seed=3)
    gens, bps = inst.generators, inst.breakpoints
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        net = zonotope_family(bps, gens)
    assert net.depth == k + 2 and net.size == 2 * m + w * k
    assert network_regions(net).n_pieces == family_pieces_by_cones(bps, gens)
    assert paper_family_count(n, m, [w] * k) <= family_pieces_by_cones(bps, gens)


def test_family_degenerate_generators():
    with pytest.warns(UserWarning, match="not in general position"):
        net = zonotope_family([["1/2"]], [[1, 0], [2, 0], [0, 1]])
    assert network_regions(net).n_pieces == family_pieces_by_cones([["1/2"]], [[1, 0], [2, 0], [0, 1]])
    with pytest.raises(InvalidParameterError, match="zero vector"):
        zonotope_family([["1/2"]], [[1, 0], [0, 0]])
    with pytest.raises(InvalidParameterError, match="less than M"):
        zonotope_family([["3/2"]], [[1, 0], [0, 1]])


def test_cli_max_net_and_family(tmp_path, capsys):
    f = tmp_path / "f.json"
    f.write_text(json.dumps({"format": "polyrelu.affine-functions", "version": 1, "dim": 1, "functions": [{"a": [1], "c": 0}, {"a": [-1], "c": 0}]}))
    assert main(["max-net", str(f), "--out", str(tmp_path / "abs.json")]) == 0
    assert main(["eval", str(tmp_path / "abs.json"), "-7/2"]) == 0
    assert capsys.readouterr().out.strip() == "7/2"
    assert main(["zonotope-family", "--n", "2", "--m", "3", "--w", "2", "--k", "1", "--out", str(tmp_path / "z.json")]) == 0
    assert main(["regions", str(tmp_path / "z.json"), "--json"]) == 0
    f.write_text('{"format": "polyrelu.affine-functions", "version": 1, "functions": []}')
    assert main(["max-net", str(f)]) == 3


def test_check_catches_a_broken_gadget(monkeypatch):
    import polyrelu.paper.constructions.maxnet as mx
    from polyrelu.errors import CompilationError
    from polyrelu.nets.network import ReluNetwork

    fs = [([1, 0], 0), ([0, 1], 0), ([1, 1], 1)]
    assert mx.max_affine(fs, check=True).evaluate([1, 2]) == (mpq(4),)
    broken = lambda q: ReluNetwork(q, [([[1] + [0] * (q - 1), [-1] + [0] * (q - 1)], [0, 0]), ([[1, -1]] * ((q + 1) // 2), [0] * ((q + 1) // 2))])  # noqa: E731
    monkeypatch.setattr(mx, "_pairwise_max_layer", broken)
    with pytest.raises(CompilationError, match="differs from its definition"):
        mx.max_affine(fs, check=True)
    with pytest.raises(CompilationError):
        mx.compile_max_sum([(1, fs)], check=True)
