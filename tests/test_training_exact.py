"""The trainer's exact machinery: verified float LP proposals, canonical duals, shared-dual
and sign bounds against subproblem optima, cell generators, proposals on/off, degenerate data."""

import json
import math
import random

import numpy as np
import pytest
from gmpy2 import mpq
from hypothesis import given, settings
from hypothesis import strategies as st

from polyrelu.exact import cddlib, lp
from polyrelu.exact.rational import Rational
from polyrelu.training.bounds import SignBounds, sign_bound
from polyrelu.training.pool import DualPool, PairFeasibility
from polyrelu.training.subproblem import (all_cell_generators, cell_columns, cell_generators, cell_multipliers, dual_bound, loss_value,
                                          solve)
from polyrelu.training.trainer import ExactReluTrainer, all_splits_optimum
from polyrelu.verify import verify

LOSSES = ("absolute", "squared", "hinge")


def _labels(loss, values):
    return [1 if v >= 0 else -1 for v in values] if loss == "hinge" else values


# ----------------------------------------------------------------- exact LPs from float proposals
def _random_lp(rng):
    n, m = rng.randint(1, 5), rng.randint(1, 5)
    A = [[mpq(rng.randint(-3, 3)) for _ in range(n)] for _ in range(m)]
    if m > 1 and rng.random() < 0.3:
        A[1] = list(A[0])  # a repeated row: degenerate
    c = [mpq(rng.randint(-3, 3)) for _ in range(n)]
    row_lo = [mpq(rng.randint(-4, 0)) if rng.random() < 0.5 else None for _ in range(m)]
    row_hi = [mpq(rng.randint(0, 4)) if rng.random() < 0.7 else None for _ in range(m)]
    col_lo = [mpq(rng.randint(-2, 0)) for _ in range(n)]  # bounded box: always optimal
    col_hi = [mpq(rng.randint(0, 2)) for _ in range(n)]
    if rng.random() < 0.2:
        col_lo[0] = col_hi[0]  # a fixed variable
    return c, A, row_lo, row_hi, col_lo, col_hi


def _cdd_value(c, A, row_lo, row_hi, col_lo, col_hi):
    n = len(c)
    rows = []
    for a, lo, hi in zip(A, row_lo, row_hi):
        if lo is not None:
            rows.append([-lo] + a)
        if hi is not None:
            rows.append([hi] + [-v for v in a])
    for j in range(n):
        e = [mpq(int(k == j)) for k in range(n)]
        rows.append([-col_lo[j]] + e)
        rows.append([col_hi[j]] + [-v for v in e])
    res = cddlib.lp(n, rows, objective=[mpq(0)] + c)
    return res.value if res.status == "optimal" else None


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10**6))
def test_lp_value_and_canonical_point_do_not_depend_on_the_route(seed):
    rng = random.Random(seed)
    prob = _random_lp(rng)
    expect = _cdd_value(*prob)  # independent: cddlib directly on the inequality form
    a = lp.solve(*prob, canonical=True)
    b = lp.solve(*prob, propose=False, canonical=True)
    if expect is None:
        assert a is None and b is None
        return
    assert a.value == b.value == expect
    assert a.x == b.x  # the least point of the optimal face
    assert all(isinstance(v, Rational) for v in a.x + a.y + a.d)
    # the least point: no optimal point is lexicographically smaller in its first coordinate
    c, A, row_lo, row_hi, col_lo, col_hi = prob
    extra_lo = list(row_lo) + [expect]
    extra_hi = list(row_hi) + [expect]
    first = lp.solve([mpq(1)] + [mpq(0)] * (len(c) - 1), list(A) + [c], extra_lo, extra_hi, col_lo, col_hi, propose=False)
    assert first.value == a.x[0]


def test_lp_proposal_that_fails_the_check_falls_back(monkeypatch):
    c, A = [mpq(-1), mpq(-1)], [[mpq(1), mpq(2)], [mpq(3), mpq(1)]]
    args = (c, A, [None, None], [mpq(4), mpq(6)], [mpq(0), mpq(0)], [None, None])
    assert lp.solve(*args).route == "proposal"
    monkeypatch.setattr(lp, "_highs_basis", lambda problem: (["L", "L"], ["B", "B"]))  # the vertex 0: feasible, not optimal
    got = lp.solve(*args)
    assert got.route == "exact" and got.value == mpq(-14, 5)


def test_lp_optimal_face_least_point():
    # min -x1 - x2 over x1 + x2 <= 1, 0 <= x <= 1: the optimal face is a segment; least point (0, 1)
    args = ([mpq(-1), mpq(-1)], [[mpq(1), mpq(1)]], [None], [mpq(1)], [mpq(0), mpq(0)], [mpq(1), mpq(1)])
    assert lp.solve(*args, canonical=True).x == (0, 1) == lp.solve(*args, propose=False, canonical=True).x
    # a zero objective: every feasible point is optimal; least point = the lower corner
    assert lp.solve([mpq(0)] * 2, [[mpq(1), mpq(1)]], [None], [mpq(1)], [mpq(-1), mpq(-2)], [mpq(1), mpq(1)], canonical=True).x == (-1, -2)
    assert lp.solve([mpq(1)], [[mpq(1)]], [mpq(2)], [mpq(1)], [None], [None]) is None  # 2 <= x <= 1: infeasible


# ----------------------------------------------------------------- cells
@pytest.mark.parametrize("X", [
    [[0], [1], [1], [2]],  # duplicates on the line
    [[0, 0], [1, 1], [2, 2], [3, 1]],  # three collinear points
    [[1, 2]],  # D < n + 1: cells are not pointed
    [[1, 1], [1, 1]],
    [[0, 0, 1], [1, 0, 0], [0, 1, 0], [1, 1, 1], [2, -1, 0]],
])
def test_cell_generators_agree_with_cdd_also_on_degenerate_data(X):
    Xs = tuple(tuple(mpq(v) for v in x) for x in X)
    cells = ExactReluTrainer()._problem(Xs, tuple(mpq(0) for _ in Xs))[0].cells
    assert all_cell_generators(Xs, cells) == [cell_generators(Xs, c) if any(c) else () for c in cells]


def test_cell_generators_agree_with_cdd_on_random_data():
    rng = random.Random(7)
    for n, D in [(1, 9), (2, 12), (3, 8)]:
        Xs = tuple(tuple(mpq(rng.randint(-6, 6), rng.randint(1, 2)) for _ in range(n)) for _ in range(D))
        cells = ExactReluTrainer()._problem(Xs, tuple(mpq(0) for _ in Xs))[0].cells
        assert all_cell_generators(Xs, cells) == [cell_generators(Xs, c) if any(c) else () for c in cells]


@pytest.mark.parametrize("max_free", [0, 2, 12])
def test_cell_generators_by_lookup_and_by_scan_agree_with_cdd(monkeypatch, max_free):
    """A direction's cells are found by looking up the completions of its sign pattern on
    the points it is orthogonal to, or, on more than _MAX_FREE of them, by a scan of every
    cell: 14 collinear points (one line on 14 hyperplanes, past the default cap) with
    three more, and random data, both ways against cdd cell by cell."""
    from polyrelu.training import subproblem

    monkeypatch.setattr(subproblem, "_MAX_FREE", max_free)
    monkeypatch.setattr(subproblem, "_CHECK_BYTES", 7)  # the scan in chunks of one cell
    rng = random.Random(11)
    for X in ([[t, 2 * t + 1] for t in range(-7, 7)] + [[0, 0], [3, -2], [-1, 4]],
              [[rng.randint(-5, 5), rng.randint(-5, 5)] for _ in range(9)],
              [[rng.randint(-3, 3) for _ in range(3)] for _ in range(7)]):
        Xs = tuple(tuple(mpq(v) for v in x) for x in X)
        cells = ExactReluTrainer()._problem(Xs, tuple(mpq(0) for _ in Xs))[0].cells
        assert all_cell_generators(Xs, cells) == [cell_generators(Xs, c) if any(c) else () for c in cells]


def test_the_problems_columns_are_those_of_cell_columns_also_with_denominators():
    """The trainer builds integer columns in one object-array product and the rational
    ones when first read (RationalColumns, icols / L): against cell_columns, the
    per-cell reference, on points with denominators 1, 2, 3 (L = 6), duplicates and a
    zero column (a generator orthogonal to every active point); and after pickling."""
    import pickle

    from polyrelu.training.subproblem import RationalColumns, cell_integer_columns, integer_points

    rng = random.Random(5)
    for X in ([[mpq(rng.randint(-6, 6), rng.choice([1, 2, 3])) for _ in range(2)] for _ in range(8)] + [[mpq(1, 2), mpq(1, 3)]] * 2,
              [[0], [1], [1], [2]]):
        Xs = tuple(tuple(mpq(v) for v in x) for x in X)
        prob = ExactReluTrainer()._problem(Xs, tuple(mpq(0) for _ in Xs))[0]
        rows = integer_points(Xs)
        L = math.lcm(*(r[-1] for r in rows))
        assert isinstance(prob.cols, RationalColumns) and prob.cols.L == L
        again = pickle.loads(pickle.dumps(prob.cols))
        for ci, c in enumerate(prob.cells):
            want = cell_columns(Xs, c, cell_generators(Xs, c), rows) if any(c) else ((), (), ())
            assert (prob.gens[ci], prob.icols[ci]) == (want[0], want[2])
            assert prob.cols[ci] == want[1] == again[ci]
            if any(c):
                assert cell_integer_columns(rows, c, cell_generators(Xs, c), L) == (want[0], want[2])


# ----------------------------------------------------------------- bounds against subproblem optima
def test_cell_generators_do_not_depend_on_the_deadline_chunks(monkeypatch):
    """Deadline checks every few items (chunks of 3 n-subsets and directions, one direction
    per filter chunk) and a deadline far away: the same generators as cdd's, cell by cell."""
    import time

    from polyrelu.training import subproblem

    monkeypatch.setattr(subproblem, "_CHECK_ITEMS", 3)
    monkeypatch.setattr(subproblem, "_CHECK_BYTES", 1)
    rng = random.Random(8)
    for n, D in [(1, 7), (2, 9), (3, 7)]:
        Xs = tuple(tuple(mpq(rng.randint(-6, 6), rng.randint(1, 2)) for _ in range(n)) for _ in range(D))
        cells = ExactReluTrainer()._problem(Xs, tuple(mpq(0) for _ in Xs))[0].cells
        got = all_cell_generators(Xs, cells, deadline=time.time() + 3600)
        assert got == [cell_generators(Xs, c) if any(c) else () for c in cells]


def _random_problem(rng, loss, bias, n=2, D=5):
    X = tuple(tuple(mpq(rng.randint(-3, 3)) for _ in range(n)) for _ in range(D))
    y = tuple(mpq(v) for v in _labels(loss, [rng.randint(-4, 4) for _ in range(D)]))
    prob = ExactReluTrainer(loss=loss, output_bias=bias)._problem(X, y)[0]
    pairs = [(ci, s) for ci, c in enumerate(prob.cells) if any(c) for s in (1, -1)]
    return prob, pairs


@settings(max_examples=15, deadline=None)
@given(st.sampled_from(LOSSES), st.booleans(), st.integers(0, 10**6))
def test_shared_dual_bounds_every_multiset_whose_pairs_it_is_feasible_for(loss, bias, seed):
    rng = random.Random(seed)
    prob, pairs = _random_problem(rng, loss, bias)
    pool = DualPool(PairFeasibility(prob.icols, pairs, prob.D))
    M = rng.sample(range(len(pairs)), min(2, len(pairs)))
    res = solve(prob, [pairs[p] for p in M])
    k = pool.add(res.value, res.u)
    assert dual_bound(loss, prob.y, res.u) == res.value
    assert all(pool.is_feasible(k, p) for p in M)  # the dual of M is feasible for M's own pairs
    for _ in range(6):
        other = [rng.randrange(len(pairs)) for _ in range(2)]  # repeats allowed
        feas = [pool.is_feasible(k, p) for p in other]
        if all(feas):
            assert solve(prob, [pairs[p] for p in other]).value >= res.value
        for p, f in zip(other, feas):  # the exact test is the definition: a . u <= 0 on every column
            ci, s = pairs[p]
            assert f == all(s * sum(a * b for a, b in zip(col, res.u)) <= 0 for col in prob.cols[ci])
            mu = cell_multipliers(prob.X, prob.cells[ci], s, res.u)
            assert (mu is not None) == f and (mu is None or all(v >= 0 for v in mu))
    combos = np.array([[rng.randrange(len(pairs)) for _ in range(2)] for _ in range(20)])
    for row, kk in zip(combos.tolist(), pool.cover(combos).tolist()):
        assert (kk == k) == all(pool.is_feasible(k, p) for p in row)


class _TableFeasibility:
    """A stand-in for PairFeasibility: dual u = (k,) is feasible for the pairs of row k of a table."""

    def __init__(self, table):
        self.table = table
        self.pairs = [(p, 1) for p in range(table.shape[1])]

    def feasible(self, u):
        return self.table[u[0]]


def _reference_cover(feas, hot, rows):
    """DualPool.cover by its definition, one row at a time: the first recently used dual
    (in that order) feasible for every pair of the row, else the least such dual, else -1;
    then the duals named for the last rows lead the recent list (at most 64)."""
    out = []
    for row in rows:
        k = next((h for h in hot if all(feas[h][p] for p in row)), None)
        if k is None:
            k = next((d for d in range(len(feas)) if all(feas[d][p] for p in row)), -1)
        out.append(k)
    seen = []
    for k in reversed(out):
        if k >= 0 and k not in seen:
            seen.append(k)
    seen = seen[:64]
    return out, (seen + [h for h in hot if h not in seen])[:64]


@pytest.mark.parametrize("seed", range(6))
def test_cover_names_the_same_dual_as_its_definition(seed):
    """The word-parallel cover (recent duals in one 64-bit word per pair, all duals 64 per
    word, the lowest set bit read exactly) against the one-row-at-a-time definition, over
    a history of adds and covers that runs past 64 duals (bit 63 of a word included) and
    keeps reordering the recent list."""
    rng = np.random.default_rng(seed)
    w = [1, 2, 3][seed % 3]
    m = [200, 40, 20][w - 1]
    table = rng.random((400, m)) < rng.uniform(0.005, 0.05, (400, 1)) ** (1 / w)  # dual k covers 0.5-5% of the multisets
    pool = DualPool(_TableFeasibility(table))
    hot: list[int] = []
    n_duals, named = 0, []
    for step in range(80):
        for _ in range(int(rng.integers(0, 8))):
            assert pool.add(mpq(n_duals), (n_duals,)) == n_duals
            n_duals += 1
        rows = rng.integers(0, m, size=(int(rng.integers(1, 80)), w))
        want, hot = _reference_cover(table[:n_duals], hot, rows.tolist())
        assert pool.cover(rows).tolist() == want
        named += want
    assert (n_duals > 128 and -1 in named and len(set(named)) > 64), (n_duals, named.count(-1), len(set(named)))  # misses, and more duals named than the recent list holds


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10**6), st.sampled_from([3, 20, 40, 44, 48, 53, 61, 80]), st.sampled_from([1, 30, 100, 300]))
def test_pair_feasibility_signs_are_exact_in_every_limb_layout(seed, col_bits, u_bits):
    """The float64-limb route (BLAS on integers below 2^53), the int64-limb route (one
    limb, many limbs) and the Python-integer route (columns too large for int64 limbs)
    against the definition: the sign of a . u in integers.  Columns at the largest size a
    route takes, with many rows (so that BLAS blocks the product), are included."""
    rng = random.Random(seed)
    D = rng.choice([1, 2, 5, 6, 31, 64])

    def num(bits):
        return rng.choice([0, 1, -1, rng.randint(-2**bits, 2**bits), 2**bits - 1, -(2**bits)])

    cols = [[tuple(num(col_bits) for _ in range(D)) for _ in range(rng.choice([0, 1, 4, 300]))] for _ in range(3)]
    pairs = [(ci, s) for ci in range(3) for s in (1, -1)]
    feas = PairFeasibility(cols, pairs, D)
    top = max((abs(v) for c in cols for r in c for v in r), default=0).bit_length()
    route = np.float64 if top + D.bit_length() <= 45 else np.int64 if top + D.bit_length() <= 54 else object
    assert feas._cols.dtype == route
    for _ in range(4):
        u = [mpq(num(u_bits), rng.randint(1, 2**rng.choice([1, 40]))) for _ in range(D)]
        if rng.random() < 0.3:  # a dual orthogonal to a column: sign 0 must stay 0
            u = [mpq(0)] * D
        rows = [c for ci in range(3) for c in cols[ci]]
        want = [(v > 0) - (v < 0) for v in (sum(a * b for a, b in zip(r, u)) for r in rows)]
        assert feas.row_signs(u).tolist() == want
        got = feas.feasible(u).tolist()
        assert got == [all(s * w <= 0 for w in (sum(a * b for a, b in zip(r, u)) for r in cols[ci])) for ci, s in pairs]
        assert feas.unpack(feas.packed(u)).tolist() == got


@settings(max_examples=25, deadline=None)
@given(st.sampled_from(LOSSES), st.booleans(), st.integers(0, 10**6))
def test_vectorised_sign_bounds_equal_the_scalar_bound_and_stay_below_the_optimum(loss, bias, seed):
    rng = random.Random(seed)
    prob, pairs = _random_problem(rng, loss, bias)
    masks = np.array([prob.cells[ci] for ci, _ in pairs], dtype=bool)
    sb = SignBounds(loss, prob.y, masks, [s for _, s in pairs], bias)
    combos = np.array([[rng.randrange(len(pairs)) for _ in range(3)] for _ in range(12)])
    for row, b in zip(combos.tolist(), sb.of(combos).tolist()):
        pos = {j for p in row if pairs[p][1] > 0 for j in range(prob.D) if prob.cells[pairs[p][0]][j]}
        neg = {j for p in row if pairs[p][1] < 0 for j in range(prob.D) if prob.cells[pairs[p][0]][j]}
        zero = [j for j in range(prob.D) if j not in pos | neg]
        scalar = sign_bound(loss, prob.y, zero, sorted(pos - neg), sorted(neg - pos), bias)
        assert mpq(b) / sb.denominator == scalar
        assert scalar <= solve(prob, [pairs[p] for p in row]).value
        assert sb.threshold(scalar) <= b and (sb.threshold(scalar + mpq(1, 10**9)) > b)


@settings(max_examples=20, deadline=None)
@given(st.sampled_from(LOSSES), st.booleans(), st.integers(0, 10**6))
def test_repeated_pairs_are_dominated(loss, bias, seed):
    rng = random.Random(seed)
    prob, pairs = _random_problem(rng, loss, bias)
    a, b = rng.sample(pairs, 2)
    assert solve(prob, [a, a]).value == solve(prob, [a]).value >= solve(prob, [a, b]).value


# ----------------------------------------------------------------- whole fits
def _same(a, b):
    assert (a.loss_, a.network_, a.n_subproblems_, a.n_pruned_sign_, a.n_pruned_dual_) == \
           (b.loss_, b.network_, b.n_subproblems_, b.n_pruned_sign_, b.n_pruned_dual_)
    assert json.dumps(a.certificate_, sort_keys=True) == json.dumps(b.certificate_, sort_keys=True)


@pytest.mark.parametrize("loss", LOSSES)
@pytest.mark.parametrize("bias", [False, True])
def test_results_are_identical_with_float_proposals_on_and_off(loss, bias):
    rng = random.Random(hash((loss, bias)) % 1000)
    X = [[rng.randint(-4, 4), rng.randint(-4, 4)] for _ in range(4)] + [[1, 1], [1, 1]]  # a duplicate point
    y = _labels(loss, [rng.randint(-3, 3) for _ in range(6)])
    on = ExactReluTrainer(width=2, loss=loss, output_bias=bias).fit(X, y)
    off = ExactReluTrainer(width=2, loss=loss, output_bias=bias, proposals=False).fit(X, y)
    _same(on, off)
    assert off.n_fallbacks_ == off.n_subproblems_ and on.n_fallbacks_ < on.n_subproblems_
    verify(on.certificate_)


DEGENERATE = {
    "duplicates": ([[1, 1], [1, 1], [0, 2], [0, 2]], [1, -2, 3, 0]),
    "collinear": ([[0, 0], [1, 1], [2, 2], [3, 3]], [1, -1, 2, 0]),
    "fewer points than n + 1": ([[1, 2]], [3]),
    "two points": ([[0, 1], [2, 0]], [-1, 2]),
    "all equal": ([[2, -1]] * 3, [1, 2, -2]),
}


@pytest.mark.parametrize("name", sorted(DEGENERATE))
@pytest.mark.parametrize("loss", LOSSES)
def test_degenerate_data_in_two_dimensions_against_brute_force(name, loss):
    X, y = DEGENERATE[name]
    y = _labels(loss, y)
    for bias in (False, True):
        for w in (1, 2):
            if w == 2 and len(X) > 3:
                continue  # brute force over 2^(2 D) splits squared: kept to tiny cases
            t = ExactReluTrainer(width=w, loss=loss, output_bias=bias).fit(X, y)
            assert t.certified_ and t.loss_ == all_splits_optimum(t, X, y)
            assert t.loss_ == sum(loss_value(loss, p, mpq(v)) for p, v in zip(t.predict(X), y)) / len(X)
            verify(json.loads(json.dumps(t.certificate_)))


def test_batch_size_changes_the_counts_not_the_result():
    rng = random.Random(2)
    X = [[rng.randint(-9, 9), rng.randint(-9, 9)] for _ in range(6)]
    y = [rng.randint(-5, 5) for _ in range(6)]
    one = ExactReluTrainer(width=2, batch_size=1).fit(X, y)
    many = ExactReluTrainer(width=2, batch_size=64).fit(X, y)
    assert one.loss_ == many.loss_
    assert one.n_subproblems_ <= many.n_subproblems_
    verify(one.certificate_)
    verify(many.certificate_)


@pytest.mark.parametrize("loss", LOSSES)
@pytest.mark.parametrize("bias", [False, True])
def test_sign_bounds_on_many_points_equal_the_scalar_bound(loss, bias):
    rng = random.Random(31)
    D = 70 if not bias else 19  # more than one 64-bit word, and several bytes per word
    y = [mpq(v) for v in _labels(loss, [rng.randint(-6, 6) for _ in range(D)])]
    if loss != "hinge":
        y[0] = mpq(7, 3)  # a rational label: a common denominator
    masks = np.array([[rng.random() < 0.4 for _ in range(D)] for _ in range(9)])
    signs = [rng.choice((1, -1)) for _ in range(9)]
    sb = SignBounds(loss, y, masks, signs, bias)
    combos = np.array([[rng.randrange(9) for _ in range(3)] for _ in range(15)])
    for row, b in zip(combos.tolist(), sb.of(combos).tolist()):
        pos = {j for p in row if signs[p] > 0 for j in range(D) if masks[p][j]}
        neg = {j for p in row if signs[p] < 0 for j in range(D) if masks[p][j]}
        zero = [j for j in range(D) if j not in pos | neg]
        assert mpq(b) / sb.denominator == sign_bound(loss, y, zero, sorted(pos - neg), sorted(neg - pos), bias)


def test_cell_multipliers_on_the_walls_alone_exist_exactly_when_they_exist_at_all():
    """The certificate's multipliers are sought on the cell's walls only (the facets'
    points, by cddlib's redundancy test): for random duals, feasible for the pair or not,
    on data with repeated and collinear points, the restricted answer exists iff the
    unrestricted one does, satisfies the verifier's equation with mu >= 0, and is 0 off
    the walls; of repeated points at most one is a wall."""
    from polyrelu.training.subproblem import cell_walls

    rng = random.Random(12)
    for X in ([[0, 0], [1, 1], [2, 2], [3, 1], [3, 1], [-1, 2], [2, -3]],
              [[rng.randint(-5, 5), rng.randint(-5, 5)] for _ in range(8)]):
        Xs = tuple(tuple(mpq(v) for v in x) for x in X)
        cells = ExactReluTrainer()._problem(Xs, tuple(mpq(0) for _ in Xs))[0].cells
        seen = 0
        for c in cells:
            walls = cell_walls(Xs, c)
            assert walls == sorted(set(walls)) and all(0 <= j < len(Xs) for j in walls)
            assert not ({3, 4} <= set(walls) and Xs[3] == Xs[4])  # one of two equal points
            for _ in range(6):
                u = [mpq(rng.randint(-3, 3), rng.randint(1, 3)) for _ in Xs]
                for s in (1, -1):
                    full, on_walls = cell_multipliers(Xs, c, s, u), cell_multipliers(Xs, c, s, u, walls)
                    assert (full is None) == (on_walls is None)
                    if on_walls is None:
                        continue
                    seen += 1
                    assert all(v >= 0 for v in on_walls) and all(on_walls[j] == 0 for j in range(len(Xs)) if j not in walls)
                    xt = [tuple(x) + (mpq(1),) for x in Xs]
                    for t in range(3):
                        lhs = sum(on_walls[j] * (1 if c[j] else -1) * xt[j][t] for j in range(len(Xs)))
                        assert lhs == -s * sum(u[j] * xt[j][t] for j in range(len(Xs)) if c[j])
        assert seen > 10  # feasible duals were met, not only infeasible ones
