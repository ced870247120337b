"""Shared dual bounds: every solved subproblem's dual bounds every multiset it is feasible for.

Let u be the optimal dual of a solved multiset M, with b(u) = opt(M)
(:mod:`polyrelu.training.subproblem`).  Feasibility of u is a property of each (cell, sign)
pair separately: a . u <= 0 for every column a of the pair (and sum u = 0 with output
bias, which holds for all pairs at once).  So for any multiset M' all of whose pairs are
feasible for u, weak duality gives opt(M') >= b(u) = opt(M) >= the incumbent: M' cannot
beat the incumbent and need not be solved.  This covers the multisets that differ from
a solved one in one neuron (or more) as long as the new pairs are feasible for its dual;
it also covers multisets with a repeated pair.

**Floats propose, integers decide.**  Feasibility of every pair for a new dual is screened
in floats (one matrix-vector product over all cells' columns, generously: a column passes
when a . u <= 1e-9 * sum |a_j u_j|).  A dual is used to prune only after the pairs
involved are confirmed exactly (integer dot products, cached); a refuted pair is removed
from the screen.  Screening can only miss a dual, never admit a wrong one.
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np
from gmpy2 import mpq

from ..exact.rational import Rational

__all__ = ["DualPool"]

_TOL = 1e-9
_HOT = 64


def _screen_floats(values: Sequence) -> list[float]:
    """Floats for the screen: the values times one power of two 2^-s (s >= 0) chosen so
    that none overflows.  A positive common factor changes no sign of a dot product with
    them, and the screen only proposes (every pruning is confirmed exactly)."""
    qs = [mpq(v) for v in values]
    top = max((int(q.numerator).bit_length() - int(q.denominator).bit_length() for q in qs if q), default=0)
    if top > 1000:
        shift = mpq(1, 1 << (top - 1000))
        qs = [q * shift for q in qs]
    return [float(q) for q in qs]


class DualPool:
    """Duals of solved subproblems and, per pair, which of them it is feasible for.

    ``cols`` (per cell) are the cells' columns, as integers (any positive multiples);
    ``pairs`` the (cell, sign) pairs by index.
    """

    def __init__(self, cols: Sequence[Sequence[Sequence[int]]], pairs: Sequence[tuple[int, int]], D: int):
        self.pairs = list(pairs)
        cells = sorted({ci for ci, _ in self.pairs})
        rows_f: list[list[float]] = []
        rows_i: list[tuple[int, ...]] = []
        start: dict[int, tuple[int, int]] = {}
        for ci in cells:
            start[ci] = (len(rows_i), len(rows_i) + len(cols[ci]))
            for col in cols[ci]:
                rows_i.append(tuple(int(v) for v in col))
                rows_f.append(_screen_floats(col))
        self._rows = np.array(rows_i, dtype=object).reshape(len(rows_i), D)
        self._RC = np.array(rows_f, dtype=float).reshape(len(rows_i), D)
        self._RCabs = np.abs(self._RC)
        self._cell_first = np.array([start[ci][0] for ci in cells], dtype=np.intp)
        cell_pos = {ci: k for k, ci in enumerate(cells)}
        self._pair_cell = np.array([cell_pos[ci] for ci, _ in self.pairs], dtype=np.intp)
        self._pair_sign = np.array([s for _, s in self.pairs], dtype=np.int8)
        self._ranges = [start[ci] for ci, _ in self.pairs]
        self.values: list[Rational] = []
        self._U: list[np.ndarray] = []
        self._u: list[tuple[Rational, ...]] = []
        self._feas = np.zeros((len(self.pairs), 64), dtype=bool)
        self._conf = np.zeros((len(self.pairs), 64), dtype=bool)  # exactly confirmed feasible
        self._packed: np.ndarray | None = None
        self._known: dict[tuple[int, int], bool] = {}
        self._hot: list[int] = []
        self.n_confirmed = 0

    def __len__(self) -> int:
        return len(self.values)

    def add(self, value: Rational, u: Sequence[Rational]) -> int:
        """Add a dual with bound ``value``; returns its index."""
        k = len(self.values)
        den = 1
        for v in u:
            den = math.lcm(den, int(v.denominator))
        U = tuple(int(v * den) for v in u)
        uf = np.array(_screen_floats(u))
        # einsum, not BLAS: a threaded BLAS matrix-vector product is many times slower on a busy machine
        v = np.einsum("ij,j->i", self._RC, uf)
        scale = np.einsum("ij,j->i", self._RCabs, np.abs(uf)) * _TOL
        ok_pos = v <= scale
        ok_neg = -v <= scale
        cell_pos = np.logical_and.reduceat(ok_pos, self._cell_first) if len(v) else np.zeros(0, bool)
        cell_neg = np.logical_and.reduceat(ok_neg, self._cell_first) if len(v) else np.zeros(0, bool)
        feas = np.where(self._pair_sign > 0, cell_pos[self._pair_cell], cell_neg[self._pair_cell])
        if k >= self._feas.shape[1]:
            self._feas = np.concatenate([self._feas, np.zeros_like(self._feas)], axis=1)
            self._conf = np.concatenate([self._conf, np.zeros_like(self._conf)], axis=1)
        self._feas[:, k] = feas
        self.values.append(value)
        self._U.append(np.array(U, dtype=object))
        self._u.append(tuple(u))
        self._packed = None
        return k

    def u(self, k: int) -> tuple[Rational, ...]:
        """The exact dual vector k."""
        return self._u[k]

    def is_feasible(self, k: int, p: int) -> bool:
        """Exactly: is dual k feasible for pair p?"""
        self._confirm([(k, p)])
        return self._known[(k, p)]

    def _confirm(self, keys) -> None:
        """Decide exactly (integer dot products, batched per dual) the (dual, pair) keys not known yet."""
        by_dual: dict[int, list[int]] = {}
        for k, p in keys:
            if (k, p) not in self._known:
                by_dual.setdefault(k, []).append(p)
        for k, ps in by_dual.items():
            ps = sorted(set(ps))
            idx = np.concatenate([np.arange(*self._ranges[p]) for p in ps])
            vals = self._rows[idx].dot(self._U[k])
            at = 0
            for p in ps:
                a, b = self._ranges[p]
                s = int(self._pair_sign[p])
                got = all(s * v <= 0 for v in vals[at : at + b - a])
                at += b - a
                self._known[(k, p)] = got
                self.n_confirmed += 1
                self._conf[p, k] = got
                if not got and self._feas[p, k]:
                    self._feas[p, k] = False
                    self._packed = None

    def _bits(self) -> np.ndarray:
        if self._packed is None:
            self._packed = np.packbits(self._feas[:, : len(self.values)], axis=1, bitorder="little")
        return self._packed

    def cover(self, combos: np.ndarray) -> np.ndarray:
        """For each multiset (rows of pair indices), the index of a dual that is exactly
        feasible for all its pairs, or -1.

        The duals that covered something recently (at most 64, most recent first) are
        tried first; the rows they miss are checked against every dual.  Whether a row is
        covered never depends on this order, only which dual is named."""
        combos = np.asarray(combos)
        N = combos.shape[0]
        out = np.full(N, -1, dtype=np.int64)
        if not self.values or N == 0:
            return out
        rest = np.arange(N)
        if self._hot:
            hot = np.array(self._hot, dtype=np.int64)
            got = self._first_cover(combos, rest, hot)
            out[rest] = got
            rest = rest[got < 0]
        if rest.size:
            out[rest] = self._first_cover(combos, rest, None)
        used = out[out >= 0]
        if used.size:  # most recent first: the last rows' duals lead
            seen = list(dict.fromkeys(used[::-1].tolist()))
            self._hot = (seen + [k for k in self._hot if k not in set(seen)])[:_HOT]
        return out

    def _first_cover(self, combos, rows, among) -> np.ndarray:
        """Cover of ``rows`` by the duals ``among`` (None: all), exactly confirmed."""
        out = np.full(len(rows), -1, dtype=np.int64)
        todo = np.arange(len(rows))
        while todo.size:
            if among is None:
                bits, ids = self._bits(), None
            else:
                bits = np.packbits(self._feas[:, among], axis=1, bitorder="little")
                ids = among
            sel = combos[rows[todo]]
            acc = bits[sel[:, 0]]
            for i in range(1, sel.shape[1]):
                acc = acc & bits[sel[:, i]]
            hit = acc.any(axis=1)
            todo, acc, sel = todo[hit], acc[hit], sel[hit]
            if not todo.size:
                break
            byte = np.argmax(acc != 0, axis=1)
            val = acc[np.arange(len(todo)), byte].astype(np.int64)
            k = byte * 8 + np.log2(val & -val).astype(np.int64)
            if ids is not None:
                k = ids[k]
            known = np.all(self._conf[sel, k[:, None]], axis=1)
            out[todo[known]] = k[known]
            todo, k, sel = todo[~known], k[~known], sel[~known]
            if not todo.size:
                break
            self._confirm({(kk, p) for row, kk in zip(sel.tolist(), k.tolist()) for p in row})
            ok = np.all(self._conf[sel, k[:, None]], axis=1)
            out[todo[ok]] = k[ok]
            todo = todo[~ok]  # a refuted pair left the screen: look again
        return out
