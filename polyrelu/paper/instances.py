"""The one seeded instance generator: every random instance of polyrelu (the rows of
``polyrelu paper``, the proof tables, ``polyrelu hard-function --seed``,
``polyrelu zonotope-family --seed`` and the benchmark scripts) is drawn here, so the same
seed names the same network everywhere.

An instance is determined by a *key*: the seed followed by the instance's parameters
(and a kind tag, so that different kinds never share a stream).  The key seeds NumPy's
PCG64 through :class:`numpy.random.SeedSequence`; only integers are drawn, and every
number handed out is an exact integer or rational.

>>> zonotope_family_instance(2, 3, 2, 1, seed=0) == zonotope_family_instance(2, 3, 2, 1, seed=0)
True
>>> a = random_breakpoints(3, 1, seed=4)
>>> len(a), all(0 < x < 1 for x in a), list(a) == sorted(a)
(2, True, True)
>>> integer_matrix((2, 3), -1, 1, seed=7).shape
(2, 3)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np
from gmpy2 import mpq

from ..errors import InvalidParameterError, ShapeError
from ..exact.rational import Rational, as_rational, to_str

__all__ = [
    "generator", "integer_matrix", "random_breakpoints", "hard_function_instance", "random_hard_function",
    "FamilyInstance", "zonotope_family_instance", "random_affine_functions", "random_layer", "random_dataset",
    "random_network_layers", "random_pwl", "random_generators",
]

# kind tags: a key is (seed, tag, parameters...) so that kinds never share a stream
_BREAKPOINTS, _HARD, _FAMILY, _AFFINE, _LAYER, _DATA, _PWL, _GENERATORS = 1, 2, 3, 4, 5, 6, 7, 8


def _seed(seed: Any) -> int:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise InvalidParameterError(f"seed is {seed!r}; it must be a nonnegative integer")
    return int(seed)


def generator(*key: int) -> np.random.Generator:
    """The random stream of a key of nonnegative integers (the seed first).

    ``generator(seed)`` equals ``numpy.random.default_rng(seed)``.
    """
    if not key:
        raise InvalidParameterError("give at least the seed")
    return np.random.default_rng([_seed(k) for k in key])


def integer_matrix(shape: tuple[int, ...], lo: int, hi: int, seed: int) -> np.ndarray:
    """Integers uniform in [lo, hi] of the given shape, from ``generator(seed)``
    (random arrangements, zonotope generators and networks of the benchmark scripts)."""
    return generator(seed).integers(lo, hi + 1, size=shape)


def _breakpoints(rng: np.random.Generator, w: int, M: Rational) -> tuple[Rational, ...]:
    den = 8 * w
    picks = sorted(int(v) for v in rng.choice(np.arange(1, den), size=w - 1, replace=False))
    return tuple(M * mpq(p, den) for p in picks)


def _check_width(w: Any, field: str = "w") -> int:
    if isinstance(w, bool) or not isinstance(w, (int, np.integer)) or w < 2:
        raise InvalidParameterError(f"{field} is {w!r}; a zig-zag needs an integer width w >= 2")
    return int(w)


def _check_M(M: Any) -> Rational:
    m = as_rational(M, field="M")
    if m <= 0:
        raise InvalidParameterError(f"M is {to_str(m)}; it must be positive")
    return m


def random_breakpoints(w: int, M: Any, seed: int) -> tuple[Rational, ...]:
    """w - 1 random rationals 0 < a_1 < ... < a_{w-1} < M with denominator 8w (times M)."""
    w = _check_width(w)
    return _breakpoints(generator(seed, _BREAKPOINTS, w), w, _check_M(M))


def hard_function_instance(widths: Sequence[int], M: Any = 1, seed: int = 0) -> list[tuple[Rational, ...]]:
    """The breakpoint vectors a^1..a^k of a random hard function with the given widths."""
    ws = [_check_width(w, f"widths[{i}]") for i, w in enumerate(widths)]
    if not ws:
        raise ShapeError("widths is empty; give at least one zig-zag width")
    rng = generator(seed, _HARD, len(ws), *ws)
    m = _check_M(M)
    return [_breakpoints(rng, w, m) for w in ws]


def random_hard_function(widths: Sequence[int], M: Any = 1, seed: int = 0):
    """(H, breakpoints): a random member of the hard-function family (docs/mathematics.md §4)."""
    from .constructions.zigzag import hard_function

    bps = hard_function_instance(widths, M, seed)
    return hard_function(bps, M), bps


@dataclass(frozen=True)
class FamilyInstance:
    """A member of ZONOTOPE^n_{k,w,m} (docs/mathematics.md §5): breakpoints a^1..a^k and
    generators b^1..b^m (nonzero integer entries in [-9, 9])."""

    n: int
    m: int
    w: int
    k: int
    seed: int
    breakpoints: tuple[tuple[Rational, ...], ...]
    generators: tuple[tuple[int, ...], ...]

    def network(self, M: Any = 1):
        """H o g_Z (warnings about general position are the caller's to handle)."""
        from .constructions.zonotope_family import zonotope_family

        return zonotope_family(self.breakpoints, self.generators, M)


def zonotope_family_instance(n: int, m: int, w: int, k: int, seed: int = 0, M: Any = 1) -> FamilyInstance:
    """The member of ZONOTOPE^n_{k,w,m} named by (n, m, w, k, seed)."""
    for name, v, least in (("n", n, 1), ("m", m, 1), ("k", k, 1)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < least:
            raise InvalidParameterError(f"{name} is {v!r}; it must be an integer >= {least}")
    w = _check_width(w)
    rng = generator(seed, _FAMILY, n, m, w, k)
    mags = rng.integers(1, 10, size=(m, n))
    signs = rng.choice(np.array([-1, 1]), size=(m, n))
    gens = tuple(tuple(int(v) for v in row) for row in (mags * signs))
    mm = _check_M(M)
    bps = tuple(_breakpoints(rng, w, mm) for _ in range(k))
    return FamilyInstance(int(n), int(m), w, int(k), _seed(seed), bps, gens)


def random_affine_functions(n: int, q: int, seed: int, bound: int = 6) -> list[tuple[list[int], int]]:
    """q affine functions x -> a.x + c on R^n with integer entries in [-bound, bound]."""
    rng = generator(seed, _AFFINE, n, q)
    M = rng.integers(-bound, bound + 1, size=(q, n + 1))
    return [([int(v) for v in row[:n]], int(row[n])) for row in M]


def random_generators(m: int, n: int, seed: int, bound: int = 9) -> list[list[int]]:
    """m zonotope generators in R^n with integer entries in [-bound, bound] (a zero vector is
    redrawn as e_1)."""
    rng = generator(seed, _GENERATORS, n, m)
    out = [[int(v) for v in row] for row in rng.integers(-bound, bound + 1, size=(m, n))]
    for row in out:
        if not any(row):
            row[0] = 1
    return out


def random_layer(n: int, w: int, seed: int, bound: int = 50) -> list[tuple[list[int], int]]:
    """One hidden layer of w neurons on R^n (rows (a, b) of a.x + b) with integer entries in
    [-bound, bound]; a zero normal is redrawn as e_1."""
    rng = generator(seed, _LAYER, n, w)
    M = rng.integers(-bound, bound + 1, size=(w, n + 1))
    out = []
    for row in M:
        a = [int(v) for v in row[:n]]
        if not any(a):
            a[0] = 1
        out.append((a, int(row[n])))
    return out


def random_dataset(n: int, D: int, seed: int, *, spread: int = 5, labels: str = "integer") -> tuple[list[list[int]], list[int]]:
    """D points in R^n with integer coordinates in [-spread, spread] and labels: integers in
    [-5, 5] (``labels="integer"``) or -1/+1 (``labels="sign"``, for hinge loss).

    With the key (seed,) alone, this is the data of ``scripts/bench_training.py``."""
    rng = generator(seed) if labels == "bench" else generator(seed, _DATA, n, D, spread)
    X = rng.integers(-spread, spread + 1, size=(D, n)).tolist()
    if labels == "sign":
        y = [int(v) for v in rng.choice(np.array([-1, 1]), size=D)]
    elif labels in ("integer", "bench"):
        y = [int(v) for v in rng.integers(-5, 6, size=D)]
    else:
        raise InvalidParameterError(f"labels is {labels!r}; expected 'integer', 'sign' or 'bench'")
    return X, y


def random_network_layers(dims: Sequence[int], seed: int, lo: int = -99, hi: int = 99) -> list[tuple[list, list]]:
    """Layers (weights, biases) of a network with the given widths (input first) and integer
    entries in [lo, hi], drawn from ``generator(seed)`` layer by layer."""
    rng = generator(seed)
    return [(rng.integers(lo, hi + 1, size=(b, a)).tolist(), rng.integers(lo, hi + 1, size=b).tolist())
            for a, b in zip(dims, dims[1:])]


def random_pwl(pieces: int, seed: int, *, flat: str | None = None):
    """A PWL1D with exactly ``pieces`` pieces: integer breakpoints, random integer slopes
    that change at every breakpoint; ``flat="left"`` / ``"right"`` makes that end's
    slope 0 (Cor. A.1)."""
    from ..nets.pwl1d import PWL1D

    if isinstance(pieces, bool) or not isinstance(pieces, int) or pieces < 2:
        raise InvalidParameterError(f"pieces is {pieces!r}; give an integer >= 2")
    if flat not in (None, "left", "right"):
        raise InvalidParameterError(f"flat is {flat!r}; expected None, 'left' or 'right'")
    rng = generator(seed, _PWL, pieces, {None: 0, "left": 1, "right": 2}[flat])
    t = np.cumsum(rng.integers(1, 4, size=pieces - 1)) - 2
    slopes = [int(rng.integers(-3, 4))]
    for _ in range(pieces - 1):
        s = slopes[-1]
        while s == slopes[-1]:
            s = int(rng.integers(-3, 4))
        slopes.append(s)
    if flat == "left":
        slopes[0] = 0
        if slopes[1] == 0:
            slopes[1] = 1 if (len(slopes) < 3 or slopes[2] != 1) else -1
    if flat == "right":
        slopes[-1] = 0
        if slopes[-2] == 0:
            slopes[-2] = 1 if (len(slopes) < 3 or slopes[-3] != 1) else -1
    values = [mpq(int(rng.integers(-3, 4)))]
    for i in range(1, pieces - 1):
        values.append(values[-1] + slopes[i] * int(t[i] - t[i - 1]))
    f = PWL1D([int(v) for v in t], values, left_slope=slopes[0], right_slope=slopes[-1])
    assert f.pieces() == pieces, (f, pieces)
    return f
