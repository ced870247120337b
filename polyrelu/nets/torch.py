"""PyTorch in and out: :func:`from_torch` reads an ``nn.Sequential`` exactly,
:func:`to_torch` writes a :class:`~polyrelu.nets.network.ReluNetwork` as one.

PyTorch is optional (``pip install torch``, or ``pip install polyrelu[torch]``): this
module never imports it at import time; :func:`from_torch` only reads the module it is
given and :func:`to_torch` imports torch when called.

Import is exact: every weight (float16, bfloat16, float32 or float64) is taken at its
exact binary value, not its decimal spelling.  The layers must be Linear and ReLU
alternating, ending with Linear; layers that are the identity at inference are skipped:
``Dropout`` (and its 1d/2d/3d/alpha variants), ``Identity``, and ``Flatten`` with its
default ``start_dim=1, end_dim=-1`` (the network then acts on the flattened input, which
is what the first Linear sees).  Nested ``Sequential`` blocks are read in order.  The
network is the model's *inference* function (``model.eval()``): dropout is off.

Export is exact by default: a float64 holds only dyadic rationals of limited size, and
rounding a weight changes the function, so :func:`to_torch` refuses a network with a
weight such as 1/3 and names it.  ``allow_rounding=True`` rounds every weight to the
nearest float64 instead; ``from_torch(to_torch(net, allow_rounding=True))`` is then the
rounded network, exactly, and :func:`polyrelu.nets.equality.networks_equal` decides
whether the rounding changed the function.  Either way torch *evaluates* in floating
point: exact weights do not make its forward pass exact.
"""

from __future__ import annotations

from typing import Any, Iterator

from ..errors import NotRepresentableError, ShapeError
from ..exact.rational import Rational, from_float, to_str
from .network import ReluNetwork

__all__ = ["from_torch", "to_torch", "NOOP_LAYERS"]

#: Layer types that are the identity at inference and are skipped by :func:`from_torch`.
NOOP_LAYERS = ("Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout", "FeatureAlphaDropout", "Identity")
_FLOAT_DTYPES = ("torch.float16", "torch.bfloat16", "torch.float32", "torch.float64")


def _flat_layers(module: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    for i, layer in enumerate(module.children()):
        name = f"{prefix}{i}"
        if type(layer).__name__ == "Sequential":
            yield from _flat_layers(layer, prefix=f"{name}.")
        else:
            yield name, layer


def from_torch(module: Any) -> ReluNetwork:
    """Import a PyTorch ``nn.Sequential`` of ``Linear`` and ``ReLU`` layers exactly (see
    the module docstring for the layers that are skipped).  Anything else is refused with
    the offending layer named (its index, dotted inside nested blocks)."""
    if not hasattr(module, "children"):
        raise ShapeError(f"from_torch expects a torch.nn.Sequential of Linear and ReLU layers, got {type(module).__name__}")
    layers, expect_linear = [], True
    for name, layer in _flat_layers(module):
        kind = type(layer).__name__
        if kind in NOOP_LAYERS:
            continue
        if kind == "Flatten":
            start, end = getattr(layer, "start_dim", 1), getattr(layer, "end_dim", -1)
            if (start, end) != (1, -1):
                raise ShapeError(f"layer {name} is Flatten(start_dim={start}, end_dim={end}); only Flatten(start_dim=1, "
                                 "end_dim=-1), which keeps the batch dimension, is supported")
            continue
        if expect_linear:
            if kind != "Linear":
                raise ShapeError(f"layer {name} is {kind}; expected Linear (supported: Linear and ReLU alternating, "
                                 f"plus the inference no-ops {', '.join(NOOP_LAYERS)}, Flatten)")
            dtype = str(layer.weight.dtype)
            if dtype not in _FLOAT_DTYPES:
                raise ShapeError(f"layer {name} has dtype {dtype}; expected one of {', '.join(_FLOAT_DTYPES)}")
            W = layer.weight.detach().cpu().double().numpy()
            b = layer.bias.detach().cpu().double().numpy() if layer.bias is not None else None
            rows = [[from_float(float(v)) for v in row] for row in W]
            bias = [from_float(float(v)) for v in b] if b is not None else [0] * len(rows)
            layers.append((rows, bias))
        elif kind != "ReLU":
            raise ShapeError(f"layer {name} is {kind}; expected ReLU between Linear layers")
        expect_linear = not expect_linear
    if not layers:
        raise ShapeError("from_torch expects a non-empty torch.nn.Sequential of Linear and ReLU layers")
    if expect_linear:
        raise ShapeError("the network ends with ReLU; polyrelu networks end with an affine (Linear) layer")
    return ReluNetwork(len(layers[0][0][0]), layers)


def _to_float64(q: Rational, where: str, allow_rounding: bool) -> float:
    try:
        x = int(q.numerator) / int(q.denominator)  # correctly rounded to nearest
    except OverflowError:
        raise NotRepresentableError(f"{where} = {_short(q)} is beyond the float64 range") from None
    if not allow_rounding and from_float(x) != q:
        raise NotRepresentableError(
            f"{where} = {_short(q)} is not a float64 number (nearest: {x!r}); rounding it changes the function. "
            "Pass allow_rounding=True to round every weight to the nearest float64, then compare "
            "from_torch(model) with the network (networks_equal) to see whether the function changed"
        )
    return x


def _short(q: Rational) -> str:
    s = to_str(q)
    return s if len(s) <= 60 else s[:40] + f"... ({len(s)} characters)"


def to_torch(net: ReluNetwork, *, allow_rounding: bool = False) -> Any:
    """``torch.nn.Sequential`` of float64 ``Linear`` and ``ReLU`` layers computing ``net``.

    Parameters
    ----------
    net : ReluNetwork
    allow_rounding : bool, default False
        False: refuse (:class:`~polyrelu.errors.NotRepresentableError`, naming the
        weight) unless every weight and bias is exactly a float64, so the module's
        weights are exactly the network's.  True: round each to the nearest float64;
        the module may then compute a slightly different function.

    The module's parameters are float64 and trainable like any other; torch's forward
    pass is floating-point arithmetic either way.
    """
    try:
        import torch  # optional dependency
    except ImportError:
        raise ImportError("to_torch needs PyTorch, which is optional: pip install torch (or pip install 'polyrelu[torch]')") from None

    values = []
    for i, layer in enumerate(net.layers):
        W = [[_to_float64(v, f"layers[{i}].weights[{r}][{c}]", allow_rounding) for c, v in enumerate(row)]
             for r, row in enumerate(layer.weights)]
        b = [_to_float64(v, f"layers[{i}].biases[{r}]", allow_rounding) for r, v in enumerate(layer.biases)]
        values.append((W, b))
    mods = []
    for i, (W, b) in enumerate(values):
        lin = torch.nn.Linear(len(W[0]), len(W), bias=True, dtype=torch.float64)
        with torch.no_grad():
            lin.weight.copy_(torch.tensor(W, dtype=torch.float64))
            lin.bias.copy_(torch.tensor(b, dtype=torch.float64))
        mods.append(lin)
        if i < len(values) - 1:
            mods.append(torch.nn.ReLU())
    return torch.nn.Sequential(*mods)
