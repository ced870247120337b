"""The training verifier's own sign bound, against the trainer's exact subproblem optima.

The verifier does not import the trainer; these tests do, to check the two independent
implementations against each other and the bound against exact optima.
"""

from __future__ import annotations

import itertools
import random

import pytest
from gmpy2 import mpq

from polyrelu.errors import FloatNotAllowedError, InvalidParameterError
from polyrelu.training import trainer
from polyrelu.training.subproblem import solve as solve_subproblem
from polyrelu.verify.training import sign_bound

LOSSES = ("absolute", "squared", "hinge")


def _problem(loss: str, bias: bool, seed: int, D: int, n: int):
    rng = random.Random(seed)
    X = tuple(tuple(mpq(rng.randint(-3, 3)) for _ in range(n)) for _ in range(D))
    if loss == "hinge":
        y = tuple(mpq(rng.choice((1, -1))) for _ in range(D))
    else:
        y = tuple(mpq(rng.randint(-4, 4), rng.randint(1, 2)) for _ in range(D))
    t = trainer.ExactReluTrainer(width=2, loss=loss, output_bias=bias)
    prob, _ = t._problem(X, y)
    return prob


def _groups(prob, chosen):
    D = prob.D
    pos = {j for ci, s in chosen if s > 0 for j in range(D) if prob.cells[ci][j]}
    neg = {j for ci, s in chosen if s < 0 for j in range(D) if prob.cells[ci][j]}
    zero = [j for j in range(D) if j not in pos | neg]
    return zero, sorted(pos - neg), sorted(neg - pos)


@pytest.mark.parametrize("loss", LOSSES)
@pytest.mark.parametrize("bias", (False, True))
@pytest.mark.parametrize("seed", range(3))
def test_sign_bound_is_below_every_exact_subproblem_optimum(loss, bias, seed):
    prob = _problem(loss, bias, seed, D=4, n=1 + seed % 2)
    choices = [(ci, s) for ci in range(len(prob.cells)) for s in (1, -1)]
    tight = 0
    for chosen in itertools.combinations_with_replacement(choices, 2):
        zero, pos, neg = _groups(prob, chosen)
        bound = sign_bound(loss, prob.y, zero, pos, neg, bias)
        assert bound == trainer.sign_bound(loss, prob.y, zero, pos, neg, bias)  # two implementations agree
        optimum = solve_subproblem(prob, chosen, propose=False).value  # the subproblem's exact optimum
        assert bound <= optimum
        tight += bound == optimum
    assert tight > 0  # the bound is attained somewhere (e.g. where no point is seen)


@pytest.mark.parametrize("loss", LOSSES)
def test_sign_bound_with_output_bias_is_the_infimum_over_c(loss):
    rng = random.Random(7)
    for _ in range(30):
        D = rng.randint(1, 6)
        ys = [mpq(rng.choice((1, -1))) if loss == "hinge" else mpq(rng.randint(-6, 6), rng.randint(1, 3)) for _ in range(D)]
        groups = [rng.choice(("zero", "pos", "neg", "free")) for _ in range(D)]
        zero, pos, neg = ([j for j in range(D) if groups[j] == g] for g in ("zero", "pos", "neg"))
        got = sign_bound(loss, ys, zero, pos, neg, True)

        def loss_of(p, y):
            return (p - y) ** 2 if loss == "squared" else abs(p - y) if loss == "absolute" else max(mpq(0), 1 - y * p)

        def L(c):  # the least loss for output bias c, by trying points of the allowed set (brute force)
            total = mpq(0)
            for j in range(D):
                allowed = {"zero": lambda p: p == c, "pos": lambda p: p >= c, "neg": lambda p: p <= c,
                           "free": lambda p: True}[groups[j]]
                total += min(loss_of(p, ys[j]) for p in (c, ys[j], c + 10**6, c - 10**6, mpq(1), mpq(-1)) if allowed(p))
            return total

        grid = [mpq(k, 12) for k in range(-100, 101)]
        assert all(L(c) >= got for c in grid)  # a lower bound for every c ...
        means = [sum(s, mpq(0)) / len(s) for r in range(1, D + 1) for s in itertools.combinations(ys, r)]
        assert got == min(L(c) for c in grid + ys + means + [mpq(0)])  # ... and attained (at a label or a mean)


def test_sign_bound_closed_forms():
    ys = [mpq(0), mpq(4), mpq(-10)]
    assert sign_bound("squared", ys, [0, 1], [2], [], True) == 4 + 36 + 64  # three squares at c = mean(0, 4, -10) = -2
    assert sign_bound("absolute", ys, [0, 1], [2], [], True) == 14  # |c| + |c - 4| + max(0, c + 10), least at c = 0
    assert sign_bound("hinge", [1, -1], [0, 1], [], [], True) == 2  # 1 - c and 1 + c: sum 2 for c in [-1, 1]
    assert sign_bound("absolute", [3, -2, 5], [0], [1], [2], False) == 10  # |0 - 3| + (0 + 2) + (5 - 0)
    assert sign_bound("squared", [3, -2], [], [0], [1], False) == 0  # both can be fitted from the right side
    assert sign_bound("squared", [3], [], [], [], True) == 0  # an unconstrained point costs nothing


def test_sign_bound_refuses_floats_and_unknown_losses():
    with pytest.raises(FloatNotAllowedError):
        sign_bound("absolute", [0.5], [0], [], [], False)
    with pytest.raises(InvalidParameterError):
        sign_bound("huber", [1], [0], [], [], False)
