"""Money is Decimal, never float: parsing, rounding to øre, VAT and Norwegian display."""

from __future__ import annotations

from decimal import Decimal

import pytest

from fakturaflyt.core.errors import FormatError
from fakturaflyt.core.money import D, format_nok, ore, vat_amount


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1234.50", Decimal("1234.50")),
        ("1234,50", Decimal("1234.50")),
        ("1 234,50", Decimal("1234.50")),
        ("1\u00a0234,50", Decimal("1234.50")),  # non-breaking space as thousands separator
        ("1\u2009234,50", Decimal("1234.50")),  # thin space
        ("  -75,5 ", Decimal("-75.5")),
        ("0", Decimal("0")),
    ],
)
def test_D_parses_dot_and_norwegian_comma(text: str, expected: Decimal) -> None:
    assert D(text) == expected
    assert isinstance(D(text), Decimal)


def test_D_keeps_decimals_and_ints_exact() -> None:
    assert D(Decimal("0.10")) == Decimal("0.10")
    assert D(1500) == Decimal(1500)


@pytest.mark.parametrize("value", [0.1, 1.0, 19.99])
def test_D_refuses_floats(value: float) -> None:
    with pytest.raises(FormatError) as err:
        D(value)
    assert err.value.code == "FF-MONEY-TYPE"


@pytest.mark.parametrize("value", [True, None, [1], b"12"])
def test_D_refuses_other_types(value: object) -> None:
    with pytest.raises(FormatError) as err:
        D(value)
    assert err.value.code == "FF-MONEY-TYPE"


@pytest.mark.parametrize("text", ["", "abc", "1.234,50", "12,3,4", "NaN", "Infinity", "-inf"])
def test_D_refuses_text_that_is_not_a_finite_amount(text: str) -> None:
    with pytest.raises(FormatError) as err:
        D(text)
    assert err.value.code == "FF-MONEY-FORMAT"


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        ("10.005", "10.01"),  # half up, not banker's rounding
        ("10.015", "10.02"),
        ("10.004", "10.00"),
        ("-10.005", "-10.01"),  # half away from zero
        ("2.5", "2.50"),
    ],
)
def test_ore_rounds_half_up_to_two_decimals(amount: str, expected: str) -> None:
    result = ore(Decimal(amount))
    assert result == Decimal(expected)
    assert result.as_tuple().exponent == -2


@pytest.mark.parametrize(
    ("base", "rate", "expected"),
    [
        ("100.00", "25", "25.00"),
        ("99.99", "25", "25.00"),  # 24.9975 rounds up
        ("10.02", "15", "1.50"),  # 1.503
        ("10.10", "12", "1.21"),  # 1.212
        ("100.00", "11.11", "11.11"),
        ("0.02", "25", "0.01"),  # 0.005 rounds half up
        ("1000", "0", "0.00"),
        ("-100.00", "25", "-25.00"),  # credit note
    ],
)
def test_vat_amount_is_rounded_to_ore(base: str, rate: str, expected: str) -> None:
    assert vat_amount(Decimal(base), Decimal(rate)) == Decimal(expected)


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        ("0", "0,00"),
        ("5", "5,00"),
        ("999.999", "1 000,00"),
        ("1234567.5", "1 234 567,50"),
        ("-1234567.5", "-1 234 567,50"),
        ("-0.001", "0,00"),  # rounds to zero: no "-0,00"
        ("100000", "100 000,00"),
    ],
)
def test_format_nok(amount: str, expected: str) -> None:
    assert format_nok(Decimal(amount)) == expected
