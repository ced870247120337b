"""The one exact number type of polyrelu, and conversion at the edges.

Every number inside polyrelu is a gmpy2 ``mpq`` (exported here as :data:`Rational`).
Values enter through :func:`as_rational`, which accepts exact inputs only:

>>> as_rational("3/4"), as_rational("-7"), as_rational("0.125"), as_rational(2)
(mpq(3,4), mpq(-7,1), mpq(1,8), mpq(2,1))
>>> to_str(as_rational("6/8"))
'3/4'

A binary ``float`` is refused because its decimal spelling is not its value
(``0.1`` is 3602879701896397/36028797018963968).  Pass a string to mean the decimal,
or ask for the float's exact binary value explicitly:

>>> from_float(0.5)
mpq(1,2)

Traps this module exists to avoid: ``mpq + float`` and ``mpz / mpz`` silently give a
binary float in gmpy2; ``Fraction + float`` gives a float.  Convert once, here.
"""

from __future__ import annotations

import math
import numbers
import re
import sys
from decimal import Decimal
from fractions import Fraction
from typing import Any, Iterable

import gmpy2
from gmpy2 import mpq, mpz

from ..errors import FloatNotAllowedError, InvalidRationalError, NonFiniteNumberError, ShapeError

__all__ = [
    "Rational",
    "as_rational",
    "from_float",
    "to_str",
    "sign",
    "is_rational",
    "as_vector",
    "as_matrix",
    "as_affine_pair",
]

#: The exact rational type used everywhere in polyrelu (gmpy2's ``mpq``).
Rational = type(mpq(0))
_MPZ = type(mpz(0))

_NONFINITE = re.compile(r"^[+-]?(nan|inf|infinity)$", re.IGNORECASE)
_RATIONAL_TEXT = re.compile(
    r"^[+-]?(\d+(/\d+)?|\d*\.\d+([eE][+-]?\d+)?|\d+\.?([eE][+-]?\d+)?)$"
)

_FLOAT_HINT = (
    "pass it as a string (\"0.1\" means exactly 1/10) or convert it with "
    "polyrelu.rational.from_float(x) to take the float's exact binary value"
)


def _where(field: str | None) -> str:
    return f"{field}: " if field else ""


def as_rational(value: Any, *, field: str | None = None) -> Rational:
    """Convert an exact number to :data:`Rational`.

    Accepted: ``int`` (any size), ``fractions.Fraction``, gmpy2 ``mpq``/``mpz``,
    numpy integers, finite ``decimal.Decimal``, and strings ``"p/q"``, ``"-7"``,
    ``"0.125"``, ``"1e-3"`` (a decimal string means its exact decimal value).

    Parameters
    ----------
    value : object
        The number to convert.
    field : str, optional
        Name of the field the value came from, used in error messages.

    Raises
    ------
    FloatNotAllowedError
        For Python or numpy floats, gmpy2 ``mpfr`` and ``bool``.
    NonFiniteNumberError
        For NaN and infinities in any spelling.
    InvalidRationalError
        For strings that are not rational numbers and zero denominators.

    Examples
    --------
    >>> as_rational("10/4")
    mpq(5,2)
    >>> as_rational(0.1)
    Traceback (most recent call last):
    ...
    polyrelu.errors.FloatNotAllowedError: got the float 0.1; pass it as a string ("0.1" means exactly 1/10) or convert it with polyrelu.rational.from_float(x) to take the float's exact binary value
    """
    if isinstance(value, Rational):
        return value
    if isinstance(value, bool):
        raise FloatNotAllowedError(
            f"{_where(field)}got the bool {value!r}; pass 0 or 1 as an integer if a number is meant"
        )
    if isinstance(value, (int, _MPZ)):
        return mpq(value)
    if isinstance(value, Fraction):
        return mpq(value.numerator, value.denominator)
    if isinstance(value, str):
        return _parse(value, field)
    if _is_floatlike(value):
        if not _is_finite(value):
            raise NonFiniteNumberError(f"{_where(field)}got {value!r}; NaN and infinities have no rational value")
        raise FloatNotAllowedError(f"{_where(field)}got the float {value!r}; {_FLOAT_HINT}")
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise NonFiniteNumberError(f"{_where(field)}got {value!r}; NaN and infinities have no rational value")
        n, d = value.as_integer_ratio()
        return mpq(n, d)
    if isinstance(value, numbers.Integral):  # numpy integers and other integral types
        return mpq(int(value))
    if isinstance(value, numbers.Rational):
        return mpq(int(value.numerator), int(value.denominator))
    raise InvalidRationalError(
        f"{_where(field)}got {value!r} of type {type(value).__name__}; expected an int, a "
        "Fraction, an mpq or a string such as \"3/4\", \"-7\" or \"0.125\""
    )


def _parse(text: str, field: str | None) -> Rational:
    s = text.strip()
    if _NONFINITE.match(s):
        raise NonFiniteNumberError(f"{_where(field)}got {text!r}; NaN and infinities have no rational value")
    if not _RATIONAL_TEXT.match(s):
        raise InvalidRationalError(
            f"{_where(field)}{text!r} is not a rational number; write it as \"p/q\", an integer "
            "such as \"-7\" or a decimal such as \"0.125\""
        )
    if "/" in s:
        num, den = s.split("/")
        if int(den) == 0:
            raise InvalidRationalError(f"{_where(field)}{text!r} has a zero denominator")
        return mpq(int(num), int(den))
    frac = Fraction(s)
    return mpq(frac.numerator, frac.denominator)


def from_float(value: float) -> Rational:
    """The exact binary value of a finite float (``from_float(0.1) != as_rational("0.1")``).

    Accepts Python floats, numpy floating scalars (float16 to longdouble) and gmpy2 ``mpfr``.

    >>> from_float(0.1)
    mpq(3602879701896397,36028797018963968)
    """
    if not _is_floatlike(value):
        raise InvalidRationalError(f"from_float expects a float, got {type(value).__name__}")
    if not _is_finite(value):
        raise NonFiniteNumberError(f"got {value!r}; NaN and infinities have no rational value")
    if type(value).__name__ == "mpfr":
        return mpq(value)
    n, d = value.as_integer_ratio()
    return mpq(int(n), int(d))


def _numpy_floating(value: Any) -> bool:
    # numpy is not imported here (start-up time): a numpy float exists only once it is loaded
    np = sys.modules.get("numpy")
    return np is not None and isinstance(value, np.floating)


def _is_floatlike(value: Any) -> bool:
    return isinstance(value, float) or _numpy_floating(value) or type(value).__name__ == "mpfr"


def _is_finite(value: Any) -> bool:
    if type(value).__name__ == "mpfr":
        return bool(gmpy2.is_finite(value))
    if _numpy_floating(value):  # longdouble may exceed the float range: ask numpy
        return bool(sys.modules["numpy"].isfinite(value))
    return math.isfinite(value)


def to_str(value: Rational) -> str:
    """Canonical text: ``"p/q"`` in lowest terms with q > 1, or ``"p"`` for integers."""
    q = as_rational(value)
    if q.denominator == 1:
        return str(q.numerator)
    return f"{q.numerator}/{q.denominator}"


def sign(value: Rational) -> int:
    """-1, 0 or 1.  The single seam where exact signs are decided."""
    return (value > 0) - (value < 0)


def is_rational(value: Any) -> bool:
    """True iff ``value`` is polyrelu's rational type (not merely convertible)."""
    return isinstance(value, Rational)


def as_vector(values: Iterable[Any], *, field: str = "vector", length: int | None = None) -> tuple[Rational, ...]:
    """Convert a sequence of exact numbers to a tuple of :data:`Rational`."""
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise ShapeError(f"{field} must be a list of numbers, got {type(values).__name__}")
    out = tuple(as_rational(v, field=f"{field}[{i}]") for i, v in enumerate(values))
    if length is not None and len(out) != length:
        raise ShapeError(f"{field} has length {len(out)} but {length} was expected")
    return out


def as_matrix(
    rows: Iterable[Any], *, field: str = "matrix", shape: tuple[int | None, int | None] = (None, None)
) -> tuple[tuple[Rational, ...], ...]:
    """Convert a list of rows to a rectangular tuple-of-tuples of :data:`Rational`.

    Ragged input is refused with the row that differs; ``shape`` entries that are not
    ``None`` are enforced.
    """
    if isinstance(rows, (str, bytes)) or not isinstance(rows, Iterable):
        raise ShapeError(f"{field} must be a list of rows, got {type(rows).__name__}")
    out = []
    for i, row in enumerate(rows):
        if isinstance(row, (str, bytes)) or not isinstance(row, Iterable):
            raise ShapeError(f"{field}[{i}] must be a list of numbers, got {type(row).__name__}")
        out.append(as_vector(row, field=f"{field}[{i}]"))
    if out:
        width = len(out[0])
        for i, row in enumerate(out):
            if len(row) != width:
                raise ShapeError(
                    f"{field} is ragged: row 0 has {width} entries but row {i} has {len(row)}"
                )
    n_rows, n_cols = shape
    got = (len(out), len(out[0]) if out else 0)
    if (n_rows is not None and got[0] != n_rows) or (n_cols is not None and out and got[1] != n_cols):
        want = (n_rows if n_rows is not None else got[0], n_cols if n_cols is not None else got[1])
        raise ShapeError(f"{field} has shape {got} but {want} was expected")
    return tuple(out)


def as_affine_pair(item: Any, *, field: str, length: int | None, meaning: str, error: type[Exception]) -> tuple[tuple[Rational, ...], Rational]:
    """Parse ``(a, b)`` or ``{"a": [...], "b": ...}`` into a rational vector and scalar.

    Shape problems raise ``error`` (the caller's situation-named class) naming ``field``
    and what the pair means (for example "a . x = b").
    """
    if isinstance(item, dict):
        if "a" not in item or "b" not in item:
            raise error(f"{field} needs \"a\" and \"b\" ({meaning})")
        a, b = item["a"], item["b"]
    else:
        try:
            a, b = item
        except (TypeError, ValueError):
            raise error(f"{field} must be a pair (a, b) meaning {meaning}") from None
    try:
        av = as_vector(a, field=f"{field}.a", length=length)
    except ShapeError as exc:
        raise error(str(exc)) from None
    return av, as_rational(b, field=f"{field}.b")
