"""PyTorch import: an ``nn.Sequential`` of ``Linear`` and ``ReLU`` layers, exactly.

PyTorch is optional: this module never imports it; the caller passes a model.
"""

from __future__ import annotations

from typing import Any

from ..errors import ShapeError
from ..exact.rational import from_float
from .network import ReluNetwork

__all__ = ["from_torch"]


def from_torch(module: Any) -> ReluNetwork:
    """Import a PyTorch ``nn.Sequential`` of ``Linear`` and ``ReLU`` layers exactly.

    Weights (float32 or float64) are converted to their exact binary values (not their
    decimal spelling).  The sequence must alternate Linear, ReLU, ..., Linear; anything
    else is refused with the offending layer named.
    """

    layers_in = list(module.children()) if hasattr(module, "children") else None
    if not layers_in:
        raise ShapeError("from_torch expects a non-empty torch.nn.Sequential of Linear and ReLU layers")
    layers, expect_linear = [], True
    for i, layer in enumerate(layers_in):
        kind = type(layer).__name__
        if expect_linear:
            if kind != "Linear":
                raise ShapeError(f"layer {i} is {kind}; expected Linear (only Linear and ReLU alternating are supported)")
            W = layer.weight.detach().cpu().double().numpy()
            b = layer.bias.detach().cpu().double().numpy() if layer.bias is not None else None
            if str(layer.weight.dtype) not in ("torch.float32", "torch.float64"):
                raise ShapeError(f"layer {i} has dtype {layer.weight.dtype}; expected float32 or float64")
            rows = [[from_float(float(v)) for v in row] for row in W]
            bias = [from_float(float(v)) for v in b] if b is not None else [0] * len(rows)
            layers.append((rows, bias))
        elif kind != "ReLU":
            raise ShapeError(f"layer {i} is {kind}; expected ReLU between Linear layers")
        expect_linear = not expect_linear
    if expect_linear:
        raise ShapeError("the network ends with ReLU; polyrelu networks end with an affine (Linear) layer")
    return ReluNetwork(len(layers[0][0][0]), layers)

