"""Large coefficients (up to 2^70) and the four defects of issue #18.

Every check compares with a route that does not share the code path under test:
* geometry is invariant under scaling each hyperplane (or neuron) by its own huge factor
  and the coordinates by a huge diagonal matrix, so the big instance must give exactly the
  counts of its small twin (which the engine computes in int64);
* the intersection-lattice count (Zaslavsky), the exact 1-D path (PWL1D), and the exact
  activation pattern evaluated at each witness;
* every certificate is accepted by the independent verifier.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from gmpy2 import mpq
from hypothesis import given, settings
from hypothesis import strategies as st

from polyrelu import cells as _engine
from polyrelu.exact.cddlib import lp
from polyrelu.geometry.arrangement import HyperplaneArrangement
from polyrelu.verify import verify
from polyrelu.cli import main
from polyrelu.errors import CertificateError
from polyrelu.nets.network import ReluNetwork
from polyrelu.geometry.polyhedron import OpenPolyhedron
from polyrelu.nets.pwl1d import PWL1D
from polyrelu.nets.regions import network_regions
from polyrelu.certify import arrangement_certificate, network_certificate

BIG = st.integers(0, 70).flatmap(lambda e: st.integers(1, 7).map(lambda c: c * (1 << e)))


# ------------------------------------------------------------------ the reproducers
def _write(tmp_path, name, obj):
    p = tmp_path / name
    p.write_text(json.dumps(obj))
    return str(p)


def test_one_input_net_with_large_weights_has_two_linear_regions(tmp_path, capsys):
    """#18.1: a gcd of a single negative column flipped every sign."""
    obj = {"format": "polyrelu.network", "version": 1, "input_dim": 1,
           "layers": [{"weights": [["2147483647"], ["2147483629"]], "biases": ["1", "-2"]}, {"weights": [["0", "1"]], "biases": ["0"]}]}
    net = ReluNetwork.from_dict(obj)
    r = network_regions(net)
    f = PWL1D.from_network(net)
    assert (r.n_activation_regions, r.n_linear_regions, r.n_pieces, r.n_affine_maps) == (3, f.pieces(), f.pieces(), 2)
    assert f.pieces() == 2
    cert = tmp_path / "c.json"
    assert main(["regions", _write(tmp_path, "n.json", obj), "--certificate", str(cert)]) == 0
    assert main(["verify", str(cert)]) == 0


def test_restriction_to_a_point_keeps_orientation():
    """The primitive form of single-column object rows keeps their sign."""
    rows = np.array([[-(1 << 70)], [3 << 65], [-5]], dtype=object)
    out = _engine.primitive(rows)
    assert [int(v) for v in out[:, 0]] == [-1, 1, -1]


def test_interval_domain_with_a_large_wall_has_one_bounded_region():
    A = HyperplaneArrangement([(["1"], "0")])
    P = OpenPolyhedron.from_inequalities(1, [(["-2147483647"], "2147483629")])  # x > -2147483629/2147483647
    assert (A.n_regions(inside=P), A.n_bounded_regions(inside=P)) == (2, 1)
    assert verify(arrangement_certificate(A, inside=P))["n_bounded_regions"] == 1


def test_certificate_with_equality_duals_beyond_the_row_count():
    """#18.2: cddlib reports duals on the negated copies of equality rows."""
    A = HyperplaneArrangement([([2, 2], 0), ([0, 2], 0), ([0, -1], -1), ([1, 2], 0)])
    s = verify(arrangement_certificate(A))
    assert (s["n_regions"], s["n_regions"]) == (A.n_regions_zaslavsky(), 9)


@given(st.lists(st.lists(st.integers(-3, 3), min_size=3, max_size=3), min_size=1, max_size=4),
       st.lists(st.integers(-3, 3), min_size=3, max_size=3))
@settings(max_examples=40)
def test_lp_duals_satisfy_stationarity(eq_rows, obj):
    """lam = -dual satisfies sum_k lam_k row_k[1:] = objective[1:] with lam >= 0 on the
    inequality rows, whatever rows cddlib's multipliers land on."""
    ineqs = [[5, 1, 0], [5, -1, 0], [5, 0, 1], [5, 0, -1]]  # a box keeps the LP bounded
    res = lp(2, ineqs, eq_rows, obj)
    if res.status != "optimal":
        return
    lam = [-v for v in res.dual]
    rows = eq_rows + ineqs
    for j in range(1, 3):
        assert sum((l * r[j] for l, r in zip(lam, rows)), mpq(0)) == obj[j]
    assert all(l >= 0 for l in lam[len(eq_rows):])


@pytest.mark.parametrize("dim, walls, plane, bounded", [
    (1, [(["1"], "1"), (["1"], "1")], (["1"], "0"), 1),
    (2, [(["1", "0"], "1"), (["2", "0"], "2")], (["0", "1"], "0"), 0),
    (2, [(["1", "0"], "1"), (["3", "0"], "3"), (["-1", "0"], "4"), (["-1", "0"], "4")], (["1", "1"], "0"), 0),
])
def test_coincident_walls_certify(dim, walls, plane, bounded):
    """#18.3: duplicate domain walls are one facet; the copies are implied."""
    A = HyperplaneArrangement([plane])
    P = OpenPolyhedron.from_inequalities(dim, walls)
    s = verify(arrangement_certificate(A, inside=P))
    assert (s["n_regions"], s["n_bounded_regions"]) == (A.n_regions(inside=P), A.n_bounded_regions(inside=P)) == (2, bounded)


WEDGE = {"format": "polyrelu.network", "version": 1, "input_dim": 2,
         "layers": [{"weights": [["-2", "1"], ["2", "-1"], ["-4", "0"]], "biases": ["1", "-1", "0"]},
                    {"weights": [["1", "-1", "-1"]], "biases": ["0"]}, {"weights": [["1"]], "biases": ["0"]}]}


def test_pieces_in_an_open_box_do_not_join_through_its_boundary():
    """#18.4: the two zero regions touch only at (0, -1), on the wall of (-1, 1)^2."""
    net = ReluNetwork.from_dict(WEDGE)
    box = OpenPolyhedron.box(2, -1, 1)
    r = network_regions(net, domain=box)
    assert r.n_pieces == 4
    assert network_regions(net).n_pieces == 3  # on R^2 they meet below the box
    cert = network_certificate(r)
    assert verify(cert)["pieces"] == 4
    # a forged certificate that joins them at the boundary point is rejected
    zero = [i for i, reg in enumerate(r.regions) if all(v == 0 for row in reg.affine_map.matrix for v in row) and all(v == 0 for v in reg.affine_map.offset)]
    assert len(zero) == 2
    i, j = sorted(zero)
    forged = json.loads(json.dumps(cert))
    forged["piece_separations"] = [s for s in forged["piece_separations"] if sorted(s["regions"]) != [i, j]]
    forged["piece_joins"].append({"regions": [i, j], "point": ["0", "-1"]})
    forged["counts"]["pieces"] = 3
    with pytest.raises(CertificateError, match="strictly inside the domain"):
        verify(forged)


def test_internal_errors_get_their_own_exit_code(monkeypatch, capsys):
    import polyrelu.cli as cli_mod

    def boom(*a, **k):
        raise AssertionError("invariant broken")

    monkeypatch.setattr(ReluNetwork, "load", boom)
    assert main(["inspect", "whatever.json"]) == cli_mod.EXIT_INTERNAL != 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "internal error" in err and "report" in err


def test_realize_bounds_the_sum_before_adding():
    """Overflow of int64 partial sums in realize (found in review): each |u_k . a| fits in
    int64 but their sum over the 4 directions does not, with entries near 2^30 in R^4."""
    K = (1 << 30) - 1
    d = 4
    rows = np.array([[K, K, K, K, 1], [K, -K, K, -K, -1]], dtype=np.int64)  # a . x - b, b = 1 and -1
    X = np.zeros((2, d), dtype=np.int64)
    D = np.ones(2, dtype=np.int64)
    U = np.stack([np.full((d, d), K, dtype=np.int64), np.array([[K, -K, K, -K]] * d, dtype=np.int64)])
    S = _engine.lexsigns(X, D, U, rows)
    Xr, Dr = _engine.realize(X, D, U, rows)
    for i in range(2):
        for j in range(rows.shape[0]):
            v = sum(int(a) * int(x) for a, x in zip(rows[j, :d], Xr[i])) - int(rows[j, d]) * int(Dr[i])
            assert (v > 0) - (v < 0) == S[i, j]


# ------------------------------------------------------------------ the fuzz family
@st.composite
def scaled_arrangements(draw, max_dim=4):
    """A small integer arrangement (often degenerate) and the same geometry with every
    hyperplane multiplied by its own huge nonzero factor and x_j replaced by s_j * x_j."""
    d = draw(st.integers(1, max_dim))
    n = draw(st.integers(1, 6 if d <= 2 else 5))
    planes = []
    for _ in range(n):
        if planes and draw(st.integers(0, 3)) == 0:
            planes.append(planes[draw(st.integers(0, len(planes) - 1))])
            continue
        a = [draw(st.integers(-2, 2)) for _ in range(d)]
        if not any(a):
            a[0] = 1
        planes.append((a, draw(st.integers(-2, 2))))
    s = [draw(BIG) for _ in range(d)]  # x_j = s_j y_j
    c = [draw(BIG) * draw(st.sampled_from([1, -1])) for _ in planes]
    big = [([ci * aj * sj for aj, sj in zip(a, s)], ci * b) for (a, b), ci in zip(planes, c)]
    return d, planes, big, s


@given(scaled_arrangements())
@settings(max_examples=40)
def test_huge_arrangements_match_their_small_twins(case):
    d, small, big, _ = case
    A, B = HyperplaneArrangement(small, dim=d), HyperplaneArrangement(big, dim=d)
    assert B.n_regions() == A.n_regions() == B.n_regions_zaslavsky()
    assert B.n_bounded_regions() == A.n_bounded_regions() == B.n_bounded_regions_zaslavsky()
    for r in B.iter_regions():  # witnesses strictly inside, signs as claimed
        for (a, b), sg in zip(B.hyperplanes, r.sign_vector):
            v = sum((u * x for u, x in zip(a, r.witness)), mpq(0)) - b
            assert (v > 0) - (v < 0) == sg
    if B.n_regions() <= 40:
        assert verify(arrangement_certificate(B))["n_regions"] == A.n_regions()


@given(scaled_arrangements(max_dim=3), st.data())
@settings(max_examples=25)
def test_huge_arrangements_inside_polyhedra(case, data):
    d, small, big, s = case
    # a box (lo_j, hi_j) in small coordinates, possibly with a repeated wall, scaled like the planes
    lo = [data.draw(st.integers(-3, 0)) for _ in range(d)]
    hi = [l + data.draw(st.integers(1, 3)) for l in lo]
    walls_small, walls_big = [], []
    for j in range(d):
        e = [1 if k == j else 0 for k in range(d)]
        for sign, bound in ((1, hi[j]), (-1, -lo[j])):
            f = data.draw(BIG)
            walls_small.append(([sign * v for v in e], bound))
            walls_big.append(([f * sign * v * sk for v, sk in zip(e, s)], f * bound))
    if data.draw(st.booleans()):
        walls_big.append(walls_big[0])
        walls_small.append(walls_small[0])
    A, B = HyperplaneArrangement(small, dim=d), HyperplaneArrangement(big, dim=d)
    P, Q = OpenPolyhedron.from_inequalities(d, walls_small), OpenPolyhedron.from_inequalities(d, walls_big)
    assert B.n_regions(inside=Q) == A.n_regions(inside=P)
    assert B.n_bounded_regions(inside=Q) == A.n_bounded_regions(inside=P) == B.n_regions(inside=Q)  # all bounded in a box
    summary = verify(arrangement_certificate(B, inside=Q))
    assert summary["n_regions"] == A.n_regions(inside=P)


@st.composite
def scaled_networks(draw, max_dim=3):
    """A small integer network and its huge twin: each hidden neuron's incoming weights
    and bias times a huge c > 0 and its outgoing weights divided by c (the same function
    and the same regions), inputs rescaled x = s y."""
    n = draw(st.integers(1, max_dim))
    widths = draw(st.lists(st.integers(1, 3), min_size=1, max_size=2))
    dims = [n, *widths, 1]
    num = st.integers(-2, 2)
    layers = [([[draw(num) for _ in range(a)] for _ in range(b)], [draw(num) for _ in range(b)]) for a, b in zip(dims, dims[1:])]
    s = [draw(BIG) for _ in range(n)]
    big = []
    prev = [mpq(1)] * n
    for li, (W, b) in enumerate(layers):
        hidden = li < len(layers) - 1
        c = [mpq(draw(BIG)) if hidden else mpq(1) for _ in W]
        Wb = [[ci * w / pj * (s[j] if li == 0 else 1) for j, (w, pj) in enumerate(zip(row, prev))] for row, ci in zip(W, c)]
        bb = [ci * v for v, ci in zip(b, c)]
        big.append((Wb, bb))
        prev = c
    small = ReluNetwork(n, layers)
    return small, ReluNetwork(n, big), s


@given(scaled_networks(), st.booleans())
@settings(max_examples=30)
def test_huge_networks_match_their_small_twins(case, boxed):
    small, big, s = case
    n = small.input_dim
    dom_small = OpenPolyhedron.box(n, -2, 2) if boxed else None
    dom_big = OpenPolyhedron.from_inequalities(n, [(row_s, b) for (row, b) in dom_small.inequalities
                                                   for row_s in [[v * sj for v, sj in zip(row, s)]]]) if boxed else None
    a, b = network_regions(small, domain=dom_small), network_regions(big, domain=dom_big)
    ca, cb = a.counts(), b.counts()
    assert ca == cb
    for reg in b.regions:  # the pattern of each region, re-evaluated exactly at its witness
        assert big.activation_pattern(reg.witness) == reg.pattern
    assert len({reg.pattern for reg in b.regions}) == len(b.regions)
    if n == 1:
        f = PWL1D.from_network(big)
        expect = f.pieces_in(mpq(-2, s[0]), mpq(2, s[0])) if boxed else f.pieces()
        assert cb["pieces"] == expect
    if cb["activation_regions"] <= 40:
        assert verify(network_certificate(b)) == {"kind": "network", **{k: v for k, v in cb.items() if k != "partial"}}
