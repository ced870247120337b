"""A tiny stand-in for the parts of PyTorch that polyrelu.nets.torch touches, backed by
numpy, so the import/export tests run without torch installed.  It is not torch: only
the attributes from_torch/to_torch use (module classes named as in torch.nn, children(),
weight/bias tensors with dtype, detach/cpu/double/numpy, copy_, no_grad, tensor) and a
float forward pass for cross-checks."""

from __future__ import annotations

import contextlib
import types

import numpy as np


class DType:
    def __init__(self, name, np_type):
        self.name, self.np_type = name, np_type

    def __str__(self):
        return f"torch.{self.name}"

    __repr__ = __str__


float16 = DType("float16", np.float16)
float32 = DType("float32", np.float32)
float64 = DType("float64", np.float64)
int64 = DType("int64", np.int64)


class Tensor:
    def __init__(self, array, dtype):
        self.dtype = dtype
        self._a = np.array(array, dtype=dtype.np_type)

    @property
    def shape(self):
        return self._a.shape

    def detach(self):
        return self

    def cpu(self):
        return self

    def double(self):
        return Tensor(self._a.astype(np.float64), float64)

    def numpy(self):
        return self._a.copy()

    def copy_(self, other):
        if other.shape != self.shape:
            raise RuntimeError(f"shape mismatch {other.shape} vs {self.shape}")
        self._a[...] = other._a.astype(self.dtype.np_type)
        return self


def tensor(data, dtype=float32):
    return Tensor(data, dtype)


@contextlib.contextmanager
def no_grad():
    yield


class Module:
    def __init__(self):
        self._children = []

    def children(self):
        return iter(self._children)

    def __call__(self, x):
        return self.forward(x)


class Sequential(Module):
    def __init__(self, *mods):
        super().__init__()
        self._children = list(mods)

    def __getitem__(self, i):
        return self._children[i]

    def forward(self, x):
        for m in self._children:
            x = m(x)
        return x


_rng = np.random.default_rng(0)


class Linear(Module):
    def __init__(self, in_features, out_features, bias=True, dtype=None):
        super().__init__()
        dtype = dtype or float32
        bound = 1 / np.sqrt(in_features)
        self.weight = Tensor(_rng.uniform(-bound, bound, (out_features, in_features)), dtype)
        self.bias = Tensor(_rng.uniform(-bound, bound, out_features), dtype) if bias else None

    def forward(self, x):
        y = np.asarray(x, dtype=np.float64) @ self.weight._a.astype(np.float64).T
        return y + self.bias._a.astype(np.float64) if self.bias is not None else y


class ReLU(Module):
    def forward(self, x):
        return np.maximum(x, 0)


class Tanh(Module):
    def forward(self, x):
        return np.tanh(x)


class Identity(Module):
    def forward(self, x):
        return x


class Dropout(Module):
    def __init__(self, p=0.5):
        super().__init__()
        self.p = p

    def forward(self, x):  # inference behaviour
        return x


class Flatten(Module):
    def __init__(self, start_dim=1, end_dim=-1):
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, x):
        x = np.asarray(x)
        return x.reshape(x.shape[0], -1)


nn = types.SimpleNamespace(Module=Module, Sequential=Sequential, Linear=Linear, ReLU=ReLU, Tanh=Tanh, Identity=Identity,
                           Dropout=Dropout, Flatten=Flatten)


def install(monkeypatch):
    """Make ``import torch`` give this module for the duration of a test."""
    import sys

    monkeypatch.setitem(sys.modules, "torch", sys.modules[__name__])
