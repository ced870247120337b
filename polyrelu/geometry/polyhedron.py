"""Open convex polyhedra given by strict inequalities ``a . x < b``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Sequence

import numpy as np

from .. import cells
from ..errors import FileFormatError, InvalidPolyhedronError
from ..io import formats
from ..exact.linalg import integer_row
from ..exact.rational import Rational, as_affine_pair, as_rational, as_vector, to_str

__all__ = ["OpenPolyhedron", "FORMAT"]

FORMAT = "polyrelu.polyhedron"


@dataclass(frozen=True)
class OpenPolyhedron:
    """{x in R^d : a_i . x < b_i for all i}; with no inequalities, all of R^d.

    >>> box = OpenPolyhedron.box(2, 0, 1)
    >>> box.contains(["1/2", "1/3"]), box.contains([1, "1/2"])
    (True, False)
    """

    dim: int
    inequalities: tuple[tuple[tuple[Rational, ...], Rational], ...] = ()

    def __post_init__(self) -> None:
        d = self.dim
        if isinstance(d, bool) or not isinstance(d, int) or d < 1:
            raise InvalidPolyhedronError(f"dim is {d!r}; it must be a positive integer")
        if isinstance(self.inequalities, (str, bytes)) or not isinstance(self.inequalities, Iterable):
            raise InvalidPolyhedronError(f"inequalities must be a list of (a, b) pairs, got {type(self.inequalities).__name__}")
        out = tuple(as_affine_pair(item, field=f"inequalities[{i}]", length=d, meaning="a . x < b", error=InvalidPolyhedronError)
                    for i, item in enumerate(self.inequalities))
        object.__setattr__(self, "inequalities", out)

    @classmethod
    def from_inequalities(cls, dim: int, inequalities: Sequence[Any]) -> "OpenPolyhedron":
        return cls(dim, tuple(inequalities))

    @classmethod
    def box(cls, dim: int, lo: Any, hi: Any) -> "OpenPolyhedron":
        """The open cube (lo, hi)^dim."""
        if isinstance(dim, bool) or not isinstance(dim, int) or dim < 1:
            raise InvalidPolyhedronError(f"dim is {dim!r}; a box needs a positive integer dimension")
        l, h = as_rational(lo, field="lo"), as_rational(hi, field="hi")
        if not l < h:
            raise InvalidPolyhedronError(f"box bounds lo = {to_str(l)} and hi = {to_str(h)}: lo must be less than hi")
        ineq = []
        for j in range(dim):
            e = tuple(as_rational(1 if k == j else 0) for k in range(dim))
            ineq.append((e, h))
            ineq.append((tuple(-v for v in e), -l))
        return cls(dim, tuple(ineq))

    def contains(self, x: Sequence[Any]) -> bool:
        """Strict membership."""
        xs = as_vector(x, field="x", length=self.dim)
        return all(sum((a * v for a, v in zip(av, xs)), as_rational(0)) < b for av, b in self.inequalities)

    def engine_rows(self) -> np.ndarray:
        """Integer rows [c | e] meaning c . x - e > 0 (the engine's domain convention)."""
        rows = [integer_row(tuple(-v for v in a) + (-b,)) for a, b in self.inequalities]
        return cells.compact(np.array(rows, dtype=object).reshape(len(rows), self.dim + 1))

    def interior_point(self) -> tuple[Rational, ...] | None:
        """An exact point strictly inside, or None if the polyhedron is empty (no LP)."""
        dom = self.engine_rows()
        X, D, U = cells.cover(self.dim, np.zeros((0, self.dim + 1), dtype=np.int64), dom)
        if X.shape[0] == 0:
            return None
        Xr, Dr = cells.realize(X, D, U, dom)
        return tuple(as_rational(int(v)) / int(Dr[0]) for v in Xr[0])

    def is_empty(self) -> bool:
        return self.interior_point() is None

    def to_dict(self) -> dict[str, Any]:
        return {"dim": self.dim, "inequalities": [{"a": [to_str(v) for v in a], "b": to_str(b)} for a, b in self.inequalities]}

    @classmethod
    def from_dict(cls, obj: Any, *, source: str = "polyhedron") -> "OpenPolyhedron":
        """Read ``{"dim": d, "inequalities": [{"a": [...], "b": ...}, ...]}`` (a . x < b),
        optionally with ``"format": "polyrelu.polyhedron", "version": 1`` and a free-form
        ``"metadata"``.  Unknown fields are refused with their JSON path, and every ``a``
        must have ``dim`` entries.

        >>> OpenPolyhedron.from_dict({"dim": 1, "inequalities": [{"a": [1], "b": 2}]}).contains([1])
        True
        >>> OpenPolyhedron.from_dict({"dim": 2, "inequalities": [{"a": [1], "b": 2}]})
        Traceback (most recent call last):
        ...
        polyrelu.errors.FileFormatError: polyhedron: inequalities[0].a has length 1 but 2 was expected
        """
        if isinstance(obj, dict) and "format" in obj:
            formats.check_header(obj, FORMAT, source=source)
        formats.fields(obj, "", required=("dim", "inequalities"), optional=("format", "version", "metadata"), source=source)
        formats.positive_int(obj["dim"], "field \"dim\"", source=source)
        if not isinstance(obj["inequalities"], list):
            raise FileFormatError(f"{source}: field \"inequalities\" must be a list of {{\"a\": [...], \"b\": ...}}, "
                                  f"got {formats.describe(obj['inequalities'])}")
        for i, item in enumerate(obj["inequalities"]):
            formats.fields(item, f"inequalities[{i}]", required=("a", "b"), source=source)
        try:
            return cls.from_inequalities(obj["dim"], obj["inequalities"])
        except (ValueError, TypeError) as exc:
            raise FileFormatError(f"{source}: {exc}") from None

    @classmethod
    def load(cls, path: Any) -> "OpenPolyhedron":
        """Read a polyhedron file (see :meth:`from_dict`)."""
        return cls.from_dict(formats.load(path), source=str(path))
