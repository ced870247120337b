"""Conjecture searches: exact counting routes against the general engines, soundness of
the symmetry reductions, built-ins with their known answers, the planted counterexample
and its certificate, published bounds against brute force."""

from __future__ import annotations

import copy
import itertools
import random
from math import comb

import pytest
from gmpy2 import mpq
from hypothesis import given, settings
from hypothesis import strategies as st

from polyrelu.conjecture import BUILTINS, OneLayerSpace, check, get_builtin
from polyrelu.conjecture.bounds import (montufar_lower_bound, serra_exact_1d, serra_lower_bound, serra_upper_bound,
                                        zaslavsky_bound)
from polyrelu.conjecture.counting import activation_regions_1d, average_degree, pieces_1d, regions_and_facets
from polyrelu.conjecture.spaces import NetworkSpace, weight_height, weight_values
from polyrelu.errors import CertificateError, ConjectureSpecError, FileFormatError
from polyrelu.exact.linalg import integer_row
from polyrelu.geometry.arrangement import HyperplaneArrangement
from polyrelu.nets.network import ReluNetwork
from polyrelu.nets.regions import network_regions
from polyrelu.verify import verify
from strategies import integer_arrangements, networks


# ------------------------------------------------------------------ counting routes
@given(integer_arrangements(max_dim=3, max_n=6, coef=2))
@settings(max_examples=80)
def test_whitney_counts_match_enumeration_and_region_graph(A):
    rows = [integer_row(tuple(a) + (-b,)) for a, b in A.hyperplanes]  # a.x = b  <=>  a.x - b = 0
    r, f = regions_and_facets(rows, A.dim)
    assert r == A.n_regions() == A.n_regions_zaslavsky()
    assert f == A.region_graph().number_of_edges()  # each facet joins exactly two regions
    assert average_degree(rows, A.dim) == mpq(2 * f, r)


def test_whitney_degenerate_zoo():
    # concurrent lines, parallel lines, repeated (rescaled, flipped) hyperplanes
    assert regions_and_facets([(1, 0, 0), (0, 1, 0), (1, 1, 0)], 2) == (6, 6)
    assert regions_and_facets([(1, 0, 0), (1, 0, -1), (1, 0, 1)], 2) == (4, 3)
    assert regions_and_facets([(1, 1, 0), (-2, -2, 0), (3, 3, 0)], 2) == (2, 1)
    assert regions_and_facets([], 3) == (1, 0)


@given(networks(input_dim=1, output_dim=1, max_hidden=3, max_width=3))
@settings(max_examples=60)
def test_one_dimensional_counts_match_the_region_engine(net):
    res = network_regions(net, workers=1)
    assert activation_regions_1d(net) == res.n_activation_regions
    assert pieces_1d(net) == res.n_pieces


def test_one_dimensional_counts_on_degenerate_networks():
    # a dead neuron, a neuron touching zero without changing sign, coincident breakpoints
    nets = [
        ReluNetwork(1, [([[0], [1]], [1, 0]), ([[1, 1]], [0])]),                      # a dead (constant) neuron
        ReluNetwork(1, [([[1], [-1]], [0, 0]), ([[1, 1]], [0]), ([[1]], [0])]),        # |x| >= 0 touches 0 at x = 0
        ReluNetwork(1, [([[1], [-1]], [0, 0]), ([[1, 1]], [-1]), ([[1]], [0])]),       # |x| - 1 crosses 0 twice
        ReluNetwork(1, [([[2], [1]], [0, 0]), ([[1, -2]], [0])]),                      # coincident breakpoints, f = 0
    ]
    for net in nets:
        res = network_regions(net, workers=1)
        assert activation_regions_1d(net) == res.n_activation_regions
        assert pieces_1d(net) == res.n_pieces


# ------------------------------------------------------------------ spaces
def test_weight_values_and_heights():
    assert weight_values(-1, 1, 2) == tuple(mpq(v) for v in ("0", "1", "-1", "1/2", "-1/2"))
    assert [weight_height(v) for v in ("0", "-3", "2/5")] == [0, 3, 5]
    with pytest.raises(ConjectureSpecError, match="den"):
        weight_values(-1, 1, 0)


@pytest.mark.parametrize("n, widths, weights, den", [(2, [1, 2, 3], (-1, 1), 1), (1, [2, 3], (-2, 2), 1), (2, [2], (-1, 1), 2)])
def test_orbit_sizes_add_up_to_the_raw_space(n, widths, weights, den):
    s = OneLayerSpace(n=n, widths=widths, weights=weights, den=den)
    total = sum(c.multiplicity for i, sh in enumerate(s.shells()) for k in range(sh.n_chunks) for c in s.chunk_candidates(i, k))
    assert total == s.describe()["raw_candidates"] == sum(len(s.values) ** ((n + 1) * w) for w in widths)


def _weighted_values(space, fn):
    out: dict = {}
    for i, sh in enumerate(space.shells()):
        for k in range(sh.n_chunks):
            for c in space.chunk_candidates(i, k):
                v = fn(c)
                out[v] = out.get(v, 0) + c.multiplicity
    return out


def test_one_layer_reduction_is_sound_value_by_value():
    """Every raw first layer has the value of its representative: the histograms of the
    quantity over the raw space and over the representatives (weighted by orbit size)
    coincide, for regions and for the average degree."""
    for fn in (lambda c: regions_and_facets(c.hyperplanes, c.n), lambda c: average_degree(c.hyperplanes, c.n)):
        red = OneLayerSpace(n=2, widths=[1, 2], weights=(-1, 1), den=2)
        raw = OneLayerSpace(n=2, widths=[1, 2], weights=(-1, 1), den=2, reduce=False)
        assert _weighted_values(red, fn) == _weighted_values(raw, fn)


def test_raw_candidates_use_the_general_engine_value():
    """The representative network (decoded) has the counted number of activation regions."""
    s = OneLayerSpace(n=2, widths=[3], weights=(-1, 1))
    rng = random.Random(1)
    cands = [c for i, sh in enumerate(s.shells()) for k in range(sh.n_chunks) for c in s.chunk_candidates(i, k)]
    for c in rng.sample(cands, 25):
        assert regions_and_facets(c.hyperplanes, 2)[0] == network_regions(c.network, workers=1).n_activation_regions


def test_network_reduction_keeps_every_value_and_the_maxima():
    for depends in ("function_mod_constant", "function"):
        red = NetworkSpace(n=1, architectures=[(2,), (1, 1)], weights=(-1, 1), depends_on=depends)
        raw = NetworkSpace(n=1, architectures=[(2,), (1, 1)], weights=(-1, 1), depends_on=depends, reduce=False)

        def values(space):
            out: dict = {}
            for i, sh in enumerate(space.shells()):
                for k in range(sh.n_chunks):
                    for c in space.chunk_candidates(i, k):
                        out.setdefault(tuple(c.widths), set()).add(pieces_1d(c.network))
            return out

        assert values(red) == values(raw)
        d = red.describe()
        assert d["raw_candidates"] == raw.describe()["raw_candidates"] and d["removed_by_symmetry"] > 0


def test_bad_space_strings_are_rejected_with_the_fix():
    conj = get_builtin("zaslavsky")
    for text, match in [("grid:n=2", "expected exhaustive"), ("exhaustive:n=2;colour=3", "unknown"),
                        ("exhaustive:widths=2x1", "one hidden layer"), ("exhaustive:weights=3", "LO..HI"),
                        ("exhaustive:n=two", "integer")]:
        with pytest.raises(ConjectureSpecError, match=match):
            check(conj, text, workers=1)


# ------------------------------------------------------------------ built-ins
# the default spaces, except the two R -> R sweeps, cut to the widths their known answers need
SMALL = {"lemma-d5": "widths=1,2,3,1x1", "serra-montufar": "widths=1,2,3,1x1"}


@pytest.mark.parametrize("name", BUILTINS)
def test_every_builtin_reproduces_its_known_answer(name):
    conj = get_builtin(name)
    res = check(conj, SMALL.get(name), workers=1, certify=False)
    assert res.known_answer_reproduced is True, (name, res.status, res.extremes)
    assert res.status in ("holds", "refuted")


def test_zaslavsky_bound_attained_in_r2_and_r3():
    for space, n in [("exhaustive:n=2;widths=1..4;weights=-1..1", 2), ("exhaustive:n=3;widths=1..3;weights=-1..1", 3)]:
        res = check(get_builtin("zaslavsky"), space, workers=1, certify=False)
        assert res.status == "holds"
        for w in range(1, 4):
            e = res.extremes[f"width {w}"]["max"]
            assert int(e["value"]) == sum(comb(w, i) for i in range(n + 1))
            # the witness really has that many regions (general engine, independent of Whitney)
            assert network_regions(ReluNetwork.from_dict(e["witness"]), workers=1).n_activation_regions == int(e["value"])
        assert res.coverage["raw_covered"] == res.space["raw_candidates"]


def test_zaslavsky_certificate_of_the_maximum_verifies():
    res = check(get_builtin("zaslavsky"), "exhaustive:n=2;widths=3;weights=-1..1", workers=1)
    assert verify(res.certificate)["activation_regions"] == 7


def test_gaines_bi_on_three_dimensional_layers():
    res = check(get_builtin("gaines-bi"), "exhaustive:n=3;widths=1..3;weights=-1..1", workers=1)
    assert res.status == "holds"
    assert all(mpq(e["max"]["value"]) <= 6 for e in res.extremes.values())


# ------------------------------------------------------------------ the planted conjecture
@pytest.fixture(scope="module")
def planted():
    return check(get_builtin("planted"), workers=1)


def test_planted_conjecture_is_refuted_by_the_minimal_counterexample(planted):
    assert planted.status == "refuted" and planted.counterexample["value"] == "4"
    net = planted.counterexample_network
    assert net.hidden_widths == (2,)
    # independent brute force over every raw width-2 layer with weights in -1..1, counted by
    # the enumeration engine: the smallest (height, nonzero weights, sum of heights) of a
    # counterexample equals the reported one
    vals = [mpq(v) for v in (-1, 0, 1)]
    best = None
    for r1, r2 in itertools.product(itertools.product(vals, repeat=3), repeat=2):
        planes = [(r[:2], -r[2]) for r in (r1, r2) if any(r[:2])]
        regions = HyperplaneArrangement(planes, dim=2).n_regions() if planes else 1
        if regions > 3:
            flat = list(r1) + list(r2)
            hs = [weight_height(v) for v in flat]
            key = (max(hs), sum(1 for v in flat if v), sum(hs))
            best = key if best is None else min(best, key)
    assert tuple(planted.counterexample["key"][1:4]) == best == (1, 2, 2)
    first = net.layers[0]
    flat = [v for row in first.weights for v in row] + list(first.biases)
    assert (max(weight_height(v) for v in flat), sum(1 for v in flat if v)) == (1, 2)


def test_planted_certificate_verifies(planted):
    summary = verify(planted.certificate)
    assert summary["activation_regions"] == 4 > 3


def _leaves(obj, path=()):
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from _leaves(v, path + (k,))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _leaves(v, path + (i,))
    else:
        yield path, obj


def _nodes(obj, path=()):
    yield path, obj
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from _nodes(v, path + (k,))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _nodes(v, path + (i,))


def _get(obj, path):
    for p in path:
        obj = obj[p]
    return obj


def _other_value(v):
    """A different value of the same JSON type: rationals negated (0 -> 1), integers + 1,
    0/1 strings with the last bit flipped, other strings with the last character changed."""
    if isinstance(v, bool):
        return not v
    if isinstance(v, int):
        return v + 1
    try:
        q = mpq(v)
        return str(-q) if q != 0 else "1"
    except ValueError:
        pass
    return v[:-1] + ("0" if v[-1] != "0" else "1")


def test_every_one_field_mutation_of_the_planted_certificate_is_rejected(planted):
    """Mutations: every scalar field replaced by another value of its type (see
    _other_value), every list element deleted, every dict entry deleted unless its value is
    null or an empty list (the verifier reads a missing empty list as empty: same
    certificate).  Moving a witness or a facet point *inside* its region or facet, or
    listing a facet twice, keeps the certificate true; such changes are not in the family."""
    cert = planted.certificate
    tried = 0
    for path, v in _leaves(cert):
        if v is None:
            continue
        bad = copy.deepcopy(cert)
        _get(bad, path[:-1])[path[-1]] = _other_value(v)
        tried += 1
        # another "format" or "version" at the root makes it no certificate polyrelu reads: bad input
        with pytest.raises(FileFormatError if tuple(path) in (("format",), ("version",)) else CertificateError):
            verify(bad)
    for path, node in list(_nodes(cert)):
        if not path or node is None or node == []:
            continue
        bad = copy.deepcopy(cert)
        del _get(bad, path[:-1])[path[-1]]
        tried += 1
        with pytest.raises(FileFormatError if tuple(path) in (("format",), ("version",)) else CertificateError):
            verify(bad)
    assert tried > 80


def test_planted_found_by_property_based_search_with_shrinking():
    res = check(get_builtin("planted"), "hypothesis:examples=300;seed=3", workers=1)
    assert res.status == "refuted" and res.counterexample["value"] == "4"
    assert res.counterexample["key"][1] == 1  # shrunk to weights of height 1
    assert verify(res.certificate)["activation_regions"] == 4


def test_random_space_is_seeded_and_finds_the_planted_counterexample():
    a = check(get_builtin("planted"), "random:samples=400;seed=5", workers=1, certify=False)
    b = check(get_builtin("planted"), "random:samples=400;seed=5", workers=2, certify=False)
    assert a.status == "refuted" and a.to_dict() | {"workers": 0} == b.to_dict() | {"workers": 0}


# ------------------------------------------------------------------ published bounds
def test_serra_bound_formulas_are_consistent():
    for ws in ([3], [3, 3], [4, 3, 5], [3, 7]):
        assert serra_upper_bound(ws, 1) == serra_exact_1d(ws)  # Thm 5 is Thm 1 simplified for n0 = 1
    for w in range(1, 6):
        for n in range(1, 4):
            assert serra_upper_bound([w], n) == zaslavsky_bound(w, n)  # tight for L = 1
    for ws in ([3, 3], [6, 6], [6, 9, 6]):
        for n0 in (1, 2):
            lo = montufar_lower_bound(ws, n0)
            lo6 = serra_lower_bound(ws, n0)
            up = serra_upper_bound(ws, n0)
            assert lo is not None and lo <= up
            assert lo6 is None or lo <= lo6 <= up
    # (1, 5): one flat ray, and a sloped ray the 5 neurons of layer 2 cut 5 times
    assert serra_upper_bound([1, 1], 1) == 3 and serra_upper_bound([1, 5], 1) == 1 + 6


@pytest.mark.parametrize("archs", [[(1,), (2,), (3,)], [(1, 1), (2, 1), (1, 2)]])
def test_serra_upper_bound_against_brute_force_activation_regions(archs):
    """Exhaustive maxima of activation regions over weights -1..1 never exceed Serra's
    Theorem 1; for one hidden layer and for widths (1, 1) they attain it."""
    space = NetworkSpace(n=1, architectures=archs, weights=(-1, 1), depends_on="hidden_layers")
    best: dict = {}
    for i, sh in enumerate(space.shells()):
        for k in range(sh.n_chunks):
            for c in space.chunk_candidates(i, k):
                best[c.widths] = max(best.get(c.widths, 0), activation_regions_1d(c.network))
    for ws, m in best.items():
        assert m <= serra_upper_bound(list(ws), 1)
        if len(ws) == 1 or ws == (1, 1):
            assert m == serra_upper_bound(list(ws), 1)
