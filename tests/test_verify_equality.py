"""The verifiers of difference and equality certificates: valid ones are accepted (also
through ``polyrelu verify``), and every one-field mutation is rejected cleanly, except
mutations that provably leave a valid certificate (listed with the reason)."""

from __future__ import annotations

import json

import pytest
from certificate_mutations import matches, mutations

from polyrelu.cli import main
from polyrelu.conjecture.certificates import difference_certificate, equality_certificate
from polyrelu.errors import CertificateError, FileFormatError
from polyrelu.nets.network import ReluNetwork
from polyrelu.paper.constructions import absolute_value, max_of_two
from polyrelu.verify import verify


def _plain(obj):
    return json.loads(json.dumps(obj))


@pytest.fixture(scope="module")
def certs():
    f = max_of_two()
    return {
        "difference": _plain(difference_certificate(f, f.scaled(2), ["1", "-2"])),
        "equality": _plain(equality_certificate(f, f.rescale_neuron(0, 1, 3), second_expression="max(x1, x2)")),
        "equality-1d": _plain(equality_certificate(absolute_value(), ReluNetwork(1, [([[1], [-1]], [0, 0]), ([[1, 1]], [0])]))),
    }


def test_valid_certificates_are_accepted(certs, tmp_path, capsys):
    assert verify(certs["difference"])["kind"] == "difference"
    assert verify(certs["equality"])["regions"] >= 4
    assert verify(certs["equality-1d"])["regions"] == 2
    p = tmp_path / "c.json"
    p.write_text(json.dumps(certs["equality"]))
    assert main(["verify", str(p)]) == 0
    assert "same function" in capsys.readouterr().out


def test_a_false_equality_claim_is_rejected(certs):
    """Swap in a second network that differs (scaled by 2): the difference network no
    longer matches, and with it rebuilt consistently, its maps are not zero."""
    from polyrelu.certify import network_certificate
    from polyrelu.io import formats
    from polyrelu.nets.regions import network_regions

    f = max_of_two()
    g = f.scaled(2)
    forged = dict(certs["equality"])
    forged["second"], forged["second_digest"] = g.to_dict(), formats.digest(g.to_dict())
    with pytest.raises(CertificateError, match="difference.network"):
        verify(_plain(forged))
    forged["difference"] = network_certificate(network_regions(f.add(g.scaled(-1))))
    with pytest.raises(CertificateError, match="not identically zero"):
        verify(_plain(forged))


# mutations that leave a valid certificate: any point where the networks differ is a
# witness; reordering regions, facets, implied proofs and joins of the difference's
# network certificate means nothing; points inside regions and facets may move
NEUTRAL = ("difference.regions", "difference.regions.*.facets", "difference.regions.*.implied",
           "difference.regions.*.implied.*.multipliers", "difference.piece_joins", "difference.piece_separations",
           "difference.piece_joins.*.regions", "difference.piece_separations.*.regions")
NEUTRAL_POINTS = ("difference.regions.*.witness", "difference.regions.*.witness.*", "difference.regions.*.facets.*.point",
                  "difference.regions.*.facets.*.point.*", "difference.piece_joins.*.point", "difference.piece_joins.*.point.*")


def _neutral(m) -> bool:
    if m.path == ("second_expression",):  # informational: what the second network was compiled from
        return True
    if matches(m.path, "difference.piece_joins.*.regions.*"):
        # all maps of a true equality are zero, so a join may name any two regions whose
        # closures hold its point; the verifier re-checks that and the piece count
        return True
    if matches(m.path, "difference.piece_joins") and m.kind == "extend":  # a repeated join proves nothing new or false
        return True
    if m.path == ("point",) and m.kind == "swap":  # another witness; the verifier re-evaluates both networks there
        return True
    if m.kind == "swap" and any(matches(m.path, p) for p in NEUTRAL):
        return True
    if m.kind in ("swap", "negate", "huge") and any(matches(m.path, p) for p in NEUTRAL_POINTS):
        return True
    # a constraint that is a multiple of a covered one needs no Farkas proof; a join of regions
    # connected otherwise is redundant (a needed one changes the piece count: rejected)
    return m.kind in ("truncate", "drop-first", "empty") and (matches(m.path, "difference.regions.*.implied")
                                                            or matches(m.path, "difference.piece_joins"))


@pytest.mark.parametrize("name", ["difference", "equality", "equality-1d"])
def test_every_one_field_mutation_is_rejected_cleanly(certs, name):
    cert = certs[name]
    tried = rejected = neutral = 0
    for m in mutations(cert):
        tried += 1
        bad = m.apply(cert)
        try:
            verify(bad)
        except (CertificateError, FileFormatError):
            rejected += 1
            continue
        # accepted: must be a declared neutral mutation (any other exception fails the test)
        assert _neutral(m), f"{m.where()} ({m.kind}) was accepted"
        neutral += 1
    assert tried > 50 and rejected > 0.9 * tried
