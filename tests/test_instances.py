"""The one instance generator and the one module of closed forms, against independent
routes (brute force, the constructions themselves, exact integer arithmetic)."""

import itertools
from math import comb

import pytest
from gmpy2 import mpq
from hypothesis import given, settings, strategies as st

from polyrelu.cli import main
from polyrelu.nets.network import ReluNetwork
from polyrelu.paper import closed_forms as cf
from polyrelu.paper import instances
from polyrelu.paper.tables import TABLES, family_row


def test_same_seed_same_instance_everywhere(tmp_path, capsys):
    """polyrelu zonotope-family --seed s, the table row and FamilyInstance are one network."""
    inst = instances.zonotope_family_instance(2, 3, 2, 2, seed=5)
    out = tmp_path / "f.json"
    assert main(["zonotope-family", "--n", "2", "--m", "3", "--w", "2", "--k", "2", "--seed", "5", "--out", str(out)]) == 0
    from polyrelu.io import formats

    net = ReluNetwork.load(out)
    assert net == inst.network()
    row = family_row({"n": 2, "m": 3, "w": 2, "k": 2, "seed": 5, "max_pieces": 0})
    assert row["instance"] == formats.digest(net.to_dict())


def test_streams_are_separate_and_stable():
    a = instances.zonotope_family_instance(3, 4, 3, 2, seed=1)
    assert a == instances.zonotope_family_instance(3, 4, 3, 2, seed=1)
    assert a != instances.zonotope_family_instance(3, 4, 3, 2, seed=2)
    assert all(v != 0 for g in a.generators for v in g) and all(-9 <= v <= 9 for g in a.generators for v in g)
    for bps in a.breakpoints:
        assert len(bps) == 2 and 0 < bps[0] < bps[1] < 1
    # the benchmark scripts' streams: generator(seed) is numpy's default_rng(seed)
    import numpy as np

    assert (instances.integer_matrix((3, 2), -5, 5, 7) == np.random.default_rng(7).integers(-5, 6, size=(3, 2))).all()


@given(st.integers(2, 9), st.integers(0, 10**6), st.sampled_from([None, "left", "right"]))
@settings(max_examples=40, deadline=None)
def test_random_pwl_has_the_pieces_it_promises(p, seed, flat):
    f = instances.random_pwl(p, seed, flat=flat)
    assert f.pieces() == p
    if flat == "left":
        assert f.slopes[0] == 0
    if flat == "right":
        assert f.slopes[-1] == 0


def test_bad_seeds_are_refused():
    from polyrelu.errors import InvalidParameterError

    for bad in (-1, 1.5, "3", True):
        with pytest.raises(InvalidParameterError, match="seed"):
            instances.random_breakpoints(3, 1, bad)


@pytest.mark.parametrize("n", range(1, 40))
def test_depth_closed_forms_against_exact_integer_logs(n):
    assert cf.theorem_21_hidden_layers(n) == min(h for h in range(40) if 2**h >= n + 1)
    assert cf.max_tree_hidden_layers(n) == min(h for h in range(40) if 2**h >= n)


@pytest.mark.parametrize("q", range(1, 12))
def test_max_tree_closed_forms_against_the_construction(q):
    from polyrelu.paper.constructions.maxnet import max_affine

    net = max_affine([([1 if i == j else 0 for i in range(q)], 0) for j in range(q)])
    assert (net.n_hidden_layers, net.size) == (cf.max_tree_hidden_layers(q), cf.max_tree_size(q))


@pytest.mark.parametrize("p, k", [(1, 1), (16, 2), (27, 3), (100, 2), (1000, 3), (7, 4)])
def test_lemma_d6_min_size_is_the_least_size(p, k):
    s = cf.lemma_d6_min_size(p, k)
    assert cf.lemma_d6_max_pieces(s, k) >= p and (s == 0 or cf.lemma_d6_max_pieces(s - 1, k) < p)


@pytest.mark.parametrize("p, k, n", [(17, 1, 2), (33, 2, 2), (65, 3, 2), (100, 2, 3)])
def test_min_size_rn_against_brute_force(p, k, n):
    best = None
    for ws in itertools.product(range(1, 25), repeat=k):
        if cf.rn_pieces_upper_bound(ws, n) >= p:
            best = sum(ws) if best is None else min(best, sum(ws))
    assert cf.min_size_rn(p, k, n) == best


@pytest.mark.parametrize("w, k, kp", [(2, 4, 2), (3, 3, 1), (2, 6, 3), (4, 4, 4)])
def test_thm35_threshold_is_the_largest_size(w, k, kp):
    for delta in (mpq(0), mpq(1, 16), mpq(1, 8), mpq(1, 5)):
        s = cf.thm35_size_threshold(w, k, kp, delta)
        rhs = kp**kp * w**k * (1 - 4 * delta)
        assert s**kp * 2 ** (kp + 1) <= rhs < (s + 1) ** kp * 2 ** (kp + 1)


def test_counting_formulas_against_enumeration():
    from polyrelu.geometry.arrangement import HyperplaneArrangement
    from polyrelu.geometry.zonotope import Zonotope

    for n, w in [(1, 4), (2, 5), (3, 6)]:
        neurons = instances.random_layer(n, w, seed=3)
        assert HyperplaneArrangement([(a, -b) for a, b in neurons]).n_regions() <= cf.zaslavsky_max_regions(n, w)
        assert cf.zaslavsky_max_regions(n, w) == sum(comb(w, i) for i in range(n + 1))
    Z = Zonotope(instances.random_generators(5, 3, seed=1))
    assert Z.n_vertices <= cf.zonotope_vertex_bound(3, 5) == Z.vertex_bound() == 2 * (1 + 4 + 6)
    assert cf.algorithm1_subproblem_bound(6, 1, 2) == 2**2 * 6**2
    assert cf.zonotope_family_count(2, 4, [2, 2]) == (1 + 3) * 4


def test_closed_forms_refuse_floats_and_nonsense():
    for call in (lambda: cf.lemma_d5_upper_bound([2.0, 2]), lambda: cf.lemma_d6_min_size(0, 1), lambda: cf.zaslavsky_max_regions(-1, 3)):
        with pytest.raises(ValueError):
            call()


def test_table_grids_use_the_instance_generator():
    rows = [TABLES["hard-functions"].run(j) for j in TABLES["hard-functions"].jobs()[:6]]
    H, bps = instances.random_hard_function([2, 2], 1, seed=0)
    from polyrelu.io import formats

    assert any(r["instance"] == formats.digest(H.to_dict()) for r in rows)
