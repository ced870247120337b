"""The family ZONOTOPE^n_{k,w,m}[a^1..a^k, b^1..b^m] = H o g_Z (docs/mathematics.md §5).

g_Z is the support function of Z(b) (one hidden layer of 2m neurons, Lemma 3.7) and H the
hard function of the a's (k hidden layers of width w); the composition has depth k + 2
and size 2m + wk.

**Independent piece count.**  With Z full-dimensional and centred at 0, g_Z is linear on
each normal cone C_v of a vertex v (g_Z(r) = <v, r>), and <v, .> maps C_v onto (0, inf).
An interval I between consecutive breakpoints of H in (0, inf) pulls back, in each cone,
to a connected slab {r in C_v : <v, r> in I}.  If H has nonzero slope s on I, the maps
s <v, r> + c differ from cone to cone (v != v'), so each cone contributes its own piece.
If H is flat on I (H = c), the pull-back {r : g_Z(r) in I} is the region between two
level sets of the convex function g_Z: connected for n >= 2 (one piece), two rays for
n = 1 (one per cone).  Distinct intervals of H give pieces whose closures meet only where
their maps differ.  Hence, for n >= 2,

    pieces(H o g_Z) = |vert Z| * (sloped pieces of H on (0, inf)) + (flat pieces of H on (0, inf)),

which :func:`family_pieces_by_cones` computes from the vertex count and exact breakpoint
propagation, without enumerating regions of the composed network.
"""

from __future__ import annotations

import warnings
from typing import Any, Sequence

from ...errors import InvalidParameterError
from ...nets.network import ReluNetwork
from ..closed_forms import zonotope_family_count as paper_family_count  # noqa: F401  (Prop. 3.8 as printed)
from .zigzag import check_breakpoints, hard_function

__all__ = ["zonotope_family", "family_pieces_by_cones", "paper_family_count"]


def zonotope_family(breakpoints: Sequence[Sequence[Any]], generators: Sequence[Sequence[Any]], M: Any = 1) -> ReluNetwork:
    """H o g_Z: depth k + 2, size 2m + sum of widths.  Warns (UserWarning) when the
    generators are not in general position: Z then has fewer than 2 sum_{i<n} C(m-1, i)
    vertices, and the family member fewer pieces than the paper's count."""
    from ...geometry.zonotope import Zonotope

    for i, a in enumerate(breakpoints):
        check_breakpoints(a, M, field=f"breakpoints[{i}]")
    Z = Zonotope(generators)
    if Z.n_zero_generators:
        raise InvalidParameterError("generators include the zero vector; remove it (it adds two dead neurons)")
    if not Z.is_general_position():
        warnings.warn(
            "the generators are not in general position: Z has "
            f"{Z.n_vertices} < {Z.vertex_bound()} vertices, so the piece count is below the paper's formula",
            UserWarning,
            stacklevel=2,
        )
    return hard_function(breakpoints, M).compose(Z.to_network())


def family_pieces_by_cones(breakpoints: Sequence[Sequence[Any]], generators: Sequence[Sequence[Any]], M: Any = 1) -> int:
    """|vert Z| * (sloped pieces of H on (0, inf)) + (flat pieces there), for n >= 2;
    |vert Z| * (pieces of H on (0, inf)) for n = 1.  See the module docstring."""
    from ...nets.pwl1d import PWL1D
    from ...geometry.zonotope import Zonotope

    Z = Zonotope(generators)
    if Z.rank < Z.dim:
        raise InvalidParameterError("the cone argument needs a full-dimensional zonotope")
    f = PWL1D.from_network(hard_function(breakpoints, M))
    cuts = [t for t in f.breakpoints if t > 0]
    slopes = f.slopes[len(f.slopes) - len(cuts) - 1 :]  # slopes of the pieces of (0, inf)
    flat = sum(1 for s in slopes if s == 0)
    if Z.dim == 1:
        return Z.n_vertices * len(slopes)
    return Z.n_vertices * (len(slopes) - flat) + flat
