"""EN 16931 invoice calculation: line net amounts, document totals and the VAT breakdown.

The formulas are those of EN 16931-1 (section 6.4, "calculation of totals") as Peppol BIS
Billing 3.0 checks them (https://docs.peppol.eu/poacc/billing/3.0/bis/#calc):

- line net amount (BT-131) = quantity (BT-129) × item net price (BT-146) / price base quantity
  (BT-149) + Σ line charges (BT-141) − Σ line allowances (BT-136), rounded to two decimals
  (PEPPOL-EN16931-R120);
- sum of line net amounts (BT-106) = Σ BT-131 (BR-CO-10); document allowance and charge totals
  (BT-107, BT-108) = Σ BT-92 and Σ BT-99 (BR-CO-11, BR-CO-12);
- total without VAT (BT-109) = BT-106 − BT-107 + BT-108 (BR-CO-13);
- one VAT breakdown (BG-23) per VAT category and rate: taxable amount (BT-116) = Σ line nets +
  Σ document charges − Σ document allowances of that category and rate (BR-S-08, BR-Z-08,
  BR-E-08, BR-AE-08, BR-IC-08, BR-G-08, BR-O-08); VAT amount (BT-117) = BT-116 × rate / 100
  rounded to two decimals per category, not per line (BR-CO-17, BR-S-09);
- total VAT (BT-110) = Σ BT-117 (BR-CO-14); total with VAT (BT-112) = BT-109 + BT-110 (BR-CO-15);
- amount due (BT-115) = BT-112 − paid amount (BT-113) + rounding amount (BT-114) (BR-CO-16).

All rounding is half up to øre (:func:`fakturaflyt.core.money.ore`).

**How a caller builds an invoice to complete.** Line net amounts are computed when a line is
built, totals when the invoice is completed:

1. build each line with :func:`invoice_line` (it computes BT-131 from quantity, price and line
   allowances/charges; :func:`allowance` and :func:`charge` compute an amount from a percentage);
2. build the :class:`~fakturaflyt.core.ehf.model.Invoice` with ``totals=TO_COMPUTE`` (or a
   ``Totals`` whose ``prepaid``/``rounding`` you want kept), the VAT exemption reasons you want in
   ``vat_breakdown`` (amounts there are ignored), and for a foreign currency ``tax_currency="NOK"``;
3. call :func:`complete`, which returns a new invoice with totals, ``tax_total``,
   ``vat_breakdown`` and, with an ``exchange_rate``, ``tax_total_in_tax_currency`` (BT-111).

Sellers and buyers registered in Norway come from :func:`norwegian_party` (``0192`` endpoint,
``NO<orgnr>MVA`` and "Foretaksregisteret" as bokføringsforskriften § 5-1-1 asks).

>>> from datetime import date
>>> from decimal import Decimal as Dec
>>> from fakturaflyt.core.ehf.model import Address, Item, Price
>>> seller = norwegian_party("923609016", "Fakturaflyt AS", Address("NO", city="Oslo", postal_zone="0150"))
>>> seller.endpoint, seller.vat_id, seller.tax_registration_id
(Identifier(value='923609016', scheme='0192', scheme_version=None), 'NO923609016MVA', 'Foretaksregisteret')
>>> buyer = norwegian_party("974760673", "Kunde AS", Address("NO", city="Bergen"))
>>> lines = (
...     invoice_line("1", Item("Konsulenttimer", "S", Dec("25")), Dec("7.5"), Price(Dec("1200")), unit_code="HUR"),
...     invoice_line("2", Item("Rundstykker", "S", Dec("15")), Dec("3"), Price(Dec("33.33"))),
... )
>>> inv = complete(Invoice("Invoice", "1001", date(2026, 3, 2), "380", "NOK", seller, buyer, TO_COMPUTE, lines),
...                round_payable_to=Dec("1"))
>>> [(b.rate, b.taxable_amount, b.tax_amount) for b in inv.vat_breakdown]
[(Decimal('25'), Decimal('9000.00'), Decimal('2250.00')), (Decimal('15'), Decimal('99.99'), Decimal('15.00'))]
>>> inv.totals.tax_inclusive, inv.totals.rounding, inv.totals.payable
(Decimal('11364.99'), Decimal('0.01'), Decimal('11365.00'))
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal

from fakturaflyt.core.ehf.model import (
    Address,
    AllowanceCharge,
    Contact,
    Identifier,
    Invoice,
    Item,
    Line,
    Party,
    Period,
    Price,
    Totals,
    VatBreakdown,
)
from fakturaflyt.core.errors import Problem, RuleViolation
from fakturaflyt.core.identifiers import mva_number, normalise_orgnr
from fakturaflyt.core.money import ZERO, ore

__all__ = [
    "DEFAULT_EXEMPTION",
    "TO_COMPUTE",
    "allowance",
    "charge",
    "complete",
    "invoice_line",
    "line_net_amount",
    "norwegian_party",
    "vat_breakdown",
]

#: Placeholder totals for an invoice that :func:`complete` will compute.
TO_COMPUTE = Totals(ZERO, ZERO, ZERO, ZERO)

_HUNDRED = Decimal(100)

#: Exemption reason (code, text) used by :func:`complete` when the caller gave none for a category
#: that needs one (BR-E-10, BR-AE-10, BR-IC-10, BR-G-10, BR-O-10). Reverse charge carries the
#: words "Omvendt avgiftsplikt" that bokføringsforskriften § 5-1-1 nr. 7 asks for.
DEFAULT_EXEMPTION: dict[str, tuple[str | None, str | None]] = {
    "E": (None, "Unntatt fra merverdiavgift"),
    "AE": ("VATEX-EU-AE", "Omvendt avgiftsplikt"),
    "K": ("VATEX-EU-IC", None),
    "G": ("VATEX-EU-G", "Utførsel av varer og tjenester"),
    "O": ("VATEX-EU-O", "Utenfor merverdiavgiftsloven"),
}


def _sum(values: Iterable[Decimal]) -> Decimal:
    return sum(values, Decimal(0))


def line_net_amount(quantity: Decimal, price: Price, allowances_charges: Iterable[AllowanceCharge] = ()) -> Decimal:
    """BT-131: quantity × net price / base quantity + line charges − line allowances, in øre.

    >>> from decimal import Decimal as Dec
    >>> line_net_amount(Dec("3"), Price(Dec("250"), base_quantity=Dec("12")))
    Decimal('62.50')
    >>> line_net_amount(Dec("2"), Price(Dec("100")), [AllowanceCharge(False, Dec("15.00"), "Rabatt")])
    Decimal('185.00')
    """
    base = price.base_quantity if price.base_quantity else Decimal(1)
    acs = tuple(allowances_charges)
    charges = _sum(ac.amount for ac in acs if ac.is_charge)
    allowances = _sum(ac.amount for ac in acs if not ac.is_charge)
    return ore(quantity * price.amount / base + charges - allowances)


def _allowance_charge(
    is_charge: bool,
    amount: Decimal | None,
    percent: Decimal | None,
    base_amount: Decimal | None,
    reason: str | None,
    reason_code: str | None,
    vat_category: str | None,
    vat_rate: Decimal | None,
) -> AllowanceCharge:
    if amount is None:
        if percent is None or base_amount is None:
            raise RuleViolation(
                [
                    Problem(
                        "PEPPOL-EN16931-R040",
                        "give the allowance/charge amount, or both a percentage and the base amount it applies to",
                        "AllowanceCharge",
                    )
                ]
            )
        amount = ore(base_amount * percent / _HUNDRED)
    if vat_category == "O":
        vat_rate = None
    return AllowanceCharge(is_charge, amount, reason, reason_code, base_amount, percent, vat_category, vat_rate)


def allowance(
    amount: Decimal | None = None,
    *,
    reason: str | None = None,
    reason_code: str | None = None,
    percent: Decimal | None = None,
    base_amount: Decimal | None = None,
    vat_category: str | None = None,
    vat_rate: Decimal | None = None,
) -> AllowanceCharge:
    """An allowance (rabatt, BG-20 or BG-27); without ``amount`` it is ``base_amount × percent / 100`` in øre.

    Give ``vat_category``/``vat_rate`` at document level only.

    >>> from decimal import Decimal as Dec
    >>> allowance(percent=Dec("10"), base_amount=Dec("1234.50"), reason="Rabatt").amount
    Decimal('123.45')
    """
    return _allowance_charge(False, amount, percent, base_amount, reason, reason_code, vat_category, vat_rate)


def charge(
    amount: Decimal | None = None,
    *,
    reason: str | None = None,
    reason_code: str | None = None,
    percent: Decimal | None = None,
    base_amount: Decimal | None = None,
    vat_category: str | None = None,
    vat_rate: Decimal | None = None,
) -> AllowanceCharge:
    """A charge (gebyr, frakt: BG-21 or BG-28); amounts as for :func:`allowance`.

    >>> from decimal import Decimal as Dec
    >>> charge(Dec("150.00"), reason="Frakt", reason_code="FC", vat_category="S", vat_rate=Dec("25")).is_charge
    True
    """
    return _allowance_charge(True, amount, percent, base_amount, reason, reason_code, vat_category, vat_rate)


def invoice_line(
    id: str,
    item: Item,
    quantity: Decimal,
    price: Price | Decimal,
    *,
    unit_code: str = "C62",
    allowances_charges: Sequence[AllowanceCharge] = (),
    note: str | None = None,
    object_id: Identifier | None = None,
    order_line_ref: str | None = None,
    accounting_cost: str | None = None,
    period: Period | None = None,
) -> Line:
    """A line (BG-25) with its net amount (BT-131) computed by :func:`line_net_amount`.

    ``price`` may be a bare net price; ``unit_code`` is UN/ECE Rec 20 (``C62`` piece, ``HUR``
    hour, ``KGM`` kilogram, ``DAY`` day, ...).
    """
    if not isinstance(price, Price):
        price = Price(price)
    acs = tuple(allowances_charges)
    return Line(
        id=id,
        quantity=quantity,
        unit_code=unit_code,
        net_amount=line_net_amount(quantity, price, acs),
        item=item,
        price=price,
        note=note,
        object_id=object_id,
        order_line_ref=order_line_ref,
        accounting_cost=accounting_cost,
        period=period,
        allowances_charges=acs,
    )


def norwegian_party(
    orgnr: str,
    name: str,
    address: Address,
    *,
    trading_name: str | None = None,
    contact: Contact | None = None,
    vat_registered: bool = True,
    foretaksregisteret: bool = True,
    identifiers: tuple[Identifier, ...] = (),
    legal_form: str | None = None,
) -> Party:
    """A seller or buyer registered in Enhetsregisteret, the way EHF wants it.

    Endpoint (BT-34/BT-49) and legal registration id (BT-30/BT-47) are the org.nr with ICD
    scheme ``0192``; the VAT id (BT-31/BT-48) ``NO<orgnr>MVA`` only when VAT-registered
    (``vat_registered``); for an AS, ASA or NUF the word "Foretaksregisteret" as tax registration
    id (BT-32, ``PartyTaxScheme`` ``TAX``) as bokføringsforskriften § 5-1-1 and foretaksregisterloven
    § 10-2 ask (Peppol rule NO-R-002). Raises ``FF-ORGNR-INVALID`` for a wrong org.nr.

    >>> p = norwegian_party("974 760 673", "Sole Trader", Address("NO"), vat_registered=False, foretaksregisteret=False)
    >>> p.legal_id, p.vat_id, p.tax_registration_id
    (Identifier(value='974760673', scheme='0192', scheme_version=None), None, None)
    """
    org = normalise_orgnr(orgnr)
    return Party(
        registration_name=name,
        address=address,
        endpoint=Identifier(org, "0192"),
        identifiers=identifiers,
        trading_name=trading_name,
        legal_id=Identifier(org, "0192"),
        legal_form=legal_form,
        vat_id=mva_number(org) if vat_registered else None,
        tax_registration_id="Foretaksregisteret" if foretaksregisteret else None,
        contact=contact,
    )


def _same_rate(a: Decimal | None, b: Decimal | None) -> bool:
    return a == b if a is not None and b is not None else a is None and b is None


def _exemption(category: str, rate: Decimal | None, given: Sequence[VatBreakdown]) -> tuple[str | None, str | None]:
    """(code, text) for a category: the caller's (same category and rate, else same category), else the default."""
    for match_rate in (True, False):
        for b in given:
            if b.category == category and (not match_rate or _same_rate(b.rate, rate)):
                if b.exemption_reason is not None or b.exemption_reason_code is not None:
                    return b.exemption_reason_code, b.exemption_reason
    return DEFAULT_EXEMPTION.get(category, (None, None))


def vat_breakdown(
    lines: Iterable[Line], allowances_charges: Iterable[AllowanceCharge] = (), given: Sequence[VatBreakdown] = ()
) -> tuple[VatBreakdown, ...]:
    """BG-23: one entry per (VAT category, rate), in order of first appearance (lines first).

    Taxable amount = Σ line nets + Σ document charges − Σ document allowances of the group;
    VAT = taxable × rate / 100 in øre, once per group (BR-CO-17). Category ``O`` has no rate.
    Exemption reasons come from ``given`` (matched on category and rate) or :data:`DEFAULT_EXEMPTION`;
    categories S and Z never carry one (BR-S-10, BR-Z-10).

    >>> from decimal import Decimal as Dec
    >>> ls = [invoice_line(str(i), Item("x", "S", Dec(r)), Dec("1"), Dec(p)) for i, (r, p) in enumerate(
    ...     [("25", "10.01"), ("25", "10.01"), ("12", "99.90")])]
    >>> [(b.taxable_amount, b.tax_amount) for b in vat_breakdown(ls)]
    [(Decimal('20.02'), Decimal('5.01')), (Decimal('99.90'), Decimal('11.99'))]
    """
    groups: dict[tuple[str, Decimal | None], Decimal] = {}

    def add(category: str, rate: Decimal | None, amount: Decimal) -> None:
        key = (category, None if category == "O" else rate)
        groups[key] = groups.get(key, Decimal(0)) + amount

    for ln in lines:
        add(ln.item.vat_category, ln.item.vat_rate, ln.net_amount)
    for ac in allowances_charges:
        if ac.vat_category is None:
            raise RuleViolation(
                [
                    Problem(
                        "BR-32" if not ac.is_charge else "BR-37",
                        f"document-level {'charge' if ac.is_charge else 'allowance'} {ac.reason or ac.reason_code or ''}"
                        " has no VAT category; say which VAT category (S, Z, E, AE, ...) it belongs to",
                        "AllowanceCharge",
                    )
                ]
            )
        add(ac.vat_category, ac.vat_rate, ac.amount if ac.is_charge else -ac.amount)
    out = []
    for (category, rate), amount in groups.items():
        taxable = ore(amount)
        tax = ore(taxable * rate / _HUNDRED) if rate is not None else ZERO
        code, text = (None, None) if category in ("S", "Z") else _exemption(category, rate, given)
        out.append(VatBreakdown(category, rate, taxable, tax, text, code))
    return tuple(out)


def _round_to(amount: Decimal, step: Decimal) -> Decimal:
    return ore((amount / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step)


def complete(
    inv: Invoice,
    *,
    exchange_rate: Decimal | None = None,
    round_payable_to: Decimal | None = None,
    prepaid: Decimal | None = None,
    recompute_lines: bool = False,
) -> Invoice:
    """The invoice with totals (BG-22), ``tax_total`` (BT-110), ``vat_breakdown`` (BG-23) and BT-111 computed.

    - Line net amounts are kept as they are (build lines with :func:`invoice_line`); with
      ``recompute_lines=True`` every line's net amount is computed again from quantity and price.
    - ``prepaid`` (BT-113) defaults to ``inv.totals.prepaid``.
    - ``round_payable_to``: round the amount due to a multiple of this step (``Decimal("1")``
      for whole kroner) and state the difference as ``PayableRoundingAmount`` (BT-114). Without
      it, a rounding already in ``inv.totals.rounding`` is kept.
    - ``exchange_rate``: units of the tax currency (BT-6, e.g. NOK) per unit of the document
      currency (BT-5, e.g. EUR); gives BT-111 = BT-110 × rate in øre (BR-53). Needed when
      ``tax_currency`` differs from ``currency``, unless ``tax_total_in_tax_currency`` is given.

    Raises :class:`~fakturaflyt.core.errors.RuleViolation` when a document allowance or charge
    has no VAT category (BR-32, BR-37) or the tax currency amount cannot be computed (BR-53).
    """
    lines = inv.lines
    if recompute_lines:
        lines = tuple(
            dataclasses.replace(ln, net_amount=line_net_amount(ln.quantity, ln.price, ln.allowances_charges))
            for ln in lines
        )
    breakdown = vat_breakdown(lines, inv.allowances_charges, inv.vat_breakdown)
    line_extension = ore(_sum(ln.net_amount for ln in lines))
    allowances = [ac.amount for ac in inv.allowances_charges if not ac.is_charge]
    charges = [ac.amount for ac in inv.allowances_charges if ac.is_charge]
    allowance_total = ore(_sum(allowances)) if allowances else None
    charge_total = ore(_sum(charges)) if charges else None
    tax_exclusive = line_extension - (allowance_total or ZERO) + (charge_total or ZERO)
    tax_total = ore(_sum(b.tax_amount for b in breakdown))
    tax_inclusive = tax_exclusive + tax_total
    paid = prepaid if prepaid is not None else inv.totals.prepaid
    due = tax_inclusive - (paid or ZERO)
    if round_payable_to is not None:
        rounding: Decimal | None = _round_to(due, round_payable_to) - due
        if rounding == 0:
            rounding = None
    else:
        rounding = inv.totals.rounding
    payable = ore(due + (rounding or ZERO))

    in_tax_currency = None
    if inv.tax_currency is not None and inv.tax_currency != inv.currency:
        if exchange_rate is not None:
            in_tax_currency = ore(tax_total * exchange_rate)
        elif inv.tax_total_in_tax_currency is not None:
            in_tax_currency = inv.tax_total_in_tax_currency
        else:
            raise RuleViolation(
                [
                    Problem(
                        "BR-53",
                        f"the invoice is in {inv.currency} with VAT accounted in {inv.tax_currency}: give the "
                        f"exchange rate ({inv.tax_currency} per {inv.currency}) so the VAT total can be stated in "
                        f"{inv.tax_currency}",
                        "tax_total_in_tax_currency",
                    )
                ]
            )
    totals = Totals(
        line_extension=line_extension,
        tax_exclusive=tax_exclusive,
        tax_inclusive=tax_inclusive,
        payable=payable,
        allowance_total=allowance_total,
        charge_total=charge_total,
        prepaid=paid,
        rounding=rounding,
    )
    return dataclasses.replace(
        inv,
        lines=lines,
        totals=totals,
        tax_total=tax_total,
        tax_total_in_tax_currency=in_tax_currency,
        vat_breakdown=breakdown,
    )
