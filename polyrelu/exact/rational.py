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
from collections.abc import Mapping, Set as AbstractSet
from typing import Any, Iterable, TypeAlias

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
    "MAX_DECIMAL_EXPONENT",
]

#: The exact rational type used everywhere in polyrelu (gmpy2's ``mpq``).
Rational: TypeAlias = mpq

_NONFINITE = re.compile(r"^[+-]?(nan|inf|infinity)$", re.IGNORECASE)
_RATIONAL_TEXT = re.compile(r"^[+-]?([0-9]+(/[0-9]+)?|[0-9]*\.[0-9]+([eE][+-]?[0-9]+)?|[0-9]+\.?([eE][+-]?[0-9]+)?)$")

#: The largest |exponent| accepted in decimal notation such as ``"1e-300"``.  Digits that
#: are written out are read exactly at any length (GMP parses them; Python's 4,300-digit
#: ``int`` limit does not apply), but an exponent asks for digits the text does not spell
#: out: ``"1e-99999999"`` would be a 100-million-digit denominator.  Write such numbers
#: out, or as ``"p/q"``.
MAX_DECIMAL_EXPONENT = 10_000

_FLOAT_HINT = (
    "pass it as a string (\"0.1\" means exactly 1/10) or convert it with "
    "polyrelu.from_float(x) to take the float's exact binary value"
)


def _where(field: str | None) -> str:
    return f"{field}: " if field else ""


def as_rational(value: Any, *, field: str | None = None) -> Rational:
    """Convert an exact number to :data:`Rational`.

    Accepted: ``int`` (any size), ``fractions.Fraction``, gmpy2 ``mpq``/``mpz``,
    numpy integers, finite ``decimal.Decimal``, and strings ``"p/q"``, ``"-7"``,
    ``"0.125"``, ``"1e-3"`` (a decimal string means its exact decimal value).
    Strings of digits are read exactly at any length; a decimal exponent must lie within
    +-:data:`MAX_DECIMAL_EXPONENT` (it would otherwise ask for digits the text does not
    spell out).

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
    >>> as_rational("9" * 5000) == 10**5000 - 1, as_rational("-1.5e-3")
    (True, mpq(-3,2000))
    >>> as_rational("1e-99999999")
    Traceback (most recent call last):
    ...
    polyrelu.errors.InvalidRationalError: '1e-99999999' has a decimal exponent beyond +-10000; write the number out in digits or as "p/q"
    >>> as_rational(0.1)
    Traceback (most recent call last):
    ...
    polyrelu.errors.FloatNotAllowedError: got the float 0.1; pass it as a string ("0.1" means exactly 1/10) or convert it with polyrelu.from_float(x) to take the float's exact binary value
    """
    if isinstance(value, Rational):
        return value
    if isinstance(value, bool):
        raise FloatNotAllowedError(
            f"{_where(field)}got the bool {value!r}; pass 0 or 1 as an integer if a number is meant"
        )
    if isinstance(value, (int, mpz)):
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
        raise NonFiniteNumberError(f"{_where(field)}got {_short(text)}; NaN and infinities have no rational value")
    if not _RATIONAL_TEXT.match(s):
        raise InvalidRationalError(
            f"{_where(field)}{_short(text)} is not a rational number; write it as \"p/q\", an integer "
            "such as \"-7\" or a decimal such as \"0.125\""
        )
    if "/" in s:
        num, den = s.split("/")
        d = mpz(den)
        if d == 0:
            raise InvalidRationalError(f"{_where(field)}{_short(text)} has a zero denominator")
        return mpq(mpz(num), d)
    mantissa, _, exponent = s.lower().partition("e")
    e = 0
    if exponent:
        digits = exponent.lstrip("+-").lstrip("0")
        if len(digits) > len(str(MAX_DECIMAL_EXPONENT)) or int(digits or "0") > MAX_DECIMAL_EXPONENT:
            raise InvalidRationalError(
                f"{_where(field)}{_short(text)} has a decimal exponent beyond +-{MAX_DECIMAL_EXPONENT}; "
                "write the number out in digits or as \"p/q\""
            )
        e = -int(digits or "0") if exponent.startswith("-") else int(digits or "0")
    whole, _, frac = mantissa.partition(".")
    n = mpz((whole.lstrip("+-") or "0") + frac)
    if mantissa.startswith("-"):
        n = -n
    scale = len(frac) - e
    return mpq(n, mpz(10) ** scale) if scale >= 0 else mpq(n * mpz(10) ** (-scale))


def _short(text: str) -> str:
    return repr(text) if len(text) <= 40 else repr(text[:30]) + f"... ({len(text)} characters)"


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


def sign(value: Any) -> int:
    """-1, 0 or 1: the sign of an exact number (converted with :func:`as_rational`, so a
    float is refused rather than decided).

    There is no single sign seam in polyrelu: the region engine decides signs of integer
    rows in numpy (int64 with overflow guards, or Python integers), the rest compares
    ``mpq`` values with 0.  Both are exact; floats only ever propose.

    >>> sign("-3/4"), sign(0), sign(mpq(5, 2))
    (-1, 0, 1)
    """
    q = as_rational(value, field="value")
    return (q > 0) - (q < 0)


def is_rational(value: Any) -> bool:
    """True iff ``value`` is polyrelu's rational type (not merely convertible)."""
    return isinstance(value, Rational)


def as_vector(values: Iterable[Any], *, field: str = "vector", length: int | None = None) -> tuple[Rational, ...]:
    """Convert a sequence of exact numbers to a tuple of :data:`Rational`."""
    if isinstance(values, (str, bytes, Mapping, AbstractSet)) or not isinstance(values, Iterable):
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
    if isinstance(rows, (str, bytes, Mapping, AbstractSet)) or not isinstance(rows, Iterable):
        raise ShapeError(f"{field} must be a list of rows, got {type(rows).__name__}")
    out = []
    for i, row in enumerate(rows):
        if isinstance(row, (str, bytes, Mapping, AbstractSet)) or not isinstance(row, Iterable):
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
        extra = sorted(str(k) for k in item if k not in ("a", "b"))
        if extra:
            raise error(f"{field} has unknown field(s) {', '.join(extra)}; allowed: a, b ({meaning})")
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
