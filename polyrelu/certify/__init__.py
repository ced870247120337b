"""Certificate producers: the witnesses and proofs that make a result checkable by
:mod:`polyrelu.verify` (which shares none of this code)."""

from .arrangement import arrangement_certificate
from .network import network_certificate

__all__ = ["arrangement_certificate", "network_certificate"]
