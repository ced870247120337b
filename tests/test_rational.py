from decimal import Decimal
from fractions import Fraction

import gmpy2
import numpy as np
import pytest
from gmpy2 import mpq
from hypothesis import given
from hypothesis import strategies as st

from polyrelu.errors import FloatNotAllowedError, InvalidRationalError, NonFiniteNumberError, PolyReluError, ShapeError
from polyrelu.exact.rational import Rational, as_matrix, as_rational, as_vector, from_float, sign, to_str


@pytest.mark.parametrize(
    "value, expected",
    [
        (3, mpq(3)),
        (-(10**60), mpq(-(10**60))),
        (Fraction(-6, 8), mpq(-3, 4)),
        (mpq(5, 7), mpq(5, 7)),
        (gmpy2.mpz(9), mpq(9)),
        (np.int64(-12), mpq(-12)),
        (np.uint8(200), mpq(200)),
        ("3/4", mpq(3, 4)),
        ("-7", mpq(-7)),
        ("+7", mpq(7)),
        ("0.125", mpq(1, 8)),
        ("-.5", mpq(-1, 2)),
        ("1e-3", mpq(1, 1000)),
        ("2.5E2", mpq(250)),
        ("  6/4 ", mpq(3, 2)),
        (Decimal("0.1"), mpq(1, 10)),
    ],
)
def test_accepted_inputs_are_exact(value, expected):
    q = as_rational(value)
    assert isinstance(q, Rational)
    assert q == expected


def test_decimal_string_is_its_decimal_value_not_the_float():
    assert as_rational("0.1") == mpq(1, 10)
    assert from_float(0.1) != mpq(1, 10)
    assert from_float(0.1) == mpq(*(0.1).as_integer_ratio())


@pytest.mark.parametrize("value", [0.5, 1.0, np.float32(0.25), np.float64(2.0), gmpy2.mpfr("1.5")])
def test_floats_are_refused_with_a_hint(value):
    with pytest.raises(FloatNotAllowedError) as exc:
        as_rational(value, field="weights[0][1]")
    msg = str(exc.value)
    assert "weights[0][1]" in msg and "string" in msg and "from_float" in msg
    assert isinstance(exc.value, TypeError) and isinstance(exc.value, PolyReluError)


@pytest.mark.parametrize(
    "value",
    [float("nan"), float("inf"), -float("inf"), np.float64("nan"), gmpy2.mpfr("inf"), "nan", "NaN", "-inf", "Infinity", Decimal("NaN"), Decimal("-Infinity")],
)
def test_nonfinite_is_refused_everywhere(value):
    with pytest.raises(NonFiniteNumberError):
        as_rational(value)


@pytest.mark.parametrize("value", [float("nan"), float("inf")])
def test_from_float_refuses_nonfinite(value):
    with pytest.raises(NonFiniteNumberError):
        from_float(value)


@pytest.mark.parametrize("value", ["", "abc", "1/0", "1/-2", "1.2.3", "0x10", "3/", "/3", None, [1], object()])
def test_malformed_values(value):
    with pytest.raises((InvalidRationalError, ShapeError)) as exc:
        as_rational(value)
    assert isinstance(exc.value, ValueError)


def test_bool_is_not_a_number():
    with pytest.raises(FloatNotAllowedError):
        as_rational(True)


@given(st.integers(), st.integers(min_value=1))
def test_text_round_trip(num, den):
    q = mpq(num, den)
    text = to_str(q)
    assert as_rational(text) == q
    if q.denominator == 1:
        assert "/" not in text
    else:
        assert text == f"{q.numerator}/{q.denominator}"


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_from_float_is_exact_binary_value(x):
    q = from_float(x)
    assert isinstance(q, Rational)
    assert Fraction(q.numerator, q.denominator) == Fraction(x)


def test_sign():
    assert [sign(mpq(v)) for v in (-3, 0, 5)] == [-1, 0, 1]


def test_matrix_validation():
    assert as_matrix([[1, "1/2"], [0, 3]]) == ((mpq(1), mpq(1, 2)), (mpq(0), mpq(3)))
    with pytest.raises(ShapeError, match="ragged: row 0 has 2 entries but row 1 has 1"):
        as_matrix([[1, 2], [3]])
    with pytest.raises(ShapeError, match="shape"):
        as_matrix([[1, 2]], shape=(1, 3))
    with pytest.raises(ShapeError):
        as_vector("12")
