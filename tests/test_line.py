"""The paper on the line: PWL1D, Thm 2.2 compiler, zig-zags, hard functions, bounds."""

import itertools
import random

import pytest
from gmpy2 import mpq
from hypothesis import given, settings
from hypothesis import strategies as st

from polyrelu.paper.closed_forms import lemma_d5_upper_bound, lemma_d6_min_size, min_size_by_d5
from polyrelu.cli import main
from polyrelu.paper.constructions import zigzag
from polyrelu.paper.instances import random_breakpoints, random_hard_function
from polyrelu.nets.network import ReluNetwork
from polyrelu.paper.claims import zigzag_by_definition
from polyrelu.geometry.polyhedron import OpenPolyhedron
from polyrelu.nets.pwl1d import PWL1D
from polyrelu.nets.regions import network_regions
from strategies import networks, rationals


def sample_points(f_breaks, lo=-3, hi=4):
    pts = set(mpq(k, 7) for k in range(7 * lo, 7 * hi))
    for t in f_breaks:
        pts |= {t, t + mpq(1, 1000), t - mpq(1, 1000)}
    return sorted(pts)


@settings(max_examples=40)
@given(networks(input_dim=1, output_dim=1, max_hidden=3, max_width=4))
def test_breakpoint_propagation_is_the_network(net):
    f = PWL1D.from_network(net)
    for x in sample_points(f.breakpoints):
        assert f(x) == net.evaluate([x])[0]


@settings(max_examples=25)
@given(networks(input_dim=1, output_dim=1, max_hidden=3, max_width=3, integer=True))
def test_fast_1d_path_agrees_with_general_engine(net):
    f = PWL1D.from_network(net)
    assert f.pieces() == network_regions(net).n_pieces
    assert f.pieces_in(-1, 2) == network_regions(net, domain=OpenPolyhedron.box(1, -1, 2)).n_pieces


@pytest.mark.parametrize("seed", range(6))
def test_zigzag_equals_definition_on_random_breakpoints(seed):
    rng = random.Random(seed)
    w = rng.randint(2, 6)
    M = mpq(rng.randint(1, 5), rng.randint(1, 3))
    a = random_breakpoints(w, M, seed)
    net = zigzag(a, M)
    assert net.size == w and not net.has_output_bias
    for x in sample_points(a, -2, 3 * int(M) + 2):
        assert net.evaluate([x])[0] == zigzag_by_definition(a, M, x)


@pytest.mark.parametrize("widths", [[2, 2], [3, 2], [2, 3, 4], [5, 3], [3, 3, 3]])
def test_composition_multiplies_pieces_in_0_M(widths):
    H, bps = random_hard_function(widths, mpq(3, 2), seed=sum(widths))
    f = PWL1D.from_network(H)
    expected = 1
    for w in widths:
        expected *= w
    assert f.pieces_in(0, mpq(3, 2)) == expected
    assert H.depth == len(widths) + 1 and H.size == sum(widths)
    # composing the networks is composing the functions
    g = None
    for a in bps:
        h = PWL1D.from_network(zigzag(a, mpq(3, 2)))
        g = h if g is None else _compose(h, g)
    for x in sample_points(f.breakpoints[:20]):
        assert f(x) == g(x)


def _compose(outer, inner):
    class C:
        def __call__(self, x):
            return outer(inner(x))

    return C()


@pytest.mark.parametrize(
    "a, M, match",
    [
        (["1/2", "1/3"], 1, "greater than"),
        (["0"], 1, "greater than 0"),
        (["1"], 1, "less than M"),
        (["3/2"], 1, "less than M"),
        (["1/2"], 0, "positive"),
        ([], 1, "w >= 2"),
        ([0.5], 1, "float"),
    ],
)
def test_bad_breakpoints_rejected(a, M, match):
    with pytest.raises(Exception, match=match):
        zigzag(a, M)


@settings(max_examples=40)
@given(st.lists(rationals(10, 4), min_size=1, max_size=6, unique=True), st.data())
def test_theorem_2_2_compiler(ts, data):
    ts = sorted(ts)
    vals = [data.draw(rationals(10, 3)) for _ in ts]
    left = data.draw(st.one_of(st.just(mpq(0)), rationals(5, 2)))
    right = data.draw(st.one_of(st.just(mpq(0)), rationals(5, 2)))
    f = PWL1D(ts, vals, left_slope=left, right_slope=right)
    net = f.to_network()
    p = f.pieces()
    flat_end = f.slopes[0] == 0 or f.slopes[-1] == 0
    if f.is_affine:
        assert net.n_hidden_layers == 0
    else:
        assert net.n_hidden_layers == 1
        assert net.size <= (p - 1 if flat_end else p)
    for x in sample_points(ts):
        assert net.evaluate([x])[0] == f(x)


def test_l1_distance_exact():
    ramp = PWL1D([0, 1], [0, 1], left_slope=0, right_slope=0)
    half = PWL1D.affine(0, mpq(1, 2))
    assert ramp.l1_distance(half, 0, 1) == mpq(1, 4)
    assert ramp.l1_distance(ramp, -5, 5) == 0
    tent = PWL1D.from_network(zigzag(["1/2"], 1))
    assert tent.l1_distance(PWL1D.affine(0, 0), 0, 1) == mpq(1, 2)


def test_bounds_against_brute_force():
    for k in (1, 2, 3):
        for p in range(1, 40):
            # D.5: brute force over all width vectors with entries up to p
            best = min(sum(ws) for ws in itertools.product(range(1, p + 1), repeat=k) if lemma_d5_upper_bound(list(ws)) >= p)
            assert min_size_by_d5(p, k)[0] == best
            s = lemma_d6_min_size(p, k)
            assert (2 * s) ** k >= p * k**k and (s == 0 or (2 * (s - 1)) ** k < p * k**k)
    assert lemma_d5_upper_bound([3]) == 4  # one hidden layer of width w: w + 1 pieces


def test_cli_zigzag_and_hard_function(tmp_path, capsys):
    out = tmp_path / "h.json"
    assert main(["hard-function", "--widths", "3,2", "--M", "2", "--out", str(out)]) == 0
    net = ReluNetwork.load(out)
    assert PWL1D.from_network(net).pieces_in(0, 2) == 6
    assert main(["zigzag", "--a", "1/4,1/2"]) == 0
    assert ReluNetwork.from_json(capsys.readouterr().out).size == 3
    assert main(["zigzag", "--a", "1/2,1/4"]) == 2
    assert main(["hard-function", "--widths", "3,x"]) == 2
