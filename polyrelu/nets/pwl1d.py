"""Exact continuous piecewise-linear functions on R (docs/mathematics.md §3-§4).

A :class:`PWL1D` is given by breakpoints t_1 < ... < t_k, the values f(t_i), and the
slopes left of t_1 and right of t_k (for k = 0: a value at 0 and one slope).  It is kept
in canonical form (a breakpoint where the slope does not change is removed), so
``pieces()`` is the number of maximal intervals on which f is affine.

>>> f = PWL1D([0, 1], [0, 1], left_slope=0, right_slope=0)   # a ramp
>>> f(["1/2"][0]), f.pieces(), f.pieces_in(0, 1)
(mpq(1,2), 3, 1)

:meth:`PWL1D.from_network` converts any R -> R network exactly by breakpoint
propagation (no sampling): each layer's neurons are PWL on a shared grid of breakpoints,
ReLU adds the zero crossings, and values between grid points are exact linear
interpolation.
"""

from __future__ import annotations

from bisect import bisect_left
from typing import Any, Sequence

import numpy as np
from gmpy2 import mpq

from ..errors import CompilationError, InternalError, InvalidParameterError, ShapeError
from .network import ReluNetwork
from ..exact.rational import Rational, as_rational, as_vector, to_str

__all__ = ["PWL1D"]

_ZERO = mpq(0)


class PWL1D:
    """A continuous piecewise-linear function R -> R, exactly."""

    __slots__ = ("_t", "_v", "_left", "_right")

    def __init__(self, breakpoints: Sequence[Any], values: Sequence[Any], *, left_slope: Any, right_slope: Any):
        t = as_vector(breakpoints, field="breakpoints")
        v = as_vector(values, field="values", length=len(t))
        for i in range(1, len(t)):
            if not t[i - 1] < t[i]:
                raise InvalidParameterError(f"breakpoints[{i}] = {to_str(t[i])} must be greater than breakpoints[{i - 1}] = {to_str(t[i - 1])}")
        if not t:
            raise ShapeError("give at least one breakpoint (use PWL1D.affine for an affine function)")
        self._set(list(t), list(v), as_rational(left_slope, field="left_slope"), as_rational(right_slope, field="right_slope"))

    @classmethod
    def affine(cls, slope: Any, intercept: Any) -> "PWL1D":
        """x -> slope * x + intercept."""
        s, c = as_rational(slope, field="slope"), as_rational(intercept, field="intercept")
        obj = cls.__new__(cls)
        obj._set([mpq(0)], [c], s, s)
        return obj

    def _set(self, t, v, left, right):
        # canonical form: drop breakpoints where the slope does not change
        slopes = [left] + [(v[i + 1] - v[i]) / (t[i + 1] - t[i]) for i in range(len(t) - 1)] + [right]
        keep = [i for i in range(len(t)) if slopes[i] != slopes[i + 1]]
        if not keep:  # affine: keep one anchor point
            keep = [0]
        self._t = [t[i] for i in keep]
        self._v = [v[i] for i in keep]
        self._left, self._right = left, right

    # ---------------------------------------------------------------- access
    @property
    def breakpoints(self) -> tuple[Rational, ...]:
        return tuple(self._t) if not self.is_affine else ()

    @property
    def is_affine(self) -> bool:
        return len(self._t) == 1 and self._left == self._right

    @property
    def slopes(self) -> tuple[Rational, ...]:
        """Slopes of the pieces from left to right."""
        if self.is_affine:
            return (self._left,)
        t, v = self._t, self._v
        return (self._left,) + tuple((v[i + 1] - v[i]) / (t[i + 1] - t[i]) for i in range(len(t) - 1)) + (self._right,)

    def __call__(self, x: Any) -> Rational:
        xv = as_rational(x, field="x")
        t, v = self._t, self._v
        if xv <= t[0]:
            return v[0] + self._left * (xv - t[0])
        if xv >= t[-1]:
            return v[-1] + self._right * (xv - t[-1])
        i = bisect_left(t, xv)
        if t[i] == xv:
            return v[i]
        return v[i - 1] + (v[i] - v[i - 1]) * (xv - t[i - 1]) / (t[i] - t[i - 1])

    def pieces(self) -> int:
        """Maximal intervals of R on which f is affine."""
        return 1 if self.is_affine else len(self._t) + 1

    def pieces_in(self, lo: Any, hi: Any) -> int:
        """Maximal intervals of [lo, hi] on which f is affine (breakpoints strictly inside + 1)."""
        a, b = as_rational(lo, field="lo"), as_rational(hi, field="hi")
        if not a < b:
            raise InvalidParameterError(f"interval [{to_str(a)}, {to_str(b)}] is empty or a point")
        if self.is_affine:
            return 1
        return sum(1 for x in self._t if a < x < b) + 1

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PWL1D) and (self._t, self._v, self._left, self._right) == (other._t, other._v, other._left, other._right) or (
            isinstance(other, PWL1D) and self.is_affine and other.is_affine and self._left == other._left and self(0) == other(0)
        )

    def __repr__(self) -> str:
        return f"PWL1D({self.pieces()} pieces)"

    # ------------------------------------------------------------- analysis
    def l1_distance(self, other: "PWL1D", lo: Any, hi: Any) -> Rational:
        """Exact integral of |f - g| over [lo, hi]."""
        a, b = as_rational(lo, field="lo"), as_rational(hi, field="hi")
        if not a < b:
            raise InvalidParameterError(f"interval [{to_str(a)}, {to_str(b)}] is empty or a point; give lo < hi")
        grid = sorted({a, b} | {x for x in self.breakpoints + other.breakpoints if a < x < b})
        total = _ZERO
        for x0, x1 in zip(grid, grid[1:]):
            d0, d1 = self(x0) - other(x0), self(x1) - other(x1)
            if d0 * d1 >= 0:
                total += abs(d0 + d1) * (x1 - x0) / 2
            else:  # the difference crosses zero inside: two triangles
                c = x0 + (x1 - x0) * d0 / (d0 - d1)
                total += (abs(d0) * (c - x0) + abs(d1) * (x1 - c)) / 2
        return total

    # ---------------------------------------------------------- conversions
    @classmethod
    def from_network(cls, net: ReluNetwork, *, output: int = 0) -> "PWL1D":
        """The exact function of an R -> R network (breakpoint propagation)."""
        if not isinstance(net, ReluNetwork):
            raise InvalidParameterError(f"net must be a ReluNetwork, got {type(net).__name__}")
        if net.input_dim != 1:
            raise ShapeError(f"from_network needs a network on R, this one has input_dim {net.input_dim}")
        if isinstance(output, bool) or not isinstance(output, int) or not 0 <= output < net.output_dim:
            raise InvalidParameterError(f"output is {output!r}; the network has outputs 0..{net.output_dim - 1}")
        # state: grid points (sorted), values of every current unit at the grid points,
        # and every unit's slopes to the left and right of the grid
        grid: list[Rational] = []
        vals: Any = None  # units x grid, object array of mpq
        zvals: Any = None
        left: Any = None
        right: Any = None
        for li, layer in enumerate(net.layers):
            W = np.array(layer.weights, dtype=object)
            b = np.array(layer.biases, dtype=object)
            if li == 0:
                lslope = W[:, 0].copy()
                rslope = W[:, 0].copy()
                zvals = np.zeros((W.shape[0], 0), dtype=object)
                base = b.copy()  # value at x = 0 for the affine units (no grid yet)
            else:
                zvals = W.dot(vals) + b[:, None] if grid else None
                lslope, rslope = W.dot(left), W.dot(right)
                if not grid:
                    base = W.dot(base) + b
            if li == len(net.layers) - 1:
                if not grid:
                    return cls.affine(lslope[output], base[output])
                return cls(grid, list(zvals[output]), left_slope=lslope[output], right_slope=rslope[output])
            grid, vals, left, right, base = _relu_layer(grid, zvals, lslope, rslope, base if not grid else None)
        raise InternalError("PWL1D.from_network fell off its layer loop")

    def to_network(self) -> ReluNetwork:
        """Thm 2.2 / Cor. A.1: one hidden layer with at most p neurons (p - 1 when the
        leftmost or rightmost piece is flat); an output bias carries f's constant.

        With breakpoints t_1 < ... < t_k (k = p - 1) and slopes s_0, ..., s_k:

            f(x) = f(t_1) - s_0 s(t_1 - x) + s_1 s(x - t_1) + sum_{i>=2} (s_i - s_{i-1}) s(x - t_i)

        which uses k + 1 = p neurons, and p - 1 when s_0 = 0 (leftmost piece flat).  When
        only the rightmost piece is flat, the mirrored formula (built for f(-x)) is used.
        An affine f is returned as a network with no hidden layer.  The result is
        converted back (breakpoint propagation) and checked to be exactly f before it is
        returned (:class:`~polyrelu.errors.CompilationError` otherwise).
        """
        if self.is_affine:
            net = ReluNetwork(1, [([[self.slopes[0]]], [self(0)])])
        else:
            s = self.slopes
            if s[0] != 0 and s[-1] == 0:
                t = [-x for x in reversed(self.breakpoints)]
                g = PWL1D(t, [self(-x) for x in t], left_slope=-s[-1], right_slope=-s[0])
                inner = _thm22_formula(g)
                w, b = inner.layers[0].weights, inner.layers[0].biases
                net = ReluNetwork(1, [([[-row[0]] for row in w], b), (inner.layers[1].weights, inner.layers[1].biases)])
            else:
                net = _thm22_formula(self)
        if PWL1D.from_network(net) != self:
            raise CompilationError("the compiled network differs from the input function")
        return net


def _thm22_formula(f: "PWL1D") -> ReluNetwork:
    t, s = f.breakpoints, f.slopes
    weights, biases, out = [], [], []
    if s[0] != 0:
        weights.append([-1])
        biases.append(t[0])
        out.append(-s[0])
    weights.append([1])
    biases.append(-t[0])
    out.append(s[1])
    for i in range(1, len(t)):
        weights.append([1])
        biases.append(-t[i])
        out.append(s[i + 1] - s[i])
    return ReluNetwork(1, [(weights, biases), ([out], [f(t[0])])])


def _relu_layer(grid, zvals, lslope, rslope, base):
    """Apply ReLU to units given on a grid; returns the refined grid and new unit data."""
    n_units = lslope.shape[0]
    if not grid:  # units are affine: z_j(x) = lslope_j * x + base_j
        roots = sorted({-base[j] / lslope[j] for j in range(n_units) if lslope[j] != 0})
        if not roots:  # still affine after ReLU only if slopes are zero
            new_base = np.array([v if v > 0 else _ZERO for v in base], dtype=object)
            return [], None, np.zeros(n_units, dtype=object), np.zeros(n_units, dtype=object), new_base
        grid = roots
        zvals = np.array([[lslope[j] * x + base[j] for x in grid] for j in range(n_units)], dtype=object)
    else:
        crossings = set()
        for j in range(n_units):
            row = zvals[j]
            for i in range(len(grid) - 1):
                a, c = row[i], row[i + 1]
                if (a < 0 < c) or (c < 0 < a):
                    crossings.add(grid[i] + (grid[i + 1] - grid[i]) * a / (a - c))
            # beyond the grid: a zero crossing of the end rays
            if lslope[j] != 0:
                x = grid[0] - row[0] / lslope[j]
                if x < grid[0]:
                    crossings.add(x)
            if rslope[j] != 0:
                x = grid[-1] - row[-1] / rslope[j]
                if x > grid[-1]:
                    crossings.add(x)
        if crossings:
            new_grid = sorted(set(grid) | crossings)
            zvals = _resample(grid, zvals, lslope, rslope, new_grid)
            grid = new_grid
    vals = np.where(_positive(zvals), zvals, np.array(_ZERO, dtype=object))
    # end slopes after ReLU: the unit's sign far out on each side
    left = np.array([lslope[j] if (zvals[j][0] > 0 or (zvals[j][0] == 0 and lslope[j] < 0)) else _ZERO for j in range(n_units)], dtype=object)
    right = np.array([rslope[j] if (zvals[j][-1] > 0 or (zvals[j][-1] == 0 and rslope[j] > 0)) else _ZERO for j in range(n_units)], dtype=object)
    return grid, vals, left, right, None


def _positive(arr: np.ndarray) -> np.ndarray:
    return np.vectorize(lambda v: v > 0, otypes=[bool])(arr) if arr.size else np.zeros(arr.shape, dtype=bool)


def _resample(grid, zvals, lslope, rslope, new_grid):
    """Values of PWL units (given on ``grid`` with end slopes) at ``new_grid`` (a superset)."""
    out = np.empty((zvals.shape[0], len(new_grid)), dtype=object)
    pos = {x: i for i, x in enumerate(grid)}
    for k, x in enumerate(new_grid):
        i = pos.get(x)
        if i is not None:
            out[:, k] = zvals[:, i]
        elif x < grid[0]:
            out[:, k] = zvals[:, 0] + lslope * (x - grid[0])
        elif x > grid[-1]:
            out[:, k] = zvals[:, -1] + rslope * (x - grid[-1])
        else:
            i = bisect_left(grid, x)
            lam = (x - grid[i - 1]) / (grid[i] - grid[i - 1])
            out[:, k] = zvals[:, i - 1] + (zvals[:, i] - zvals[:, i - 1]) * lam
    return out
