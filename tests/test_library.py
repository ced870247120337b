"""Named arrangements with known answers; the two count routes against them and each other.

The routes: enumeration (polyrelu.cells) and Zaslavsky's theorem on the intersection
lattice (polyrelu.geometry.lattice).  Independent references: closed forms from the
literature (polyrelu.geometry.library), Whitney's subset formula and the Möbius function
by its definition, both brute force over subsets with rational ranks.
"""

import itertools
from math import comb

import pytest
from gmpy2 import mpq
from hypothesis import given, settings
from hypothesis import strategies as st

from polyrelu.errors import InvalidArrangementError
from polyrelu.exact.linalg import rank
from polyrelu.geometry import library
from polyrelu.geometry.arrangement import HyperplaneArrangement
from polyrelu.geometry.lattice import characteristic_polynomial, evaluate_polynomial, flats
from strategies import integer_arrangements

CASES = [(name, args) for name, (_, arglist) in library.FAMILIES.items() for args in arglist]


def class_rows(A):
    return [tuple(int(v) for v in r) for r in A._class_rows]


def whitney(rows, d):
    """chi(t) = sum over subsets S with nonempty intersection of (-1)^|S| t^(d - rank S)."""
    coeffs = [0] * (d + 1)
    for k in range(len(rows) + 1):
        for S in itertools.combinations(rows, k):
            normals = [tuple(mpq(v) for v in r[:d]) for r in S]
            r = rank(normals) if S else 0
            if S and rank([tuple(mpq(v) for v in row) for row in S]) != r:
                continue  # inconsistent: empty intersection
            coeffs[d - r] += (-1) ** k
    return coeffs


def brute_force_flats(rows, d):
    """{members: (rank, mu)} with mu from its definition mu(Y) = -sum_{Z strictly above Y} mu(Z)."""
    out = {}
    for k in range(len(rows) + 1):
        for S in itertools.combinations(range(len(rows)), k):
            sub = [tuple(mpq(v) for v in rows[i]) for i in S]
            r = rank([s[:d] for s in sub]) if S else 0
            if S and rank(sub) != r:
                continue
            # the members of the flat: rows whose equation lies in the span of S's equations
            members = frozenset(i for i in range(len(rows)) if rank(sub + [tuple(mpq(v) for v in rows[i])]) == (rank(sub) if S else 0))
            out[members] = r
    mu = {}
    for members in sorted(out, key=lambda m: out[m]):
        mu[members] = 1 if not members else -sum(mu[z] for z in mu if z < members)
    return {m: (out[m], mu[m]) for m in out}


@pytest.mark.parametrize("name, args", CASES, ids=[f"{n}{a}" for n, a in CASES])
def test_both_routes_match_the_literature(name, args):
    K = library.FAMILIES[name][0](*args)
    A = K.arrangement
    chi = A.characteristic_polynomial
    if K.characteristic_polynomial is not None:
        assert chi == K.characteristic_polynomial
    assert A.n_regions() == K.n_regions == A.n_regions_zaslavsky()
    assert A.n_bounded_regions() == K.n_bounded_regions == A.n_bounded_regions_zaslavsky()
    assert chi[A.dim] == 1 and evaluate_polynomial(chi, 1) * (1 if not A.is_central else 0) == evaluate_polynomial(chi, 1) * (not A.is_central)


@pytest.mark.parametrize("f, sizes", [(library.braid, range(1, 8)), (library.shi, range(1, 7)), (library.ish, range(1, 7)),
                                      (library.catalan, range(1, 6)), (library.linial, range(1, 8)),
                                      (library.coordinate, range(1, 9))], ids=lambda v: getattr(v, "__name__", ""))
def test_closed_forms_of_the_lattice_beyond_enumeration(f, sizes):
    """The lattice alone where the enumeration would take long (braid(7): 5,040 regions in
    R^7, linial(7): 21,652, shi(6): 16,807)."""
    for n in sizes:
        K = f(n)
        assert K.arrangement.characteristic_polynomial == K.characteristic_polynomial, K.name
        assert K.arrangement.n_regions_zaslavsky() == K.n_regions


@pytest.mark.parametrize("N, d", [(6, 2), (30, 2), (100, 2), (6, 3), (30, 3), (100, 3), (6, 4), (30, 4), (12, 5)])
def test_generic_closed_forms_of_the_lattice(N, d):
    # moment-curve coefficients reach N^d: the larger ones run on Python integers
    for f in (library.generic, library.generic_central):
        K = f(N, d)
        assert K.arrangement.characteristic_polynomial == K.characteristic_polynomial, K.name


@pytest.mark.parametrize("n", [5, 6])
def test_semiorder_regions_from_the_lattice(n):
    assert library.semiorder(n).arrangement.n_regions_zaslavsky() == library.SEMIORDER_REGIONS[n]


@pytest.mark.slow
@pytest.mark.parametrize("K", [library.braid(6), library.shi(5), library.catalan(5), library.semiorder(5), library.linial(6),
                               library.generic(40, 3), library.generic_central(14, 5)], ids=lambda K: K.name)
def test_larger_families_both_routes(K):
    A = K.arrangement
    assert A.n_regions() == K.n_regions == A.n_regions_zaslavsky()
    assert A.n_bounded_regions() == K.n_bounded_regions == A.n_bounded_regions_zaslavsky()


@settings(max_examples=40, deadline=None)
@given(integer_arrangements(max_dim=4, max_n=8))
def test_routes_agree_on_degenerate_arrangements(A):
    assert A.n_regions() == A.n_regions_zaslavsky()
    assert A.n_bounded_regions() == A.n_bounded_regions_zaslavsky()


@settings(max_examples=60, deadline=None)
@given(integer_arrangements(max_dim=3, max_n=7))
def test_lattice_against_whitney_and_the_definition_of_mu(A):
    rows = class_rows(A)
    d = A.dim
    assert characteristic_polynomial(rows, d) == whitney(rows, d)
    got = {X["members"]: (X["rank"], X["mu"]) for X in flats(rows, d)}
    assert got == brute_force_flats(rows, d)


@pytest.mark.parametrize("scale", [1, 10**9, 10**25])
def test_large_coefficients_take_the_exact_path(scale):
    # a pencil, a parallel pair and a generic plane, blown up: int64 would overflow
    rows = [(scale, 0, 0, 0), (0, scale, 0, 0), (scale, scale, 0, 0), (scale, 2 * scale, 0, 0), (1, 0, 0, 1),
            (3 * scale + 1, -scale, scale, 7), (0, 0, scale, -scale)]
    A = HyperplaneArrangement([(r[:3], r[3]) for r in rows])
    assert A.n_regions() == A.n_regions_zaslavsky()
    assert characteristic_polynomial(class_rows(A), 3) == whitney(class_rows(A), 3)


def test_empty_and_trivial():
    assert characteristic_polynomial([], 3) == [0, 0, 0, 1]
    assert characteristic_polynomial([(1, 5)], 1) == [-1, 1]
    assert [X["mu"] for X in flats([], 2)] == [1]
    with pytest.raises(ValueError):
        characteristic_polynomial([(1, 2)], 2)


@pytest.mark.parametrize("bad", [lambda: library.braid(0), lambda: library.generic(-1, 2), lambda: library.semiorder(40),
                                 lambda: library.parallel_families([]), lambda: library.parallel_classes([0]),
                                 lambda: library.pencil(3, 1), lambda: library.shi(True)])
def test_bad_arguments(bad):
    with pytest.raises(InvalidArrangementError):
        bad()


def test_generic_is_in_general_position():
    """The moment-curve construction: every d + 1 rows [a | b] independent, every d normals too."""
    K = library.generic(7, 3)
    rows = [tuple(mpq(v) for v in a) + (mpq(b),) for a, b in K.arrangement.hyperplanes]
    assert all(rank(list(S)) == 4 for S in itertools.combinations(rows, 4))
    assert all(rank([r[:3] for r in S]) == 3 for S in itertools.combinations(rows, 3))
    assert K.n_bounded_regions == comb(6, 3)
