"""Shared dual bounds: every solved subproblem's dual bounds every multiset it is feasible for.

Let u be the optimal dual of a solved multiset M, with b(u) = opt(M)
(:mod:`polyrelu.training.subproblem`).  Feasibility of u is a property of each (cell, sign)
pair separately: a . u <= 0 for every column a of the pair (and sum u = 0 with output
bias, which holds for all pairs at once).  So for any multiset M' all of whose pairs are
feasible for u, weak duality gives opt(M') >= b(u) = opt(M) >= the incumbent: M' cannot
beat the incumbent and need not be solved.  This covers the multisets that differ from
a solved one in one neuron (or more) as long as the new pairs are feasible for its dual;
it also covers multisets with a repeated pair.

**Exact, for every pair at once.**  :class:`PairFeasibility` decides a new dual's
feasibility for every pair in integer arithmetic: the dual is scaled to integers U, split
into signed limbs of b bits (U = sum_t U_t 2^(b t)), and the integer columns times each limb
are summed exactly (b is chosen so that no partial sum can leave the exact range); carrying
the limb sums from the lowest up gives the exact sign of every a . U.

The products of the columns and the limbs are one matrix product.  Where the columns are
small enough (|a_j| < 2^top with top + bitlen(D) <= 45) it runs in float64, through BLAS:
with b = 53 - top - bitlen(D), every product and every partial sum, in whatever order or
fused multiply-add BLAS uses, is an integer of magnitude below D 2^top 2^b <= 2^53, and
float64 holds every such integer, so no operation rounds and the sums are the exact
integers (read back into int64 for the carries).  This is integer arithmetic done in
float64 registers, not a floating-point approximation: nothing is estimated or compared
against a tolerance.  It is about ten times faster than numpy's int64 product (which has
no BLAS).  Larger columns take int64 limbs (b = 62 - top - bitlen(D)), and columns too
large even for those go through Python integers.  Every route gives the same exact signs,
wherever it runs: the trainer's workers compute them next to the solve and return the
pairs as a bitmask (:meth:`PairFeasibility.packed`).
"""

from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np

from ..exact.rational import Rational

__all__ = ["PairFeasibility", "DualPool"]

_HOT = 64
_MIN_LIMB = 8  # int64 limbs of fewer bits than this are not worth it: Python integers instead


class PairFeasibility:
    """Which (cell, sign) pairs a dual u is feasible for, exactly (module docstring).

    ``cols`` (per cell) are the cells' columns as integers (any positive multiples);
    ``pairs`` the (cell, sign) pairs by index.  Small and picklable: built once per fit and
    sent to (or inherited by) every worker."""

    def __init__(self, cols: Sequence[Sequence[Sequence[int]]], pairs: Sequence[tuple[int, int]], D: int):
        self.pairs = [(int(ci), int(s)) for ci, s in pairs]
        self.D = D
        cells = sorted({ci for ci, _ in self.pairs})
        rows: list = []
        start: dict[int, tuple[int, int]] = {}
        for ci in cells:
            start[ci] = (len(rows), len(rows) + len(cols[ci]))
            rows.extend(cols[ci])
        self.ranges = [start[ci] for ci, _ in self.pairs]
        # per pair, where its cell's rows start and end in the cumulative counts below
        self._lo = np.array([a for a, _ in self.ranges], dtype=np.intp)
        self._hi = np.array([b for _, b in self.ranges], dtype=np.intp)
        self._pos = np.array([s > 0 for _, s in self.pairs], dtype=bool)
        try:  # Python integers straight into int64 where they fit (most data: one C pass, not objects)
            big = np.array(rows, dtype=np.int64).reshape(len(rows), D)
            top = max(int(big.max(initial=0)), -int(big.min(initial=0))).bit_length()
        except OverflowError:
            big = np.array(rows, dtype=object).reshape(len(rows), D)
            top = int(max(big.max(initial=0), -big.min(initial=0))).bit_length()
        # float64 route: |every partial sum of a_j U_t,j| < D 2^top 2^b <= 2^53 (module docstring);
        # int64 route: the same below 2^62, and a carry (< 2^(62-b)) added to it stays below 2^63
        self.limb = 53 - top - max(1, D).bit_length()
        if self.limb >= _MIN_LIMB:
            dtype: Any = np.float64
        else:
            self.limb = 62 - top - max(1, D).bit_length()
            dtype = np.int64 if self.limb >= _MIN_LIMB else object
        # the columns by coordinates, (D, rows): the limbs times it give one contiguous row per limb
        self._cols: np.ndarray = np.ascontiguousarray(big.T, dtype=dtype)

    def __len__(self) -> int:
        return len(self.pairs)

    def row_signs(self, u: Sequence[Rational]) -> np.ndarray:
        """The exact sign (-1, 0, 1) of a . u for every column a (of the cells of the pairs)."""
        dens = [int(v.denominator) for v in u]
        den = math.lcm(*dens) if dens else 1
        U = [int(v.numerator) * (den // d) for v, d in zip(u, dens)]  # u times den > 0: the same signs
        if self._cols.dtype == object:
            vals = np.array(U, dtype=object).dot(self._cols) if self._cols.shape[1] else np.zeros(0, dtype=object)
            return np.array([(v > 0) - (v < 0) for v in vals], dtype=np.int8)
        b = self.limb
        mask = (1 << b) - 1
        A = [abs(v) for v in U]
        n_limbs = max(1, -(-max(A, default=0).bit_length() // b))
        L = np.empty((n_limbs, self.D), dtype=self._cols.dtype)
        for t in range(n_limbs):
            L[t] = [(a >> (b * t)) & mask for a in A]
        negative = [j for j, v in enumerate(U) if v < 0]
        if negative:
            L[:, negative] *= -1  # signed limbs: U_j = sum_t L[t, j] 2^(b t)
        S = L @ self._cols  # (limbs, rows), one contiguous row per limb: every entry exact (module docstring)
        if S.dtype != np.int64:
            S = S.astype(np.int64)  # exact integers below 2^53
        for t in range(n_limbs - 1):  # carry up: digits t become 0 <= S_t < 2^b
            c = S[t] >> b
            S[t] -= c << b
            S[t + 1] += c
        # the value is S_top 2^(b (L-1)) + (a nonnegative number < 2^(b (L-1)), zero iff all lower digits are)
        out = np.sign(S[-1]).astype(np.int8)
        if n_limbs > 1:
            out[(out == 0) & S[:-1].any(axis=0)] = 1
        return out

    def feasible(self, u: Sequence[Rational]) -> np.ndarray:
        """Per pair (bool): is u feasible for it (s a . u <= 0 on every column of its cell)?"""
        sg = self.row_signs(u)
        pos = np.concatenate([[0], np.cumsum(sg > 0)])
        neg = np.concatenate([[0], np.cumsum(sg < 0)])
        bad_pos = pos[self._hi] - pos[self._lo]  # columns with a . u > 0: infeasible for the + pair
        bad_neg = neg[self._hi] - neg[self._lo]
        return np.where(self._pos, bad_pos == 0, bad_neg == 0)

    def packed(self, u: Sequence[Rational]) -> bytes:
        """:meth:`feasible` as a compact bitmask (what the trainer's workers return)."""
        return np.packbits(self.feasible(u), bitorder="little").tobytes()

    def unpack(self, bits: bytes) -> np.ndarray:
        return np.unpackbits(np.frombuffer(bits, dtype=np.uint8), count=len(self.pairs), bitorder="little").astype(bool)


class DualPool:
    """Duals of solved subproblems and, per pair, which of them it is feasible for (exactly).

    ``feasibility`` is the :class:`PairFeasibility` of the fit's pairs.

    Two bit layouts of the same facts make :meth:`cover` cheap: per pair one 64-bit word
    per 64 duals (bit k % 64 of word k // 64: dual k), and per pair one word for the
    (at most 64) recently used duals (bit j: the j-th of them), rebuilt when that list
    changes."""

    def __init__(self, feasibility: PairFeasibility):
        self.feasibility = feasibility
        self.pairs = feasibility.pairs
        self.values: list[Rational] = []
        self._u: list[tuple[Rational, ...]] = []
        m = len(self.pairs)
        self._feas = np.zeros((64, m), dtype=bool)  # row k: the pairs dual k is feasible for
        self._words = np.zeros((m, 1), dtype=np.uint64)  # the same by pairs, 64 duals per word
        self._hot: list[int] = []
        self._hot_ids = np.zeros(0, dtype=np.int64)
        self._hot_words: np.ndarray | None = None  # per pair, bit j: dual _hot[j] feasible (None: rebuild)

    def __len__(self) -> int:
        return len(self.values)

    @property
    def n_confirmed(self) -> int:
        """(dual, pair) feasibilities decided exactly: every pair for every dual."""
        return len(self.values) * len(self.pairs)

    def add(self, value: Rational, u: Sequence[Rational], bits: bytes | None = None) -> int:
        """Add a dual with bound ``value``; ``bits`` its :meth:`PairFeasibility.packed`
        (computed here if not given).  Returns its index."""
        k = len(self.values)
        feas = self.feasibility.unpack(bits) if bits is not None else self.feasibility.feasible(u)
        if k >= self._feas.shape[0]:
            self._feas = np.concatenate([self._feas, np.zeros_like(self._feas)], axis=0)
        if k >> 6 >= self._words.shape[1]:
            self._words = np.concatenate([self._words, np.zeros_like(self._words)], axis=1)
        self._feas[k] = feas
        self._words[:, k >> 6] |= feas.astype(np.uint64) << np.uint64(k & 63)
        self.values.append(value)
        self._u.append(tuple(u))
        return k

    def u(self, k: int) -> tuple[Rational, ...]:
        """The exact dual vector k."""
        return self._u[k]

    def is_feasible(self, k: int, p: int) -> bool:
        """Exactly: is dual k feasible for pair p?"""
        return bool(self._feas[k, p])

    def cover(self, combos: np.ndarray) -> np.ndarray:
        """For each multiset (rows of pair indices), the index of a dual that is feasible
        for all its pairs, or -1.

        The duals that covered something recently (at most 64, most recent first) are
        tried first, in that order; a row they miss is named its least covering dual.
        Whether a row is covered never depends on this order, only which dual is named.
        Afterwards the duals named for the last rows lead the list (the last row's first)."""
        combos = np.asarray(combos)
        N = combos.shape[0]
        out = np.full(N, -1, dtype=np.int64)
        if not self.values or N == 0:
            return out
        rest = None
        if self._hot:
            hw = self._hot_bits()
            acc = hw[combos[:, 0]]
            for i in range(1, combos.shape[1]):
                acc = acc & hw[combos[:, i]]
            hit = acc != 0
            if hit.any():
                out[hit] = self._hot_ids[_low_bit(acc[hit])]
            rest = np.flatnonzero(~hit)
        sel = combos if rest is None else combos[rest]
        if len(sel):
            got = _first_cover(self._words[:, : (len(self.values) + 63) >> 6], sel)
            if rest is None:
                out = got
            else:
                out[rest] = got
        used = out[out >= 0]
        if used.size:  # most recent first: the last rows' duals lead
            k = 16 * _HOT
            while True:  # the first _HOT distinct duals from the end lie in a short tail
                vals, first = np.unique(used[-k:][::-1], return_index=True)
                if len(vals) >= _HOT or k >= used.size:
                    break
                k *= 4
            seen = vals[np.argsort(first, kind="stable")][:_HOT].tolist()
            have = set(seen)
            hot = (seen + [k for k in self._hot if k not in have])[:_HOT]
            if hot != self._hot:
                self._hot, self._hot_words = hot, None
        return out

    def _hot_bits(self) -> np.ndarray:
        """Per pair, the word whose bit j says whether dual ``_hot[j]`` is feasible for it."""
        if self._hot_words is None:
            self._hot_ids = np.array(self._hot, dtype=np.int64)
            cols = np.zeros((len(self.pairs), 64), dtype=bool)  # by pairs: column j is dual _hot[j]
            cols[:, : len(self._hot)] = self._feas[self._hot_ids].T
            packed = np.packbits(cols, axis=1, bitorder="little")  # (pairs, 8): byte b holds hot duals 8b .. 8b + 7
            self._hot_words = packed.view("<u8").reshape(len(self.pairs)).astype(np.uint64)
        return self._hot_words


def _low_bit(words: np.ndarray) -> np.ndarray:
    """Index of the lowest set bit of every (nonzero) uint64 word.

    Isolates it (w & -w, a power of two) and reads the exponent with frexp, which is exact
    for powers of two (no rounding: 2^j is a float64 for j < 64)."""
    low = words & (~words + np.uint64(1))
    return np.frexp(low.astype(np.float64))[1].astype(np.int64) - 1


def _first_cover(words: np.ndarray, sel: np.ndarray) -> np.ndarray:
    """Per row of ``sel`` (pair indices), the least dual feasible for all its pairs
    (``words``: per pair, 64 duals per word), or -1."""
    out = np.full(len(sel), -1, dtype=np.int64)
    acc = words[sel[:, 0]]
    for i in range(1, sel.shape[1]):
        acc &= words[sel[:, i]]
    nz = acc != 0
    hit = np.flatnonzero(nz.any(axis=1))
    if not hit.size:
        return out
    word = np.argmax(nz[hit], axis=1)
    out[hit] = word * 64 + _low_bit(acc[hit, word])
    return out
