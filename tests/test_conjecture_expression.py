"""The expression language, `equal --to`, and the representability search."""

from __future__ import annotations

import json

import pytest
from gmpy2 import mpq
from hypothesis import given, settings
from hypothesis import strategies as st

from polyrelu.cli import main
from polyrelu.conjecture.certificates import difference_certificate, equality_certificate
from polyrelu.conjecture.expression import equal_to_expression, parse_expression
from polyrelu.conjecture import find_representation
from polyrelu.errors import ExpressionError, ShapeError
from polyrelu.nets.equality import networks_equal
from polyrelu.nets.network import ReluNetwork
from polyrelu.paper.constructions import absolute_value, max_of_two
from polyrelu.paper.constructions.maxnet import max_affine_sequential
from polyrelu.verify import verify
from strategies import points, rationals


# ------------------------------------------------------------------ parsing
@pytest.mark.parametrize("text, position, expected", [
    ("max(x1, x2", 11, "',' or ')'"),
    ("max(x1,, x2)", 8, "a number, a variable"),
    ("x1 * x2", 1, "at most one non-constant factor"),
    ("x1 / (x2 - 1)", 6, "nonzero constant divisor"),
    ("3 / 0", 5, "nonzero constant divisor"),
    ("x3", 1, "x1..x2"),
    ("sqrt(x1)", 1, "a variable x1..x2 or a function"),
    ("x1 ^ 2", 4, "an operator"),
    ("(x1 + 1", 8, "')' to close"),
    ("relu(x1, x2)", 1, "exactly one argument"),
    ("max", 4, "'(' after max"),
    ("", 1, "an expression"),
])
def test_parse_errors_name_the_position_and_what_was_expected(text, position, expected):
    with pytest.raises(ExpressionError) as info:
        parse_expression(text, n=2)
    msg = str(info.value)
    assert msg.startswith(f"position {position}: expected") and expected in msg
    caret_line = msg.splitlines()[-1]
    assert caret_line.index("^") - 2 == position - 1  # the caret points at the position


def test_rational_scalars_and_juxtaposition():
    e = parse_expression("3/4 x1 - 0.25x2 + 2(x1 - 1) - -x2/2", n=2)
    x = [mpq(3), mpq(-5)]
    assert e.evaluate(x) == mpq(3, 4) * 3 - mpq(1, 4) * -5 + 2 * (3 - 1) + mpq(-5, 2)
    assert e.is_affine and e.to_network().n_hidden_layers == 0


# random expression trees, evaluated by an independent Python function
@st.composite
def trees(draw, n=2, depth=3):
    if depth == 0 or draw(st.integers(0, 3)) == 0:
        coeffs = [draw(rationals(4, 3)) for _ in range(n)]
        c = draw(rationals(4, 3))
        text = " + ".join(f"({a})*x{i + 1}" for i, a in enumerate(coeffs)) + f" + ({c})"
        return text, (lambda x, coeffs=coeffs, c=c: sum((a * v for a, v in zip(coeffs, x)), mpq(0)) + c)
    kind = draw(st.sampled_from(["max", "min", "sum", "scale", "relu", "abs"]))
    if kind in ("max", "min"):
        kids = [draw(trees(n=n, depth=depth - 1)) for _ in range(draw(st.integers(2, 3)))]
        f = max if kind == "max" else min
        return f"{kind}(" + ", ".join(t for t, _ in kids) + ")", (lambda x, kids=kids, f=f: f(g(x) for _, g in kids))
    if kind == "sum":
        (t1, g1), (t2, g2) = draw(trees(n=n, depth=depth - 1)), draw(trees(n=n, depth=depth - 1))
        return f"({t1}) - ({t2})", (lambda x: g1(x) - g2(x))
    if kind == "relu":
        t, g = draw(trees(n=n, depth=depth - 1))
        return f"relu({t})", (lambda x: max(mpq(0), g(x)))
    if kind == "abs":
        t, g = draw(trees(n=n, depth=depth - 1))
        return f"abs({t})", (lambda x: abs(g(x)))
    c = draw(rationals(5, 4))
    t, g = draw(trees(n=n, depth=depth - 1))
    return f"({c}) ({t})", (lambda x: c * g(x))


@given(trees(), st.lists(points(2), min_size=3, max_size=3))
@settings(max_examples=40)
def test_compiled_networks_evaluate_like_the_expression(tree, xs):
    text, g = tree
    e = parse_expression(text, n=2)
    net = e.to_network()
    for x in xs:
        assert e.evaluate(x) == g([mpq(v) for v in x]) == net.evaluate(x)[0]


# ------------------------------------------------------------------ equal --to
def _max_net(q: int) -> ReluNetwork:
    """max(0, x1, ..., x_{q-1}) built by a different construction (a sequential chain)."""
    return max_affine_sequential([([0] * (q - 1), 0)] + [([1 if j == i else 0 for j in range(q - 1)], 0) for i in range(q - 1)])


@pytest.mark.parametrize("net, text", [
    (max_of_two(), "max(x1, x2)"),
    (max_of_two(), "x2 + relu(x1 - x2)"),
    (max_of_two(), "(x1 + x2)/2 + abs(x1 - x2)/2"),
    (absolute_value(), "max(x1, -x1)"),
    (_max_net(5), "max(0, x1, x2, x3, x4)"),
    (_max_net(3), "max(max(0, x1), x2)"),
])
def test_equal_expressions(net, text):
    r = equal_to_expression(net, text)
    assert r["equal"] and r["point"] is None


@pytest.mark.parametrize("net, text, truth", [
    (max_of_two(), "max(0, x1, x2)", lambda x: max(0, x[0], x[1])),
    (max_of_two(), "min(x1, x2)", lambda x: min(x[0], x[1])),
    (absolute_value(), "abs(x1) + 1/1000", lambda x: abs(x[0]) + mpq(1, 1000)),
    (_max_net(5), "max(0, x1, x2, x3) + relu(x4 - 1)", lambda x: max(0, x[0], x[1], x[2]) + max(0, x[3] - 1)),
])
def test_unequal_expressions_come_with_a_checked_witness(net, text, truth):
    r = equal_to_expression(net, text)
    assert not r["equal"]
    x = r["point"]
    # the witness, checked by exact evaluation of the network and of an independent
    # Python version of the target
    assert net.evaluate(x)[0] == r["network_value"]
    assert truth(list(x)) == r["expression_value"] != r["network_value"]
    cert = difference_certificate(net, r["compiled"], x, second_expression=text)
    assert cert["values"]["first"] != cert["values"]["second"]


def test_equal_to_expression_rejects_wrong_shapes():
    two_out = ReluNetwork(1, [([[1]], [0]), ([[1], [2]], [0, 0])])
    with pytest.raises(ShapeError, match="outputs"):
        equal_to_expression(two_out, "x1")


def test_equality_certificate_embeds_a_verified_difference_certificate():
    cert = equality_certificate(max_of_two(), parse_expression("x2 + relu(x1 - x2)", n=2).to_network())
    assert verify(cert["difference"])["affine_maps"] == 1
    with pytest.raises(ShapeError, match="differ"):
        equality_certificate(max_of_two(), absolute_value().compose(ReluNetwork(2, [([[1, 0]], [0])])))


def test_cli_equal_to(tmp_path, capsys):
    p = tmp_path / "m.json"
    _max_net(5).save(p)
    assert main(["equal", str(p), "--to", "max(0, x1, x2, x3, x4)"]) == 0
    assert "equal: the network computes" in capsys.readouterr().out
    assert main(["equal", str(p), "--to", "max(x1, x2, x3, x4)"]) == 1
    out = capsys.readouterr().out
    line = next(l for l in out.splitlines() if l.startswith("different at x = ("))
    x = [mpq(v) for v in line[len("different at x = ("):-1].split(", ")]
    assert _max_net(5).evaluate(x)[0] != max(x)  # the printed witness separates them
    assert main(["equal", str(p), "--to", "max(x1, x2"]) == 3
    assert "position 11" in capsys.readouterr().err
    assert main(["equal", str(p)]) == 2  # neither SECOND nor --to
    assert main(["equal", str(p), str(p), "--to", "x1"]) == 2


# ------------------------------------------------------------------ representability search
def test_representation_found_is_minimal_and_certified():
    res = find_representation("abs(x1)", space="exhaustive:n=1;widths=1,2;weights=-1..1", workers=1)
    assert res.status == "refuted"
    net = res.counterexample_network
    assert net.hidden_widths == (2,) and networks_equal(net, absolute_value())[0]
    cert = res.certificate
    assert cert["format"] == "polyrelu.equality-certificate"
    assert verify(cert["difference"])["affine_maps"] == 1


def test_representation_none_in_space():
    # max(x1, x2) needs 3 neurons with an output bias (x2 + relu(x1 - x2) = relu(x2) - relu(-x2) + relu(x1 - x2))
    res = find_representation("max(x1, x2)", space="exhaustive:n=2;widths=1,2;weights=-1..1", workers=1)
    assert res.status == "holds" and res.coverage["complete"]
    assert res.space["raw_candidates"] == 3 ** (3 + 1 + 1) + 3 ** (6 + 2 + 1)


def test_cli_represent(tmp_path, capsys):
    out = tmp_path / "found.json"
    assert main(["represent", "relu(x1) - relu(x1 - 1)", "--space", "widths=2;weights=-1..1", "--out", str(out), "--workers", "1"]) == 0
    assert "found:" in capsys.readouterr().out
    assert equal_to_expression(ReluNetwork.load(out), "min(max(x1, 0), 1)")["equal"]
    assert main(["represent", "max(0, x1, x2)", "--space", "widths=1;weights=-1..1", "--json", "--workers", "1"]) == 1
    assert json.loads(capsys.readouterr().out)["found"] is False
