"""Exact function equality of two networks, with a rational point where they differ.

>>> from polyrelu.paper.constructions import max_of_two, zigzag
>>> networks_equal(max_of_two(), max_of_two().rescale_neuron(0, 2, 3))
(True, None)
>>> networks_equal(zigzag(["1/2"], 1), zigzag(["1/3"], 1))[0]
False
"""

from __future__ import annotations

from typing import Sequence

from gmpy2 import mpq

from ..errors import InternalError, InvalidParameterError, ShapeError
from ..exact.rational import Rational
from ..geometry.polyhedron import OpenPolyhedron
from .network import ReluNetwork
from .regions import ActivationRegion, LineRegions, network_regions

__all__ = ["networks_equal"]

_ZERO = mpq(0)


def networks_equal(f: ReluNetwork, g: ReluNetwork, *, domain: OpenPolyhedron | None = None, workers: int | None = None,
                   executor=None, max_regions: int | None = None, max_seconds: float | None = None):
    """Decide exactly whether f = g on R^n (or the domain).

    Returns ``(True, None)`` or ``(False, x)`` with a rational point x where they differ;
    ``(None, None)`` if a budget (``max_regions``, ``max_seconds``) ran out first.
    Route: enumerate the activation regions of f - g (one network, f.add(g.scaled(-1)));
    f = g iff its affine map is zero on every region.
    """
    for name, net in (("f", f), ("g", g)):
        if not isinstance(net, ReluNetwork):
            raise InvalidParameterError(f"{name} must be a ReluNetwork, got {type(net).__name__}")
    if f.input_dim != g.input_dim or f.output_dim != g.output_dim:
        raise ShapeError(
            f"cannot compare networks R^{f.input_dim} -> R^{f.output_dim} and R^{g.input_dim} -> R^{g.output_dim}"
        )
    diff = f.add(g.scaled(-1))
    res = network_regions(diff, domain=domain, workers=workers, executor=executor, max_regions=max_regions,
                          max_seconds=max_seconds)
    if res.partial:
        return None, None
    # on the line only the regions with a nonzero map are built
    candidates = res.nonzero_map_indices().tolist() if isinstance(res, LineRegions) else range(len(res.regions))
    for i in candidates:
        r = res.regions[i]
        A, c = r.affine_map.matrix, r.affine_map.offset
        if all(v == 0 for row in A for v in row) and all(v == 0 for v in c):
            continue
        x = r.witness
        if f.evaluate(x) != g.evaluate(x):
            return False, x
        # the map is nonzero but vanishes at the witness: step along a nonzero gradient
        row = next(row for row in A if any(v != 0 for v in row))
        x2 = _step_inside(r, x, row)
        if f.evaluate(x2) == g.evaluate(x2):  # pragma: no cover - impossible by construction
            raise InternalError("a nonzero affine map vanished at two points on its gradient line")
        return False, x2
    return True, None


def _step_inside(r: ActivationRegion, x: Sequence[Rational], direction: Sequence[Rational]) -> tuple[Rational, ...]:
    """x + t * direction with t > 0 small enough to stay strictly inside the region."""
    t = mpq(1)
    for a, b in r.inequalities:
        slack = b - sum((u * v for u, v in zip(a, x)), _ZERO)
        rate = sum((u * v for u, v in zip(a, direction)), _ZERO)
        if rate > 0 and slack / rate <= t:
            t = slack / rate / 2
    return tuple(v + t * d for v, d in zip(x, direction))

