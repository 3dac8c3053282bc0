"""Money as :class:`decimal.Decimal`, never float.

EN 16931 and Norwegian bookkeeping compute in øre (two decimals) and round half up at
named boundaries: line net amount, VAT per rate, document totals. One helper, :func:`D`,
turns user input into a Decimal; :func:`ore` quantizes to two decimals.

>>> D("1 234,50")
Decimal('1234.50')
>>> ore(D("10.005"))
Decimal('10.01')
>>> vat_amount(D("100.00"), D("25"))
Decimal('25.00')
>>> format_nok(D("-1234567.5"))
'-1 234 567,50'
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from fakturaflyt.core.errors import FormatError

ZERO = Decimal("0.00")
_ORE = Decimal("0.01")


def D(value: object) -> Decimal:
    """Parse an amount: ``Decimal``, ``int``, or a string with ``.`` or Norwegian ``,``.

    Floats are refused because they cannot represent øre exactly; spaces (also
    non-breaking and thin spaces used as thousands separators) are ignored.
    """
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, bool):
        raise FormatError("FF-MONEY-TYPE", f"{value!r} is not an amount")
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, str):
        text = value.strip().replace("\u00a0", "").replace("\u2009", "").replace(" ", "")
        if text.count(",") == 1 and "." not in text:
            text = text.replace(",", ".")
        try:
            result = Decimal(text)
        except InvalidOperation:
            raise FormatError("FF-MONEY-FORMAT", f"{value!r} is not an amount") from None
    else:
        raise FormatError("FF-MONEY-TYPE", f"{value!r} ({type(value).__name__}) is not an amount; use str or Decimal")
    if not result.is_finite():
        raise FormatError("FF-MONEY-FORMAT", f"{value!r} is not a finite amount")
    return result


def ore(amount: Decimal) -> Decimal:
    """Quantize to øre (two decimals), rounding half up as EN 16931 does."""
    return amount.quantize(_ORE, rounding=ROUND_HALF_UP)


def vat_amount(base: Decimal, rate_percent: Decimal) -> Decimal:
    """VAT on ``base`` at ``rate_percent`` (e.g. ``Decimal('25')``), rounded to øre."""
    return ore(base * rate_percent / Decimal(100))


def format_nok(amount: Decimal) -> str:
    """Norwegian display: space as thousands separator, comma as decimal mark."""
    q = ore(amount)
    sign = "-" if q < 0 else ""
    whole, _, frac = f"{abs(q):.2f}".partition(".")
    groups: list[str] = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return f"{sign}{' '.join(groups)},{frac}"
