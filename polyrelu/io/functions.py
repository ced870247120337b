"""Lists of affine functions R^n -> R as JSON (``polyrelu.affine-functions``, version 1):
the input of ``polyrelu max-net``.

``{"format": "polyrelu.affine-functions", "version": 1, "dim": n,
"functions": [{"a": [...], "c": ...}, ...]}`` means the functions x -> a . x + c; every
``a`` has exactly ``dim`` entries, and unknown fields are refused with their JSON path.

>>> dim, fs = affine_functions_from_dict({"format": FORMAT, "version": 1, "dim": 1,
...     "functions": [{"a": [1], "c": 0}, {"a": ["-1"], "c": "1/2"}]})
>>> dim, fs[1]
(1, ((mpq(-1,1),), mpq(1,2)))
>>> affine_functions_from_dict({"format": FORMAT, "version": 1, "dim": 1, "functions": [{"a": [1, 2], "c": 0}]})
Traceback (most recent call last):
...
polyrelu.errors.FileFormatError: functions: functions[0].a has 2 entries but "dim" is 1
"""

from __future__ import annotations

from typing import Any

from ..errors import FileFormatError, PolyReluError
from ..exact.rational import Rational, as_rational, as_vector
from . import formats

__all__ = ["FORMAT", "affine_functions_from_dict", "load_affine_functions"]

FORMAT = "polyrelu.affine-functions"


def affine_functions_from_dict(obj: Any, *, source: str = "functions") -> tuple[int, tuple[tuple[tuple[Rational, ...], Rational], ...]]:
    """``(dim, ((a, c), ...))`` from a ``polyrelu.affine-functions`` object (see the module)."""
    formats.check_header(obj, FORMAT, source=source)
    formats.fields(obj, "", required=("format", "version", "dim", "functions"), optional=("metadata",), source=source)
    n = formats.positive_int(obj["dim"], "field \"dim\"", source=source)
    fs = obj["functions"]
    if not isinstance(fs, list) or not fs:
        raise FileFormatError(f"{source}: field \"functions\" must be a nonempty list of {{\"a\": [...], \"c\": ...}}, "
                              f"got {formats.describe(fs)}")
    out = []
    for i, f in enumerate(fs):
        formats.fields(f, f"functions[{i}]", required=("a", "c"), source=source)
        if not isinstance(f["a"], list):
            raise FileFormatError(f"{source}: functions[{i}].a must be a list of {n} numbers, got {formats.describe(f['a'])}")
        if len(f["a"]) != n:
            raise FileFormatError(f"{source}: functions[{i}].a has {len(f['a'])} entries but \"dim\" is {n}")
        try:
            out.append((as_vector(f["a"], field=f"functions[{i}].a"), as_rational(f["c"], field=f"functions[{i}].c")))
        except PolyReluError as exc:
            raise FileFormatError(f"{source}: {exc}") from None
    return n, tuple(out)


def load_affine_functions(path: Any) -> tuple[int, tuple[tuple[tuple[Rational, ...], Rational], ...]]:
    """Read a ``polyrelu.affine-functions`` file (see :func:`affine_functions_from_dict`)."""
    return affine_functions_from_dict(formats.load(path), source=str(path))
