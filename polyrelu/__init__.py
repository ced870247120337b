"""polyrelu: exact polyhedral geometry for the theory of ReLU networks.

Everything is computed in exact rational arithmetic (gmpy2 ``mpq``, :data:`Rational`);
floats may propose, never decide.  The public API, one example per entry point:

**Numbers** -- :func:`as_rational` converts exact input (floats are refused),
:func:`from_float` takes a float's exact binary value, :func:`to_str` writes ``"p/q"``:

>>> import polyrelu
>>> polyrelu.as_rational("0.125"), polyrelu.from_float(0.5), polyrelu.to_str(polyrelu.as_rational("6/8"))
(mpq(1,8), mpq(1,2), '3/4')
>>> isinstance(polyrelu.as_rational(3), polyrelu.Rational)
True

**Networks** -- :class:`ReluNetwork` (affine layers, ReLU between) and :class:`AffineMap`:

>>> absolute = polyrelu.ReluNetwork(1, [([[1], [-1]], [0, 0]), ([[1, 1]], [0])])
>>> absolute.evaluate(["-3/2"]), absolute.local_affine_map(["-3/2"])(["2"])
((mpq(3,2),), (mpq(-2,1),))
>>> polyrelu.AffineMap.from_lists([[1, 2]], ["1/2"])([1, 1])
(mpq(7,2),)

**Regions** -- :func:`network_regions` enumerates activation regions, linear regions and
pieces (a :class:`NetworkRegions`); :func:`networks_equal` decides function equality:

>>> max_net = polyrelu.ReluNetwork(2, [([[1, -1], [0, 1], [0, -1]], [0, 0, 0]), ([[1, 1, -1]], [0])])  # x2 + relu(x1 - x2)
>>> polyrelu.network_regions(max_net).counts()
{'activation_regions': 4, 'linear_regions': 2, 'pieces': 2, 'affine_maps': 2, 'partial': False}
>>> polyrelu.networks_equal(max_net, max_net.rescale_neuron(0, 0, 3))
(True, None)

**Functions on R** -- :class:`PWL1D`, exact piecewise-linear functions, to and from networks:

>>> polyrelu.PWL1D.from_network(absolute).pieces(), polyrelu.PWL1D([0, 1], [0, 1], left_slope=0, right_slope=0).to_network().size
(2, 2)

**Arrangements and polyhedra** -- :class:`HyperplaneArrangement` (regions with exact
witnesses, counts two ways) and :class:`OpenPolyhedron` (strict inequalities):

>>> A = polyrelu.HyperplaneArrangement([([1, 0], 0), ([0, 1], 0), ([1, 1], 1)])
>>> A.n_regions(), A.n_regions_zaslavsky(), A.n_regions(inside=polyrelu.OpenPolyhedron.box(2, -1, 1))
(7, 7, 5)

**Zonotopes** -- :class:`Zonotope`, vertices via the dual arrangement:

>>> polyrelu.Zonotope([[1, 0], [0, 1], [1, 1]]).n_vertices
6

**Training** -- :class:`ExactReluTrainer`, the globally optimal one-hidden-layer network:

>>> t = polyrelu.ExactReluTrainer(width=1, loss="absolute").fit([[0], [1], [2]], [0, 1, 2])
>>> t.loss_, t.certified_
(mpq(0,1), True)

**Certificates** -- :func:`arrangement_certificate` and :func:`network_certificate`
produce them (the training certificate is ``ExactReluTrainer.certificate_``);
:mod:`polyrelu.verify` checks any of them independently:

>>> polyrelu.verify.verify(polyrelu.network_certificate(polyrelu.network_regions(max_net)))["pieces"]
2
>>> polyrelu.verify.verify(polyrelu.arrangement_certificate(A))["n_regions"]
7
>>> polyrelu.verify.verify(t.certificate_)["optimum"]
'0'

**Errors** -- every deliberate error is a :class:`PolyReluError` (module :mod:`polyrelu.errors`):

>>> polyrelu.as_rational(0.1)
Traceback (most recent call last):
...
polyrelu.errors.FloatNotAllowedError: got the float 0.1; pass it as a string ("0.1" means exactly 1/10) or convert it with polyrelu.from_float(x) to take the float's exact binary value

``import polyrelu`` is light (no numpy, networkx, cddlib or scipy): each name is imported
on first use (PEP 562), so the ``polyrelu`` command starts fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .errors import PolyReluError

__version__ = "0.1.0"

#: public name -> module that defines it (a module name maps to itself)
_EXPORTS = {
    "ReluNetwork": "polyrelu.nets.network",
    "AffineMap": "polyrelu.exact.affine",
    "HyperplaneArrangement": "polyrelu.geometry.arrangement",
    "OpenPolyhedron": "polyrelu.geometry.polyhedron",
    "Zonotope": "polyrelu.geometry.zonotope",
    "network_regions": "polyrelu.nets.regions",
    "NetworkRegions": "polyrelu.nets.regions",
    "networks_equal": "polyrelu.nets.equality",
    "PWL1D": "polyrelu.nets.pwl1d",
    "ExactReluTrainer": "polyrelu.training.trainer",
    "arrangement_certificate": "polyrelu.certify.arrangement",
    "network_certificate": "polyrelu.certify.network",
    "verify": "polyrelu.verify",
    "as_rational": "polyrelu.exact.rational",
    "from_float": "polyrelu.exact.rational",
    "to_str": "polyrelu.exact.rational",
    "Rational": "polyrelu.exact.rational",
    "errors": "polyrelu.errors",
}

__all__ = [*_EXPORTS, "PolyReluError", "__version__"]


def __getattr__(name: str) -> Any:
    """Import a public name on first use (PEP 562)."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'polyrelu' has no attribute {name!r}")
    mod = importlib.import_module(module)
    value = mod if module == f"polyrelu.{name}" else getattr(mod, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if TYPE_CHECKING:  # the same names, eagerly, for type checkers
    from . import errors as errors
    from . import verify as verify
    from .certify.arrangement import arrangement_certificate as arrangement_certificate
    from .certify.network import network_certificate as network_certificate
    from .exact.affine import AffineMap as AffineMap
    from .exact.rational import Rational as Rational
    from .exact.rational import as_rational as as_rational
    from .exact.rational import from_float as from_float
    from .exact.rational import to_str as to_str
    from .geometry.arrangement import HyperplaneArrangement as HyperplaneArrangement
    from .geometry.polyhedron import OpenPolyhedron as OpenPolyhedron
    from .geometry.zonotope import Zonotope as Zonotope
    from .nets.equality import networks_equal as networks_equal
    from .nets.network import ReluNetwork as ReluNetwork
    from .nets.pwl1d import PWL1D as PWL1D
    from .nets.regions import NetworkRegions as NetworkRegions
    from .nets.regions import network_regions as network_regions
    from .training.trainer import ExactReluTrainer as ExactReluTrainer
