"""Exact lower bounds on a subproblem from the signs of its neurons alone (the sign bound).

In a multiset of (cell, sign) pairs, a point no neuron sees has prediction c (0 without
output bias); a point seen only by positive neurons has prediction >= c, only by negative
ones <= c; a point seen by both signs is unconstrained.  (On the closed cell a neuron's
output on an active point is s xt_j . theta with xt_j . theta >= 0.)  The least loss
compatible with those constraints bounds every network of the multiset from below.

:func:`sign_bound` computes it for one multiset; :class:`SignBounds` for many at once, as
exact integers over a common denominator (numpy int64 when the sums provably fit, Python
integers otherwise).

**Monotonicity** (used by the trainer): adding a neuron only relaxes the constraints, so
the sign bound of a multiset is at most that of any sub-multiset.
"""

from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np
from gmpy2 import mpq

from ..errors import InvalidParameterError
from ..exact.rational import Rational, as_rational
from ..paper.closed_forms import algorithm1_subproblem_bound

__all__ = ["sign_bound", "paper_bound", "SignBounds"]

_ZERO = mpq(0)


def paper_bound(D: int, n: int, w: int) -> int:
    """The paper's count 2^w D^(n w) of convex subproblems (the closed form lives in
    :mod:`polyrelu.paper.closed_forms`)."""
    return algorithm1_subproblem_bound(D, n, w)


def _term(loss: str, kind: str, c: Rational, y: Rational) -> Rational:
    """Least loss at a point whose prediction p is = c ("zero"), >= c ("pos") or <= c ("neg")."""
    if loss == "absolute":
        return abs(c - y) if kind == "zero" else max(_ZERO, c - y) if kind == "pos" else max(_ZERO, y - c)
    if loss == "squared":
        d = c - y if kind == "zero" else max(_ZERO, c - y) if kind == "pos" else max(_ZERO, y - c)
        return d * d
    # hinge, y in {-1, +1}: max(0, 1 - y p)
    if kind == "zero" or (kind == "pos" and y < 0) or (kind == "neg" and y > 0):
        return max(_ZERO, 1 - y * c)
    return _ZERO


def sign_bound(loss: str, ys: Sequence[Rational], zero: Sequence[int], pos: Sequence[int], neg: Sequence[int], output_bias: bool) -> Rational:
    """Exact lower bound on sum_j loss(f(x_j), y_j) for every network whose predictions are
    c on ``zero``, >= c on ``pos`` and <= c on ``neg`` (c = 0 without output bias, any real
    with it); points in none of the lists are unconstrained.

    With output bias the bound is min over c of a convex piecewise function whose kinks
    lie at the labels: piecewise linear losses attain it at a kink, and the squared loss at
    a kink or at the stationary point (a mean of labels) of one of its quadratic pieces.

    >>> sign_bound("absolute", [3, -2, 5], zero=[0], pos=[1], neg=[2], output_bias=False)   # 3 + 2 + 5
    mpq(10,1)
    """
    if loss not in ("squared", "absolute", "hinge"):
        raise InvalidParameterError(f"loss is {loss!r}; expected one of squared, absolute, hinge")
    ys = [as_rational(v, field=f"ys[{j}]") for j, v in enumerate(ys)]
    groups = [("zero", j) for j in zero] + [("pos", j) for j in pos] + [("neg", j) for j in neg]

    def F(c):
        return sum((_term(loss, k, c, ys[j]) for k, j in groups), _ZERO)

    if not output_bias:
        return F(_ZERO)
    if not groups:
        return _ZERO
    kinks = sorted({ys[j] for _, j in groups})
    candidates = set(kinks)
    if loss == "squared":
        edges = [kinks[0] - 1] + [(a + b) / 2 for a, b in zip(kinks, kinks[1:])] + [kinks[-1] + 1]
        for m in edges:  # one probe per open piece between kinks
            on = [ys[j] for k, j in groups if k == "zero" or (k == "pos" and m > ys[j]) or (k == "neg" and m < ys[j])]
            if on:
                candidates.add(sum(on, _ZERO) / len(on))
    return min(F(c) for c in candidates)


class SignBounds:
    """Sign bounds of many multisets at once, exactly.

    ``masks`` is a boolean array (pairs x D): the points each pair's cell sees; ``signs``
    the pairs' signs.  :meth:`of` takes an integer array (N x w) of pair indices and returns
    the N bounds as integers over :attr:`denominator`.  Squared loss with output bias (a
    minimum of rational quadratics) goes through :func:`sign_bound` one multiset at a time
    and returns rationals (denominator 1).
    """

    def __init__(self, loss: str, ys: Sequence[Rational], masks: np.ndarray, signs: Sequence[int], output_bias: bool):
        self.loss, self.bias = loss, output_bias
        self.ys = tuple(mpq(v) for v in ys)
        self.masks = np.asarray(masks, dtype=bool)
        self.signs = np.asarray(signs, dtype=np.int8)
        L = 1
        for v in self.ys:
            L = math.lcm(L, int(v.denominator))
        self._scale = L
        self.denominator = L * L if loss == "squared" else L
        self._slow = loss == "squared" and output_bias
        self._bitwise = False
        if self._slow:  # bounds are rationals (means of labels): kept as mpq over denominator 1
            self.dtype, self.denominator = object, 1
            return
        cs = sorted(set(self.ys)) if output_bias else [_ZERO]
        tables = []  # per candidate c: (zero, pos, neg) weights over the points, times the denominator
        for c in cs:
            tables.append([[int(_term(loss, kind, c, yj) * self.denominator) for yj in self.ys] for kind in ("zero", "pos", "neg")])
        self._tables = np.array(tables, dtype=object)  # (n_c, 3, D)
        biggest = max((sum(abs(v) for v in row) for t in tables for row in t), default=0)
        self.dtype = np.int64 if 3 * biggest < 2**62 else object
        self._tables = self._tables.astype(self.dtype)
        D = self.masks.shape[1]
        self._bitwise = self.dtype == np.int64 and D <= 64
        if self._bitwise:  # masks as one 64-bit word per pair; per-byte tables of the weights
            weights = (np.uint64(1) << np.arange(D, dtype=np.uint64))
            m = (self.masks.astype(np.uint64) * weights[None, :]).sum(axis=1, dtype=np.uint64)
            self._pos = np.where(self.signs > 0, m, np.uint64(0)).astype(np.uint64)
            self._neg = np.where(self.signs < 0, m, np.uint64(0)).astype(np.uint64)
            self._full = np.uint64((1 << D) - 1) if D < 64 else np.uint64(2**64 - 1)
            nbytes = (D + 7) // 8
            T = np.zeros((len(cs), 3, nbytes, 256), dtype=np.int64)
            bits = ((np.arange(256)[:, None] >> np.arange(8)[None, :]) & 1).astype(np.int64)  # 256 x 8
            for b in range(nbytes):
                lo, hi = 8 * b, min(D, 8 * b + 8)
                W = np.zeros((len(cs), 3, 8), dtype=np.int64)
                W[:, :, : hi - lo] = self._tables[:, :, lo:hi]
                T[:, :, b, :] = np.einsum("ck t,vt->ckv".replace(" ", ""), W, bits)
            self._bytes = T

    def of(self, combos: np.ndarray) -> np.ndarray:
        combos = np.asarray(combos)
        if self._bitwise and combos.shape[0]:
            return self._of_bits(combos)
        N = combos.shape[0]
        m = self.masks[combos]  # (N, w, D)
        s = self.signs[combos][:, :, None]
        pos = np.any(m & (s > 0), axis=1)
        neg = np.any(m & (s < 0), axis=1)
        zero, po, no = ~(pos | neg), pos & ~neg, neg & ~pos
        if self._slow:
            out = np.empty(N, dtype=object)
            for i in range(N):
                b = sign_bound(self.loss, self.ys, np.flatnonzero(zero[i]).tolist(), np.flatnonzero(po[i]).tolist(),
                               np.flatnonzero(no[i]).tolist(), True)
                out[i] = b
            return out
        T = self._tables
        cast = (lambda a: a.astype(self.dtype))
        vals = cast(zero) @ T[:, 0, :].T + cast(po) @ T[:, 1, :].T + cast(no) @ T[:, 2, :].T  # (N, n_c)
        return vals.min(axis=1) if vals.shape[1] > 1 else vals[:, 0]

    def _of_bits(self, combos: np.ndarray) -> np.ndarray:
        pos = self._pos[combos[:, 0]].copy()
        neg = self._neg[combos[:, 0]].copy()
        for i in range(1, combos.shape[1]):
            pos |= self._pos[combos[:, i]]
            neg |= self._neg[combos[:, i]]
        cats = ((~(pos | neg)) & self._full, pos & ~neg, neg & ~pos)
        T = self._bytes
        best = None
        for c in range(T.shape[0]):
            tot = np.zeros(combos.shape[0], dtype=np.int64)
            for k, mask in enumerate(cats):
                for b in range(T.shape[2]):
                    tot += T[c, k, b][((mask >> np.uint64(8 * b)) & np.uint64(255)).astype(np.intp)]
            best = tot if best is None else np.minimum(best, tot)
        if best is None:
            return np.zeros(combos.shape[0], dtype=np.int64)
        return best

    def threshold(self, value: Rational) -> Any:
        """The least bound (over :attr:`denominator`) that proves ``bound >= value``."""
        if self._slow:
            return mpq(value)
        v = value * self.denominator
        return int(-((-v.numerator) // v.denominator))
