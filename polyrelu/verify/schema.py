"""Reading a certificate before checking it: every field typed and located.

The checks of :mod:`polyrelu.verify` run on values this module has already validated, so
a malformed certificate is rejected here with a :class:`~polyrelu.errors.CertificateError`
that names the JSON path of the field, says what was expected and shows what was found:

>>> rational(7.5, "regions[3].facets[0].point[1]")
Traceback (most recent call last):
...
polyrelu.errors.CertificateError: regions[3].facets[0].point[1]: expected a rational string such as "-3/4", got the float 7.5

Rationals in certificates are strings ``"p"`` or ``"p/q"`` (what polyrelu writes); JSON
numbers are refused there, so that every number has one spelling.  Objects must have
exactly the documented keys: a missing key and an unknown key are both errors.
"""

from __future__ import annotations

import re
from typing import Any, Iterable, NoReturn, Sequence

from gmpy2 import mpq

from ..errors import CertificateError, PolyReluError
from ..exact.rational import Rational
from ..io import formats
from ..nets.network import ReluNetwork

__all__ = ["fail", "describe", "join", "obj", "lst", "integer", "boolean", "rational", "vector", "text",
           "affine_pairs", "network", "digest"]

_RATIONAL = re.compile(r"-?[0-9]+(/[0-9]+)?", re.ASCII)


def fail(at: str, message: str) -> NoReturn:
    """Raise the CertificateError of the field at ``at``."""
    raise CertificateError(f"{at}: {message}" if at else message)


def join(at: str, key: str | int) -> str:
    """The JSON path of ``key`` inside the node at ``at``: ``regions[3].facets``."""
    if isinstance(key, int):
        return f"{at}[{key}]"
    return f"{at}.{key}" if at else key


def describe(v: Any) -> str:
    """A short description of a JSON value for error messages."""
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        s = str(v) if abs(v) < 10**30 else f"an integer with {len(str(abs(v)))} digits"
        return f"the integer {s}" if not s.startswith("an") else s
    if isinstance(v, float):
        return f"the float {v!r}"
    if isinstance(v, str):
        return f"the string {v[:40]!r}" + ("..." if len(v) > 40 else "")
    if isinstance(v, list):
        return f"a list of {len(v)} entries"
    if isinstance(v, dict):
        return "an object"
    return f"a {type(v).__name__}"


def obj(v: Any, at: str, required: Iterable[str], optional: Iterable[str] = ()) -> dict[str, Any]:
    """An object with every key of ``required``, possibly keys of ``optional``, no others."""
    if not isinstance(v, dict):
        fail(at, f"expected an object, got {describe(v)}")
    req = tuple(required)
    for key in req:
        if key not in v:
            fail(at, f"missing field \"{key}\"")
    allowed = set(req) | set(optional)
    unknown = sorted(str(k) for k in v if k not in allowed)
    if unknown:
        fail(at, f"unknown field(s) {unknown}; allowed: {', '.join(sorted(allowed))}")
    return v


def lst(v: Any, at: str, length: int | None = None) -> list[Any]:
    """A list, of ``length`` entries if given."""
    if not isinstance(v, list):
        fail(at, f"expected a list, got {describe(v)}")
    if length is not None and len(v) != length:
        fail(at, f"expected a list of {length} entries, got {len(v)}")
    return v


def integer(v: Any, at: str, lo: int | None = None, hi: int | None = None) -> int:
    """A JSON integer (not a boolean) with lo <= v < hi where given."""
    if isinstance(v, bool) or not isinstance(v, int):
        fail(at, f"expected an integer, got {describe(v)}")
    if (lo is not None and v < lo) or (hi is not None and v >= hi):
        if lo is not None and hi == lo + 1:
            want = f"the integer {lo}"
        elif hi is None:
            want = f"an integer >= {lo}"
        elif lo is None:
            want = f"an integer < {hi}"
        else:
            want = f"an integer from {lo} to {hi - 1}"
        fail(at, f"expected {want}, got {describe(v)}")
    return v


def boolean(v: Any, at: str) -> bool:
    if not isinstance(v, bool):
        fail(at, f"expected true or false, got {describe(v)}")
    return v


def text(v: Any, at: str, choices: Sequence[str] | None = None) -> str:
    if not isinstance(v, str):
        fail(at, f"expected a string, got {describe(v)}")
    if choices is not None and v not in choices:
        fail(at, f"expected one of {', '.join(map(repr, choices))}, got {describe(v)}")
    return v


def rational(v: Any, at: str) -> Rational:
    """A rational string ``"p"`` or ``"p/q"`` (q > 0)."""
    if not isinstance(v, str) or not _RATIONAL.fullmatch(v):
        fail(at, f"expected a rational string such as \"-3/4\", got {describe(v)}")
    _, slash, den = v.partition("/")
    if slash and not den.strip("0"):
        fail(at, f"{v!r} has a zero denominator")
    return mpq(v)  # exact: the pattern admits only integers and integer ratios


def vector(v: Any, at: str, n: int) -> tuple[Rational, ...]:
    """A list of ``n`` rational strings."""
    return tuple(rational(x, join(at, i)) for i, x in enumerate(lst(v, at, n)))


def affine_pairs(v: Any, at: str, dim: int) -> tuple[tuple[tuple[Rational, ...], Rational], ...]:
    """``[{"a": [...], "b": "p/q"}, ...]``."""
    out = []
    for i, h in enumerate(lst(v, at)):
        hw = join(at, i)
        obj(h, hw, ("a", "b"))
        out.append((vector(h["a"], join(hw, "a"), dim), rational(h["b"], join(hw, "b"))))
    return tuple(out)


def network(v: Any, at: str) -> ReluNetwork:
    """An embedded ``polyrelu.network`` object (its own format also allows JSON integers
    and decimal strings); its layers must have exactly "weights" and "biases"."""
    obj(v, at, ("format", "version", "input_dim", "layers"), ("metadata",))
    for i, layer in enumerate(lst(v["layers"], join(at, "layers"))):
        la = join(join(at, "layers"), i)
        obj(layer, la, ("weights", "biases"))
        for r, row in enumerate(lst(layer["weights"], join(la, "weights"))):
            lst(row, join(join(la, "weights"), r))
        lst(layer["biases"], join(la, "biases"))
    try:
        return ReluNetwork.from_dict(v, source=at)
    except PolyReluError as exc:
        raise CertificateError(str(exc)) from None


def digest(v: Any, at: str) -> str:
    """The canonical digest of the JSON value at ``at``."""
    try:
        return formats.digest(v)
    except (RecursionError, ValueError, TypeError) as exc:  # nested too deeply, NaN, or not JSON
        fail(at, f"cannot be encoded as canonical JSON ({type(exc).__name__}); is it a JSON value?")
