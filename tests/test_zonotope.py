import itertools
import random
from math import factorial

import pytest
from gmpy2 import mpq
from hypothesis import given, settings
from hypothesis import strategies as st

from polyrelu.geometry.arrangement import HyperplaneArrangement
from polyrelu.cli import main
from polyrelu.errors import FileFormatError, ShapeError
from polyrelu.geometry.zonotope import Zonotope, vertex_bound


def general_position_generators(m, n, seed):
    rng = random.Random(seed)
    while True:
        G = [[rng.randint(-9, 9) for _ in range(n)] for _ in range(m)]
        Z = Zonotope(G)
        if Z.is_general_position():
            return Z


def dot(a, b):
    return sum((x * y for x, y in zip(a, b)), mpq(0))


@pytest.mark.parametrize("m", [1, 2, 3, 5, 8])
def test_plane_closed_form(m):
    Z = general_position_generators(m, 2, seed=m)
    assert Z.n_vertices == 2 * m == vertex_bound(2, m)
    assert Z.n_facets == 2 * m


@pytest.mark.parametrize("m", [3, 4, 6, 7])
def test_space_closed_form(m):
    Z = general_position_generators(m, 3, seed=10 + m)
    assert Z.n_vertices == m * (m - 1) + 2 == Z.vertex_bound()
    assert sorted(Z.vertices()) == Z.vertices_cdd()


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_cube(n):
    Z = Zonotope([[1 if i == j else 0 for j in range(n)] for i in range(n)])
    assert Z.n_vertices == 2**n and Z.n_facets == 2 * n and Z.volume() == 2**n
    assert set(Z.vertices()) == set(itertools.product((mpq(-1), mpq(1)), repeat=n))


@pytest.mark.parametrize("n", [2, 3, 4])
def test_permutohedron_lower_dimensional(n):
    gens = []
    for i, j in itertools.combinations(range(n + 1), 2):
        g = [0] * (n + 1)
        g[i], g[j] = 1, -1
        gens.append(g)
    Z = Zonotope(gens)
    assert Z.rank == n and Z.volume() == 0
    assert Z.n_vertices == factorial(n + 1)
    V = Z.vertices()
    assert all(sum(v) == 0 for v in V)  # in the sum-zero hyperplane
    # the vertices are the permutations of (n, n-2, ..., -n) -- closed form
    expected = sorted(set(itertools.permutations([mpq(n - 2 * k) for k in range(n + 1)])))
    assert sorted(V) == expected == Z.vertices_cdd()
    assert Z.n_facets == 2 ** (n + 1) - 2  # facets of the permutohedron
    assert all(Z.contains(v) for v in V) and not Z.contains([n + 1] + [0] * (n - 1) + [-(n + 1)])


def test_parallel_repeated_and_zero_generators():
    Z = Zonotope([[1, 0], [2, 0], [-1, 0], [0, 1], [0, 0], [0, 0]])
    assert Z.n_zero_generators == 2 and not Z.is_general_position()
    # same as generators (4, 0) and (0, 1): a rectangle
    assert sorted(Z.vertices()) == sorted([(mpq(a), mpq(b)) for a in (-4, 4) for b in (-1, 1)])
    assert Z.n_facets == 4 and Z.volume() == 16  # area of [-4, 4] x [-1, 1]
    assert sorted(Z.vertices()) == Z.vertices_cdd()
    seg = Zonotope([[1, 2], [2, 4]], center=["1/2", 0])
    assert seg.rank == 1 and seg.n_vertices == 2 and seg.n_facets == 2
    point = Zonotope([[0, 0]])
    assert point.n_vertices == 1 and point.vertices() == [(mpq(0), mpq(0))]


@settings(max_examples=40)
@given(st.integers(1, 3).flatmap(lambda n: st.lists(st.lists(st.integers(-3, 3), min_size=n, max_size=n), min_size=0, max_size=6)).filter(lambda g: len(g) > 0))
def test_both_routes_agree(G):
    Z = Zonotope(G)
    assert sorted(Z.vertices()) == Z.vertices_cdd()
    assert Z.n_vertices <= Z.vertex_bound()
    if Z.is_general_position():
        assert Z.n_vertices == Z.vertex_bound()


@settings(max_examples=40)
@given(st.lists(st.lists(st.integers(-4, 4), min_size=3, max_size=3), min_size=1, max_size=6), st.lists(st.integers(-5, 5), min_size=3, max_size=3), st.lists(st.integers(-3, 3), min_size=3, max_size=3))
def test_support_is_max_over_vertices_and_facets_hold(G, c, r):
    Z = Zonotope(G, center=c)
    V = Z.vertices()
    assert Z.support(r) == max(dot(r, v) for v in V)
    for u, h in Z.facets():
        assert max(dot(u, v) for v in V) == h  # each facet inequality is tight
    assert Z.contains(c)


def test_network_affine_pieces_equal_vertices():
    """The Lemma 3.7 network, evaluated region by region of its own hyperplane
    arrangement, has one affine map per vertex, and the map is r -> <v, r>."""
    Z = general_position_generators(5, 3, seed=4)
    net = Z.to_network()
    assert net.size == 2 * 5 and not net.has_output_bias
    hidden = net.layers[0]
    A = HyperplaneArrangement([(w, -b) for w, b in zip(hidden.weights, hidden.biases)])
    maps = {net.local_affine_map(r.witness).matrix[0] for r in A.iter_regions()}
    assert maps == set(Z.vertices())
    for r in A.iter_regions():
        assert net.evaluate(r.witness)[0] == Z.support(r.witness)


def test_volume_and_minkowski():
    Z = Zonotope([[1, 0], [0, 1]])
    W = Zonotope([[1, 1]], center=[1, 0])
    S = Z.minkowski_sum(W)
    assert S.center == (mpq(1), mpq(0)) and S.n_vertices == 6 and S.volume() == 12
    P = Z.minkowski_sum_polytope([[0, 0], [1, 0], [0, 1]])
    assert len(P) == 5  # a square plus a triangle: a pentagon


def test_bad_input():
    with pytest.raises(ShapeError):
        Zonotope([[1, 0], [1]])
    with pytest.raises(FileFormatError):
        Zonotope.from_dict({"format": "polyrelu.zonotope", "version": 1, "generators": [[0.5, 1]]})


def test_cli(tmp_path, capsys):
    p = tmp_path / "z.json"
    p.write_text('{"format": "polyrelu.zonotope", "version": 1, "generators": [["1","0"],["0","1"],["1","1"]], "center": ["0","0"]}')
    assert main(["zonotope", str(p), "--json", "--check-cdd"]) == 0
    import json

    info = json.loads(capsys.readouterr().out)
    assert (info["vertices"], info["facets"], info["volume"], info["general_position"], info["cdd_agrees"]) == (6, 6, "12", True, True)


@pytest.mark.parametrize("gens", [[[1, 0], [0, 1], [1, 1]], [[1, 2, 0], [0, 1, 1], [1, 0, 1], [2, -1, 1]], [[1, 0], [2, 0], [0, 1]]])
def test_certified_pieces_of_the_support_network_equal_vertices(gens):
    from polyrelu.nets.regions import network_regions

    Z = Zonotope(gens)
    assert network_regions(Z.to_network()).n_pieces == Z.n_vertices


def _canonical_inequality(u, h):
    """u . x <= h scaled to primitive integers (a positive factor)."""
    from polyrelu.exact.linalg import integer_row

    return integer_row(tuple(u) + (h,))


@settings(max_examples=25, deadline=None)
@given(st.integers(2, 4).flatmap(lambda n: st.lists(st.lists(st.integers(-3, 3), min_size=n, max_size=n), min_size=n, max_size=6)))
def test_facets_agree_with_cdd(G):
    Z = Zonotope(G)
    if Z.rank < Z.dim:
        return
    ineq, eqs = Z.facets_cdd()  # rows [b, a...]: b + a.x >= 0, i.e. (-a) . x <= b
    assert not eqs
    cdd_facets = {_canonical_inequality([-v for v in row[1:]], row[0]) for row in ineq}
    ours = {_canonical_inequality(u, h) for u, h in Z.facets()}
    assert ours == cdd_facets and Z.n_facets == len(cdd_facets)


def _shoelace(points):
    """Area of the convex polygon with these vertices (exact: sorted by half-plane and cross product)."""
    from functools import cmp_to_key

    cx = sum(p[0] for p in points) / len(points)
    cy = sum(p[1] for p in points) / len(points)

    def half(p):
        x, y = p[0] - cx, p[1] - cy
        return 0 if (y > 0 or (y == 0 and x > 0)) else 1

    def cmp(p, q):
        if half(p) != half(q):
            return half(p) - half(q)
        cross = (p[0] - cx) * (q[1] - cy) - (p[1] - cy) * (q[0] - cx)
        return -1 if cross > 0 else (1 if cross < 0 else 0)

    P = sorted(points, key=cmp_to_key(cmp))
    return abs(sum(P[i][0] * P[i - 1][1] - P[i - 1][0] * P[i][1] for i in range(len(P)))) / 2


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.integers(-4, 4), min_size=2, max_size=2), min_size=2, max_size=7))
def test_volume_in_the_plane_is_the_area_of_the_cdd_polygon(G):
    Z = Zonotope(G)
    V = Z.vertices_cdd()
    if Z.rank < 2:
        assert Z.volume() == 0
        return
    assert Z.volume() == _shoelace(V)


@pytest.mark.parametrize("n", [2, 3, 4])
def test_volume_merges_parallel_generators_and_scales(n):
    rng = random.Random(n)
    G = [[rng.randint(-5, 5) for _ in range(n)] for _ in range(n + 2)]
    Z = Zonotope(G)
    split = Zonotope([G[0], [2 * v for v in G[0]], [mpq(-1, 3) * v for v in G[0]]] + G[1:])  # lengths 1 + 2 + 1/3 of G[0]
    merged = Zonotope([[mpq(10, 3) * v for v in G[0]]] + G[1:])
    assert split.volume() == merged.volume()
    assert Zonotope([[mpq(3, 2) * v for v in g] for g in G]).volume() == mpq(3, 2) ** n * Z.volume()
    # a parallelepiped: 2^n |det|
    from polyrelu.exact.linalg import maximal_minors

    import numpy as np
    det = int(maximal_minors(np.array([G[:n]], dtype=object))[0, 0])
    assert Zonotope(G[:n]).volume() == 2**n * abs(det)
    assert split.is_general_position() is False


def test_cli_extras_only_when_cheap(tmp_path, capsys):
    import json

    # a prism over a 110-gon: C(111, 3) = 221,815 direction triples but only 440 vertices
    gens = [[1, k, 0] for k in range(110)] + [[0, 0, 1]]
    p = tmp_path / "prism.json"
    p.write_text(json.dumps({"format": "polyrelu.zonotope", "version": 1, "generators": gens, "center": [0, 0, 0]}))
    assert main(["zonotope", str(p), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["vertices"] == 440 and info["facets"] is None and info["volume"] is None and info["general_position"] is None
    assert main(["zonotope", str(p), "--facets"]) == 0
    out = capsys.readouterr().out
    assert "facets            222" in out and "volume            not computed" in out
    assert main(["zonotope", str(p), "--json", "--volume"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["facets"] is None and info["general_position"] is False
    # volume: 2^3 sum over the triples with the vertical generator of |det| = 8 * sum_{j<k} (k - j)
    assert info["volume"] == str(8 * sum(k - j for j, k in itertools.combinations(range(110), 2)))
