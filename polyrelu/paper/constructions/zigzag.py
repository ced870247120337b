"""Zig-zag functions h_a and hard functions H (docs/mathematics.md §4, Section 3.1 of the paper).

Random members of the family come from :mod:`polyrelu.paper.instances`.
"""

from __future__ import annotations

from typing import Any, Sequence

from ...errors import InvalidParameterError, ShapeError
from ...nets.network import ReluNetwork
from ...exact.rational import Rational, as_rational, as_vector, to_str

__all__ = ["zigzag", "hard_function", "check_breakpoints"]


def check_breakpoints(a: Sequence[Any], M: Any, *, field: str = "a") -> tuple[tuple[Rational, ...], Rational]:
    """Validate a in Delta^{w-1}_M: rationals with 0 < a_1 < ... < a_{w-1} < M, w >= 2."""
    m = as_rational(M, field="M")
    if m <= 0:
        raise InvalidParameterError(f"M is {to_str(m)}; it must be positive")
    pts = as_vector(a, field=field)
    if len(pts) < 1:
        raise ShapeError(f"{field} is empty; a zig-zag of width w needs w - 1 >= 1 breakpoints (w >= 2)")
    prev = as_rational(0)
    for i, v in enumerate(pts):
        if not prev < v:
            what = "0" if i == 0 else f"{field}[{i - 1}] = {to_str(prev)}"
            raise InvalidParameterError(f"{field}[{i}] = {to_str(v)} must be greater than {what} (breakpoints strictly increasing in (0, M))")
        prev = v
    if not prev < m:
        raise InvalidParameterError(f"{field}[{len(pts) - 1}] = {to_str(prev)} must be less than M = {to_str(m)}")
    return pts, m


def zigzag(a: Sequence[Any], M: Any) -> ReluNetwork:
    """The zig-zag h_a for a in Delta^{w-1}_M: w hidden neurons, no output bias.

    h_a is 0 on (-inf, 0]; on [a_i, a_{i+1}] (a_0 = 0, a_w = M) it rises from 0 to M for
    even i and falls from M to 0 for odd i; beyond M it continues the last segment.
    As a network h_a(x) = sum_j (t_{j+1} - t_j) s(x - a_j) with t_j the slope on segment
    j and t_0 = 0.

    >>> h = zigzag(["1/2"], 1)
    >>> [h.evaluate([x])[0] for x in ("0", "1/4", "1/2", "1")]
    [mpq(0,1), mpq(1,2), mpq(1,1), mpq(0,1)]
    """
    pts, m = check_breakpoints(a, M)
    knots = (as_rational(0),) + pts + (m,)
    slopes = [m / (knots[i + 1] - knots[i]) * (1 if i % 2 == 0 else -1) for i in range(len(knots) - 1)]
    w = len(slopes)
    coeffs = [slopes[0]] + [slopes[j] - slopes[j - 1] for j in range(1, w)]
    hidden = ([[1]] * w, [-knots[j] for j in range(w)])
    return ReluNetwork(1, [hidden, ([coeffs], [0])])


def hard_function(breakpoints: Sequence[Sequence[Any]], M: Any) -> ReluNetwork:
    """H = h_{a^k} o ... o h_{a^1} (h_{a^1} applied first): k hidden layers, size sum w_i."""
    if len(breakpoints) == 0:
        raise ShapeError("breakpoints is empty; give at least one breakpoint vector a^1")
    nets = []
    for i, a in enumerate(breakpoints):
        check_breakpoints(a, M, field=f"breakpoints[{i}]")
        nets.append(zigzag(a, M))
    net = nets[0]
    for h in nets[1:]:
        net = h.compose(net)
    return net
