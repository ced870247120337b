"""The independent verifier of polyrelu certificates.

A certificate is polyrelu's promise that someone else can check its numbers.  This
package checks one from the certificate alone, with plain exact arithmetic: it imports
the rational type and exact linear algebra (:mod:`polyrelu.exact.rational`,
:mod:`polyrelu.exact.linalg`), canonical JSON digests (:mod:`polyrelu.io.formats`), the
network evaluator (:mod:`polyrelu.nets.network`) and the errors, and nothing that
enumerates (no region engine, no LP solver, no trainer; a test enforces it).

Every verifier reads the whole certificate first (:mod:`.schema`: a malformed field is a
:class:`~polyrelu.errors.CertificateError` naming its JSON path), then runs the numbered
checks of its module docstring, one function each:

* :mod:`.arrangement` -- regions of a hyperplane arrangement (``polyrelu.arrangement-certificate``),
* :mod:`.network` -- regions, linear regions and pieces of a network (``polyrelu.network-certificate``),
* :mod:`.training` -- the global optimum of one-hidden-layer training (``polyrelu.training-certificate``),
* :mod:`.equality` -- two networks differ at a point (``polyrelu.difference-certificate``) or
  are the same function (``polyrelu.equality-certificate``).

>>> from polyrelu.certify import network_certificate
>>> from polyrelu.nets.regions import network_regions
>>> from polyrelu.paper.constructions import max_of_two
>>> cert = network_certificate(network_regions(max_of_two()))
>>> verify(cert)
{'kind': 'network', 'activation_regions': 4, 'linear_regions': 2, 'pieces': 2, 'affine_maps': 2}
>>> cert["counts"]["pieces"] = 1
>>> verify(cert)
Traceback (most recent call last):
...
polyrelu.errors.CertificateError: counts.pieces: is 1 but the verified count is 2
"""

from __future__ import annotations

from typing import Any

from ..errors import FileFormatError
from .arrangement import FORMAT as ARRANGEMENT_FORMAT
from .arrangement import verify_arrangement_certificate
from .equality import DIFFERENCE_FORMAT, EQUALITY_FORMAT, verify_difference_certificate, verify_equality_certificate
from .network import FORMAT as NETWORK_FORMAT
from .network import verify_network_certificate
from .training import FORMAT as TRAINING_FORMAT
from .training import verify_training_certificate

__all__ = ["verify", "verify_arrangement_certificate", "verify_network_certificate", "verify_training_certificate",
           "verify_difference_certificate", "verify_equality_certificate", "FORMATS"]

FORMATS = {
    ARRANGEMENT_FORMAT: verify_arrangement_certificate,
    NETWORK_FORMAT: verify_network_certificate,
    TRAINING_FORMAT: verify_training_certificate,
    DIFFERENCE_FORMAT: verify_difference_certificate,
    EQUALITY_FORMAT: verify_equality_certificate,
}


def verify(cert: Any) -> dict[str, Any]:
    """Check any polyrelu certificate; return a summary of what it proves.

    Raises
    ------
    FileFormatError
        ``cert`` is not a certificate this polyrelu reads: not a JSON object, its
        ``"format"`` is not one of :data:`FORMATS`, or its ``"version"`` is not 1.
    CertificateError
        The certificate is malformed or does not prove what it claims; the message names
        the JSON path of the field and the reason.
    """
    if not isinstance(cert, dict):
        raise FileFormatError(f"a certificate is a JSON object with a \"format\" field, got {type(cert).__name__}")
    fmt = cert.get("format")
    if not isinstance(fmt, str) or fmt not in FORMATS:
        raise FileFormatError(f"\"format\" is {fmt!r}, which is not a certificate format; this polyrelu verifies "
                              f"{', '.join(FORMATS)}")
    version = cert.get("version")
    if isinstance(version, bool) or version != 1:
        raise FileFormatError(f"{fmt} version {version!r} is not supported; this polyrelu verifies version 1")
    return FORMATS[fmt](cert)
