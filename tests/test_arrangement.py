import copy
import itertools
import random
from math import comb, factorial

import networkx as nx
import pytest
from gmpy2 import mpq
from hypothesis import given, settings
from hypothesis import strategies as st

from polyrelu.geometry.arrangement import HyperplaneArrangement
from polyrelu.verify import verify
from polyrelu.errors import CertificateError, FileFormatError, InvalidArrangementError
from polyrelu.exact.linalg import rank
from polyrelu.geometry.polyhedron import OpenPolyhedron
from polyrelu.exact.rational import Rational
from strategies import integer_arrangements
from polyrelu.certify import arrangement_certificate


def sgn(v):
    return (v > 0) - (v < 0)


def value(plane, x):
    a, b = plane
    return sum((u * v for u, v in zip(a, x)), mpq(0)) - b


def check_regions_are_valid(A, inside=None):
    regs = A.regions(inside=inside)
    seen = set()
    for r in regs:
        assert all(isinstance(v, Rational) for v in r.witness)
        for plane, s in zip(A.hyperplanes, r.sign_vector):
            assert s in (1, -1) and sgn(value(plane, r.witness)) == s
        if inside is not None:
            assert inside.contains(r.witness)
        assert r.sign_vector not in seen
        seen.add(r.sign_vector)
    return regs


def generic_arrangement(N, d, seed, central=False):
    """Random integer hyperplanes, redrawn until in general position (checked exactly)."""
    rng = random.Random(seed)
    while True:
        rows = [[rng.randint(-30, 30) for _ in range(d)] + [0 if central else rng.randint(-30, 30)] for _ in range(N)]
        normals_ok = all(rank([rows[i][:d] for i in S]) == min(len(S), d) for k in range(1, d + 1) for S in itertools.combinations(range(N), k))
        if not normals_ok:
            continue
        if not central and not all(rank([rows[i] for i in S]) == d + 1 for S in itertools.combinations(range(N), d + 1)):
            continue
        return HyperplaneArrangement([(r[:d], r[d]) for r in rows])


@pytest.mark.parametrize("N, d", [(1, 1), (4, 1), (3, 2), (6, 2), (5, 3), (7, 3), (6, 4)])
def test_generic_affine_closed_form(N, d):
    A = generic_arrangement(N, d, seed=N * 10 + d)
    assert A.n_regions() == sum(comb(N, i) for i in range(d + 1))
    assert A.n_bounded_regions() == comb(N - 1, d)  # generic: C(N-1, d) bounded regions
    check_regions_are_valid(A)


@pytest.mark.parametrize("N, d", [(3, 2), (5, 2), (4, 3), (6, 3), (5, 4)])
def test_generic_central_closed_form(N, d):
    A = generic_arrangement(N, d, seed=N * 7 + d, central=True)
    assert A.is_central
    assert A.n_regions() == 2 * sum(comb(N - 1, i) for i in range(d))
    assert A.n_bounded_regions() == 0


@pytest.mark.parametrize("n", [2, 3, 4, 5])
def test_braid_arrangement(n):
    planes = []
    for i, j in itertools.combinations(range(n), 2):
        a = [0] * n
        a[i], a[j] = 1, -1
        planes.append((a, 0))
    A = HyperplaneArrangement(planes)
    assert A.n_regions() == factorial(n)
    assert not A.is_essential and A.n_bounded_regions() == 0
    regs = check_regions_are_valid(A)
    # each region is an ordering of the coordinates of its witness
    orders = {tuple(sorted(range(n), key=lambda k: r.witness[k])) for r in regs}
    assert len(orders) == factorial(n)


@pytest.mark.parametrize("d", [1, 2, 3, 4, 5])
def test_coordinate_arrangement(d):
    A = HyperplaneArrangement([([1 if j == i else 0 for j in range(d)], 0) for i in range(d)])
    assert A.n_regions() == 2**d and A.n_regions_zaslavsky() == 2**d
    assert {r.sign_vector for r in A.regions()} == set(itertools.product((-1, 1), repeat=d))


def test_degenerate_zoo():
    # all parallel: N + 1 regions, N - 1 bounded? (no: strips are unbounded in R^2)
    par = HyperplaneArrangement([([1, 0], i) for i in range(5)])
    assert par.n_regions() == 6 and par.n_bounded_regions() == 0 and not par.is_essential
    par1 = HyperplaneArrangement([([2], i) for i in range(5)])
    assert par1.n_regions() == 6 and par1.n_bounded_regions() == 4
    # repeated (rescaled, flipped) hyperplanes are one class; signs agree up to orientation
    rep = HyperplaneArrangement([([1, 1], 1), ([-2, -2], -2), ([1, 1], 1), ([1, -1], 0)])
    assert rep.classes == ((0, 1, 2), (3,)) and rep.n_regions() == 4
    for r in check_regions_are_valid(rep):
        assert r.sign_vector[0] == -r.sign_vector[1] == r.sign_vector[2]
    # pencil of N lines through a point: 2N regions, none bounded
    pencil = HyperplaneArrangement([([1, k], 3 + 2 * k) for k in range(6)])
    assert pencil.is_central and pencil.n_regions() == 12 and pencil.n_bounded_regions() == 0
    # non-essential in R^3
    slabs = HyperplaneArrangement([([1, 0, 0], i) for i in range(3)] + [([0, 1, 0], 0)])
    assert slabs.rank == 2 and slabs.n_regions() == 8 and slabs.n_bounded_regions() == 0
    # no hyperplanes
    empty = HyperplaneArrangement([], dim=3)
    assert empty.n_regions() == 1 and empty.regions()[0].sign_vector == ()
    assert empty.n_regions_zaslavsky() == 1


def test_zero_normal_and_bad_input_rejected():
    with pytest.raises(InvalidArrangementError, match=r"hyperplanes\[1\].a is the zero vector"):
        HyperplaneArrangement([([1, 0], 0), ([0, 0], 1)])
    with pytest.raises(InvalidArrangementError, match="length"):
        HyperplaneArrangement([([1, 0], 0), ([1, 0, 0], 1)])
    with pytest.raises(InvalidArrangementError, match="dim"):
        HyperplaneArrangement([])
    with pytest.raises(FileFormatError, match="float"):
        HyperplaneArrangement.from_dict({"format": "polyrelu.arrangement", "version": 1, "dim": 1, "hyperplanes": [{"a": [0.5], "b": 0}]})


@settings(max_examples=80)
@given(integer_arrangements())
def test_two_count_routes_agree(A):
    assert A.n_regions() == A.n_regions_zaslavsky()
    assert A.n_bounded_regions() == A.n_bounded_regions_zaslavsky()


@settings(max_examples=40)
@given(integer_arrangements(max_dim=2, max_n=6))
def test_grid_sign_vectors_are_enumerated(A):
    regs = check_regions_are_valid(A)
    known = {r.sign_vector for r in regs}
    axis = [mpq(k, 4) for k in range(-24, 25)]
    for x in itertools.product(axis, repeat=A.dim):
        s = tuple(sgn(value(p, x)) for p in A.hyperplanes)
        if 0 not in s:
            assert s in known


@settings(max_examples=30)
@given(integer_arrangements(max_dim=3, max_n=6))
def test_region_graph_invariants(A):
    G = A.region_graph()
    assert G.number_of_nodes() == A.n_regions()
    assert nx.is_connected(G)
    cls = A.classes
    class_of = {i: c for c, members in enumerate(cls) for i in members}
    sv = nx.get_node_attributes(G, "sign_vector")
    for u, v, data in G.edges(data=True):
        differ = {class_of[i] for i in range(A.n_hyperplanes) if sv[u][i] != sv[v][i]}
        assert differ == {class_of[data["hyperplanes"][0]]}
        y = data["point"]
        for i, plane in enumerate(A.hyperplanes):
            if i in data["hyperplanes"]:
                assert value(plane, y) == 0
            else:
                assert sgn(value(plane, y)) == sv[u][i]
    # graph distance = number of separating classes
    nodes = list(G.nodes)[:6]
    for u in nodes:
        dist = nx.single_source_shortest_path_length(G, u)
        for v in G.nodes:
            sep = {class_of[i] for i in range(A.n_hyperplanes) if sv[u][i] != sv[v][i]}
            assert dist[v] == len(sep)


def test_average_degree_bound_and_edges_of_generic_lines():
    A = generic_arrangement(6, 2, seed=3)
    G = A.region_graph()
    # generic lines: each line is cut into N pieces (edges) by the other N-1 lines
    assert G.number_of_edges() == 6 * 6
    assert 2 * G.number_of_edges() / G.number_of_nodes() <= 2 * A.dim


@settings(max_examples=30)
@given(integer_arrangements(max_dim=2, max_n=5), st.integers(-2, 1), st.integers(1, 3))
def test_inside_a_polyhedron_matches_full_arrangement_with_walls(A, lo, width):
    box = OpenPolyhedron.box(A.dim, lo, lo + width)
    inside = check_regions_are_valid(A, inside=box)
    walls = [(a, b) for a, b in box.inequalities]
    B = HyperplaneArrangement(list(A.hyperplanes) + walls, dim=A.dim)
    n = A.n_hyperplanes
    expected = {r.sign_vector[:n] for r in B.regions() if all(s < 0 for s in r.sign_vector[n:])}
    assert {r.sign_vector for r in inside} == expected
    bounded = A.n_bounded_regions(inside=box)
    assert bounded == len(inside)  # everything inside a box is bounded


def test_inside_empty_and_unbounded_polyhedra():
    A = HyperplaneArrangement([([1, 0], 0), ([0, 1], 0)])
    empty = OpenPolyhedron.from_inequalities(2, [([1, 0], 0), ([-1, 0], -1)])  # x < 0 and x > 1
    assert A.n_regions(inside=empty) == 0
    half = OpenPolyhedron.from_inequalities(2, [([1, 0], 0)])  # x < 0
    assert A.n_regions(inside=half) == 2 and A.n_bounded_regions(inside=half) == 0


def test_iter_regions_is_lazy_and_deterministic():
    A = generic_arrangement(7, 3, seed=1)
    it = A.iter_regions()
    first = next(it)
    assert isinstance(first.witness[0], Rational)
    B = HyperplaneArrangement(A.hyperplanes)
    assert [r.sign_vector for r in A.regions()] == [r.sign_vector for r in B.regions()]


# ------------------------------------------------------------- certificates
@pytest.fixture(scope="module")
def cert():
    A = HyperplaneArrangement([([1, 0], 0), ([0, 1], 0), ([1, 1], 1), ([2, 2], 2), ([1, -1], 3)])
    return arrangement_certificate(A)


def test_certificate_verifies(cert):
    assert verify(cert) == {"kind": "arrangement", "n_regions": 11, "n_bounded_regions": 3, "dim": 2, "hyperplanes": 5}


@settings(max_examples=15)
@given(integer_arrangements(max_dim=3, max_n=5))
def test_certificates_of_random_arrangements_verify(A):
    assert verify(arrangement_certificate(A))["n_regions"] == A.n_regions_zaslavsky()


def test_certificate_inside_polyhedra_verify():
    A = HyperplaneArrangement([([1, 0], 0), ([0, 1], 0), ([1, 1], 1), ([1, 0], 1)])
    for poly in [OpenPolyhedron.box(2, -1, 1), OpenPolyhedron.from_inequalities(2, [([1, 0], 0), ([-1, 0], -1)])]:
        c = arrangement_certificate(A, inside=poly)
        assert verify(c)["n_regions"] == A.n_regions(inside=poly)


def tampered(cert, change):
    c = copy.deepcopy(cert)
    change(c)
    return c


def remove_region(c):
    r = c["regions"].pop(4)
    c["n_regions"] -= 1
    c["n_bounded_regions"] -= r["bounded"]


def duplicate_region(c):
    c["regions"].append(copy.deepcopy(c["regions"][0]))
    c["n_regions"] += 1
    c["n_bounded_regions"] += c["regions"][0]["bounded"]


def witness_on_hyperplane(c):
    r = c["regions"][0]
    r["witness"] = r["facets"][0]["point"]


def flip_sign(c):
    s = c["regions"][0]["signs"]
    c["regions"][0]["signs"] = s[:-1] + ("+" if s[-1] == "-" else "-")


def drop_facet(c):
    r = next(r for r in c["regions"] if len(r["facets"]) >= 3)
    r["facets"].pop()


def bad_multiplier(c):
    r = next(r for r in c["regions"] if r["implied"] and r["implied"][0]["multipliers"])
    r["implied"][0]["multipliers"][0]["value"] = "1/7"


@pytest.mark.parametrize(
    "change, reason",
    [
        (remove_region, "not listed"),
        (duplicate_region, "duplicates"),
        (witness_on_hyperplane, r"regions\[0\]\.witness: is on hyperplane"),
        (flip_sign, r"regions\[0\]\.witness: is on the wrong side"),
        (lambda c: c.__setitem__("n_regions", 12), "n_regions: is 12"),
        (lambda c: c.__setitem__("n_bounded_regions", 2), "n_bounded_regions: is 2"),
        (drop_facet, "not a listed facet|neither a facet nor proved implied"),
        (bad_multiplier, "Farkas combination"),
        (lambda c: c["arrangement"]["hyperplanes"][0].__setitem__("b", "1"), "digest"),
        (lambda c: c["regions"][0].__setitem__("bounded", False), r"regions\[0\]: missing field \"ray\""),
    ],
)
def test_tampered_certificates_are_rejected(cert, change, reason):
    with pytest.raises(CertificateError, match=reason):
        verify(tampered(cert, change))


def test_int64_path_is_never_taken_for_huge_operands():
    """A zero operand must not let a huge one through the int64 path (regression)."""
    import numpy as np

    from polyrelu import cells as _engine

    huge = 10**30
    X = np.zeros((1, 2), dtype=np.int64)
    rows = np.array([[huge, 1, 1]], dtype=object)
    assert _engine.values(X, np.ones(1, dtype=np.int64), rows)[0, 0] == -1
    assert _engine.matmul(np.zeros((1, 2), dtype=np.int64), np.array([[huge], [1]], dtype=object))[0, 0] == 0
    restricted = _engine.restrict_rows([1, 0, huge], 0, np.zeros((1, 3), dtype=np.int64))
    assert restricted.shape == (1, 2)
    A = HyperplaneArrangement([([huge, 1], huge), ([1, 0], 0), ([0, 1], -huge)])
    assert A.n_regions() == A.n_regions_zaslavsky() == 7
    check_regions_are_valid(A)


def test_a_central_arrangement_keeps_the_time_budget():
    """A central arrangement is enumerated through the affine one on {x_0 = 1}, one
    dimension down; the deadline goes with it (before, it was dropped there and the
    enumeration ran to the end).  What the error counts is a lower bound: at most the
    generic number of regions 2 (C(59, 0) + ... + C(59, 3)) of 60 planes through 0 in R^4."""
    import time

    from polyrelu.errors import BudgetExceededError

    rng = random.Random(2)
    A = HyperplaneArrangement.central([[rng.randint(-99, 99) for _ in range(4)] for _ in range(60)])
    t0 = time.monotonic()
    with pytest.raises(BudgetExceededError) as exc:
        A.enumerate(max_seconds=0.05)
    assert time.monotonic() - t0 < 0.05 + 1.0
    assert 1 <= exc.value.args[1] <= 2 * sum(comb(59, i) for i in range(4))
