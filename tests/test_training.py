"""Exact one-hidden-layer training (Algorithm 1): LP losses."""

import random

import pytest
from gmpy2 import mpq
from hypothesis import given, settings
from hypothesis import strategies as st

from polyrelu.errors import ShapeError
from polyrelu.rational import Rational
from polyrelu.training import ExactReluTrainer, _all_splits_optimum


def test_data_from_a_width_2_network_is_fitted_exactly():
    # f(x) = relu(x - 1) - relu(-x)  (2 neurons)
    X = [[mpq(k, 2)] for k in range(-4, 7)]
    y = [max(x[0] - 1, 0) - max(-x[0], 0) for x in X]
    t = ExactReluTrainer(width=2).fit(X, y)
    assert t.loss_ == 0 and all(isinstance(v, Rational) for v in t.predict(X))
    assert t.predict(X) == tuple(y)
    assert ExactReluTrainer(width=1).fit(X, y).loss_ > 0


@settings(max_examples=12, deadline=None)
@given(st.integers(1, 2), st.lists(st.tuples(st.integers(-3, 3), st.integers(-3, 3)), min_size=1, max_size=4), st.booleans())
def test_arrangement_cells_equal_brute_force_over_all_splits(w, data, bias):
    X = [[mpq(a)] for a, _ in data]
    y = [mpq(b) for _, b in data]
    t = ExactReluTrainer(width=w, output_bias=bias).fit(X, y)
    assert t.loss_ == _all_splits_optimum(t, X, y)


def test_brute_force_in_two_dimensions_and_hinge():
    X = [[0, 0], [1, 0], [0, 1], [1, 1]]
    y = [1, -1, -1, 1]  # XOR
    for loss in ("absolute", "hinge"):
        t = ExactReluTrainer(width=2, loss=loss).fit(X, y)
        assert t.loss_ == _all_splits_optimum(t, X, y)


def test_optimum_never_increases_with_width_and_ignores_order():
    rng = random.Random(3)
    X = [[mpq(rng.randint(-5, 5), 2)] for _ in range(6)]
    y = [mpq(rng.randint(-4, 4)) for _ in range(6)]
    losses = [ExactReluTrainer(width=w).fit(X, y).loss_ for w in (1, 2, 3)]
    assert losses[0] >= losses[1] >= losses[2]
    perm = list(range(6))
    rng.shuffle(perm)
    assert ExactReluTrainer(width=2).fit([X[i] for i in perm], [y[i] for i in perm]).loss_ == losses[1]


def test_degenerate_data():
    # duplicate x with different labels: the best absolute fit sits between them
    t = ExactReluTrainer(width=1).fit([[1], [1]], [0, 2])
    assert t.loss_ == 1  # (|f - 0| + |f - 2|) / 2 >= 1
    t = ExactReluTrainer(width=2, output_bias=True).fit([[2, 2]] * 3, [1, 1, 1])  # all points equal, D < n + 1
    assert t.loss_ == 0


@pytest.mark.parametrize(
    "kwargs, X, y, match",
    [
        ({"width": 0}, [[1]], [1], "width"),
        ({"loss": "squared"}, [[1]], [1], "not implemented"),
        ({"loss": "huber"}, [[1]], [1], "expected one of"),
        ({}, [], [], "empty"),
        ({}, [[1], [2, 3]], [1, 2], "ragged"),
        ({}, [[1], ["x"]], [1, 2], "not a rational"),
        ({}, [[1]], [1, 2], "length"),
        ({"loss": "hinge"}, [[1]], [2], "labels"),
        ({}, [[0.5]], [1], "float"),
    ],
)
def test_bad_input(kwargs, X, y, match):
    with pytest.raises(Exception, match=match) as exc:
        ExactReluTrainer(**kwargs).fit(X, y)
    assert isinstance(exc.value, (ShapeError, ValueError, TypeError))


def test_cli_train(tmp_path, capsys):
    import json

    from polyrelu.cli import main

    data = tmp_path / "d.csv"
    data.write_text("x1,x2,label\n0,0,0\n1,0,1.5\n0,1,1/2\n1,1,2\n")
    assert main(["train", str(data), "--width", "2", "--json", "--out", str(tmp_path / "n.json")]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["width"] == 2 and info["network"]["format"] == "polyrelu.network"
    X = [[0, 0], [1, 0], [0, 1], [1, 1]]
    y = [0, mpq(3, 2), mpq(1, 2), 2]
    assert mpq(info["loss"]) == ExactReluTrainer(width=2).fit(X, y).loss_
    data.write_text("x1,label\n0,0\n1\n")
    assert main(["train", str(data), "--width", "1"]) == 3
    assert "line 3 has 1 fields" in capsys.readouterr().err
    data.write_text("x1,label\n0,zero\n")
    assert main(["train", str(data), "--width", "1"]) == 3
