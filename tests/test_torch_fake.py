"""from_torch in the default run, with a small fake of the torch interface it uses
(``children()``, ``weight``/``bias`` tensors with ``detach().cpu().double().numpy()`` and
``dtype``), so the import is tested without installing torch (tests/test_torch.py runs
the same checks against real torch when it is installed)."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from polyrelu.errors import ShapeError
from polyrelu.exact.rational import Rational
from polyrelu.nets.torch import from_torch


class _DType:
    def __init__(self, name: str):
        self.name = name

    def __str__(self) -> str:
        return f"torch.{self.name}"


class _Tensor:
    """The tensor methods from_torch calls; values stored at their own precision."""

    def __init__(self, values, dtype: str = "float32"):
        self._values = np.array(values, dtype={"float32": np.float32, "float64": np.float64, "int64": np.int64}[dtype])
        self.dtype = _DType(dtype)

    def detach(self) -> "_Tensor":
        return self

    def cpu(self) -> "_Tensor":
        return self

    def double(self) -> "_Tensor":
        out = _Tensor([0.0], "float64")
        out._values = self._values.astype(np.float64)  # exact widening, as torch does
        return out

    def numpy(self) -> np.ndarray:
        return self._values


class Linear:
    def __init__(self, weight, bias, dtype: str = "float32"):
        self.weight = _Tensor(weight, dtype)
        self.bias = None if bias is None else _Tensor(bias, dtype)


class ReLU:
    pass


class Tanh:
    pass


class Dropout:
    pass


class Flatten:
    def __init__(self, start_dim: int = 1, end_dim: int = -1):
        self.start_dim, self.end_dim = start_dim, end_dim


class Sequential:
    def __init__(self, *layers):
        self._layers = layers

    def children(self):
        return iter(self._layers)


def _exact(x) -> Fraction:
    return Fraction(float(x))  # the exact binary value of a float


def test_sequential_imports_exactly():
    W1 = [[0.1, -0.25, 3.0], [1.5, 0.0, -2.0]]
    b1 = [0.3, -0.7]
    W2 = [[1.0, -0.1]]
    model = Sequential(Linear(W1, b1), ReLU(), Linear(W2, None))
    net = from_torch(model)
    assert (net.input_dim, net.hidden_widths, net.output_dim) == (3, (2,), 1)
    q = net.layers[0].weights[0][0]
    assert isinstance(q, Rational)
    # float32 0.1 is 13421773/134217728, not 1/10 and not float64's 0.1
    assert Fraction(int(q.numerator), int(q.denominator)) == _exact(np.float32(0.1)) == Fraction(13421773, 134217728)
    assert net.layers[1].biases == (0,)  # no bias: zero
    # the exact network equals a hand evaluation with the same exact weights
    x = [Fraction(1, 4), Fraction(-3, 2), Fraction(2)]
    hidden = [max(Fraction(0), sum(_exact(np.float32(w)) * v for w, v in zip(row, x)) + _exact(np.float32(b)))
              for row, b in zip(W1, b1)]
    expected = sum(_exact(np.float32(w)) * h for w, h in zip(W2[0], hidden))
    (got,) = net.evaluate(["1/4", "-3/2", "2"])
    assert Fraction(int(got.numerator), int(got.denominator)) == expected


def test_inference_no_ops_and_nested_blocks_are_read_through():
    plain = from_torch(Sequential(Linear([[1.0, -2.0]], [0.5]), ReLU(), Linear([[3.0]], [0.0])))
    decorated = from_torch(Sequential(Flatten(), Sequential(Linear([[1.0, -2.0]], [0.5]), Dropout()), ReLU(),
                                      Sequential(Dropout(), Linear([[3.0]], [0.0]))))
    assert decorated == plain


def test_float64_weights_keep_their_binary_value():
    net = from_torch(Sequential(Linear([[0.1]], [0.0], "float64")))
    q = net.layers[0].weights[0][0]
    assert Fraction(int(q.numerator), int(q.denominator)) == Fraction(0.1)


@pytest.mark.parametrize(
    "model, match",
    [
        (lambda: Sequential(Linear([[1.0, 1.0]], [0.0]), Tanh(), Linear([[1.0]], [0.0])), "Tanh"),
        (lambda: Sequential(Linear([[1.0, 1.0]], [0.0]), ReLU()), "ends with ReLU"),
        (lambda: Sequential(ReLU(), Linear([[1.0]], [0.0])), "expected Linear"),
        (lambda: Sequential(Linear([[1, 2]], [0], "int64")), "dtype"),
        (lambda: Sequential(), "non-empty"),
        (lambda: Sequential(Dropout()), "non-empty"),
        (lambda: Sequential(Flatten(0, -1), Linear([[1.0]], [0.0])), "Flatten"),
        (lambda: object(), "expects a torch.nn.Sequential"),
    ],
)
def test_unsupported_models_refused(model, match):
    with pytest.raises(ShapeError, match=match):
        from_torch(model())
