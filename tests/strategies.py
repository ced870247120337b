"""Hypothesis strategies shared by the tests: small rationals, networks, arrangements."""

from __future__ import annotations

import random

from gmpy2 import mpq
from hypothesis import strategies as st

from polyrelu.nets.network import ReluNetwork


@st.composite
def rationals(draw, max_num: int = 20, max_den: int = 6):
    """Rationals with small numerators and denominators (they shrink to 0)."""
    num = draw(st.integers(-max_num, max_num))
    den = draw(st.integers(1, max_den))
    return mpq(num, den)


@st.composite
def networks(draw, input_dim=None, output_dim=None, max_hidden: int = 3, max_width: int = 4, integer=False):
    n = input_dim or draw(st.integers(1, 3))
    m = output_dim or draw(st.integers(1, 2))
    widths = draw(st.lists(st.integers(1, max_width), min_size=0, max_size=max_hidden))
    dims = [n, *widths, m]
    num = st.integers(-4, 4).map(mpq) if integer else rationals(8, 4)
    layers = []
    for i in range(len(dims) - 1):
        w = [[draw(num) for _ in range(dims[i])] for _ in range(dims[i + 1])]
        b = [draw(num) for _ in range(dims[i + 1])]
        layers.append((w, b))
    return ReluNetwork(n, layers)


def points(dim: int):
    return st.lists(rationals(30, 8), min_size=dim, max_size=dim)


@st.composite
def integer_arrangements(draw, max_dim: int = 3, max_n: int = 7, coef: int = 3):
    """Small integer arrangements, often degenerate (parallel, repeated, concurrent)."""
    from polyrelu.geometry.arrangement import HyperplaneArrangement

    d = draw(st.integers(1, max_dim))
    n = draw(st.integers(0, max_n))
    planes = []
    for _ in range(n):
        if planes and draw(st.integers(0, 4)) == 0:  # repeat (maybe rescaled / flipped) an earlier one
            a, b = planes[draw(st.integers(0, len(planes) - 1))]
            c = draw(st.sampled_from([1, -1, 2, -3]))
            planes.append(([c * v for v in a], c * b))
            continue
        a = [draw(st.integers(-coef, coef)) for _ in range(d)]
        if all(v == 0 for v in a):
            a[0] = 1
        b = draw(st.integers(-coef, coef))
        planes.append((a, b))
    return HyperplaneArrangement(planes, dim=d)


def rand_net(dims, seed, lo=-5, hi=5, zero=0.0):
    """A seeded network with integer weights in [lo, hi] (each zero with probability
    ``zero``): dims = (input, hidden..., output)."""
    rng = random.Random(seed)

    def v():
        return 0 if rng.random() < zero else rng.randint(lo, hi)

    return ReluNetwork(dims[0], [([[v() for _ in range(a)] for _ in range(b)], [v() for _ in range(b)]) for a, b in zip(dims, dims[1:])])
