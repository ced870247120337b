"""Exactness and errors at the public entry points (issue 16): every public constructor
and function converts through as_rational or refuses, and every refusal is a
PolyReluError subclass named after the situation."""

from __future__ import annotations

import pytest
from gmpy2 import mpq

from polyrelu.errors import (BudgetExceededError, FileFormatError, FloatNotAllowedError, InternalError, InvalidParameterError,
                             InvalidPolyhedronError, InvalidRationalError, NotFittedError, PolyReluError, ResourceLimitError,
                             ShapeError)
from polyrelu.exact.affine import AffineMap
from polyrelu.exact.rational import Rational, as_rational, as_vector


def _all_rational(obj) -> bool:
    if isinstance(obj, (tuple, list)):
        return all(_all_rational(v) for v in obj)
    return isinstance(obj, Rational)


# --------------------------------------------------------------------------- the four reproductions of the issue
def test_affine_map_refuses_floats_instead_of_returning_mpfr():
    with pytest.raises(FloatNotAllowedError, match=r"matrix\[0\]\[0\]"):
        AffineMap(((0.5,),), (0.1,), 1)
    f = AffineMap((("1/2",),), ("1/10",), 1)  # strings are converted exactly
    assert f(["1"]) == (mpq(3, 5),) and _all_rational(f(["1"]))
    with pytest.raises(ShapeError):
        AffineMap(((1, 2),), (0,), 1)  # 2 columns, input_dim 1
    with pytest.raises(ShapeError):
        AffineMap(((1,),), (0, 0), 1)  # one row, two offsets


def test_sign_bounds_refuse_floats():
    from polyrelu.training.trainer import sign_bound
    from polyrelu.verify.training import sign_bound as verifier_sign_bound

    for bound in (sign_bound, verifier_sign_bound):
        with pytest.raises(FloatNotAllowedError):
            bound("absolute", [0.5, 1.5], [0], [1], [], False)
        assert bound("absolute", ["1/2", "3/2"], [0], [1], [], False) == mpq(1, 2)


def test_closed_forms_refuse_non_integers():
    from polyrelu.paper.closed_forms import lemma_d5_upper_bound, lemma_d6_max_pieces, lemma_d6_min_size, min_size_by_d5

    for bad in ([1.5, 2], [0, 2], [True, 2], [], "22"):
        with pytest.raises(InvalidParameterError):
            lemma_d5_upper_bound(bad)
    with pytest.raises(InvalidParameterError):
        lemma_d6_min_size(pieces=16.0, hidden_layers=2)
    with pytest.raises(InvalidParameterError):
        min_size_by_d5(pieces=16, hidden_layers=0)
    with pytest.raises(InvalidParameterError):
        lemma_d6_max_pieces(2.5, 1)
    assert lemma_d5_upper_bound([2, 2]) == 12 and lemma_d6_max_pieces(3, 2) == 9


@pytest.mark.parametrize("dim", [0, -1, 2.0, True, "2"])
def test_box_needs_a_positive_integer_dimension(dim):
    from polyrelu.geometry.polyhedron import OpenPolyhedron

    with pytest.raises(InvalidPolyhedronError, match="dim"):
        OpenPolyhedron.box(dim, 0, 1)


def test_polyhedron_constructor_converts_and_checks():
    from polyrelu.geometry.polyhedron import OpenPolyhedron

    P = OpenPolyhedron(2, [(["1/2", 1], 1)])
    assert _all_rational(P.inequalities[0][0]) and isinstance(P.inequalities[0][1], Rational)
    with pytest.raises(FloatNotAllowedError):
        OpenPolyhedron(2, [([0.5, 1], 1)])
    with pytest.raises(InvalidPolyhedronError):
        OpenPolyhedron(2, [([1, 1, 1], 1)])
    with pytest.raises(InvalidPolyhedronError):
        OpenPolyhedron(0)


# --------------------------------------------------------------------------- the error classes
def test_trainer_errors():
    from polyrelu.training import trainer

    t = trainer.ExactReluTrainer(width=1)
    with pytest.raises(NotFittedError, match="fit"):
        t.predict([[1]])
    with pytest.raises(NotFittedError):
        t.certificate_
    with pytest.raises(AttributeError):  # NotFittedError is also what a caller of an unfitted estimator catches
        t.predict([[1]])
    for kwargs in ({"width": 0}, {"width": 1.5}, {"loss": "huber"}, {"max_seconds": -1}, {"max_subproblems": 0}):
        with pytest.raises(InvalidParameterError):
            trainer.ExactReluTrainer(**kwargs).fit([[1]], [1])
    with pytest.raises(InvalidParameterError, match="labels"):
        trainer.ExactReluTrainer(loss="hinge").fit([[1]], [2])


def test_the_subproblem_limit_is_a_resource_limit_not_bad_input(monkeypatch, tmp_path, capsys):
    from polyrelu.cli import main
    from polyrelu.training import trainer

    monkeypatch.setattr(trainer, "_MAX_CANDIDATES", 5)
    with pytest.raises(ResourceLimitError, match="at most 5"):
        trainer.ExactReluTrainer(width=2).fit([[0], [1], [2]], [0, 1, 0])
    data = tmp_path / "d.csv"
    data.write_text("x,y\n0,0\n1,1\n2,0\n")
    code = main(["train", str(data), "--width", "2"])
    err = capsys.readouterr().err
    assert code == 3 and "limit" in err and "d.csv" not in err.split("limit")[0]


def test_certifying_a_partial_result_is_a_budget_error(capsys, tmp_path):
    from polyrelu.certify import network_certificate
    from polyrelu.nets.regions import network_regions
    from polyrelu.paper.constructions import hard_function

    partial = network_regions(hard_function([["1/2"], ["1/2"], ["1/2"]], 1), max_regions=1)
    assert partial.partial
    with pytest.raises(BudgetExceededError):
        network_certificate(partial)


def test_network_parameters():
    from polyrelu.nets.network import Layer, ReluNetwork
    from polyrelu.paper.constructions import max_of_two

    net = max_of_two()
    with pytest.raises(InvalidParameterError, match="positive factor"):
        net.rescale_neuron(0, 0, -1)
    with pytest.raises(InvalidParameterError, match="no hidden neuron"):
        net.rescale_neuron(0, 9, 2)
    with pytest.raises(InvalidParameterError):
        net.padded(1)
    with pytest.raises(InvalidParameterError):
        net.padded(3.5)
    with pytest.raises(InvalidParameterError, match="0 \\(inactive\\) or 1"):
        net.local_affine_map([1, 0], pattern=[[1, 0.7, 1, 0]])
    with pytest.raises(FloatNotAllowedError):
        Layer(((0.5,),), (0,))
    layer = Layer((("1/2",),), ("0",))
    assert _all_rational(layer.weights) and _all_rational(layer.biases)


def test_pwl1d_parameters():
    from polyrelu.nets.pwl1d import PWL1D

    with pytest.raises(InvalidParameterError, match="greater"):
        PWL1D([1, 0], [0, 0], left_slope=0, right_slope=0)
    f = PWL1D([0, 1], [0, 1], left_slope=0, right_slope=0)
    with pytest.raises(InvalidParameterError):
        f.pieces_in(1, 1)
    with pytest.raises(InvalidParameterError):
        f.l1_distance(f, 2, 1)
    with pytest.raises(FloatNotAllowedError):
        f(0.5)


def test_linear_algebra_refuses_floats():
    from polyrelu.exact.linalg import integer_row, primitive_row, rank, solve

    for call in (lambda: rank([[0.5, 1]]), lambda: solve([[1]], [0.5]), lambda: integer_row([0.5]), lambda: primitive_row([1.5, 3])):
        with pytest.raises(FloatNotAllowedError):
            call()


def test_claims_unknown_check():
    from polyrelu.paper.claims import run_statements

    with pytest.raises(InvalidParameterError, match="unknown statement"):
        run_statements(["no-such-check"])


# --------------------------------------------------------------------------- numbers and files
def test_rationals_of_any_length_and_bounded_exponents():
    big, value = "7" * 5000, 7 * (10**5000 - 1) // 9  # int("7" * 5000) itself fails beyond 4300 digits
    assert as_rational(big) == value and as_rational(big + "/3") == mpq(value, 3)
    assert as_rational("1.5e3") == 1500 and as_rational("-.25E-1") == mpq(-1, 40)
    with pytest.raises(InvalidRationalError, match="exponent"):
        as_rational("1e999999999")
    with pytest.raises(InvalidRationalError):
        as_rational("٣")  # a non-ASCII digit


def test_vectors_refuse_mappings_and_sets():
    for bad in ({"0": "1"}, {1, 2}):
        with pytest.raises(ShapeError):
            as_vector(bad)


def test_deeply_nested_json_is_a_file_format_error(tmp_path):
    from polyrelu.io import formats

    with pytest.raises(FileFormatError, match="nested"):
        formats.loads("[" * 100_000 + "]" * 100_000)


def test_errors_are_polyrelu_errors_and_builtins():
    assert issubclass(InvalidParameterError, (PolyReluError, ValueError))
    assert issubclass(NotFittedError, AttributeError) and issubclass(NotFittedError, PolyReluError)
    assert issubclass(ResourceLimitError, PolyReluError) and not issubclass(ResourceLimitError, FileFormatError)
    assert issubclass(InternalError, PolyReluError) and not issubclass(BudgetExceededError, FileFormatError)


def _probe_cases():
    import polyrelu as P
    from polyrelu.paper.constructions import max_of_two

    net = max_of_two()
    line = P.ReluNetwork(1, [([[1]], [0]), ([[1]], [0])])
    return {
        "zonotope dim": lambda: P.Zonotope([], dim=2.5),
        "regions network": lambda: P.network_regions("x"),
        "regions domain": lambda: P.network_regions(net, domain="x"),
        "regions max_regions": lambda: P.network_regions(net, max_regions=1.5),
        "regions max_seconds": lambda: P.network_regions(net, max_seconds="x"),
        "regions workers": lambda: P.network_regions(net, workers=0),
        "equal": lambda: P.networks_equal(net, "x"),
        "pwl output": lambda: P.PWL1D.from_network(line, output=5),
        "pwl network": lambda: P.PWL1D.from_network("x"),
        "trainer workers": lambda: P.ExactReluTrainer(workers=-1).fit([[1]], [1]),
        "trainer output_bias": lambda: P.ExactReluTrainer(output_bias="yes").fit([[1]], [1]),
        "arrangement certificate": lambda: P.arrangement_certificate("x"),
        "network certificate": lambda: P.network_certificate("x"),
        "compose": lambda: net.compose("x"),
        "stack": lambda: net.stack("x"),
        "affine compose": lambda: P.AffineMap.from_lists([[1]], [0]).compose("x"),
    }


@pytest.mark.parametrize("case", sorted(_probe_cases()))
def test_public_entries_refuse_wrong_kinds_with_polyrelu_errors(case):
    with pytest.raises(PolyReluError):
        _probe_cases()[case]()
