"""The paper checks compute their verdicts: break the construction and the verdict flips;
every statement of the mathematics has a row; 'not checkable' rows carry a reason."""

import pytest
from gmpy2 import mpq

from polyrelu.paper import claims as paper
from polyrelu.paper.constructions import zigzag
from polyrelu.paper.verdicts import NOT_CHECKABLE, Row
from polyrelu.nets.network import ReluNetwork

CTX = paper.Context(workers=1)

# every numbered statement and figure of docs/mathematics.md (the paper's numbering)
REQUIRED = ["Lemma D.1", "Lemma D.2", "Thm 2.1", "Thm 2.2", "Cor. A.1", "Thm 2.3", "Thm 3.2", "Lemma D.3", "Lemma D.4", "Lemma D.5",
            "Lemma D.6", "Thm 3.1", "Cor. 3.3", "Cor. 3.4", "Thm 3.5", "Thm 3.6", "Lemma 3.7", "Prop. 3.8", "Thm 3.9", "Figure 1",
            "Figure 2", "Figure 3", "Figure 4", "Algorithm 1"]


def test_every_statement_has_a_check():
    assert set(REQUIRED) <= set(paper.statement_keys())


@pytest.mark.parametrize("key", ["Thm 2.2", "Cor. A.1", "Lemma D.3", "Lemma D.4", "Lemma D.6", "Thm 3.5", "Figure 2", "Figure 4",
                                 "Thm 2.3", "Section 4 (hardness)"])
def test_small_statements_hold_or_say_why_not(key):
    rows = paper.run_statements([key], paper.Context(workers=1))
    assert rows and all(r.statement == key for r in rows)
    for r in rows:
        assert r.verdict in (paper.HOLDS, NOT_CHECKABLE), r
        assert r.cite.startswith("docs/mathematics.md §")
        if r.verdict == NOT_CHECKABLE:
            assert r.reason


def test_not_checkable_needs_a_reason():
    with pytest.raises(ValueError, match="reason"):
        Row("X", "X", 1, "c", "i", NOT_CHECKABLE, "e", "m")


def test_figure1_panels_are_the_paper_s():
    """k = 2, 2, 3 zig-zag layers; m = 2, 4, 4 generators; M = 1, every a^i = (1/2)."""
    shapes = {p: (net.n_hidden_layers, net.size) for p in paper.FIGURE1_PANELS for net in [paper.figure1_network(p)]}
    assert shapes == {"left": (3, 2 * 2 + 2 * 2), "middle": (3, 2 * 4 + 2 * 2), "right": (4, 2 * 4 + 2 * 3)}
    rows = paper.check_figure1(CTX)
    assert [r.verdict for r in rows] == [paper.BOUND] * 3


def test_figure1_counts_two_routes_and_closed_form():
    """Cone count (independent of the engine) and an independent formula for the left panel:
    g_Z = |x1| + |x2| has 4 vertices, H = h o h has 4 sloped pieces on (0, 1) and one flat
    piece beyond 1, so 4 * 4 + 1 pieces; the printed count is 2 * 2^2 = 8."""
    c = paper.figure1_counts("left")
    assert c["pieces"] == c["cones"] == 4 * 4 + 1 and c["printed"] == 8
    assert c["positive_pieces"] == 16  # every piece but the flat zero outside
    for panel in ("middle", "right"):
        c = paper.figure1_counts(panel)
        assert c["pieces"] == c["cones"]
        assert c["activation_regions"] >= c["linear_regions"] >= c["pieces"]


def test_a_wrong_gadget_is_reported_as_failing(monkeypatch):
    wrong = ReluNetwork(2, [([[1, 1], [-1, -1], [1, -1], [-1, 1]], [0, 0, 0, 0]), ([["1/2", "-1/2", "1/2", "-1/2"]], [0])])
    monkeypatch.setattr(paper, "max_of_two", lambda: wrong)
    rows = paper.check_max_gadget(CTX)
    assert rows[0].verdict == paper.FAILS and "differs at" in rows[0].evidence


def test_a_wrong_pwl_compiler_is_reported_as_failing(monkeypatch):
    from polyrelu.nets.pwl1d import PWL1D

    real = PWL1D.to_network
    monkeypatch.setattr(PWL1D, "to_network", lambda self: real(self).scaled(2))
    assert all(r.verdict == paper.FAILS for r in paper.check_cor_a1(CTX))


def test_zigzag_definition_independent_route():
    a, M = (mpq(1, 4), mpq(1, 2), mpq(3, 4)), mpq(1)
    assert [paper.zigzag_by_definition(a, M, x) for x in (mpq(-1), mpq(1, 8), mpq(1, 4), mpq(3, 8), mpq(1), mpq(5, 4))] == [
        0, mpq(1, 2), 1, mpq(1, 2), 0, -1]
    net = zigzag(a, M)
    for k in range(-8, 17):
        x = mpq(k, 8)
        assert net.evaluate([x])[0] == paper.zigzag_by_definition(a, M, x)


def test_zonotope_vertex_verdicts_follow_the_computation(monkeypatch):
    from polyrelu.paper import tables
    from polyrelu.geometry.zonotope import Zonotope

    rows = [tables.vertices_row(j) for j in tables.TABLES["zonotope-vertices"].jobs() if j["m"] <= 5]
    assert {r["verdict"] for r in rows} == {paper.HOLDS}
    assert all(r["vertices"] == r["bound"] for r in rows if r["general_position"] == "yes")
    assert any(r["vertices"] < r["bound"] for r in rows if r["general_position"] == "no")
    monkeypatch.setattr(Zonotope, "vertices_cdd", lambda self: [])
    assert all(tables.vertices_row(j)["verdict"] == paper.FAILS for j in tables.TABLES["zonotope-vertices"].jobs()[:2])


def test_support_network_verdict_fails_for_a_wrong_network(monkeypatch):
    from polyrelu.geometry.zonotope import Zonotope

    real = Zonotope.to_network
    monkeypatch.setattr(Zonotope, "to_network", lambda self: real(self).scaled(2))
    assert all(r.verdict == paper.FAILS for r in paper.check_support_network(CTX))


def test_theorem_35_counting_bound_against_witnesses():
    """The L1 lower bound is never above the exact distance of a function with that many pieces."""
    from polyrelu.nets.pwl1d import PWL1D
    from polyrelu.paper.closed_forms import thm35_l1_lower_bound
    from polyrelu.paper.constructions import hard_function

    f = PWL1D.from_network(hard_function([[mpq(1, 2)]] * 3, 1))  # 8 teeth
    for P in range(1, 9):
        g = paper.sawtooth_witness(8, P)
        assert g.pieces_in(0, 1) <= P
        assert f.l1_distance(g, 0, 1) >= thm35_l1_lower_bound(8, P)
    assert thm35_l1_lower_bound(8, 1) == mpq(4, 16)  # four untouched tents, 1/16 each
