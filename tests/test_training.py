"""Exact one-hidden-layer training (Algorithm 1): all three losses, pruning, certificates."""

import copy
import itertools
import json
import random
import time

import pytest
from gmpy2 import mpq
from hypothesis import given, settings
from hypothesis import strategies as st

from polyrelu.exact import nnls as _nnls
from polyrelu.verify import verify
from polyrelu.errors import CertificateError, InternalError, ShapeError
from polyrelu.exact.linalg import solve
from polyrelu.exact.rational import Rational
from polyrelu.training.bounds import sign_bound
from polyrelu.training.subproblem import solve as solve_subproblem
from polyrelu.training.trainer import ExactReluTrainer, all_splits_optimum

LOSSES = ("absolute", "squared", "hinge")


def _labels(loss, values):
    return [1 if v >= 0 else -1 for v in values] if loss == "hinge" else values


# ----------------------------------------------------------------- closed forms and fits
@pytest.mark.parametrize("loss", LOSSES)
def test_data_from_a_width_2_network_is_fitted_exactly(loss):
    # f(x) = relu(x - 1) - relu(-x)  (2 neurons); for hinge the labels are scaled to +-1
    X = [[mpq(k, 2)] for k in range(-4, 7)]
    y = [max(x[0] - 1, 0) - max(-x[0], 0) for x in X]
    if loss == "hinge":
        X = [x for x, v in zip(X, y) if v != 0]
        y = [1 if v > 0 else -1 for v in y if v != 0]
    t = ExactReluTrainer(width=2, loss=loss).fit(X, y)
    assert t.loss_ == 0 and t.certified_ and all(isinstance(v, Rational) for v in t.predict(X))
    if loss != "hinge":
        assert t.predict(X) == tuple(y)
    assert ExactReluTrainer(width=1, loss=loss).fit(X, y).loss_ > 0


def test_squared_loss_closed_forms():
    # all points equal: the best prediction is the mean (one neuron reaches any value), loss = variance
    ys = [mpq(1), mpq(4), mpq(-2), mpq(7, 3)]
    mean = sum(ys) / 4
    var = sum((v - mean) ** 2 for v in ys) / 4
    assert ExactReluTrainer(width=1, loss="squared").fit([[3, -1]] * 4, ys).loss_ == var
    # one neuron, points on a line through the data: least squares of a line through the
    # active points only; with all labels on a line ax + b and every point active: 0
    X = [[k] for k in range(1, 6)]
    assert ExactReluTrainer(width=1, loss="squared").fit(X, [2 * k - 1 for k in range(1, 6)]).loss_ == 0
    # labels on a line that changes sign: one neuron cannot follow both sides, two can
    y = [2 * k - 5 for k in range(1, 6)]
    assert ExactReluTrainer(width=1, loss="squared").fit(X, y).loss_ > 0
    assert ExactReluTrainer(width=2, loss="squared").fit(X, y).loss_ == 0


def test_scaling_labels_scales_the_squared_loss_by_the_square():
    rng = random.Random(5)
    X = [[rng.randint(-4, 4), rng.randint(-4, 4)] for _ in range(6)]
    y = [mpq(rng.randint(-5, 5)) for _ in range(6)]
    base = ExactReluTrainer(width=2, loss="squared").fit(X, y).loss_
    for lam in (mpq(3), mpq(-2, 5)):
        assert ExactReluTrainer(width=2, loss="squared").fit(X, [lam * v for v in y]).loss_ == lam * lam * base


# ----------------------------------------------------------------- brute force over all splits
@settings(max_examples=15, deadline=None)
@given(st.sampled_from(LOSSES), st.integers(1, 2), st.lists(st.tuples(st.integers(-3, 3), st.integers(-3, 3)), min_size=1, max_size=4), st.booleans())
def test_arrangement_cells_equal_brute_force_over_all_splits(loss, w, data, bias):
    X = [[mpq(a)] for a, _ in data]
    y = _labels(loss, [mpq(b) for _, b in data])
    t = ExactReluTrainer(width=w, loss=loss, output_bias=bias).fit(X, y)
    assert t.loss_ == all_splits_optimum(t, X, y)
    verify(t.certificate_)


@pytest.mark.parametrize("loss", LOSSES)
def test_brute_force_in_two_dimensions(loss):
    X = [[0, 0], [1, 0], [0, 1], [1, 1]]
    y = _labels(loss, [-1, 1, 1, -1])  # XOR
    for bias in (False, True):
        t = ExactReluTrainer(width=2, loss=loss, output_bias=bias).fit(X, y)
        assert t.loss_ == all_splits_optimum(t, X, y)


@pytest.mark.parametrize("loss", LOSSES)
def test_optimum_never_increases_with_width_and_ignores_order(loss):
    rng = random.Random(3)
    X = [[mpq(rng.randint(-5, 5), 2)] for _ in range(6)]
    y = _labels(loss, [mpq(rng.randint(-4, 4)) for _ in range(6)])
    losses = [ExactReluTrainer(width=w, loss=loss).fit(X, y).loss_ for w in (1, 2, 3)]
    assert losses[0] >= losses[1] >= losses[2]
    perm = list(range(6))
    rng.shuffle(perm)
    assert ExactReluTrainer(width=2, loss=loss).fit([X[i] for i in perm], [y[i] for i in perm]).loss_ == losses[1]


# ----------------------------------------------------------------- bounds and the exact QP
@settings(max_examples=40, deadline=None)
@given(st.sampled_from(LOSSES), st.booleans(), st.integers(0, 10**6))
def test_sign_bound_never_exceeds_the_subproblem_optimum(loss, bias, seed):
    rng = random.Random(seed)
    D = rng.randint(1, 5)
    X = tuple((mpq(rng.randint(-3, 3)), mpq(rng.randint(-3, 3))) for _ in range(D))
    y = tuple(_labels(loss, [mpq(rng.randint(-4, 4), rng.randint(1, 2)) for _ in range(D)]))
    t = ExactReluTrainer(width=2, loss=loss, output_bias=bias)
    prob, _ = t._problem(X, y)
    chosen = [(rng.randrange(len(prob.cells)), rng.choice((1, -1))) for _ in range(2)]
    pos = {j for ci, s in chosen if s > 0 for j in range(D) if prob.cells[ci][j]}
    neg = {j for ci, s in chosen if s < 0 for j in range(D) if prob.cells[ci][j]}
    zero = [j for j in range(D) if j not in pos | neg]
    assert sign_bound(loss, y, zero, sorted(pos - neg), sorted(neg - pos), bias) <= solve_subproblem(prob, chosen).value


def test_sign_bound_with_output_bias_is_the_minimum_over_c():
    # zero group {0, 1} (labels 0 and 4), pos-only {2} (label -10): min_c (c^2 + (c-4)^2 + max(0, c+10)^2)
    # is at c = 2 - 2/3 ... check against a fine rational grid plus the exact stationary point
    ys = [mpq(0), mpq(4), mpq(-10)]
    got = sign_bound("squared", ys, [0, 1], [2], [], True)
    f = lambda c: c * c + (c - 4) ** 2 + max(mpq(0), c + 10) ** 2  # noqa: E731
    grid = min(f(mpq(k, 30)) for k in range(-600, 600))
    assert got <= grid and got == f(mpq(-2, 1))  # three equal-weight squares: c = mean(0, 4, -10) = -2
    assert sign_bound("absolute", ys, [0, 1], [2], [], True) == 14  # |c| + |c - 4| + max(0, c + 10): least at c = 0
    assert sign_bound("hinge", [1, -1], [0, 1], [], [], True) == 2  # 1 - c and 1 + c: sum 2 for c in [-1, 1]


def _subset_nnls(cols, y):
    """Independent route: the projection onto a cone is the best least-squares point over
    all column subsets whose unconstrained solution is nonnegative."""
    best = sum(v * v for v in y)
    for k in range(1, len(cols) + 1):
        for S in itertools.combinations(range(len(cols)), k):
            M = [[sum(a * b for a, b in zip(cols[p], cols[q])) for q in S] for p in S]
            rhs = [sum(a * b for a, b in zip(cols[p], y)) for p in S]
            z = solve(M, rhs)
            if z is None or any(v < 0 for v in z):
                continue
            r = [v - sum(z[i] * cols[S[i]][j] for i in range(k)) for j, v in enumerate(y)]
            best = min(best, sum(v * v for v in r))
    return best


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 4), st.integers(1, 5), st.integers(0, 10**6))
def test_exact_nnls_matches_subset_enumeration_with_and_without_the_proposal(D, m, seed):
    rng = random.Random(seed)
    cols = [tuple(mpq(rng.randint(-3, 3)) for _ in range(D)) for _ in range(m)]
    if rng.random() < 0.3 and m > 1:
        cols[1] = tuple(2 * v for v in cols[0])  # parallel columns: degenerate
    y = tuple(mpq(rng.randint(-5, 5), rng.randint(1, 3)) for _ in range(D))
    expect = _subset_nnls(cols, y)
    for res in (_nnls.nnls(cols, y), _nnls.nnls(cols, y, propose=None), _nnls.nnls(cols, y, propose=lambda c, v: list(range(len(c))))):
        assert res.value == expect
        assert all(c >= 0 for c in res.coef)
        r = [v - sum(z * c[j] for z, c in zip(res.coef, cols)) for j, v in enumerate(y)]
        assert tuple(r) == res.residual


def test_a_wrong_proposal_falls_back_to_exact_lawson_hanson():
    cols, y = [(1, 0), (0, 1), (1, 1)], (mpq(-1), mpq(2))
    res = _nnls.nnls(cols, y, propose=lambda c, v: [0, 2])  # wrong active set
    assert res.route == "lawson-hanson" and res.value == 1 and res.coef[1] == 2
    assert _nnls.nnls(cols, y).route == "proposal"


# ----------------------------------------------------------------- degenerate data, determinism, budget
@pytest.mark.parametrize("loss", ("absolute", "squared"))
def test_degenerate_data(loss):
    # duplicate x with different labels: absolute fits anything in [0, 2], squared the mean
    t = ExactReluTrainer(width=1, loss=loss).fit([[1], [1]], [0, 2])
    (p,) = t.predict([[1]])
    assert t.loss_ == 1 and (p == 1 if loss == "squared" else 0 <= p <= 2)  # |p| + |p - 2| = 2 exactly on [0, 2]
    t = ExactReluTrainer(width=2, loss=loss, output_bias=True).fit([[2, 2]] * 3, [1, 1, 1])  # all equal, D < n + 1
    assert t.loss_ == 0
    t = ExactReluTrainer(width=2, loss=loss, output_bias=True).fit([[1], [1]], [0, 2])  # duplicates, certified
    verify(t.certificate_)
    t = ExactReluTrainer(width=1, loss=loss).fit([[5]], [3])  # a single point
    assert t.loss_ == 0 and verify(t.certificate_)["multisets"] == 2  # 2 cells; the dead one is skipped: 1 cell x 2 signs
    X = [[k, 2 * k] for k in range(-2, 3)]  # collinear points in R^2
    y = [abs(k) for k in range(-2, 3)]
    t = ExactReluTrainer(width=2, loss=loss).fit(X, y)
    assert t.loss_ == 0 and t.loss_ == all_splits_optimum(t, X, y)
    verify(t.certificate_)


def test_results_do_not_depend_on_the_number_of_workers():
    rng = random.Random(11)
    X = [[rng.randint(-5, 5), rng.randint(-5, 5)] for _ in range(7)]
    y = [rng.randint(-5, 5) for _ in range(7)]
    one = ExactReluTrainer(width=2, workers=1).fit(X, y)
    two = ExactReluTrainer(width=2, workers=2).fit(X, y)
    assert (one.loss_, one.network_, one.n_subproblems_, one.n_pruned_) == (two.loss_, two.network_, two.n_subproblems_, two.n_pruned_)
    assert one.n_subproblems_ + one.n_pruned_ == one.n_candidates_
    assert one.n_pruned_sign_ > 0 and one.n_pruned_dual_ > 0
    assert json.dumps(one.certificate_, sort_keys=True) == json.dumps(two.certificate_, sort_keys=True)


def _scrambled_chunk(job, combos, proposals):
    """The workers' task, finishing after a random delay: parts complete out of order."""
    import time

    from polyrelu.training import _executor

    time.sleep(random.random() * 0.004)
    return _executor._REAL_CHUNK(job, combos, proposals)


def test_pipelined_batches_do_not_depend_on_completion_order_or_workers(monkeypatch):
    """Two batches are in flight (the next is built before the previous one reports), parts
    of a batch finish in scrambled order on two processes, and a batch size that does not
    divide evenly over the workers: the optimum, the network, every count and the
    certificate equal those of one process."""
    from polyrelu.training import _executor

    rng = random.Random(23)
    X = [[rng.randint(-6, 6), rng.randint(-6, 6)] for _ in range(8)]
    y = [rng.randint(-5, 5) for _ in range(8)]
    events = []
    real_submit, real_result = _executor.Runner.submit, _executor.Pending.result
    monkeypatch.setattr(_executor.Runner, "submit", lambda self, *a: events.append("submit") or real_submit(self, *a))
    monkeypatch.setattr(_executor.Pending, "result", lambda self: events.append("result") or real_result(self))
    one = ExactReluTrainer(width=2, workers=1, batch_size=7).fit(X, y)
    assert "submit,submit,result" in ",".join(events)  # the pipeline: a batch is sent before the previous one is read
    monkeypatch.setattr(_executor, "_REAL_CHUNK", _executor._solve_chunk, raising=False)
    monkeypatch.setattr(_executor, "_solve_chunk", _scrambled_chunk)
    two = ExactReluTrainer(width=2, workers=2, batch_size=7).fit(X, y)
    key = (lambda t: (t.loss_, t.network_, t.n_subproblems_, t.n_pruned_sign_, t.n_pruned_dual_, t.n_fallbacks_, t.n_duals_confirmed_))
    assert key(one) == key(two)
    assert one.n_subproblems_ > 2 * 7  # several batches, so the pipeline mattered
    assert one.n_subproblems_ + one.n_pruned_ == one.n_candidates_  # each multiset decided once (none lost in flight)
    assert json.dumps(one.certificate_, sort_keys=True) == json.dumps(two.certificate_, sort_keys=True)
    verify(two.certificate_)


def _failing_chunk(job, combos, proposals):
    raise ValueError("a worker failed")


def _dying_chunk(job, combos, proposals):
    import os

    os._exit(3)


@pytest.mark.parametrize("task, error", [(_failing_chunk, ValueError), (_dying_chunk, InternalError)])
def test_a_worker_that_fails_or_dies_is_an_error_not_a_hang(monkeypatch, task, error):
    """Local workers serve requests over pipes: an exception in a worker is raised in
    the caller, and a worker that dies (killed, out of memory) is an InternalError."""
    from polyrelu.training import _executor

    rng = random.Random(3)
    X = [[rng.randint(-6, 6), rng.randint(-6, 6)] for _ in range(6)]
    y = [rng.randint(-5, 5) for _ in range(6)]
    monkeypatch.setattr(_executor, "_solve_chunk", task)
    with pytest.raises(error):
        ExactReluTrainer(width=2, workers=2).fit(X, y)
    monkeypatch.undo()
    assert ExactReluTrainer(width=2, workers=2).fit(X, y).certified_  # the next fit has a pool of its own


def _big_reply(job, n):
    return bytes(n)


def test_closing_the_workers_with_unread_replies_does_not_hang():
    """A worker blocked sending a large reply nobody reads (the budget ran out, or the
    main process failed) is stopped anyway: the runner closes within seconds."""
    import threading
    import time

    from polyrelu.training import _executor

    tr = ExactReluTrainer(width=2)
    Xs, ys = tr._validate([[0, 0], [1, 0], [0, 1], [2, 3]], [1, 2, 3, 4])
    prob, _ = tr._problem(Xs, ys)
    pairs, _, _, job, _, _ = tr._candidates(prob, None)
    done = []

    def run():
        with _executor.Runner(2) as runner:
            runner.start(job, tuple(pairs[:2]), False)
            runner.call(_big_reply, job, [(16 << 20,), (16 << 20,)])  # far more than a pipe holds
            time.sleep(0.3)
        done.append(True)

    th = threading.Thread(target=run, daemon=True)
    th.start()
    th.join(timeout=30)
    assert done, "closing the runner hung on workers blocked in sending their replies"


def test_setup_on_the_pool_gives_the_same_order_and_bounds(monkeypatch):
    """The sign bounds and the sort done in chunks on two processes (stably sorted chunks
    merged by the main process) give exactly the in-process order and bounds, ties
    included, for every width and loss; and a whole fit so set up equals one process."""
    import numpy as np

    from polyrelu.training import _executor, trainer as tmod

    rng = random.Random(5)
    X = [[rng.randint(-3, 3), rng.randint(-3, 3)] for _ in range(7)]
    y = [rng.randint(-2, 2) for _ in range(7)]
    monkeypatch.setattr(tmod, "_POOL_SETUP", 1)
    monkeypatch.setattr(tmod, "_POOL_CHUNK", 97)  # many small chunks, uneven sizes
    for loss, w, bias in [("absolute", 1, False), ("absolute", 2, False), ("squared", 2, True), ("hinge", 3, False)]:
        yy = [1 if v >= 0 else -1 for v in y] if loss == "hinge" else y
        tr = ExactReluTrainer(width=w, loss=loss, output_bias=bias)
        Xs, ys = tr._validate(X, yy)
        prob, _ = tr._problem(Xs, ys)
        here = tr._candidates(prob, None)
        with _executor.Runner(2) as runner:
            pool = tr._candidates(prob, None, runner, False)
        assert here[1] == pool[1] == len(here[4]) == len(pool[4])
        assert np.array_equal(here[4], pool[4]) and list(here[5]) == list(pool[5])
        ref = np.array(list(itertools.combinations(range(len(here[0])), w)), dtype=np.int64)  # the lexicographic order
        b = here[2].of(ref)
        order = sorted(range(len(ref)), key=lambda i: (b[i], i))  # by bound, ties lexicographic
        assert np.array_equal(here[4], ref[order]) and list(here[5]) == [b[i] for i in order]
        assert len(set(b.tolist())) < len(b)  # there are ties to break
    one = ExactReluTrainer(width=2, workers=1).fit(X, y)
    two = ExactReluTrainer(width=2, workers=2).fit(X, y)
    key = (lambda t: (t.loss_, t.network_, t.n_subproblems_, t.n_pruned_sign_, t.n_pruned_dual_, t.n_fallbacks_))
    assert key(one) == key(two)
    assert json.dumps(one.certificate_, sort_keys=True) == json.dumps(two.certificate_, sort_keys=True)


def test_budget_stops_with_the_best_network_and_a_valid_bracket():
    rng = random.Random(4)
    X = [[rng.randint(-5, 5)] for _ in range(10)]
    y = [rng.randint(-5, 5) for _ in range(10)]
    full = ExactReluTrainer(width=2).fit(X, y)
    part = ExactReluTrainer(width=2, max_subproblems=5).fit(X, y)
    assert not part.certified_ and part.certificate_ is None and part.n_subproblems_ == 5
    assert part.lower_bound_ <= full.loss_ <= part.loss_
    assert part.loss_ == sum(abs(p - v) for p, v in zip(part.predict(X), y)) / 10


@pytest.mark.parametrize("workers", [1, 2])
def test_a_small_budget_is_kept_during_the_setup(monkeypatch, workers):
    """The set-up (sign bounds of every multiset, on the workers or here) stops at the
    deadline: with sign bounds made slow (0.15 s per 64 multisets, several seconds in
    all), a 0.5 s budget returns uncertified well within a second of it (before, the
    main process waited for a whole chunk of the pool: seconds)."""
    import time

    from polyrelu.training import bounds, trainer as tmod

    real_of = bounds.SignBounds.of

    def slow_of(self, combos):
        time.sleep(0.15)
        return real_of(self, combos)

    rng = random.Random(8)
    X = [[rng.randint(-9, 9), rng.randint(-9, 9)] for _ in range(8)]
    y = [rng.randint(-5, 5) for _ in range(8)]
    monkeypatch.setattr(tmod, "_POOL_SETUP", 1)
    monkeypatch.setattr(tmod, "_CHUNK", 64)
    monkeypatch.setattr(bounds.SignBounds, "of", slow_of)  # inherited by the forked workers
    t = ExactReluTrainer(width=2, loss="absolute", workers=workers, max_seconds=0.5)
    t0 = time.monotonic()
    t.fit(X, y)
    took = time.monotonic() - t0
    assert t.n_candidates_ > 40 * 64  # the set-up alone would take over 6 s
    assert not t.certified_ and t.certificate_ is None and t.lower_bound_ == 0
    assert took < 0.5 + 1.0, f"a 0.5 s budget took {took:.2f} s"


def _zero_network_result(t, X, y, loss="squared"):
    """The documented result of a budget that ran out before anything was solved."""
    D = len(X)
    assert not t.certified_ and t.certificate_ is None and t.lower_bound_ == 0
    assert all(v == 0 for v in t.predict(X + [[7, -3]]))  # the zero network
    expected = sum(mpq(v) ** 2 for v in y) / D if loss == "squared" else sum(abs(mpq(v)) for v in y) / D
    assert t.loss_ == expected
    assert (t.n_subproblems_, t.n_pruned_, t.n_pruned_sign_, t.n_pruned_dual_, t.n_fallbacks_, t.n_duals_confirmed_) == (0,) * 6
    assert t.paper_bound_ == 2 ** t.width * D ** (len(X[0]) * t.width)


def _slow(monkeypatch, stage, seconds):
    """Make one stage of building the problem slow (its items sleep)."""
    import importlib

    from polyrelu.training import subproblem, trainer as tmod

    if stage == "arrangement":  # one step of deletion-restriction per hyperplane (12 here)
        cover_mod = importlib.import_module("polyrelu.cells.cover")
        real = cover_mod._keyed_step
        monkeypatch.setattr(cover_mod, "_keyed_step", lambda *a: time.sleep(seconds) or real(*a))
    elif stage == "subsets":  # the n-subsets of all_cell_generators (66 here, 3 determinants each)
        real = subproblem._det
        monkeypatch.setattr(subproblem, "_det", lambda M: time.sleep(seconds) or real(M))
        monkeypatch.setattr(subproblem, "_CHECK_ITEMS", 4, raising=False)  # few items: check often enough to see them
    else:  # the columns, one cell at a time (134 cells here)
        real = tmod.cell_integer_columns
        monkeypatch.setattr(tmod, "cell_integer_columns", lambda *a: time.sleep(seconds) or real(*a))


def _twelve_points():
    rng = random.Random(11)
    return [[rng.randint(-20, 20), rng.randint(-20, 20)] for _ in range(12)], [rng.randint(-5, 5) for _ in range(12)]


@pytest.mark.parametrize("stage, seconds", [("arrangement", 0.3), ("subsets", 0.02), ("columns", 0.03)])
def test_a_small_budget_is_kept_while_building_the_problem(monkeypatch, stage, seconds):
    """Each stage of building the problem made slow (about 4 s in all): a 0.3 s budget
    returns within a second with the zero network, uncertified, every count 0 (before,
    the budget was first looked at after the build)."""
    X, y = _twelve_points()
    full = ExactReluTrainer(width=1, loss="squared").fit(X, y)
    _slow(monkeypatch, stage, seconds)
    t = ExactReluTrainer(width=1, loss="squared", max_seconds=0.3)
    t0 = time.monotonic()
    t.fit(X, y)
    took = time.monotonic() - t0
    assert took < 0.3 + 0.8, f"a 0.3 s budget took {took:.2f} s"
    _zero_network_result(t, X, y)
    assert t.n_cells_ == 0 and t.n_candidates_ == 0  # the problem was not built
    assert set(vars(t)) == set(vars(full))  # every attribute of a finished fit is set


def test_a_small_budget_is_kept_building_a_real_problem():
    """The growth benchmark's data at n = 2, D = 128 (16,256 cells; the build takes about
    2 s: the arrangement, the cells' generators and their columns): a 0.5 s budget
    returns within about a second with the documented result."""
    from polyrelu.paper.instances import random_dataset

    X, y = random_dataset(2, 128, 1328, spread=1000, labels="bench")
    t = ExactReluTrainer(width=1, loss="squared", max_seconds=0.5)
    t0 = time.monotonic()
    t.fit(X, y)
    took = time.monotonic() - t0
    assert took < 0.5 + 1.0, f"a 0.5 s budget took {took:.2f} s"
    _zero_network_result(t, X, y)
    assert t.n_cells_ == 0 and t.n_candidates_ == 0


def test_a_budget_that_runs_out_as_the_build_ends_skips_the_set_up(monkeypatch):
    """The deadline passes during the last cell's columns: the problem is built (its
    counts are reported, equal to those of a finished fit), the tables of the set-up are
    not (before, the pairs' feasibility tables were built first: seconds at 10^4 cells)."""
    from polyrelu.training import trainer as tmod

    X, y = _twelve_points()
    full = ExactReluTrainer(width=2, loss="absolute").fit(X, y)
    real, calls, tables = tmod.cell_integer_columns, [], []

    def last_is_slow(*a):
        calls.append(1)
        if len(calls) == full.n_cells_ - 1:  # every cell has columns but the all-inactive one (a = 0, b < 0)
            time.sleep(1.2)
        return real(*a)

    real_pf = tmod.PairFeasibility
    monkeypatch.setattr(tmod, "cell_integer_columns", last_is_slow)
    monkeypatch.setattr(tmod, "PairFeasibility", lambda *a: tables.append(1) or real_pf(*a))
    t = ExactReluTrainer(width=2, loss="absolute", max_seconds=1.0).fit(X, y)
    _zero_network_result(t, X, y, loss="absolute")
    assert len(calls) == full.n_cells_ - 1 and not tables
    assert (t.n_cells_, t.n_candidates_) == (full.n_cells_, full.n_candidates_) and full.n_candidates_ > 0


def test_cli_train_reports_a_budget_that_ran_out_while_building(tmp_path, capsys, monkeypatch):
    from polyrelu.cli import main

    X, y = _twelve_points()
    data = tmp_path / "d.csv"
    data.write_text("x1,x2,label\n" + "".join(f"{a},{b},{v}\n" for (a, b), v in zip(X, y)))
    _slow(monkeypatch, "columns", 0.03)
    cert = tmp_path / "c.json"
    args = ["train", str(data), "--width", "1", "--loss", "squared", "--max-seconds", "0.3", "--certificate", str(cert)]
    assert main(args + ["--json"]) == 4
    info = json.loads(capsys.readouterr().out)
    assert info["certified"] is False and mpq(info["lower_bound"]) == 0 and (info["cells"], info["subproblems"]) == (0, 0)
    assert mpq(info["loss"]) == sum(mpq(v) ** 2 for v in y) / len(y)
    assert main(args) == 4
    out = capsys.readouterr()
    assert "while building the problem" in out.out and "PARTIAL" in out.out and not cert.exists()
    assert "no certificate written" in out.err


# ----------------------------------------------------------------- certificates
def _cert():
    t = ExactReluTrainer(width=2, loss="absolute").fit([[0, 0], [1, 0], [0, 1], [1, 1], [2, 1]], [0, 3, 1, -1, 2])
    return t, t.certificate_


def test_certificate_verifies_and_counts_every_multiset():
    from math import comb

    t, cert = _cert()
    summary = verify(json.loads(json.dumps(cert)))
    pairs = 2 * (t.n_cells_ - 1)  # every cell but the all-inactive one, with both signs
    assert summary["multisets"] == comb(pairs + 1, 2)  # the verifier counts multisets with repeats too
    assert t.n_candidates_ == comb(pairs, 2)  # the trainer skips repeated pairs (dominated)
    assert summary["by_dual"] > 0 and summary["by_sign_bound"] > 0
    assert mpq(summary["optimum"]) == t.loss_


def _tamper_optimum(c):
    c["optimum"] = str(mpq(c["optimum"]) + mpq(1, 100))


def _tamper_dual(c):
    c["duals"][0]["u"][0] = "2"  # absolute loss needs |u_j| <= 1


def _tamper_mu(c):
    mu = c["duals"][0]["pairs"][0]["mu"]
    mu[0] = str(mpq(mu[0]) + 1)  # breaks the dual equation of the constant coordinate


def _drop_duals(c):
    c["duals"] = []  # the multisets below the optimum's sign bound lose their cover


def _flip_pair_sign(c):
    for e in c["duals"]:
        for nd in e["pairs"]:
            u = [mpq(v) for v in e["u"]]
            if any(u[j] for j, a in enumerate(nd["cell"]) if a == "+"):  # the pair's dual equation involves u
                nd["sign"] = -nd["sign"]
                return


def _tamper_network(c):
    c["network"]["layers"][0]["biases"][0] = str(mpq(c["network"]["layers"][0]["biases"][0]) + 1)


def _worse_network(c):
    # a consistent but suboptimal claim: the zero network and its risk; the dual bound of
    # the true optimum's subproblem is below it
    from polyrelu.nets.network import ReluNetwork

    X = [[mpq(v) for v in x] for x in c["data"]["X"]]
    y = [mpq(v) for v in c["data"]["y"]]
    zero = ReluNetwork(2, [([[0, 0], [0, 0]], [0, 0]), ([[1, 1]], [0])])
    c["network"] = zero.to_dict()
    c["optimum"] = str(sum(abs(v) for v in y) / len(X))


def _tamper_data(c):
    c["data"]["y"][0] = str(mpq(c["data"]["y"][0]) - 1)


def _drop_cell(c):
    regions = c["arrangement_certificate"]["regions"]
    c["arrangement_certificate"]["regions"] = regions[1:]
    c["arrangement_certificate"]["n_regions"] -= 1


def _negative_mu(c):
    for e in c["duals"]:
        for nd in e["pairs"]:
            k = next((i for i, v in enumerate(nd["mu"]) if v != "0"), None)
            if k is not None:
                nd["mu"][k] = str(-mpq(nd["mu"][k]))
                return


@pytest.mark.parametrize("tamper", [_tamper_optimum, _tamper_dual, _tamper_mu, _drop_duals, _flip_pair_sign, _tamper_network, _worse_network, _tamper_data, _drop_cell, _negative_mu])
def test_certificate_rejects_tampering(tamper):
    _, cert = _cert()
    bad = copy.deepcopy(cert)
    tamper(bad)
    with pytest.raises(CertificateError):
        verify(bad)


# ----------------------------------------------------------------- bad input and the CLI
@pytest.mark.parametrize(
    "kwargs, X, y, match",
    [
        ({"width": 0}, [[1]], [1], "width"),
        ({"loss": "huber"}, [[1]], [1], "expected one of"),
        ({}, [], [], "empty"),
        ({}, [[1], [2, 3]], [1, 2], "ragged"),
        ({}, [[1], ["x"]], [1, 2], "not a rational"),
        ({}, [[1]], [1, 2], "length"),
        ({"loss": "hinge"}, [[1]], [2], "labels"),
        ({}, [[0.5]], [1], "float"),
        ({"max_seconds": -1}, [[1]], [1], "max_seconds"),
    ],
)
def test_bad_input(kwargs, X, y, match):
    with pytest.raises(Exception, match=match) as exc:
        ExactReluTrainer(**kwargs).fit(X, y)
    assert isinstance(exc.value, (ShapeError, ValueError, TypeError))


def test_cli_train(tmp_path, capsys):
    from polyrelu.cli import main

    data = tmp_path / "d.csv"
    data.write_text("x1,x2,label\n0,0,0\n1,0,1.5\n0,1,1/2\n1,1,2\n")
    cert = tmp_path / "c.json"
    assert main(["train", str(data), "--width", "2", "--loss", "squared", "--json", "--out", str(tmp_path / "n.json"),
                 "--certificate", str(cert)]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["width"] == 2 and info["certified"] is True and info["network"]["format"] == "polyrelu.network"
    X = [[0, 0], [1, 0], [0, 1], [1, 1]]
    y = [0, mpq(3, 2), mpq(1, 2), 2]
    assert mpq(info["loss"]) == ExactReluTrainer(width=2, loss="squared").fit(X, y).loss_
    assert main(["verify", str(cert)]) == 0
    assert "certificate valid" in capsys.readouterr().out
    hard = tmp_path / "h.csv"
    hard.write_text("x,label\n" + "".join(f"{k},{v}\n" for k, v in enumerate([0, 3, -1, 4, -2, 5, 1, -3])))
    assert main(["train", str(hard), "--width", "2", "--max-subproblems", "1", "--certificate", str(tmp_path / "p.json")]) == 4
    assert "PARTIAL" in capsys.readouterr().out and not (tmp_path / "p.json").exists()
    data.write_text("x1,label\n0,0\n1\n")
    assert main(["train", str(data), "--width", "1"]) == 3
    assert "line 3 has 1 fields" in capsys.readouterr().err
    data.write_text("x1,label\n0,zero\n")
    assert main(["train", str(data), "--width", "1"]) == 3
    data.write_text("x1,label\n0,1\n")
    assert main(["train", str(data), "--width", "0"]) == 2


def test_the_main_process_claims_subproblems_of_every_batch_beside_its_workers(monkeypatch):
    """workers=2 is this process and one forked worker, and both take the subproblems of
    each batch one at a time from a shared counter: this process solves some of them
    (while it waits for the batch), the worker the rest, each exactly once, and the
    results equal one process's, also when the worker is slow (then this process takes
    more) or fast."""
    from polyrelu.training import _executor

    rng = random.Random(29)
    X = [[rng.randint(-9, 9), rng.randint(-9, 9)] for _ in range(9)]
    y = [rng.randint(-5, 5) for _ in range(9)]
    one = ExactReluTrainer(width=2, workers=1, batch_size=8).fit(X, y)
    key = (lambda t: (t.loss_, t.network_, t.n_subproblems_, t.n_pruned_sign_, t.n_pruned_dual_, t.n_fallbacks_))
    real_here = _executor._solve_here
    monkeypatch.setattr(_executor, "_REAL_CHUNK", _executor._solve_chunk, raising=False)
    shares = []
    for delay in (None, 0.004):
        here: list[int] = []
        monkeypatch.setattr(_executor, "_solve_here", lambda job, combos, p: here.append(len(combos)) or real_here(job, combos, p))
        if delay:  # a slow worker
            monkeypatch.setattr(_executor, "_solve_chunk", _slow_chunk)
        two = ExactReluTrainer(width=2, workers=2, batch_size=8).fit(X, y)
        assert key(two) == key(one)
        assert json.dumps(two.certificate_, sort_keys=True) == json.dumps(one.certificate_, sort_keys=True)
        assert 0 < sum(here) < two.n_subproblems_  # some here, the rest on the worker
        shares.append(sum(here) / two.n_subproblems_)
    assert shares[1] > shares[0]  # a slower worker leaves more to this process


def _slow_chunk(job, combos, proposals):
    import time

    from polyrelu.training import _executor

    time.sleep(0.004)
    return _executor._REAL_CHUNK(job, combos, proposals)


def test_the_final_network_takes_the_exact_route_only_when_certified(monkeypatch):
    """The winning subproblem is solved once more for the network: by the exact route
    when the fit is certified (the network must not depend on the float proposals), by
    the proposal route when a budget stopped it (the exact LP alone took 71 s at D = 256,
    far past a 60 s budget), and the two give the same loss."""
    from polyrelu.training import trainer as tmod

    rng = random.Random(31)
    X = [[rng.randint(-9, 9), rng.randint(-9, 9)] for _ in range(9)]
    y = [rng.randint(-5, 5) for _ in range(9)]
    calls = []
    real = tmod.solve
    monkeypatch.setattr(tmod, "solve", lambda prob, combo, **kw: calls.append(kw) or real(prob, combo, **kw))
    full = ExactReluTrainer(width=2, loss="absolute").fit(X, y)
    assert full.certified_ and calls[-1] == {"propose": False, "want_theta": True}
    part = ExactReluTrainer(width=2, loss="absolute", max_subproblems=3).fit(X, y)
    assert not part.certified_ and calls[-1] == {"propose": True, "want_theta": True}
    assert part.loss_ >= full.loss_ >= part.lower_bound_
    calls.clear()
    ExactReluTrainer(width=2, loss="absolute", max_subproblems=3, proposals=False).fit(X, y)
    assert calls[-1] == {"propose": False, "want_theta": True}


def test_lawson_hanson_enters_the_largest_gradient_ties_to_the_least_column():
    """The exact active-set method's path fixes which of several optimal coefficient
    vectors it returns (the certificates' bytes): the entering column has the largest
    a_j . r, ties to the least j, compared exactly (the gradient is computed on integers,
    one common scale for all columns, not one per column)."""
    from polyrelu.exact.nnls import nnls

    one, half = mpq(1), mpq(1, 2)
    assert nnls([(one, mpq(0)), (one, mpq(0))], [one, mpq(0)], propose=None).coef == (1, 0)  # a tie: column 0
    assert nnls([(half, mpq(0)), (one, mpq(0))], [one, mpq(0)], propose=None).coef == (0, 1)  # 1/2 < 1: column 1
    assert nnls([(one, mpq(0)), (mpq(1, 3), mpq(0))], [one, mpq(0)], propose=None).coef == (1, 0)
