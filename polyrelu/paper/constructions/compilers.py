"""Compilers from PWL functions to networks (Thm 2.2 on R)."""

from __future__ import annotations

from ...errors import PolyReluError
from ...nets.network import ReluNetwork

__all__ = ["pwl_to_one_layer", "CompilationError"]


class CompilationError(PolyReluError, RuntimeError):
    """A compiled network failed its exact equality check (a polyrelu bug)."""


def pwl_to_one_layer(f) -> ReluNetwork:
    """Thm 2.2 / Cor. A.1: a PWL function on R with p pieces as one hidden layer.

    With breakpoints t_1 < ... < t_k (k = p - 1) and slopes s_0, ..., s_k:

        f(x) = f(t_1) - s_0 s(t_1 - x) + s_1 s(x - t_1) + sum_{i>=2} (s_i - s_{i-1}) s(x - t_i)

    which uses k + 1 = p neurons, and p - 1 when s_0 = 0 (leftmost piece flat).  When
    only the rightmost piece is flat, the mirrored formula (built for f(-x)) is used.
    The constant f(t_1) is the output bias.  An affine f is returned as a network with no
    hidden layer.  The result is converted back (breakpoint propagation) and checked to
    be exactly f before it is returned.
    """
    from ...nets.pwl1d import PWL1D

    if f.is_affine:
        net = ReluNetwork(1, [([[f.slopes[0]]], [f(0)])])
    else:
        s = f.slopes
        if s[0] != 0 and s[-1] == 0:
            t = [-x for x in reversed(f.breakpoints)]
            g = PWL1D(t, [f(-x) for x in t], left_slope=-s[-1], right_slope=-s[0])
            inner = _formula(g)
            w, b = inner.layers[0].weights, inner.layers[0].biases
            net = ReluNetwork(1, [([[-row[0]] for row in w], b), (inner.layers[1].weights, inner.layers[1].biases)])
        else:
            net = _formula(f)
    back = PWL1D.from_network(net)
    if back != f:
        raise CompilationError("the compiled network differs from the input function")
    return net


def _formula(f) -> ReluNetwork:
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
