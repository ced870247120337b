"""Exact depth/size bounds for networks on R (Lemmas D.5, D.6; Thm 3.1; Cor. 3.4).

>>> lemma_d5_upper_bound([2, 2])
12
>>> lemma_d6_min_size(pieces=16, hidden_layers=2)
4
>>> min_size_by_d5(pieces=16, hidden_layers=2)
(5, (1, 4))
"""

from __future__ import annotations

from math import prod
from typing import Any, Sequence

from gmpy2 import mpq

from ..errors import InternalError, InvalidParameterError
from ..exact.rational import Rational

__all__ = ["lemma_d5_upper_bound", "lemma_d6_max_pieces", "lemma_d6_min_size", "min_size_by_d5", "thm31_min_size"]


def _positive_int(v: Any, name: str) -> int:
    """An integer >= 1 (bools, floats and other types refused)."""
    if isinstance(v, bool) or not isinstance(v, int) or v < 1:
        raise InvalidParameterError(f"{name} is {v!r}; it must be an integer >= 1")
    return v


def lemma_d5_upper_bound(widths: Sequence[int]) -> int:
    """Lemma D.5: an R -> R net with hidden widths w_1..w_k has at most
    2^(k-1) (w_1 + 1) w_2 ... w_k pieces."""
    if isinstance(widths, (str, bytes)) or not isinstance(widths, Sequence) or not widths:
        raise InvalidParameterError(f"widths is {widths!r}; it must be a nonempty list of integers >= 1")
    widths = [_positive_int(w, f"widths[{i}]") for i, w in enumerate(widths)]
    k = len(widths)
    return 2 ** (k - 1) * (widths[0] + 1) * prod(widths[1:])


def lemma_d6_max_pieces(size: int, hidden_layers: int) -> Rational:
    """Lemma D.6: depth k+1 and size s give at most (2s/k)^k pieces (an exact rational)."""
    s, k = _positive_int(size, "size"), _positive_int(hidden_layers, "hidden_layers")
    return mpq(2 * s, k) ** k


def lemma_d6_min_size(pieces: int, hidden_layers: int) -> int:
    """The least integer s with (2s/k)^k >= p, i.e. (2s)^k >= p k^k: the Lemma D.6 size
    lower bound (k/2) p^(1/k), rounded up exactly (then the -1 of the statement is slack)."""
    k = _positive_int(hidden_layers, "hidden_layers")
    pieces = _positive_int(pieces, "pieces")
    lo, hi = 0, max(1, pieces * k)
    while lo < hi:  # smallest s with (2s)^k >= p k^k
        mid = (lo + hi) // 2
        if (2 * mid) ** k >= pieces * k**k:
            hi = mid
        else:
            lo = mid + 1
    return lo


def min_size_by_d5(pieces: int, hidden_layers: int) -> tuple[int, tuple[int, ...]]:
    """The least total width w_1 + ... + w_k with 2^(k-1) (w_1 + 1) w_2 ... w_k >= p
    (exact, by search), and widths attaining it (lexicographically smallest)."""
    k = _positive_int(hidden_layers, "hidden_layers")
    pieces = _positive_int(pieces, "pieces")
    best: tuple[int, tuple[int, ...]] | None = None

    def search(prefix: list[int], total: int):
        nonlocal best
        if best is not None and total + (k - len(prefix)) > best[0]:
            return
        if len(prefix) == k:
            if lemma_d5_upper_bound(prefix) >= pieces and (best is None or (total, tuple(prefix)) < best):
                best = (total, tuple(prefix))
            return
        limit = pieces if best is None else best[0] - total
        for w in range(1, limit + 1):
            search(prefix + [w], total + w)
            # larger widths only increase the total; stop once this prefix already suffices
            rest = k - len(prefix) - 1
            if lemma_d5_upper_bound(prefix + [w] + [1] * rest) >= pieces:
                break

    search([], 0)
    if best is None:  # the widths [pieces, 1, ..., 1] always suffice
        raise InternalError(f"no widths found for {pieces} pieces at {k} hidden layers")
    return best


def thm31_min_size(w: int, k: int, k_prime: int):
    """Thm 3.1: computing the depth-(k+1) hard functions with w^k pieces at depth k'+1
    needs size >= (k'/2) w^(k/k') - 1; returned as the exact least integer from Lemma D.6
    applied to p = w^k pieces at k' hidden layers."""
    return lemma_d6_min_size(_positive_int(w, "w") ** _positive_int(k, "k"), k_prime)
