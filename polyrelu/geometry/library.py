"""Named hyperplane arrangements carrying their known answers (after SageMath's
``hyperplane_arrangements`` library).

Each constructor returns a :class:`KnownArrangement`: the arrangement and, from the
literature, its characteristic polynomial (when a closed form is known) and its numbers
of regions and bounded regions.  They check both count routes of polyrelu — the
enumeration and Zaslavsky's theorem on the intersection lattice — against formulas
neither route uses.

>>> K = braid(4)
>>> K.characteristic_polynomial, K.n_regions     # t(t-1)(t-2)(t-3): 4! regions
((0, -6, 11, -6, 1), 24)
>>> K.arrangement.n_regions() == K.n_regions == K.arrangement.n_regions_zaslavsky()
True
>>> [shi(n).n_regions for n in range(1, 5)]      # (n+1)^(n-1)
[1, 3, 16, 125]

References: R. P. Stanley, *An introduction to hyperplane arrangements* (2007) — generic,
braid, Shi, Catalan, semiorder, Linial (Lectures 1, 5); D. Armstrong, *Hyperplane
arrangements and diagonal harmonics* (2013) — Ish; T. Zaslavsky (1975) — regions and
bounded regions from chi; OEIS A006531 (semiorders on n labelled points).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from math import comb, factorial
from typing import Sequence

from ..errors import InvalidArrangementError
from .arrangement import HyperplaneArrangement

__all__ = [
    "KnownArrangement", "generic", "generic_central", "braid", "coordinate", "shi", "ish", "catalan", "semiorder",
    "linial", "pencil", "parallel_families", "parallel_classes", "FAMILIES",
]

#: regions of the semiorder arrangement in R^n, n = 0..8 (OEIS A006531)
SEMIORDER_REGIONS = (1, 1, 3, 19, 183, 2371, 38703, 763099, 17648823)


@dataclass(frozen=True)
class KnownArrangement:
    """An arrangement with its answers from the literature.

    ``characteristic_polynomial`` holds c_0..c_d with chi(t) = sum c_i t^i (None where no
    closed form is recorded); ``n_bounded_regions`` counts regions that are bounded in
    R^d (0 whenever the arrangement is not essential)."""

    name: str
    arrangement: HyperplaneArrangement
    characteristic_polynomial: tuple[int, ...] | None
    n_regions: int
    n_bounded_regions: int | None
    source: str


# ------------------------------------------------------------------ polynomials
def _poly_from_roots(roots: Sequence[int], dim: int, extra: int = 0) -> tuple[int, ...]:
    """Coefficients c_0..c_dim of t^extra * prod (t - r)."""
    coeffs = [1]
    for r in roots:
        coeffs = [(coeffs[i - 1] if i else 0) - r * (coeffs[i] if i < len(coeffs) else 0) for i in range(len(coeffs) + 1)]
    coeffs = [0] * extra + coeffs
    return tuple(coeffs + [0] * (dim + 1 - len(coeffs)))


def _eval(coeffs: Sequence[int], t: int) -> int:
    return sum(c * t**i for i, c in enumerate(coeffs))


def _known(name: str, planes: list, dim: int, chi: tuple[int, ...] | None, regions: int | None, bounded: int | None,
           source: str) -> KnownArrangement:
    A = HyperplaneArrangement(planes, dim=dim)
    if chi is not None:
        if regions is None:
            regions = abs(_eval(chi, -1))
        if bounded is None:
            bounded = abs(_eval(chi, 1)) if A.is_essential else 0
    if regions is None or bounded is None:
        raise ValueError(f"{name}: give the counts or the characteristic polynomial")
    return KnownArrangement(name, A, chi, regions, bounded, source)


def _check(value: int, least: int, name: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        raise InvalidArrangementError(f"{name} is {value!r}; it must be an integer >= {least}")


def _pairs(n: int):
    return itertools.combinations(range(n), 2)


def _diff(n: int, i: int, j: int) -> list[int]:
    a = [0] * n
    a[i], a[j] = 1, -1
    return a


# ------------------------------------------------------------------ families
def generic(N: int, d: int) -> KnownArrangement:
    """N affine hyperplanes in general position in R^d (on the moment curve:
    sum_j t^j x_j = t^d for t = 1..N; any d + 1 rows [a | b] are a Vandermonde matrix).

    chi(t) = sum_{i<=d} (-1)^i C(N, i) t^(d-i); regions sum_{i<=d} C(N, i); bounded C(N-1, d).
    """
    _check(N, 0, "N")
    _check(d, 1, "d")
    planes = [([t**j for j in range(d)], t**d) for t in range(1, N + 1)]
    chi = tuple((-1) ** (d - i) * comb(N, d - i) for i in range(d + 1))
    return _known(f"generic({N}, {d})", planes, d, chi, sum(comb(N, i) for i in range(d + 1)), comb(N - 1, d) if N else 0,
                  "Stanley, Prop. 2.4")


def generic_central(N: int, d: int) -> KnownArrangement:
    """N hyperplanes through 0 in general position in R^d (normals (1, t, ..., t^(d-1))).

    chi(t) = sum_{i<d} (-1)^i C(N, i) t^(d-i) + (-1)^d C(N-1, d-1); regions
    2 sum_{i<d} C(N-1, i) (Cover 1965; Thm 3.6 of the paper for zonotopes); bounded 0.
    """
    _check(N, 1, "N")
    _check(d, 1, "d")
    planes = [([t**j for j in range(d)], 0) for t in range(1, N + 1)]
    chi = [0] * (d + 1)
    for i in range(min(d, N + 1)):
        chi[d - i] = (-1) ** i * comb(N, i)
    chi[0] += (-1) ** d * comb(N - 1, d - 1) if N >= d else 0
    if N < d:  # then it is a coordinate-like arrangement: (t-1)^N t^(d-N)
        chi = list(_poly_from_roots([1] * N, d, d - N))
    return _known(f"generic_central({N}, {d})", planes, d, tuple(chi), 2 * sum(comb(N - 1, i) for i in range(d)), 0,
                  "Cover (1965); Stanley, Prop. 2.4")


def braid(n: int) -> KnownArrangement:
    """x_i = x_j (1 <= i < j <= n) in R^n: chi(t) = t(t-1)...(t-n+1), n! regions."""
    _check(n, 1, "n")
    planes = [(_diff(n, i, j), 0) for i, j in _pairs(n)]
    return _known(f"braid({n})", planes, n, _poly_from_roots(range(1, n), n, 1), factorial(n), 0, "Stanley, Cor. 2.2")


def coordinate(n: int) -> KnownArrangement:
    """x_i = 0 in R^n: chi(t) = (t-1)^n, 2^n regions."""
    _check(n, 1, "n")
    planes = [([1 if k == i else 0 for k in range(n)], 0) for i in range(n)]
    return _known(f"coordinate({n})", planes, n, _poly_from_roots([1] * n, n), 2**n, 0, "Stanley, Ex. 1.1")


def shi(n: int) -> KnownArrangement:
    """x_i - x_j = 0, 1 (i < j) in R^n: chi(t) = t(t-n)^(n-1), (n+1)^(n-1) regions."""
    _check(n, 1, "n")
    planes = [(_diff(n, i, j), c) for i, j in _pairs(n) for c in (0, 1)]
    return _known(f"shi({n})", planes, n, _poly_from_roots([n] * (n - 1), n, 1), (n + 1) ** (n - 1), 0, "Stanley, Thm 5.16")


def ish(n: int) -> KnownArrangement:
    """x_i = x_j (i < j) and x_1 - x_j = i (1 <= i < j <= n) in R^n: chi(t) = t(t-n)^(n-1)
    like Shi, (n+1)^(n-1) regions."""
    _check(n, 1, "n")
    planes = [(_diff(n, i, j), 0) for i, j in _pairs(n)]
    planes += [(_diff(n, 0, j), i + 1) for i, j in _pairs(n)]
    return _known(f"ish({n})", planes, n, _poly_from_roots([n] * (n - 1), n, 1), (n + 1) ** (n - 1), 0, "Armstrong (2013), Thm 3.3")


def catalan(n: int) -> KnownArrangement:
    """x_i - x_j = -1, 0, 1 (i < j) in R^n: chi(t) = t(t-n-1)(t-n-2)...(t-2n+1),
    n! C_n regions (C_n the Catalan number)."""
    _check(n, 1, "n")
    planes = [(_diff(n, i, j), c) for i, j in _pairs(n) for c in (-1, 0, 1)]
    cat = comb(2 * n, n) // (n + 1)
    return _known(f"catalan({n})", planes, n, _poly_from_roots(range(n + 1, 2 * n), n, 1), factorial(n) * cat, 0,
                  "Stanley, Prop. 5.14")


def semiorder(n: int) -> KnownArrangement:
    """x_i - x_j = -1, 1 (i < j) in R^n: regions = semiorders on n labelled points
    (OEIS A006531, recorded for n <= 8); no closed form of chi is recorded."""
    _check(n, 1, "n")
    if n >= len(SEMIORDER_REGIONS):
        raise InvalidArrangementError(f"n is {n}; semiorder region counts are recorded for n <= {len(SEMIORDER_REGIONS) - 1}")
    planes = [(_diff(n, i, j), c) for i, j in _pairs(n) for c in (-1, 1)]
    return _known(f"semiorder({n})", planes, n, None, SEMIORDER_REGIONS[n], 0, "Stanley, Lecture 5; OEIS A006531")


def linial(n: int) -> KnownArrangement:
    """x_i - x_j = 1 (i < j) in R^n: chi(t) = (t / 2^n) sum_k C(n, k) (t - k)^(n-1)
    (Postnikov-Stanley); regions = alternating trees on n + 1 vertices."""
    _check(n, 1, "n")
    planes = [(_diff(n, i, j), 1) for i, j in _pairs(n)]
    total = [0] * (n + 1)
    for k in range(n + 1):
        for i, c in enumerate(_poly_from_roots([k] * (n - 1), n - 1)):
            total[i + 1] += comb(n, k) * c  # times t
    if any(c % 2**n for c in total):  # pragma: no cover - the identity guarantees divisibility
        raise AssertionError("Linial polynomial not integral")
    return _known(f"linial({n})", planes, n, tuple(c // 2**n for c in total), None, 0, "Stanley, Thm 5.17")


def pencil(N: int, d: int = 2) -> KnownArrangement:
    """N distinct hyperplanes through the codimension-2 flat x_1 = x_2 = 0 of R^d:
    chi(t) = t^(d-2) (t^2 - N t + N - 1), 2N regions."""
    _check(N, 1, "N")
    _check(d, 2, "d")
    planes = [([1, t] + [0] * (d - 2), 0) for t in range(N)]
    chi = tuple([0] * (d - 2) + [N - 1, -N, 1])
    return _known(f"pencil({N}, {d})", planes, d, chi, 2 * N, 0, "direct: a central arrangement of rank 2")


def parallel_families(sizes: Sequence[int]) -> KnownArrangement:
    """m_i parallel hyperplanes x_i = 0, 1, ..., m_i - 1 in each coordinate of R^n
    (n = len(sizes)): chi(t) = prod (t - m_i), prod (m_i + 1) regions, prod (m_i - 1) bounded."""
    sizes = list(sizes)
    if not sizes:
        raise InvalidArrangementError("sizes is empty; give the number of parallel hyperplanes in each coordinate")
    for i, m in enumerate(sizes):
        _check(m, 0, f"sizes[{i}]")
    n = len(sizes)
    planes = [([1 if k == i else 0 for k in range(n)], c) for i, m in enumerate(sizes) for c in range(m)]
    regions = bounded = 1
    for m in sizes:
        regions *= m + 1
        bounded *= max(m - 1, 0)
    essential = all(m > 0 for m in sizes)
    return _known(f"parallel_families({sizes})", planes, n, _poly_from_roots(sizes, n), regions, bounded if essential else 0,
                  "direct: a product of arrangements on lines")


def parallel_classes(sizes: Sequence[int]) -> KnownArrangement:
    """Lines in the plane in len(sizes) directions (generic: no two directions parallel,
    no three lines concurrent), sizes[i] parallel lines in direction i.

    With N = sum sizes and P = sum C(s_i, 2) parallel pairs: chi(t) = t^2 - N t + C(N, 2) - P,
    regions 1 + N + C(N, 2) - P, bounded 1 - N + C(N, 2) - P (for two directions or more)."""
    sizes = list(sizes)
    for i, s in enumerate(sizes):
        _check(s, 1, f"sizes[{i}]")
    if not sizes:
        raise InvalidArrangementError("sizes is empty; give the number of lines in each direction")
    # direction i: normal (1, i); line number g has offset B^g.  Three lines of distinct
    # directions i, j, l meet iff b_i (l - j) - b_j (l - i) + b_l (j - i) = 0, and with
    # B > 2 max|i - j| the largest power of B outweighs the other two terms: never.
    B = 2 * len(sizes) + 1
    planes: list[tuple[list[int], int]] = []
    for i, s in enumerate(sizes):
        for _ in range(s):
            planes.append(([1, i], B ** (len(planes) + 1)))
    N = len(planes)
    P = sum(comb(s, 2) for s in sizes)
    chi = (comb(N, 2) - P, -N, 1)
    bounded = abs(_eval(chi, 1)) if len(sizes) > 1 else 0
    return _known(f"parallel_classes({sizes})", planes, 2, chi, 1 + N + comb(N, 2) - P, bounded, "direct: Zaslavsky with P parallel pairs")


#: family name -> (constructor, small arguments used by the tests and benchmarks)
FAMILIES = {
    "generic": (generic, [(4, 2), (6, 3), (7, 4)]),
    "generic_central": (generic_central, [(5, 2), (6, 3), (6, 4)]),
    "braid": (braid, [(2,), (3,), (4,), (5,)]),
    "coordinate": (coordinate, [(1,), (3,), (5,)]),
    "shi": (shi, [(2,), (3,), (4,)]),
    "ish": (ish, [(2,), (3,), (4,)]),
    "catalan": (catalan, [(2,), (3,), (4,)]),
    "semiorder": (semiorder, [(2,), (3,), (4,)]),
    "linial": (linial, [(2,), (3,), (4,), (5,)]),
    "pencil": (pencil, [(1,), (5,), (4, 3)]),
    "parallel_families": (parallel_families, [([3],), ([2, 3],), ([1, 2, 2],), ([0, 2],)]),
    "parallel_classes": (parallel_classes, [([1],), ([3],), ([2, 2],), ([1, 2, 3],)]),
}
