import json

import pytest
from gmpy2 import mpq
from hypothesis import assume, given
from hypothesis import strategies as st

from polyrelu.errors import FileFormatError, FloatNotAllowedError, InvalidParameterError, NonFiniteNumberError, ShapeError
from polyrelu.nets.network import ReluNetwork
from polyrelu.exact.rational import Rational
from strategies import networks, points, rationals


def relu(v):
    return v if v > 0 else mpq(0)


def reference_eval(net_dict, x):
    """A plain re-implementation of the forward pass from the JSON dict (independent route)."""
    h = [mpq(v) for v in x]
    layers = net_dict["layers"]
    for i, layer in enumerate(layers):
        z = [sum((mpq(w) * v for w, v in zip(row, h)), mpq(0)) + mpq(b) for row, b in zip(layer["weights"], layer["biases"])]
        h = z if i == len(layers) - 1 else [relu(v) for v in z]
    return tuple(h)


def all_rational(obj):
    if isinstance(obj, (tuple, list)):
        return all(all_rational(v) for v in obj)
    return isinstance(obj, Rational)


@given(st.data())
def test_evaluate_matches_reference(data):
    net = data.draw(networks())
    x = data.draw(points(net.input_dim))
    y = net.evaluate(x)
    assert y == reference_eval(net.to_dict(), x)
    assert all_rational(y)


@given(networks())
def test_json_round_trip_is_identity(net):
    text = net.to_json()
    back = ReluNetwork.from_json(text)
    assert back == net
    assert back.to_json() == text  # canonical: no churn
    assert all_rational([l.weights for l in back.layers]) and all_rational([l.biases for l in back.layers])


@given(st.data())
def test_compose_evaluates_as_composition(data):
    g = data.draw(networks())
    f = data.draw(networks(input_dim=g.output_dim))
    x = data.draw(points(g.input_dim))
    fg = f.compose(g)
    assert fg.evaluate(x) == f.evaluate(g.evaluate(x))
    assert fg.depth == f.depth + g.depth - 1
    assert fg.size == f.size + g.size
    assert all_rational(fg.evaluate(x))


@given(st.data())
def test_add_evaluates_as_sum(data):
    f = data.draw(networks())
    g = data.draw(networks(input_dim=f.input_dim, output_dim=f.output_dim))
    x = data.draw(points(f.input_dim))
    s = f.add(g)
    assert s.evaluate(x) == tuple(a + b for a, b in zip(f.evaluate(x), g.evaluate(x)))
    assert s.depth == max(f.depth, g.depth)
    assert all_rational(s.evaluate(x))


@given(st.data())
def test_positive_rescaling_of_a_neuron_changes_nothing(data):
    net = data.draw(networks())
    assume(net.n_hidden_layers > 0)
    layer = data.draw(st.integers(0, net.n_hidden_layers - 1))
    neuron = data.draw(st.integers(0, net.hidden_widths[layer] - 1))
    c = data.draw(rationals(20, 7).filter(lambda v: v > 0))
    other = net.rescale_neuron(layer, neuron, c)
    for _ in range(3):
        x = data.draw(points(net.input_dim))
        assert other.evaluate(x) == net.evaluate(x)
        # the pre-activation of the rescaled neuron is multiplied by c
        assert other.preactivations(x)[layer][neuron] == c * net.preactivations(x)[layer][neuron]


@given(st.data())
def test_padding_and_scaling(data):
    net = data.draw(networks())
    x = data.draw(points(net.input_dim))
    extra = data.draw(st.integers(0, 2))
    assert net.padded(net.depth + extra).evaluate(x) == net.evaluate(x)
    c = data.draw(rationals())
    assert net.scaled(c).evaluate(x) == tuple(c * v for v in net.evaluate(x))


@given(st.data())
def test_local_affine_map_agrees_with_network_near_x(data):
    net = data.draw(networks())
    x = data.draw(points(net.input_dim))
    pre = net.preactivations(x)
    assume(all(v != 0 for z in pre for v in z))  # x strictly inside its activation region
    f = net.local_affine_map(x)
    assert f(x) == net.evaluate(x)
    # small exact steps stay in the region: check against the pattern there
    step = mpq(1, 10**9)
    y = [v + step for v in x]
    if net.activation_pattern(y) == net.activation_pattern(x):
        assert f(y) == net.evaluate(y)


def test_local_affine_map_on_a_boundary_with_given_pattern():
    absnet = ReluNetwork(1, [([[1], [-1]], [0, 0]), ([[1, 1]], [0])])
    left = absnet.local_affine_map([0], pattern=[[0, 1]])
    right = absnet.local_affine_map([0], pattern=[[1, 0]])
    assert left.matrix == ((mpq(-1),),) and right.matrix == ((mpq(1),),)
    with pytest.raises(InvalidParameterError, match="pre-activation at x is 1"):
        absnet.local_affine_map([1], pattern=[[0, 1]])


def test_measures_as_the_paper_counts():
    net = ReluNetwork(3, [([[1, 0, 0]] * 5, [0] * 5), ([[1] * 5] * 2, [0, 0]), ([[1, 1]], [7])])
    assert (net.depth, net.width, net.size) == (3, 5, 7)
    assert net.has_output_bias
    affine = ReluNetwork(2, [([[1, 2]], [0])])
    assert (affine.depth, affine.width, affine.size, affine.has_output_bias) == (1, 0, 0, False)


def test_huge_integers_work_exactly():
    big = 10**80
    net = ReluNetwork(1, [([[big]], [-big]), ([[big]], [1])])
    assert net.evaluate([2]) == (mpq(big * big + 1),)
    assert ReluNetwork.from_json(net.to_json()) == net


# ----------------------------------------------------------------- bad input
BASE = {"format": "polyrelu.network", "version": 1, "input_dim": 2, "layers": [{"weights": [["1", "2"]], "biases": ["0"]}]}


def with_changes(**kw):
    d = json.loads(json.dumps(BASE))
    d.update(kw)
    return d


@pytest.mark.parametrize(
    "obj, match",
    [
        (with_changes(layers=[]), "empty"),
        (with_changes(layers=[{"weights": [["1", "2"], ["3"]], "biases": ["0", "0"]}]), "ragged"),
        (with_changes(layers=[{"weights": [["1", "2", "3"]], "biases": ["0"]}]), r"shape \(1, 3\) but \(1, 2\)"),
        (with_changes(layers=[{"weights": [["1", "2"]], "biases": ["0", "1"]}]), "biases has 2 entries"),
        (with_changes(layers=[{"weights": [["1", "2"]], "biases": ["0"]}, {"weights": [["1", "1"]], "biases": ["0"]}]), r"layers\[1\].weights has shape \(1, 2\) but \(1, 1\)"),
        (with_changes(layers=[{"weights": [["1", "x"]], "biases": ["0"]}]), r"layers\[0\].weights\[0\]\[1\]"),
        (with_changes(layers=[{"weights": [["1", "nan"]], "biases": ["0"]}]), "NaN"),
        (with_changes(input_dim=0), "input_dim"),
        (with_changes(input_dim="2"), "input_dim"),
        (with_changes(version=2), "version"),
        (with_changes(format="polyrelu.arrangement"), "format"),
        (with_changes(layers=[{"weights": [["1", "2"]]}]), "biases"),
        (with_changes(extra=1), "unknown field"),
    ],
)
def test_bad_network_dicts_name_the_field(obj, match):
    with pytest.raises(FileFormatError, match=match):
        ReluNetwork.from_dict(obj)


@pytest.mark.parametrize(
    "text, match",
    [
        ('{"format": "polyrelu.network", "version": 1, "input_dim": 1, "layers": [{"weights": [[0.5]], "biases": [0]}]}', "float"),
        ('{"format": "polyrelu.network", "version": 1, "input_dim": 1, "layers": [{"weights": [[NaN]], "biases": [0]}]}', "NaN"),
        ('{"format": "polyrelu.network", "version": 1, "input_dim": 1, "layers": [{"weights": [[1]], "bia', "not valid JSON"),
        ("", "not valid JSON"),
        ("[1, 2]", "expected a JSON object"),
    ],
)
def test_malformed_json(text, match):
    with pytest.raises(FileFormatError, match=match):
        ReluNetwork.from_json(text)


def test_python_floats_refused_in_constructor():
    with pytest.raises(FloatNotAllowedError, match=r"layers\[0\].weights\[0\]\[0\]"):
        ReluNetwork(1, [([[0.5]], [0])])
    with pytest.raises(NonFiniteNumberError):
        ReluNetwork(1, [([[float("inf")]], [0])])
    with pytest.raises(FloatNotAllowedError):
        ReluNetwork(1, [([[1]], [0])]).evaluate([0.25])


def test_json_integers_and_huge_integers_load():
    text = '{"format": "polyrelu.network", "version": 1, "input_dim": 1, "layers": [{"weights": [[%d]], "biases": [-3]}]}' % (10**50)
    net = ReluNetwork.from_json(text)
    assert net.evaluate(["1/2"]) == (mpq(10**50, 2) - 3,)


def test_shape_errors_in_compose_and_add():
    f = ReluNetwork(2, [([[1, 1]], [0])])
    g = ReluNetwork(1, [([[1], [2]], [0, 0]), ([[1, 1], [1, 0], [0, 1]], [0, 0, 0])])
    with pytest.raises(ShapeError, match="3 outputs but the outer one expects 2"):
        f.compose(g)
    with pytest.raises(ShapeError):
        f.add(g)


def test_save_is_atomic_and_canonical(tmp_path):
    net = ReluNetwork(1, [([[1], [-1]], ["1/2", 0]), ([[1, 1]], [0])])
    path = tmp_path / "n.json"
    net.save(path)
    assert ReluNetwork.load(path) == net
    assert path.read_text() == net.to_json()
    assert [p.name for p in tmp_path.iterdir()] == ["n.json"]  # no temp files left
