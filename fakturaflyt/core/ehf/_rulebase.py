"""The machinery of :mod:`.rules`: the rule registry, the per-document context, XPath-exact arithmetic.

A rule is a function ``(ctx) -> Iterable[Problem]`` registered with :func:`rule` under the
official ids it implements. :class:`Ctx` computes, once per document, what many rules need
(lines by VAT category, document allowances and charges, the seller's VAT identifiers, the
``/Invoice/...`` locations), so that every rule is a few comparisons and a whole check stays
linear in the size of the invoice.

Locations follow the official validator's form as :func:`.official.short_location` prints it
(``/Invoice/cac:InvoiceLine[2]/cac:Item/cac:ClassifiedTaxCategory``; ``[1]`` is left out), so
that :mod:`.validate` can recognise the same rule reported at the same place by both.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal

from fakturaflyt.core.ehf.model import AllowanceCharge, Invoice, Line
from fakturaflyt.core.errors import Problem, Severity

RuleFunc = Callable[["Ctx"], Iterable[Problem]]

#: Every registered check with the rule ids it can report, in registration order.
REGISTRY: list[tuple[frozenset[str], RuleFunc]] = []

_HALF = Decimal("0.5")
_HUNDRED = Decimal(100)
_CENT = Decimal("0.01")
ZERO = Decimal(0)


def rule(*ids: str) -> Callable[[RuleFunc], RuleFunc]:
    """Register a check that reports (only) the given official rule ids."""

    def register(func: RuleFunc) -> RuleFunc:
        REGISTRY.append((frozenset(ids), func))
        return func

    return register


def xround(value: Decimal) -> Decimal:
    """XPath ``fn:round``: to the nearest integer, halves towards positive infinity (``round(-2.5) = -2``).

    >>> xround(Decimal("2.5")), xround(Decimal("-2.5")), xround(Decimal("-2.51"))
    (Decimal('3'), Decimal('-2'), Decimal('-3'))
    """
    return (value + _HALF).to_integral_value(rounding=ROUND_FLOOR)


def round2(value: Decimal) -> Decimal:
    """The schematron's ``round(x * 10 * 10) div 100``: two decimals, halves towards positive infinity.

    >>> round2(Decimal("10.005")), round2(Decimal("-10.005"))
    (Decimal('10.01'), Decimal('-10'))
    """
    return xround(value * _HUNDRED) / _HUNDRED


def decimals(value: Decimal) -> int:
    """How many digits the amount was written with after the decimal point (``1.50`` has 2).

    The reader keeps the exponent of the text, so this is the schematron's
    ``string-length(substring-after(., '.'))``.
    """
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def slack(expected: Decimal, value: Decimal, tolerance: Decimal) -> bool:
    """Peppol's ``u:slack``: ``value`` within ``tolerance`` of ``expected`` (bounds included)."""
    return expected + tolerance >= value and expected - tolerance <= value


def money(value: Decimal | None, currency: str = "") -> str:
    """An amount for a message: ``1,234.50 NOK``."""
    if value is None:
        return "nothing"
    if decimals(value) < 2:  # 3600 -> 3,600.00, but 10.005 stays 10.005
        value = value.quantize(_CENT)
    text = f"{value:,}"
    return f"{text} {currency}".rstrip()


def rate_text(rate: Decimal | None) -> str:
    return "no rate" if rate is None else f"{rate.normalize():f} %"


def idx(i: int) -> str:
    """The XPath position suffix of the ``i``-th (0-based) sibling, without ``[1]``."""
    return "" if i == 0 else f"[{i + 1}]"


@dataclass(slots=True)
class Ctx:
    """What the rules share about one document, computed once."""

    inv: Invoice
    root: str = ""
    line_tag: str = ""
    line_word: str = ""
    # Document-level allowances and charges with their position among all cac:AllowanceCharge siblings.
    allowances: list[tuple[int, AllowanceCharge]] = field(default_factory=list)
    charges: list[tuple[int, AllowanceCharge]] = field(default_factory=list)

    def __post_init__(self) -> None:
        inv = self.inv
        self.root = "/CreditNote" if inv.kind == "CreditNote" else "/Invoice"
        self.line_tag = "cac:CreditNoteLine" if inv.kind == "CreditNote" else "cac:InvoiceLine"
        self.line_word = "credit note line" if inv.kind == "CreditNote" else "invoice line"
        for i, ac in enumerate(inv.allowances_charges):
            (self.charges if ac.is_charge else self.allowances).append((i, ac))

    # --- locations -------------------------------------------------------------------------
    def at(self, path: str = "") -> str:
        return f"{self.root}/{path}" if path else self.root

    def line_at(self, i: int, path: str = "") -> str:
        base = f"{self.root}/{self.line_tag}{idx(i)}"
        return f"{base}/{path}" if path else base

    def ac_at(self, i: int, path: str = "") -> str:
        base = f"{self.root}/cac:AllowanceCharge{idx(i)}"
        return f"{base}/{path}" if path else base

    def subtotal_at(self, i: int, path: str = "") -> str:
        base = f"{self.root}/cac:TaxTotal/cac:TaxSubtotal{idx(i)}"
        return f"{base}/{path}" if path else base

    @property
    def seller_at(self) -> str:
        return f"{self.root}/cac:AccountingSupplierParty/cac:Party"

    @property
    def buyer_at(self) -> str:
        return f"{self.root}/cac:AccountingCustomerParty/cac:Party"

    @property
    def totals_at(self) -> str:
        return f"{self.root}/cac:LegalMonetaryTotal"

    # --- shared facts ----------------------------------------------------------------------
    @property
    def cur(self) -> str:
        return self.inv.currency

    def line_no(self, i: int, line: Line) -> str:
        """How a message names a line: ``invoice line 2 (ID 20)``."""
        return f"{self.line_word} {i + 1} (ID {line.id})"

    def seller_or_representative_vat(self, *, any_scheme: bool) -> bool:
        """The seller's VAT identifier (any tax scheme when ``any_scheme``) or the tax representative's."""
        s = self.inv.seller
        seller = s.vat_id is not None or (any_scheme and s.tax_registration_id is not None)
        return seller or self.inv.tax_representative is not None


def problem(code: str, message: str, location: str, severity: Severity = "fatal") -> Problem:
    return Problem(code, message, location, severity)
