"""PyTorch import and export.  Every test runs against a small numpy-backed stand-in
(tests/fake_torch.py), so the default run needs no torch; the same tests also run
against real PyTorch when it is installed."""

import re
from fractions import Fraction

import numpy as np
import pytest
from gmpy2 import mpq

import fake_torch
from polyrelu.errors import NotRepresentableError, ShapeError
from polyrelu.nets.equality import networks_equal
from polyrelu.nets.network import ReluNetwork
from polyrelu.nets.torch import from_torch, to_torch


def _real_torch():
    try:
        import torch  # noqa: F401
    except ImportError:
        return None
    return torch


@pytest.fixture(params=["fake", "real"])
def torch(request, monkeypatch):
    if request.param == "fake":
        fake_torch.install(monkeypatch)
        return fake_torch
    real = _real_torch()
    if real is None:
        pytest.skip("PyTorch is not installed (optional)")
    real.manual_seed(0)
    return real


def _forward(torch, model, x):
    if torch is fake_torch:
        return np.asarray(model(np.array([x], dtype=np.float64)))[0]
    return model.double()(torch.tensor([x], dtype=torch.float64)).detach().numpy()[0]


def test_sequential_imports_exactly(torch):
    model = torch.nn.Sequential(torch.nn.Linear(3, 5), torch.nn.ReLU(), torch.nn.Linear(5, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2))
    net = from_torch(model)
    assert (net.input_dim, net.hidden_widths, net.output_dim) == (3, (5, 4), 2)
    for li, k in ((0, 0), (1, 2), (2, 4)):
        W = model[k].weight.detach().cpu().double().numpy()  # float32 values, widened exactly
        for r in range(W.shape[0]):
            for c in range(W.shape[1]):
                q = net.layers[li].weights[r][c]
                assert Fraction(q.numerator, q.denominator) == Fraction(float(W[r, c]))
    x = [0.25, -1.5, 2.0]
    got = net.evaluate(["1/4", "-3/2", "2"])
    assert all(abs(float(g) - e) < 1e-9 for g, e in zip(got, _forward(torch, model, x)))  # float64 forward vs exact


def test_inference_noops_are_skipped(torch):
    inner = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU(), torch.nn.Dropout(0.3))
    model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Identity(), inner, torch.nn.Linear(3, 3), torch.nn.Dropout(0.1),
                                torch.nn.ReLU(), torch.nn.Identity(), torch.nn.Linear(3, 1))
    plain = torch.nn.Sequential(inner[0], torch.nn.ReLU(), model[3], torch.nn.ReLU(), model[7])
    net = from_torch(model)
    assert net == from_torch(plain)
    assert (net.input_dim, net.hidden_widths, net.output_dim) == (2, (3, 3), 1)
    for x in ([0.5, -2.0], [3.0, 1.25], [-1.0, -1.0]):
        exact = net.evaluate([Fraction(v) for v in x])[0]
        if torch is fake_torch:
            model_out = np.asarray(model(np.array([x])))[0][0]
        else:
            model.eval()
            model_out = model.double()(torch.tensor([x], dtype=torch.float64)).detach().numpy()[0][0]
        assert abs(float(exact) - model_out) < 1e-9


@pytest.mark.parametrize(
    "layers, match",
    [
        (lambda t: [t.nn.Linear(2, 3), t.nn.Tanh(), t.nn.Linear(3, 1)], "layer 1 is Tanh"),
        (lambda t: [t.nn.Linear(2, 3), t.nn.ReLU()], "ends with ReLU"),
        (lambda t: [t.nn.Linear(2, 3), t.nn.ReLU(), t.nn.Dropout()], "ends with ReLU"),
        (lambda t: [t.nn.ReLU(), t.nn.Linear(2, 1)], "expected Linear"),
        (lambda t: [t.nn.Flatten(0), t.nn.Linear(2, 1)], "Flatten(start_dim=0"),
        (lambda t: [t.nn.Linear(2, 2), t.nn.Sequential(t.nn.Tanh()), t.nn.Linear(2, 1)], "layer 1.0 is Tanh"),
        (lambda t: [t.nn.Dropout(), t.nn.Identity()], "non-empty"),
    ],
)
def test_unsupported_layers_refused(torch, layers, match):
    with pytest.raises(ShapeError, match=re.escape(match)):
        from_torch(torch.nn.Sequential(*layers(torch)))


def test_to_torch_round_trip_is_exact_for_dyadic_weights(torch):
    net = ReluNetwork(2, [([["1/2", "-3/4"], [1, "1/1024"], [-5, 0]], ["1/8", -1, 0]), ([["3/2", -1, "1/4"]], ["-7/16"])])
    model = to_torch(net)
    assert str(model[0].weight.dtype) == "torch.float64"
    assert from_torch(model) == net
    x = ["3/4", "-5/2"]
    assert abs(float(net.evaluate(x)[0]) - _forward(torch, model, [0.75, -2.5])[0]) < 1e-12


def test_to_torch_refuses_rounding_unless_allowed(torch):
    net = ReluNetwork(1, [([[1], ["1/3"]], [0, "-1/10"]), ([[1, 1]], [0])])
    with pytest.raises(NotRepresentableError, match=r"layers\[0\]\.weights\[1\]\[0\] = 1/3 is not a float64"):
        to_torch(net)
    rounded = from_torch(to_torch(net, allow_rounding=True))
    third, tenth = rounded.layers[0].weights[1][0], rounded.layers[0].biases[1]
    assert Fraction(third.numerator, third.denominator) == Fraction(float(Fraction(1, 3)))  # nearest float64
    assert Fraction(tenth.numerator, tenth.denominator) == Fraction(-0.1)
    assert third != mpq(1, 3)
    same, where = networks_equal(net, rounded)
    assert not same and net.evaluate(where) != rounded.evaluate(where)


def test_to_torch_refuses_values_beyond_float64(torch):
    net = ReluNetwork(1, [([[10**400]], [0]), ([[1]], [0])])
    with pytest.raises(NotRepresentableError, match="beyond the float64 range"):
        to_torch(net, allow_rounding=True)


def test_import_needs_no_torch_and_export_says_so(monkeypatch):
    import importlib
    import sys

    monkeypatch.setitem(sys.modules, "torch", None)  # "import torch" now raises ImportError
    import polyrelu.nets.torch as m

    m = importlib.reload(m)
    t = fake_torch
    assert m.from_torch(t.nn.Sequential(t.nn.Linear(1, 2), t.nn.ReLU(), t.nn.Linear(2, 1))).hidden_widths == (2,)
    with pytest.raises(ImportError):
        m.to_torch(ReluNetwork(1, [([[1]], [0])]))
