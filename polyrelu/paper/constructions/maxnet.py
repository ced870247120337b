"""Max gadgets and the Thm 2.1 compiler (docs/mathematics.md §3).

>>> net = max_affine([([1, 0], 0), ([0, 1], 0), ([-1, -1], 0)])   # max{x1, x2, -x1-x2}
>>> net.n_hidden_layers, net.evaluate(["1/2", "-3"])
(2, (mpq(5,2),))
"""

from __future__ import annotations

import functools
from typing import Any, Sequence

from ...exact.affine import AffineMap
from ...errors import InvalidParameterError, ShapeError
from ...nets.network import ReluNetwork
from ...exact.rational import Rational, as_rational, as_vector
from ..closed_forms import theorem_21_depth_bound  # noqa: F401  (re-exported: Thm 2.1's bound)

__all__ = ["max_affine", "min_affine", "max_affine_sequential", "compile_max_sum", "compile_lattice", "theorem_21_depth_bound"]


def _affine_net(functions: Sequence[tuple[Any, Any]], n: int | None = None) -> ReluNetwork:
    rows: list[tuple[Rational, ...]] = []
    consts: list[Rational] = []
    for i, (a, c) in enumerate(functions):
        rows.append(as_vector(a, field=f"functions[{i}].a", length=n if n is not None else (len(rows[0]) if rows else None)))
        consts.append(as_rational(c, field=f"functions[{i}].c"))
    if not rows:
        raise ShapeError("give at least one affine function (a, c) meaning x -> a . x + c")
    return ReluNetwork.from_affine(AffineMap(tuple(rows), tuple(consts), len(rows[0])))


def _pairwise_max_layer(q: int) -> ReluNetwork:
    """R^q -> R^ceil(q/2): max of consecutive pairs (4 neurons each,
    max{u,v} = (s(u+v) - s(-u-v) + s(u-v) + s(v-u)) / 2); an odd last input passes
    through u = s(u) - s(-u)."""
    hidden: list[list[int]] = []
    out: list[tuple[int, list[Any]]] = []
    for p in range(0, q - 1, 2):
        e = lambda i, c: [c if k == i else 0 for k in range(q)]  # noqa: E731
        u, v = p, p + 1
        base = len(hidden)
        hidden += [[a + b for a, b in zip(e(u, 1), e(v, 1))], [a + b for a, b in zip(e(u, -1), e(v, -1))],
                   [a + b for a, b in zip(e(u, 1), e(v, -1))], [a + b for a, b in zip(e(u, -1), e(v, 1))]]
        out.append((base, ["1/2", "-1/2", "1/2", "1/2"]))
    if q % 2:
        base = len(hidden)
        hidden += [[1 if k == q - 1 else 0 for k in range(q)], [-1 if k == q - 1 else 0 for k in range(q)]]
        out.append((base, [1, -1]))
    W: list[list[Any]] = [[0] * len(hidden) for _ in out]
    for r, (base, coeffs) in enumerate(out):
        for t, c in enumerate(coeffs):
            W[r][base + t] = c
    return ReluNetwork(q, [(hidden, [0] * len(hidden)), (W, [0] * len(out))])


def max_affine(functions: Sequence[tuple[Any, Any]], *, check: bool = False) -> ReluNetwork:
    """max_i (a_i . x + c_i) with ceil(log2 q) hidden layers (a balanced tree of
    4-neuron max gadgets), no output bias beyond the functions' constants.

    With ``check=True`` the network is proved equal on all of R^n (exact region
    enumeration of the difference) to :func:`max_affine_sequential`, a different
    construction of the same max, before it is returned.
    """
    net = _affine_net(functions)
    q = len(functions)
    while q > 1:
        net = _pairwise_max_layer(q).compose(net)
        q = (q + 1) // 2
    if check:
        _check_equal(net, max_affine_sequential(functions))
    return net


def min_affine(functions: Sequence[tuple[Any, Any]], *, check: bool = False) -> ReluNetwork:
    """min_i (a_i . x + c_i) = -max_i (-a_i . x - c_i)."""
    neg = [([-as_rational(v) for v in a], -as_rational(c)) for a, c in functions]
    return max_affine(neg, check=check).scaled(-1)


def _check_equal(net: ReluNetwork, reference: ReluNetwork) -> None:
    from ...nets.equality import networks_equal
    from ...errors import InvalidParameterError, CompilationError

    same, x = networks_equal(net, reference)
    if not same:
        raise CompilationError(f"the compiled network differs from its definition at x = {tuple(str(v) for v in x)} (a polyrelu bug)")


def max_affine_sequential(functions: Sequence[tuple[Any, Any]]) -> ReluNetwork:
    """A different construction of the same max, used as an independent reference:
    m_1 = l_1, m_{k+1} = l_{k+1} + s(m_k - l_{k+1}) (depth q), passing values through
    identity neurons."""
    fs = list(functions)
    n = len(as_vector(fs[0][0]))
    net = _affine_net(fs[:1], n)
    for k in range(1, len(fs)):
        # current net computes m (1 output); build x -> (m, l_{k+1}) then (m, l) -> l + s(m - l)
        a, c = fs[k]
        lk = _affine_net([(a, c)], n)
        pair = net.stack(lk)
        step = ReluNetwork(2, [([[1, -1], [0, 1], [0, -1]], [0, 0, 0]), ([[1, 1, -1]], [0])])
        net = step.compose(pair)
    return net


def compile_max_sum(terms: Sequence[tuple[int, Sequence[tuple[Any, Any]]]], *, check: bool = False) -> ReluNetwork:
    """Thm 2.1 compiler: f = sum_j s_j max_{i in S_j} l_i, given as [(s_j, [l_i ...]), ...]
    with s_j = +1/-1 and affine l_i = (a_i, c_i).  Each max is a balanced tree; the terms
    are added side by side (shallower ones padded with identity neurons), so the depth is
    ceil(log2 max |S_j|) + 1 <= ceil(log2(n + 1)) + 1 when |S_j| <= n + 1."""
    if not terms:
        raise ShapeError("give at least one term (s_j, [affine functions])")
    nets, refs = [], []
    for j, (s, fs) in enumerate(terms):
        if s not in (1, -1):
            raise InvalidParameterError(f"terms[{j}]: the sign s_j is {s!r}; it must be +1 or -1")
        nets.append(max_affine(fs).scaled(s))
        if check:
            refs.append(max_affine_sequential(fs).scaled(s))
    total = functools.reduce(ReluNetwork.add, nets)
    if check:
        _check_equal(total, functools.reduce(ReluNetwork.add, refs))
    return total


def compile_lattice(terms: Sequence[Sequence[tuple[Any, Any]]], *, check: bool = False) -> ReluNetwork:
    """The max-min (lattice) form max_i min_{j in T_i} l_j: mins stacked side by side,
    then a balanced max tree over them.  ``check=True``: proved equal to the same form
    built from sequential max/min chains."""
    if not terms:
        raise ShapeError("give at least one group T_i of affine functions")
    mins = functools.reduce(ReluNetwork.stack, [min_affine(fs) for fs in terms])
    q = len(terms)
    net = mins
    while q > 1:
        net = _pairwise_max_layer(q).compose(net)
        q = (q + 1) // 2
    if check:
        seq_mins = [max_affine_sequential([([-as_rational(v) for v in a], -as_rational(c)) for a, c in fs]).scaled(-1) for fs in terms]
        stacked = seq_mins[0]
        for m in seq_mins[1:]:
            stacked = stacked.stack(m)
        chain = max_affine_sequential([([1 if i == t else 0 for i in range(len(terms))], 0) for t in range(len(terms))])
        _check_equal(net, chain.compose(stacked))
    return net
