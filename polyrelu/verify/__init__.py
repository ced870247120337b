"""The independent verifier: checks a certificate without any enumeration code."""

from .certificates import verify, verify_arrangement_certificate, verify_network_certificate

__all__ = ["verify", "verify_arrangement_certificate", "verify_network_certificate"]
