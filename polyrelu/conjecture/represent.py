"""Is a target function representable by a network of a given architecture over a finite
weight set?  A search, certified either way.

The search is the conjecture "no network in this space computes TARGET" over an
exhaustive :class:`~polyrelu.conjecture.spaces.NetworkSpace` (every weight and bias from
the set, hidden rows sorted: neuron permutations leave the function unchanged).  Each
candidate is first compared with the target at a few fixed rational points (exact
evaluation: a difference there is already a proof of inequality); only candidates that
agree everywhere there are decided by exact network equality
(:func:`polyrelu.nets.equality.networks_equal`).  A counterexample is a network that
computes the target, the smallest one (fewest neurons, smallest weights); "holds" means
*none in this space*, with the space's size reported.

The search itself is :func:`polyrelu.conjecture.harness.find_representation`.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .expression import Expression, parse_expression, probe_points
from .model import Conjecture

__all__ = ["representability_conjecture", "expression_arity"]


def expression_arity(text: str) -> int:
    """The largest k such that x_k occurs in ``text`` (at least 1)."""
    return max([1] + [int(k) for k in re.findall(r"(?i)\bx(\d+)\b", text)])


@lru_cache(maxsize=16)
def _target(text: str, n: int):
    expr = parse_expression(text, n=n)
    pts = probe_points(n) + [tuple(v * 5 for v in p) for p in probe_points(n)]
    return expr, expr.to_network(), [(p, expr.evaluate(p)) for p in pts]


def _equal_to_target(c, text: str, n: int) -> int:
    from ..nets.equality import networks_equal

    _, compiled, probes = _target(text, n)
    net = c.network
    for p, v in probes:
        if net.evaluate(p)[0] != v:
            return 0
    return 1 if networks_equal(net, compiled, workers=1)[0] else 0


def representability_conjecture(text: str, n: int) -> Conjecture:
    """The conjecture "no network in the space computes ``text``" (on R^n)."""
    expr: Expression = _target(text, n)[0]

    def certify(net):
        from .certificates import equality_certificate

        return equality_certificate(net, expr.to_network(), second_expression=text)

    return Conjecture(
        name="represent",
        statement=f"no network in the space computes {text}",
        quantity="computes the target (1 yes, 0 no)",
        measure=lambda c: _equal_to_target(c, text, n),
        holds=lambda c, v: v == 0,
        default_space=f"exhaustive:n={n};widths=1,2;weights=-1..1",
        depends_on="function",
        stop_at_first=True,
        certify=certify,
        reference="docs/mathematics.md §3 (Thm 2.1), §7",
        source=("represent", text, n),
    )
