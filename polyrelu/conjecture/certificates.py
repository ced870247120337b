"""Producers of the two certificate kinds that equality questions need.

Counts (regions, pieces) are certified in the existing formats
(``polyrelu.network-certificate``, ``polyrelu.arrangement-certificate``); these two are
new; :mod:`polyrelu.verify.equality` checks them (``polyrelu verify``):

``polyrelu.difference-certificate`` version 1 (two functions differ)
    fields ``first`` and ``second`` (``polyrelu.network`` objects, R^n -> R^m),
    ``first_digest``/``second_digest`` (sha256 of each), ``point`` (n rationals),
    ``values`` {"first": [m rationals], "second": [m rationals]}, optional
    ``second_expression`` (the text the second network was compiled from).
    Checks: digests match; both networks load and have the same input and output
    dimensions; the point has n entries; exact evaluation of each network at the point
    gives exactly the listed values; the two value vectors differ.  (If
    ``second_expression`` is present, a verifier that has the expression evaluator may
    also check that the expression's value equals ``values.second``.)

``polyrelu.equality-certificate`` version 1 (two networks compute the same function)
    fields ``first``, ``second`` (with digests as above), optional ``second_expression``,
    and ``difference``: a ``polyrelu.network-certificate`` of the network
    ``first.add(second.scaled(-1))``.  Checks: digests; the ``difference.network`` equals
    the network rebuilt from ``first`` and ``second`` by
    :meth:`ReluNetwork.add` / :meth:`ReluNetwork.scaled` (Lemma D.2 side by side,
    identity-padded to equal depth); ``difference`` passes the existing network-certificate
    check (so its regions are complete); and for every listed region the affine map,
    recomputed from the network and the region's pattern, is identically zero (all
    gradient entries and the constant).  Then first - second = 0 on every region, hence
    everywhere (the regions cover R^n up to a null set and both functions are continuous).

>>> from polyrelu.paper.constructions import max_of_two
>>> c = difference_certificate(max_of_two(), max_of_two().scaled(2), ["1", "2"])
>>> c["values"]
{'first': ['2'], 'second': ['4']}
"""

from __future__ import annotations

from typing import Any, Sequence

from ..errors import ShapeError
from ..exact.rational import as_vector, to_str
from ..io import formats
from ..nets.network import ReluNetwork

__all__ = ["difference_certificate", "equality_certificate", "DIFFERENCE_FORMAT", "EQUALITY_FORMAT"]

DIFFERENCE_FORMAT = "polyrelu.difference-certificate"
EQUALITY_FORMAT = "polyrelu.equality-certificate"


def _pair(first: ReluNetwork, second: ReluNetwork, expression: str | None) -> dict[str, Any]:
    if first.input_dim != second.input_dim or first.output_dim != second.output_dim:
        raise ShapeError("the two networks must have the same input and output dimensions")
    out = {"first": first.to_dict(), "first_digest": formats.digest(first.to_dict()),
           "second": second.to_dict(), "second_digest": formats.digest(second.to_dict())}
    if expression is not None:
        out["second_expression"] = expression
    return out


def difference_certificate(first: ReluNetwork, second: ReluNetwork, point: Sequence[Any], *,
                           second_expression: str | None = None) -> dict[str, Any]:
    """A certificate that ``first`` and ``second`` differ at ``point``."""
    x = as_vector(point, field="point", length=first.input_dim)
    a, b = first.evaluate(x), second.evaluate(x)
    if a == b:
        raise ShapeError("the networks agree at this point; it does not witness a difference")
    return {"format": DIFFERENCE_FORMAT, "version": 1, **_pair(first, second, second_expression),
            "point": [to_str(v) for v in x], "values": {"first": [to_str(v) for v in a], "second": [to_str(v) for v in b]}}


def equality_certificate(first: ReluNetwork, second: ReluNetwork, *, second_expression: str | None = None) -> dict[str, Any]:
    """A certificate that ``first`` and ``second`` compute the same function on R^n."""
    from ..certify import network_certificate
    from ..nets.regions import network_regions

    diff = first.add(second.scaled(-1))
    res = network_regions(diff, workers=1)
    if any(any(v != 0 for row in r.affine_map.matrix for v in row) or any(v != 0 for v in r.affine_map.offset) for r in res.regions):
        raise ShapeError("the networks differ; use difference_certificate with a witness point")
    return {"format": EQUALITY_FORMAT, "version": 1, **_pair(first, second, second_expression),
            "difference": network_certificate(res)}
