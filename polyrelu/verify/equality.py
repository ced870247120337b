"""The verifiers of the two equality certificates (produced by
:mod:`polyrelu.conjecture.certificates` for ``polyrelu equal`` and the conjecture harness).

``polyrelu.difference-certificate`` (two networks are different functions).  After the
schema pass, the checks are:

1. *Digests*: ``first_digest`` and ``second_digest`` are the digests of the two networks.
2. *Shapes*: both networks map R^n to R^m with the same n and m; the point has n entries.
3. *Values*: exact evaluation of each network at the point gives exactly the listed
   values, and the two value vectors differ.

``polyrelu.equality-certificate`` (two networks are the same function on R^n):

1. *Digests* as above.
2. *The difference network*: ``difference.network`` is exactly ``first - second`` as
   :meth:`ReluNetwork.add` and :meth:`ReluNetwork.scaled` build it from the two networks
   given (side by side, the shallower one padded with identity neurons).
3. *Its regions*: ``difference`` passes every check of the network-certificate verifier
   (:mod:`.network`), so its regions are all the activation regions of first - second on
   R^n (its domain must be null).
4. *Zero everywhere*: on every listed region the affine map of the difference, recomputed
   from the network and the region's pattern, is identically zero (every gradient entry
   and the constant).  The regions cover R^n up to a null set and both functions are
   continuous, so first = second everywhere.

>>> from polyrelu.conjecture.certificates import difference_certificate, equality_certificate
>>> from polyrelu.paper.constructions import max_of_two
>>> verify_difference_certificate(difference_certificate(max_of_two(), max_of_two().scaled(2), ["1", "2"]))["point"]
['1', '2']
>>> verify_equality_certificate(equality_certificate(max_of_two(), max_of_two().rescale_neuron(0, 1, 3)))["regions"]
4
"""

from __future__ import annotations

from typing import Any

from ..nets.network import ReluNetwork
from . import schema as S
from .network import derive
from .network import read as read_network_certificate
from .network import check as check_network_certificate

__all__ = ["verify_difference_certificate", "verify_equality_certificate", "DIFFERENCE_FORMAT", "EQUALITY_FORMAT"]

DIFFERENCE_FORMAT = "polyrelu.difference-certificate"
EQUALITY_FORMAT = "polyrelu.equality-certificate"
_PAIR = ("format", "version", "first", "first_digest", "second", "second_digest")


def _networks(cert: dict[str, Any]) -> tuple[ReluNetwork, ReluNetwork]:
    """Checks 1 and the shape half of 2: digests, then equal input and output dimensions."""
    f = S.network(cert["first"], "first")
    g = S.network(cert["second"], "second")
    for name in ("first", "second"):
        if S.text(cert[f"{name}_digest"], f"{name}_digest") != S.digest(cert[name], name):
            S.fail(f"{name}_digest", f"is not the digest of the network in \"{name}\"")
    if (f.input_dim, f.output_dim) != (g.input_dim, g.output_dim):
        S.fail("second", f"maps R^{g.input_dim} -> R^{g.output_dim} but first maps R^{f.input_dim} -> R^{f.output_dim}")
    return f, g


def verify_difference_certificate(cert: Any) -> dict[str, Any]:
    """Check a difference certificate (see the module docstring)."""
    S.obj(cert, "", _PAIR + ("point", "values"), ("second_expression",))
    if "second_expression" in cert:
        S.text(cert["second_expression"], "second_expression")
    f, g = _networks(cert)
    x = S.vector(cert["point"], "point", f.input_dim)
    values = S.obj(cert["values"], "values", ("first", "second"))
    a = S.vector(values["first"], "values.first", f.output_dim)
    b = S.vector(values["second"], "values.second", g.output_dim)
    if f.evaluate(x) != a:
        S.fail("values.first", "is not the first network's exact value at the point")
    if g.evaluate(x) != b:
        S.fail("values.second", "is not the second network's exact value at the point")
    if a == b:
        S.fail("values", "the two values are equal: the point does not witness a difference")
    return {"kind": "difference", "point": list(cert["point"]), "first": list(values["first"]), "second": list(values["second"])}


def verify_equality_certificate(cert: Any) -> dict[str, Any]:
    """Check an equality certificate (see the module docstring)."""
    S.obj(cert, "", _PAIR + ("difference",), ("second_expression",))
    if "second_expression" in cert:
        S.text(cert["second_expression"], "second_expression")
    f, g = _networks(cert)
    diff = f.add(g.scaled(-1))
    C = read_network_certificate(cert["difference"])
    if C.network != diff:
        S.fail("difference.network", "is not first - second as ReluNetwork.add / scaled build it")
    if C.walls:
        S.fail("difference.domain", "must be null: equality is claimed on all of R^n")
    counts = check_network_certificate(C)
    for i, r in enumerate(C.regions):
        amap = derive(C.network, C.walls, r.pattern).amap
        if any(c != 0 for grad, const in amap for c in (*grad, const)):
            S.fail(f"difference.regions[{i}]", "the difference is not identically zero on this region")
    return {"kind": "equality", "regions": counts["activation_regions"], "input_dim": f.input_dim}
