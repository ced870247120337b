"""Exact affine maps x -> A x + c (the local maps of ReLU networks)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from gmpy2 import mpq

from ..errors import ShapeError
from .rational import Rational, as_matrix, as_vector, to_str

__all__ = ["AffineMap", "matvec"]

_ZERO = mpq(0)


def matvec(matrix: Sequence[Sequence[Rational]], x: Sequence[Rational]) -> tuple[Rational, ...]:
    """Exact matrix-vector product."""
    return tuple(sum((a * v for a, v in zip(row, x)), _ZERO) for row in matrix)


@dataclass(frozen=True)
class AffineMap:
    """An exact affine map R^n -> R^m, ``x -> matrix @ x + offset``.

    Entries are converted with :func:`~polyrelu.exact.rational.as_rational` (floats are
    refused), and the matrix must have ``input_dim`` columns and one row per offset.

    >>> f = AffineMap.from_lists([[1, 2]], ["1/2"])
    >>> f(["1", "1"])
    (mpq(7,2),)
    >>> AffineMap(((0.5,),), (0.1,), 1)
    Traceback (most recent call last):
    ...
    polyrelu.errors.FloatNotAllowedError: matrix[0][0]: got the float 0.5; pass it as a string ("0.1" means exactly 1/10) or convert it with polyrelu.from_float(x) to take the float's exact binary value
    """

    matrix: tuple[tuple[Rational, ...], ...]
    offset: tuple[Rational, ...]
    input_dim: int

    def __post_init__(self) -> None:
        n = self.input_dim
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise ShapeError(f"input_dim is {n!r}; it must be an integer >= 0")
        m = as_matrix(self.matrix, field="matrix", shape=(None, n))
        object.__setattr__(self, "matrix", m)
        object.__setattr__(self, "offset", as_vector(self.offset, field="offset", length=len(m)))

    @classmethod
    def from_lists(cls, matrix: Any, offset: Any, *, input_dim: int | None = None) -> "AffineMap":
        m = as_matrix(matrix, field="matrix")
        c = as_vector(offset, field="offset", length=len(m))
        n = len(m[0]) if m else (input_dim or 0)
        if input_dim is not None and m and n != input_dim:
            raise ShapeError(f"matrix has {n} columns but input_dim is {input_dim}")
        return cls(m, c, n)

    @property
    def output_dim(self) -> int:
        return len(self.offset)

    def __call__(self, x: Sequence[Any]) -> tuple[Rational, ...]:
        xs = as_vector(x, field="x", length=self.input_dim)
        return tuple(v + c for v, c in zip(matvec(self.matrix, xs), self.offset))

    def compose(self, inner: "AffineMap") -> "AffineMap":
        """``self o inner``."""
        if not isinstance(inner, AffineMap):
            raise ShapeError(f"inner must be an AffineMap, got {type(inner).__name__}")
        if inner.output_dim != self.input_dim:
            raise ShapeError(f"cannot compose: inner map has {inner.output_dim} outputs, outer expects {self.input_dim}")
        cols = list(zip(*inner.matrix)) if inner.matrix else []
        mat = tuple(
            tuple(sum((a * b for a, b in zip(row, col)), _ZERO) for col in cols) if cols else tuple([_ZERO] * inner.input_dim)
            for row in self.matrix
        )
        off = tuple(v + c for v, c in zip(matvec(self.matrix, inner.offset), self.offset))
        return AffineMap(mat, off, inner.input_dim)

    def to_dict(self) -> dict[str, Any]:
        return {"matrix": [[to_str(v) for v in row] for row in self.matrix], "offset": [to_str(v) for v in self.offset]}
