"""PyTorch import (optional dependency: skipped when torch is not installed)."""

from fractions import Fraction

import pytest

torch = pytest.importorskip("torch")

from polyrelu.errors import ShapeError  # noqa: E402
from polyrelu.nets.torch import from_torch  # noqa: E402


def test_sequential_imports_exactly():
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(3, 5), torch.nn.ReLU(), torch.nn.Linear(5, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2))
    net = from_torch(model)
    assert (net.input_dim, net.hidden_widths, net.output_dim) == (3, (5, 4), 2)
    w = model[0].weight.detach()[1, 2].item()  # a float32 value, widened exactly
    q = net.layers[0].weights[1][2]
    assert Fraction(q.numerator, q.denominator) == Fraction(w)
    x = torch.tensor([[0.25, -1.5, 2.0]], dtype=torch.float64)
    expected = model.double()(x).detach().numpy()[0]
    got = net.evaluate(["1/4", "-3/2", "2"])
    assert all(abs(float(g) - e) < 1e-9 for g, e in zip(got, expected))  # float64 forward vs exact


@pytest.mark.parametrize(
    "layers, match",
    [
        (lambda: [torch.nn.Linear(2, 3), torch.nn.Tanh(), torch.nn.Linear(3, 1)], "Tanh"),
        (lambda: [torch.nn.Linear(2, 3), torch.nn.ReLU()], "ends with ReLU"),
        (lambda: [torch.nn.ReLU(), torch.nn.Linear(2, 1)], "expected Linear"),
    ],
)
def test_unsupported_layers_refused(layers, match):
    with pytest.raises(ShapeError, match=match):
        from_torch(torch.nn.Sequential(*layers()))
