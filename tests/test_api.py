"""The public API of ``import polyrelu``: every documented name resolves, lazily."""

from __future__ import annotations

import subprocess
import sys

import pytest

import polyrelu

DOCUMENTED = ["ReluNetwork", "AffineMap", "HyperplaneArrangement", "OpenPolyhedron", "Zonotope", "network_regions",
              "NetworkRegions", "networks_equal", "PWL1D", "ExactReluTrainer", "arrangement_certificate",
              "network_certificate", "verify", "as_rational", "from_float", "to_str", "Rational", "errors", "PolyReluError"]


def test_every_documented_name_is_exported_and_resolves():
    assert set(DOCUMENTED) <= set(polyrelu.__all__)
    for name in polyrelu.__all__:
        assert getattr(polyrelu, name) is not None
        assert name in dir(polyrelu)
    from polyrelu.nets.network import ReluNetwork
    from polyrelu.verify import verify

    assert polyrelu.ReluNetwork is ReluNetwork and polyrelu.verify.verify is verify
    assert polyrelu.Rational is type(polyrelu.as_rational(1))


def test_unknown_names_are_attribute_errors():
    with pytest.raises(AttributeError, match="no attribute 'nonexistent'"):
        polyrelu.nonexistent  # noqa: B018


def _modules_after(code: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", f"{code}; import sys; print(' '.join(sys.modules))"],
                         check=True, capture_output=True, text=True).stdout.split()
    return set(out)


def test_import_polyrelu_is_light():
    mods = _modules_after("import polyrelu")
    heavy = {"numpy", "networkx", "cdd", "scipy", "gmpy2", "click", "polyrelu.nets.network", "polyrelu.cells"}
    assert not heavy & mods, f"import polyrelu loads {sorted(heavy & mods)}"


def test_star_import_gives_the_api():
    mods = _modules_after("from polyrelu import *; assert ReluNetwork and verify.verify and Rational")
    assert "polyrelu.verify" in mods
