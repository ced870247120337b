"""The paper's closed forms, in one module (docs/mathematics.md §3-§7).

Every formula the library compares a computed count against lives here, as exact integer
or rational arithmetic.  This module imports nothing from polyrelu but the rational type,
so any package (geometry/, training/, paper/) can import it without an import cycle.

>>> lemma_d5_upper_bound([2, 2])
12
>>> lemma_d6_min_size(pieces=16, hidden_layers=2)
4
>>> min_size_by_d5(pieces=16, hidden_layers=2)
(5, (1, 4))
>>> zonotope_vertex_bound(2, 4), zonotope_family_count(2, 4, [2, 2])
(8, 16)
>>> zaslavsky_max_regions(2, 4), algorithm1_cell_bound(6, 1), algorithm1_subproblem_bound(6, 1, 2)
(11, 12, 144)
>>> theorem_21_hidden_layers(4), max_tree_hidden_layers(5)
(3, 3)
"""

from __future__ import annotations

from math import comb, prod
from numbers import Integral
from typing import Sequence

from ..errors import InternalError, InvalidParameterError
from ..exact.rational import Rational, as_rational

__all__ = [
    "lemma_d5_upper_bound", "lemma_d6_max_pieces", "lemma_d6_min_size", "min_size_by_d5", "thm31_min_size",
    "thm31_formula_holds", "cor34_min_size", "cor33_min_size_formula_holds", "thm35_size_threshold",
    "thm35_max_pieces", "thm35_l1_lower_bound", "thm22_neurons", "theorem_21_hidden_layers", "theorem_21_depth_bound",
    "max_tree_hidden_layers", "max_tree_size", "zonotope_vertex_bound", "zonotope_family_count", "zonotope_family_size",
    "thm39_size_bound_holds", "rn_pieces_upper_bound", "min_size_rn", "zaslavsky_max_regions", "algorithm1_cell_bound",
    "algorithm1_subproblem_bound", "algorithm1_multisets", "relu_pieces_bound", "sum_pieces_bound",
]


def _positive_int(v, name: str) -> int:
    if isinstance(v, bool) or not isinstance(v, Integral) or v < 1:
        raise InvalidParameterError(f"{name} is {v!r}; it must be a positive integer")
    return int(v)


def _nonneg_int(v, name: str) -> int:
    if isinstance(v, bool) or not isinstance(v, Integral) or v < 0:
        raise InvalidParameterError(f"{name} is {v!r}; it must be a nonnegative integer")
    return int(v)


def _iroot_ceil(x: int, k: int) -> int:
    """The least integer r >= 0 with r^k >= x (x >= 0)."""
    if x <= 0:
        return 0
    lo, hi = 0, 1
    while hi**k < x:
        hi *= 2
    while lo < hi:
        mid = (lo + hi) // 2
        if mid**k >= x:
            hi = mid
        else:
            lo = mid + 1
    return lo


# --------------------------------------------------------------------- §4 (Section 3.1)
def lemma_d5_upper_bound(widths: Sequence[int]) -> int:
    """Lemma D.5: an R -> R net with hidden widths w_1..w_k has at most
    2^(k-1) (w_1 + 1) w_2 ... w_k pieces."""
    if not widths:
        raise InvalidParameterError("widths must be a nonempty list of positive integers")
    ws = [_positive_int(w, f"widths[{i}]") for i, w in enumerate(widths)]
    return 2 ** (len(ws) - 1) * (ws[0] + 1) * prod(ws[1:])


def sum_pieces_bound(pieces: Sequence[int]) -> int:
    """Lemma D.3: f_1 + ... + f_m has at most p_1 + ... + p_m pieces."""
    return sum(_positive_int(p, f"pieces[{i}]") for i, p in enumerate(pieces))


def relu_pieces_bound(pieces: int) -> int:
    """Lemma D.4 (Figure 4): max{0, f + b} has at most 2 p pieces, for any b."""
    return 2 * _positive_int(pieces, "pieces")


def lemma_d6_max_pieces(size: int, hidden_layers: int) -> Rational:
    """Lemma D.6: depth k+1 and size s give at most (2s/k)^k pieces (an exact rational)."""
    s, k = _nonneg_int(size, "size"), _positive_int(hidden_layers, "hidden_layers")
    return as_rational(2 * s) ** k / as_rational(k) ** k


def lemma_d6_min_size(pieces: int, hidden_layers: int) -> int:
    """The least integer s with (2s/k)^k >= p, i.e. (2s)^k >= p k^k: the Lemma D.6 size
    lower bound (k/2) p^(1/k), rounded up exactly (then the -1 of the statement is slack)."""
    p, k = _positive_int(pieces, "pieces"), _positive_int(hidden_layers, "hidden_layers")
    return (_iroot_ceil(p * k**k, k) + 1) // 2


def min_size_by_d5(pieces: int, hidden_layers: int) -> tuple[int, tuple[int, ...]]:
    """The least total width w_1 + ... + w_k with 2^(k-1) (w_1 + 1) w_2 ... w_k >= p
    (exact, by search), and widths attaining it (lexicographically smallest)."""
    p, k = _positive_int(pieces, "pieces"), _positive_int(hidden_layers, "hidden_layers")
    best: tuple[int, tuple[int, ...]] | None = None

    def search(prefix: list[int], total: int) -> None:
        nonlocal best
        if best is not None and total + (k - len(prefix)) > best[0]:
            return
        if len(prefix) == k:
            if lemma_d5_upper_bound(prefix) >= p and (best is None or (total, tuple(prefix)) < best):
                best = (total, tuple(prefix))
            return
        limit = p if best is None else best[0] - total
        for w in range(1, limit + 1):
            search(prefix + [w], total + w)
            rest = k - len(prefix) - 1  # larger widths only increase the total
            if lemma_d5_upper_bound(prefix + [w] + [1] * rest) >= p:
                break

    search([], 0)
    if best is None:  # the widths (p, 1, ..., 1) always suffice
        raise InternalError(f"no widths found for {p} pieces at {k} hidden layers")
    return best


def thm31_min_size(w: int, k: int, k_prime: int) -> int:
    """Thm 3.1: the hard functions with w^k pieces at depth k'+1 need size >= (k'/2) w^(k/k') - 1;
    returned as the exact least integer from Lemma D.6 applied to p = w^k at k' hidden layers."""
    return lemma_d6_min_size(_positive_int(w, "w") ** _positive_int(k, "k"), k_prime)


def thm31_formula_holds(size: int, w: int, k: int, k_prime: int) -> bool:
    """Whether size >= (k'/2) w^(k/k') - 1, decided exactly: (2 (size + 1) / k')^k' >= w^k."""
    s, kp = _nonneg_int(size, "size"), _positive_int(k_prime, "k_prime")
    return (2 * (s + 1)) ** kp >= _positive_int(w, "w") ** _positive_int(k, "k") * kp**kp


def cor34_min_size(k: int) -> Rational:
    """Cor. 3.4: k hidden layers need at least k^(k+1)/2 - 1 neurons for the k^2-layer family."""
    kk = _positive_int(k, "k")
    return as_rational(kk ** (kk + 1)) / 2 - 1


def cor33_min_size_formula_holds(size: int, w: int, k: int, k_prime: int) -> bool:
    """Cor. 3.3 (Thm 3.1 with k' = k^eps): size >= (1/2) k^eps w^(k^(1-eps)) - 1, with
    k' = k^eps an integer dividing k; decided exactly as for Thm 3.1."""
    if _positive_int(k, "k") % _positive_int(k_prime, "k_prime"):
        raise InvalidParameterError(f"k' = {k_prime} must divide k = {k}")
    return thm31_formula_holds(size, w, k, k_prime)


def thm35_size_threshold(w: int, k: int, k_prime: int, delta) -> int:
    """Thm 3.5: the largest size s with s <= k' w^(k/k') (1 - 4 delta)^(1/k') / 2^(1 + 1/k')
    (exact: s^k' 2^(k'+1) <= k'^k' w^k (1 - 4 delta)); -1 when even size 0 exceeds it."""
    kp = _positive_int(k_prime, "k_prime")
    d = as_rational(delta, field="delta")
    rhs = as_rational(kp**kp * _positive_int(w, "w") ** _positive_int(k, "k")) * (1 - 4 * d)
    if rhs < 0:
        return -1
    s = 0
    while (s + 1) ** kp * 2 ** (kp + 1) <= rhs:
        s += 1
    return s


def thm35_max_pieces(size: int, hidden_layers: int) -> int:
    """The most pieces any R -> R net with k hidden layers and size <= s can have by
    Lemma D.6: floor((2s/k)^k) (at least 1: a net of size 0 is affine)."""
    v = lemma_d6_max_pieces(size, hidden_layers)
    return max(1, int(v.numerator // v.denominator))


def thm35_l1_lower_bound(teeth: int, pieces: int) -> Rational:
    """The counting bound behind Thm 3.5: the sawtooth with N = ``teeth`` affine pieces of
    width 1/N on [0, 1] (alternately 0 -> 1 and 1 -> 0) is at L1 distance at least
    (floor(N/2) - (p - 1)) / (2N) from every continuous PWL g with p pieces: g's p - 1
    breakpoints lie inside at most p - 1 of the floor(N/2) disjoint tents, and on an
    untouched tent (base 2/N, height 1) the best affine g is the constant 1/2, at L1
    distance 1/(2N).  Clipped at 0."""
    N, p = _positive_int(teeth, "teeth"), _positive_int(pieces, "pieces")
    return max(as_rational(0), as_rational(N // 2 - (p - 1)) / (2 * N))


# --------------------------------------------------------------------- §3 (Section 2)
def thm22_neurons(pieces: int, *, flat_end: bool) -> tuple[int, int]:
    """Thm 2.2 / Cor. A.1: (lower, upper) bounds on the neurons of a one-hidden-layer net for
    a PWL function on R with p pieces: at least p - 1, at most p (p - 1 with a flat end)."""
    p = _positive_int(pieces, "pieces")
    return p - 1, p - 1 if flat_end else p


def theorem_21_hidden_layers(n: int) -> int:
    """Thm 2.1: every PWL function on R^n is a net with at most ceil(log2(n + 1)) hidden layers."""
    return (_positive_int(n, "n")).bit_length()  # ceil(log2(n + 1)) = bit length of n


def theorem_21_depth_bound(n: int) -> int:
    """Thm 2.1 as a depth: ceil(log2(n + 1)) + 1."""
    return theorem_21_hidden_layers(n) + 1


def max_tree_hidden_layers(q: int) -> int:
    """A balanced tree of max gadgets: the max of q terms in ceil(log2 q) hidden layers."""
    return (_positive_int(q, "q") - 1).bit_length()


def max_tree_size(q: int) -> int:
    """Neurons of the balanced max tree of q inputs (4 per pair, 2 to pass an odd one on)."""
    total, q = 0, _positive_int(q, "q")
    while q > 1:
        total += 4 * (q // 2) + 2 * (q % 2)
        q = (q + 1) // 2
    return total


# --------------------------------------------------------------------- §5 (Section 3.2)
def zonotope_vertex_bound(n: int, m: int) -> int:
    """Thm 3.6: |vert Z| <= 2 sum_{i=0}^{n-1} C(m-1, i) for m generators in R^n
    (equality in general position); 1 for m = 0 (a point)."""
    n, m = _positive_int(n, "n"), _nonneg_int(m, "m")
    if m == 0:
        return 1
    return 2 * sum(comb(m - 1, i) for i in range(n))


def zonotope_family_count(n: int, m: int, widths: Sequence[int]) -> int:
    """Prop. 3.8 / Thm 3.9 (i) as printed: (sum_{i<n} C(m-1, i)) w^k pieces."""
    n, m = _positive_int(n, "n"), _positive_int(m, "m")
    return sum(comb(m - 1, i) for i in range(n)) * prod(_positive_int(w, "widths[]") for w in widths)


def zonotope_family_size(m: int, widths: Sequence[int]) -> tuple[int, int]:
    """Thm 3.9 (i): (depth, size) of H o g_Z = (k + 2, 2m + sum of widths)."""
    return len(widths) + 2, 2 * _positive_int(m, "m") + sum(widths)


def rn_pieces_upper_bound(widths: Sequence[int], n: int) -> int:
    """Pieces (even activation regions) of an R^n -> R net with hidden widths w_1..w_k are
    at most prod_i sum_{j=0}^{n} C(w_i, j): layer i's neurons are affine on each region of
    the layers before it, and w affine hyperplanes cut a region of R^n into at most
    sum_{j<=n} C(w, j) pieces (Zaslavsky)."""
    n = _positive_int(n, "n")
    return prod(zaslavsky_max_regions(n, _positive_int(w, "widths[]")) for w in widths)


def min_size_rn(pieces: int, hidden_layers: int, n: int) -> int:
    """The least size s such that some widths w_1 + ... + w_k' = s (each >= 1) reach
    :func:`rn_pieces_upper_bound` >= p: every R^n -> R net with k' hidden layers and p
    pieces has at least this size (exact search)."""
    p, kp, n = _positive_int(pieces, "pieces"), _positive_int(hidden_layers, "hidden_layers"), _positive_int(n, "n")

    from functools import lru_cache

    @lru_cache(maxsize=None)
    def best(total: int, layers: int) -> int:  # max of the product over compositions of total
        if layers == 1:
            return zaslavsky_max_regions(n, total)
        return max(zaslavsky_max_regions(n, w) * best(total - w, layers - 1) for w in range(1, total - layers + 2))

    s = kp
    while best(s, kp) < p:
        s += 1
    return s


def thm39_size_bound_holds(size: int, n: int, m: int, w: int, k: int, k_prime: int) -> bool:
    """Thm 3.9 (ii) as printed: a depth-(k'+1) net for a member of ZONOTOPE^n_{k,w,m} has size at
    least max{(1/2) k' w^(k/(k'n)) (m-1)^((1-1/n)/k') - 1, k' w^(k/k') / n^(1/k')}.  Decided
    exactly: size >= the first term iff (2 (size + 1) / k')^(k' n) >= w^k (m-1)^(n-1), and
    size >= the second iff (size / k')^k' n >= w^k."""
    s, n, kp = _nonneg_int(size, "size"), _positive_int(n, "n"), _positive_int(k_prime, "k_prime")
    wk = _positive_int(w, "w") ** _positive_int(k, "k")
    first = (2 * (s + 1)) ** (kp * n) >= wk * (_positive_int(m, "m") - 1) ** (n - 1) * kp ** (kp * n)
    second = s**kp * n >= wk * kp**kp
    return first and second


# --------------------------------------------------------------------- §6 and §7
def zaslavsky_max_regions(n: int, w: int) -> int:
    """sum_{i<=n} C(w, i): the most regions w affine hyperplanes (one hidden layer of w
    neurons) cut R^n into, attained in general position."""
    return sum(comb(_nonneg_int(w, "w"), i) for i in range(_nonneg_int(n, "n") + 1))


def algorithm1_cell_bound(D: int, n: int) -> int:
    """Section 4: the activation splits of one neuron on D points in R^n are the regions of a
    central arrangement of D hyperplanes in R^(n+1): at most 2 sum_{i<=n} C(D-1, i)."""
    D = _positive_int(D, "D")
    return 2 * sum(comb(D - 1, i) for i in range(_nonneg_int(n, "n") + 1))


def algorithm1_subproblem_bound(D: int, n: int, w: int) -> int:
    """The paper's count 2^w D^(n w) of convex subproblems of Algorithm 1."""
    return 2 ** _positive_int(w, "w") * _positive_int(D, "D") ** (_positive_int(n, "n") * w)


def algorithm1_multisets(cells: int, w: int) -> int:
    """The number of subproblems of Algorithm 1 up to the order of the neurons: multisets of
    w (cell, sign) pairs, C(2 cells + w - 1, w)."""
    return comb(2 * _nonneg_int(cells, "cells") + _positive_int(w, "w") - 1, w)
