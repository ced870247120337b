"""The paper checks compute their verdicts: break the construction and the verdict flips."""

from gmpy2 import mpq

from polyrelu.paper import claims as paper
from polyrelu.paper.constructions import zigzag
from polyrelu.nets.network import ReluNetwork


def test_no_current_check_fails():
    rows = paper.run_checks()
    assert rows and all(r.verdict in (paper.HOLDS, paper.BOUND) for r in rows), [r for r in rows if r.verdict == paper.FAILS]


def test_a_wrong_gadget_is_reported_as_failing(monkeypatch):
    wrong = ReluNetwork(2, [([[1, 1], [-1, -1], [1, -1], [-1, 1]], [0, 0, 0, 0]), ([["1/2", "-1/2", "1/2", "-1/2"]], [0])])
    monkeypatch.setattr(paper, "max_of_two", lambda: wrong)
    rows = paper.check_max_gadget()
    assert rows[0].verdict == paper.FAILS and "differs at" in rows[0].evidence


def test_zigzag_definition_independent_route():
    a, M = (mpq(1, 4), mpq(1, 2), mpq(3, 4)), mpq(1)
    assert [paper.zigzag_by_definition(a, M, x) for x in (mpq(-1), mpq(1, 8), mpq(1, 4), mpq(3, 8), mpq(1), mpq(5, 4))] == [
        0, mpq(1, 2), 1, mpq(1, 2), 0, -1]
    net = zigzag(a, M)
    for k in range(-8, 17):
        x = mpq(k, 8)
        assert net.evaluate([x])[0] == paper.zigzag_by_definition(a, M, x)


def test_zonotope_verdicts_follow_the_computation(monkeypatch):
    from polyrelu.geometry.zonotope import Zonotope

    rows = paper.check_zonotope_vertices()
    assert [r.verdict for r in rows] == [paper.HOLDS] * 3 + [paper.BOUND] * 2
    monkeypatch.setattr(Zonotope, "vertices_cdd", lambda self: [])
    assert all(r.verdict == paper.FAILS for r in paper.check_zonotope_vertices())


def test_support_network_verdict_fails_for_a_wrong_network(monkeypatch):
    from polyrelu.geometry.zonotope import Zonotope

    real = Zonotope.to_network
    monkeypatch.setattr(Zonotope, "to_network", lambda self: real(self).scaled(2))
    assert all(r.verdict == paper.FAILS for r in paper.check_support_network())
