"""Mutated documents for the judge test: valid invoices broken in one way each.

Most mutants are built as a model (with :mod:`fakturaflyt.core.ehf.calc`), changed with
``dataclasses.replace`` and written with :func:`fakturaflyt.core.ehf.write.write_invoice`, which
writes the model exactly as it is; a few are edits of the XML of a valid corpus example. The
judge runs the official schematron on the XML and our rules on what the reader reads from it.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Callable
from datetime import date
from decimal import Decimal as D

from fakturaflyt.core.ehf.calc import TO_COMPUTE, allowance, charge, complete, invoice_line, norwegian_party
from fakturaflyt.core.ehf.model import (
    Address,
    AllowanceCharge,
    CardInformation,
    Delivery,
    DirectDebit,
    Identifier,
    Invoice,
    Item,
    Party,
    Payee,
    PaymentMeans,
    Period,
    Price,
    TaxRepresentative,
    VatBreakdown,
)

replace = dataclasses.replace

#: A valid VAT rate per category for the base documents (None: no rate, category O).
RATES: dict[str, D | None] = {
    "S": D("25"),
    "Z": D("0"),
    "E": D("0"),
    "AE": D("0"),
    "K": D("0"),
    "G": D("0"),
    "O": None,
    "L": D("7"),
    "M": D("4"),
}
SELLER_ORG, BUYER_ORG = "923609016", "974760673"


def seller(**changes: object) -> Party:
    party = norwegian_party(
        SELLER_ORG, "Fjord Leverandør AS", Address("NO", "Storgata 1", city="Oslo", postal_zone="0150")
    )
    return replace(party, **changes) if changes else party


def buyer(**changes: object) -> Party:
    party = norwegian_party(BUYER_ORG, "Kunde Kommune", Address("NO", "Rådhuset", city="Bergen", postal_zone="5020"))
    return replace(party, **changes) if changes else party


def item(category: str = "S", rate: D | None = None, name: str = "Kontorstol") -> Item:
    return Item(name, category, RATES[category] if rate is None and category in RATES else rate)


def base(category: str = "S", *, with_acs: bool = True, kind: str = "Invoice") -> Invoice:
    """A valid Peppol BIS 3 invoice (or credit note) whose lines, allowance and charge are all in ``category``."""
    rate = RATES[category]
    lines = (
        invoice_line("1", item(category, rate), D("3"), Price(D("1200.00")), unit_code="C62"),
        invoice_line("2", item(category, rate, "Skrivebord"), D("2"), Price(D("450.50")), unit_code="C62"),
    )
    acs: tuple[AllowanceCharge, ...] = ()
    if with_acs:
        acs = (
            allowance(D("100.00"), reason="Rabatt", vat_category=category, vat_rate=rate),
            charge(D("50.00"), reason="Frakt", reason_code="FC", vat_category=category, vat_rate=rate),
        )
    s, b = seller(), buyer()
    delivery = None
    if category == "O":
        s = seller(vat_id=None)
        b = buyer(vat_id=None)
    if category == "K":
        b = buyer(vat_id="SE556677889901", address=Address("SE", city="Göteborg"))
        delivery = Delivery(date(2026, 2, 27), address=Address("SE", "Hamngatan 3", city="Göteborg"))
    if category in ("G",):
        b = buyer(address=Address("US", city="Boston"))
    inv = Invoice(
        kind,  # type: ignore[arg-type]
        "F-2026-001",
        date(2026, 3, 2),
        "381" if kind == "CreditNote" else "380",
        "NOK",
        s,
        b,
        TO_COMPUTE,
        lines,
        due_date=date(2026, 3, 16),
        buyer_reference="Kari Nordmann",
        delivery=delivery,
        payment_means=(PaymentMeans("30", payment_id="12345678903", account_id="15030123456"),),
        allowances_charges=acs,
    )
    return complete(inv)


# --- small editors ----------------------------------------------------------------------------------


def lines(inv: Invoice, i: int, **changes: object) -> Invoice:
    new = list(inv.lines)
    new[i] = replace(new[i], **changes)
    return replace(inv, lines=tuple(new))


def items(inv: Invoice, i: int, **changes: object) -> Invoice:
    return lines(inv, i, item=replace(inv.lines[i].item, **changes))


def acs(inv: Invoice, i: int, **changes: object) -> Invoice:
    new = list(inv.allowances_charges)
    new[i] = replace(new[i], **changes)
    return replace(inv, allowances_charges=tuple(new))


def subtotals(inv: Invoice, i: int, **changes: object) -> Invoice:
    new = list(inv.vat_breakdown)
    new[i] = replace(new[i], **changes)
    return replace(inv, vat_breakdown=tuple(new))


def totals(inv: Invoice, **changes: object) -> Invoice:
    return replace(inv, totals=replace(inv.totals, **changes))


def bump(value: D | None, by: str) -> D:
    return (value or D("0")) + D(by)


# --- the mutants ------------------------------------------------------------------------------------

Mutant = Callable[[], Invoice]
MUTANTS: dict[str, Mutant] = {}


def mutant(name: str) -> Callable[[Mutant], Mutant]:
    def register(func: Mutant) -> Mutant:
        assert name not in MUTANTS, name
        MUTANTS[name] = func
        return func

    return register


WRONG_RATE: dict[str, tuple[D | None, ...]] = {
    "S": (D("0"), None),
    "Z": (D("25"), None),
    "E": (D("25"), None),
    "AE": (D("25"), None),
    "K": (D("12"), None),
    "G": (D("15"), None),
    "O": (D("0"), D("25")),
    "L": (D("-1"), None),
    "M": (D("-4"), None),
}


def _category_mutants(cat: str) -> None:
    # -01: the breakdown of the category is missing, or (exact categories) given twice
    mutant(f"{cat}: breakdown missing")(lambda: replace(base(cat), vat_breakdown=()))
    mutant(f"{cat}: breakdown twice")(
        lambda: replace(base(cat), vat_breakdown=base(cat).vat_breakdown + base(cat).vat_breakdown)
    )
    mutant(f"{cat}: only breakdown uses it")(
        lambda: replace(base("S"), vat_breakdown=base("S").vat_breakdown + base(cat, with_acs=False).vat_breakdown)
    )
    # -02..-04: the parties' VAT identifiers
    if cat == "O":
        mutant(f"{cat}: seller has VAT id")(lambda: replace(base(cat), seller=seller()))
        mutant(f"{cat}: buyer has VAT id")(lambda: replace(base(cat), buyer=buyer()))
        mutant(f"{cat}: tax representative")(
            lambda: replace(base(cat), tax_representative=TaxRepresentative("Rep AS", "NO974760673MVA", Address("NO")))
        )
    else:
        mutant(f"{cat}: seller without any tax id")(
            lambda: replace(base(cat), seller=seller(vat_id=None, tax_registration_id=None))
        )
        mutant(f"{cat}: seller without VAT id")(lambda: replace(base(cat), seller=seller(vat_id=None)))
        mutant(f"{cat}: seller without VAT id, with tax representative")(
            lambda: replace(
                base(cat),
                seller=seller(vat_id=None, tax_registration_id=None),
                tax_representative=TaxRepresentative("Rep AS", "NO974760673MVA", Address("NO")),
            )
        )
        mutant(f"{cat}: buyer without VAT id")(lambda: replace(base(cat), buyer=replace(base(cat).buyer, vat_id=None)))
        mutant(f"{cat}: buyer without any id")(
            lambda: replace(base(cat), buyer=replace(base(cat).buyer, vat_id=None, legal_id=None))
        )
    # -05..-07: rates
    for n, wrong in enumerate(WRONG_RATE[cat]):
        mutant(f"{cat}: line rate {n}")(lambda wrong=wrong: items(base(cat), 0, vat_rate=wrong))
        mutant(f"{cat}: allowance rate {n}")(lambda wrong=wrong: acs(base(cat), 0, vat_rate=wrong))
        mutant(f"{cat}: charge rate {n}")(lambda wrong=wrong: acs(base(cat), 1, vat_rate=wrong))
    # -08: taxable amount, a little and a lot; also on a credit note
    for by in ("0.50", "10"):
        mutant(f"{cat}: taxable +{by}")(
            lambda by=by: subtotals(base(cat), 0, taxable_amount=bump(base(cat).vat_breakdown[0].taxable_amount, by))
        )
        mutant(f"{cat}: credit note taxable +{by}")(
            lambda by=by: subtotals(
                base(cat, kind="CreditNote"), 0, taxable_amount=bump(base(cat).vat_breakdown[0].taxable_amount, by)
            )
        )
    mutant(f"{cat}: breakdown without lines of the kind")(
        lambda: replace(
            base(cat),
            allowances_charges=(),
            lines=base("S").lines,
            vat_breakdown=base("S").vat_breakdown
            + tuple(
                replace(
                    b, taxable_amount=D("-50.00"), tax_amount=D("0") if RATES[cat] in (None, D(0)) else b.tax_amount
                )
                for b in base(cat).vat_breakdown
            ),
        )
    )
    # -09: VAT amount
    for by in ("0.50", "5"):
        mutant(f"{cat}: VAT amount +{by}")(
            lambda by=by: subtotals(base(cat), 0, tax_amount=bump(base(cat).vat_breakdown[0].tax_amount, by))
        )
    # -10: exemption reason
    if base(cat).vat_breakdown[0].exemption_reason or base(cat).vat_breakdown[0].exemption_reason_code:
        mutant(f"{cat}: no exemption reason")(
            lambda: subtotals(base(cat), 0, exemption_reason=None, exemption_reason_code=None)
        )
        mutant(f"{cat}: exemption text only")(
            lambda: subtotals(base(cat), 0, exemption_reason_code=None, exemption_reason="Fritatt")
        )
    else:
        mutant(f"{cat}: exemption reason")(lambda: subtotals(base(cat), 0, exemption_reason="Fritatt"))
        mutant(f"{cat}: exemption code")(lambda: subtotals(base(cat), 0, exemption_reason_code="VATEX-EU-132"))


for _cat in RATES:
    _category_mutants(_cat)


# K: delivery date and place (BR-IC-11, BR-IC-12)
mutant("K: no delivery")(lambda: replace(base("K"), delivery=None))
mutant("K: delivery without address")(lambda: replace(base("K"), delivery=Delivery(date(2026, 2, 27))))
mutant("K: invoicing period instead of delivery date")(
    lambda: replace(base("K"), delivery=Delivery(address=Address("SE")), period=Period(date(2026, 2, 1)))
)
# O: nothing but O (BR-O-11..14)
mutant("O: plus an S line")(
    lambda: replace(base("O"), lines=(*base("O").lines, invoice_line("3", item("S"), D("1"), D("10.00"))))
)
mutant("O: plus an S allowance")(lambda: acs(base("O"), 0, vat_category="S", vat_rate=D("25")))
mutant("O: plus an S charge")(lambda: acs(base("O"), 1, vat_category="S", vat_rate=D("25")))
mutant("O: plus an S breakdown")(
    lambda: replace(
        base("O"), vat_breakdown=(*base("O").vat_breakdown, VatBreakdown("S", D("25"), D("0.00"), D("0.00")))
    )
)


def _s() -> Invoice:
    return base("S")


# --- EN 16931 core ------------------------------------------------------------------------------------
mutant("payee named as the seller")(
    lambda: replace(_s(), seller=seller(trading_name="Fjord"), payee=Payee("Fjord", Identifier("111", "0192")))
)
mutant("payee with the seller's identifier")(
    lambda: replace(
        _s(),
        seller=seller(identifiers=(Identifier("ABC-1"),)),
        payee=Payee("Factoring AS", Identifier("ABC-1"), Identifier("974760673", "0192")),
    )
)
mutant("payee ok")(lambda: replace(_s(), payee=Payee("Factoring AS", Identifier("ABC-2"))))
mutant("negative price")(lambda: lines(_s(), 0, price=Price(D("-1200.00"))))
mutant("negative gross price")(
    lambda: lines(_s(), 0, price=Price(D("1200.00"), gross_amount=D("-10"), discount=D("5")))
)
mutant("gross price minus discount is not the price")(
    lambda: lines(_s(), 0, price=Price(D("1200.00"), gross_amount=D("1300.00"), discount=D("50.00")))
)
mutant("gross price ok")(
    lambda: lines(_s(), 0, price=Price(D("1200.00"), gross_amount=D("1300.00"), discount=D("100.00")))
)
mutant("period reversed")(lambda: replace(_s(), period=Period(date(2026, 3, 31), date(2026, 3, 1))))
mutant("line period reversed")(lambda: lines(_s(), 1, period=Period(date(2026, 3, 31), date(2026, 3, 1))))
mutant("line period outside the invoicing period")(
    lambda: lines(
        replace(_s(), period=Period(date(2026, 3, 1), date(2026, 3, 31))),
        0,
        period=Period(date(2026, 2, 20), date(2026, 4, 5)),
    )
)
mutant("line period inside the invoicing period")(
    lambda: lines(
        replace(_s(), period=Period(date(2026, 3, 1), date(2026, 3, 31))),
        0,
        period=Period(date(2026, 3, 1), date(2026, 3, 31)),
    )
)
mutant("allowance without VAT category")(lambda: acs(_s(), 0, vat_category=None, vat_rate=None))
mutant("charge without VAT category")(lambda: acs(_s(), 1, vat_category=None, vat_rate=None))
mutant("allowance without reason")(lambda: acs(_s(), 0, reason=None, reason_code=None))
mutant("charge without reason")(lambda: acs(_s(), 1, reason=None, reason_code=None))
mutant("charge with reason code only")(lambda: acs(_s(), 1, reason=None))


def _line_acs(reason: str | None, percent: D | None = None, base_amount: D | None = None) -> Invoice:
    inv = _s()
    new = invoice_line(
        "1",
        item("S"),
        D("3"),
        Price(D("1200.00")),
        allowances_charges=(
            AllowanceCharge(False, D("100.00"), reason, None, base_amount, percent),
            AllowanceCharge(
                True, D("10.00"), reason, None, D("200.00") if base_amount else None, D("5") if base_amount else None
            ),
        ),
    )
    return complete(replace(inv, lines=(new, *inv.lines[1:]), totals=TO_COMPUTE, vat_breakdown=()))


mutant("line allowance and charge without reason")(lambda: _line_acs(None))
mutant("line allowance and charge ok")(lambda: _line_acs("Kunderabatt"))
mutant("line allowance percent without base")(lambda: _line_acs("Rabatt", percent=D("10")))
mutant("line allowance base without percent")(lambda: _line_acs("Rabatt", base_amount=D("1000.00")))
mutant("line allowance percent of base is not the amount")(lambda: _line_acs("Rabatt", D("10"), D("900.00")))
mutant("line allowance percent of base within 0.02")(lambda: _line_acs("Rabatt", D("10"), D("1000.20")))
mutant("allowance percent without base")(lambda: acs(_s(), 0, percent=D("10")))
mutant("allowance base without percent")(lambda: acs(_s(), 0, base_amount=D("1000.00")))
mutant("charge percent of base is not the amount")(lambda: acs(_s(), 1, percent=D("5"), base_amount=D("1100.00")))
mutant("breakdown without rate")(lambda: subtotals(_s(), 0, rate=None))
mutant("breakdown rate rounds to zero")(lambda: subtotals(_s(), 0, rate=D("0.4"), tax_amount=D("0.49")))
mutant("VAT amount 5 off")(lambda: subtotals(_s(), 0, tax_amount=bump(_s().vat_breakdown[0].tax_amount, "5")))
mutant("full card number")(
    lambda: replace(_s(), payment_means=(PaymentMeans("48", card=CardInformation("4111111111111111", "VISA")),))
)
mutant("masked card number")(
    lambda: replace(_s(), payment_means=(PaymentMeans("48", card=CardInformation("XXXX1111", "VISA")),))
)
mutant("tax currency without VAT in it")(
    lambda: replace(_s(), currency="EUR", tax_currency="NOK", tax_total_in_tax_currency=None)
)
mutant("tax currency ok")(
    lambda: replace(_s(), currency="EUR", tax_currency="NOK", tax_total_in_tax_currency=D("9000.00"))
)
mutant("tax currency with VAT of the other sign")(
    lambda: replace(_s(), currency="EUR", tax_currency="NOK", tax_total_in_tax_currency=D("-9000.00"))
)
mutant("tax currency is the invoice currency")(lambda: replace(_s(), tax_currency="NOK"))
mutant("credit transfer without account")(lambda: replace(_s(), payment_means=(PaymentMeans("30", payment_id="123"),)))
mutant("SEPA transfer without account")(lambda: replace(_s(), payment_means=(PaymentMeans("58"),)))
mutant("endpoints without scheme")(
    lambda: replace(_s(), seller=seller(endpoint=Identifier(SELLER_ORG)), buyer=buyer(endpoint=Identifier(BUYER_ORG)))
)
mutant("item identifiers without scheme")(
    lambda: items(
        _s(), 0, standard_id=Identifier("7300010000001"), classifications=(Identifier("1234"), Identifier("99", "STI"))
    )
)
mutant("item identifiers with scheme")(
    lambda: items(_s(), 0, standard_id=Identifier("7300010000001", "0160"), classifications=(Identifier("99", "STI"),))
)
mutant("tax point date and date code")(
    lambda: replace(_s(), tax_point_date=date(2026, 3, 1), period=Period(description_code="3"))
)
mutant("VAT ids without country prefix")(
    lambda: replace(
        _s(),
        buyer=buyer(vat_id="974760673MVA"),
        tax_representative=TaxRepresentative("Rep", "12345", Address("NO")),
    )
)
mutant("sum of lines wrong")(lambda: totals(_s(), line_extension=bump(_s().totals.line_extension, "1")))
mutant("sum of allowances wrong")(lambda: totals(_s(), allowance_total=bump(_s().totals.allowance_total, "1")))
mutant("sum of allowances missing")(lambda: totals(_s(), allowance_total=None))
mutant("sum of charges wrong")(lambda: totals(_s(), charge_total=bump(_s().totals.charge_total, "1")))
mutant("sum of charges missing")(lambda: totals(_s(), charge_total=None))
mutant("sum of charges zero without charges")(
    lambda: totals(replace(_s(), allowances_charges=()), charge_total=D("0.00"), allowance_total=D("0.00"))
)
mutant("total without VAT wrong")(lambda: totals(_s(), tax_exclusive=bump(_s().totals.tax_exclusive, "1")))
mutant("total with VAT wrong")(lambda: totals(_s(), tax_inclusive=bump(_s().totals.tax_inclusive, "1")))
mutant("amount due wrong")(lambda: totals(_s(), payable=bump(_s().totals.payable, "1")))
mutant("prepaid not deducted")(lambda: totals(_s(), prepaid=D("100.00")))
mutant("prepaid deducted")(lambda: totals(_s(), prepaid=D("100.00"), payable=bump(_s().totals.payable, "-100")))
mutant("rounding not added")(lambda: totals(_s(), rounding=D("0.40")))
mutant("rounding added")(lambda: totals(_s(), rounding=D("0.40"), payable=bump(_s().totals.payable, "0.40")))
mutant("rounding and prepaid")(
    lambda: totals(_s(), rounding=D("0.40"), prepaid=D("10"), payable=bump(_s().totals.payable, "-9.60"))
)
mutant("rounding and prepaid wrong")(lambda: totals(_s(), rounding=D("0.40"), prepaid=D("10")))
mutant("total VAT wrong")(lambda: replace(_s(), tax_total=bump(_s().tax_total, "1")))
mutant("no VAT breakdown")(lambda: replace(_s(), vat_breakdown=()))
mutant("seller not identified")(lambda: replace(_s(), seller=seller(vat_id=None, legal_id=None)))
mutant("seller identified by SEPA creditor id only")(
    lambda: replace(
        _s(), seller=seller(vat_id=None, legal_id=None, identifiers=(Identifier("NO12ZZZ923609016", "SEPA"),))
    )
)
mutant("seller identified by another identifier")(
    lambda: replace(_s(), seller=seller(vat_id=None, legal_id=None, identifiers=(Identifier("1234"),)))
)


def _three_decimals() -> Invoice:
    def d3(value: D | None) -> D | None:
        return None if value is None else value.quantize(D("0.001"))

    inv = _line_acs("Rabatt", D("10"), D("1000.00"))
    inv = replace(
        inv,
        allowances_charges=tuple(
            replace(
                ac, amount=d3(ac.amount), base_amount=d3(D("1000.00")), percent=D("10") if not ac.is_charge else D("5")
            )
            if not ac.is_charge
            else replace(ac, amount=d3(ac.amount), base_amount=d3(D("1000.00")), percent=D("5"))
            for ac in inv.allowances_charges
        ),
        lines=tuple(
            replace(
                ln,
                net_amount=d3(ln.net_amount),
                allowances_charges=tuple(
                    replace(ac, amount=d3(ac.amount), base_amount=d3(ac.base_amount)) for ac in ln.allowances_charges
                ),
            )
            for ln in inv.lines
        ),
        vat_breakdown=tuple(
            replace(b, taxable_amount=d3(b.taxable_amount), tax_amount=d3(b.tax_amount)) for b in inv.vat_breakdown
        ),
    )
    t = inv.totals
    return replace(
        inv,
        totals=replace(
            t,
            line_extension=d3(t.line_extension),
            tax_exclusive=d3(t.tax_exclusive),
            tax_inclusive=d3(t.tax_inclusive),
            payable=d3(t.payable),
            allowance_total=d3(t.allowance_total),
            charge_total=d3(t.charge_total),
            prepaid=D("0.000"),
            rounding=D("0.000"),
        ),
    )


mutant("amounts with three decimals")(_three_decimals)


def _multi_rate() -> Invoice:
    inv = _s()
    extra = invoice_line("3", item("S", D("15"), "Lunsj"), D("4"), Price(D("99.90")))
    return complete(replace(inv, lines=(*inv.lines, extra), totals=TO_COMPUTE, vat_breakdown=()))


mutant("two rates")(_multi_rate)
mutant("two rates, taxable amounts swapped")(
    lambda: subtotals(
        subtotals(_multi_rate(), 0, taxable_amount=_multi_rate().vat_breakdown[1].taxable_amount),
        1,
        taxable_amount=_multi_rate().vat_breakdown[0].taxable_amount,
    )
)
mutant("two rates, one breakdown")(lambda: replace(_multi_rate(), vat_breakdown=_multi_rate().vat_breakdown[:1]))
mutant("two rates, VAT 0.99 off")(
    lambda: subtotals(_multi_rate(), 1, tax_amount=bump(_multi_rate().vat_breakdown[1].tax_amount, "0.99"))
)
mutant("two rates, VAT 1.00 off")(
    lambda: subtotals(_multi_rate(), 1, tax_amount=bump(_multi_rate().vat_breakdown[1].tax_amount, "1.00"))
)
mutant("two rates, VAT 1.00 under")(
    lambda: subtotals(_multi_rate(), 1, tax_amount=bump(_multi_rate().vat_breakdown[1].tax_amount, "-1.00"))
)


def _negative(prepaid: str, payable: str) -> Invoice:
    """A negative invoice (a correction) whose amount due needs the schematron's rounding of halves."""
    inv = complete(
        replace(
            _s(),
            lines=tuple(replace(ln, quantity=-ln.quantity, net_amount=-ln.net_amount) for ln in _s().lines),
            allowances_charges=(),
            totals=TO_COMPUTE,
            vat_breakdown=(),
        )
    )
    return totals(inv, prepaid=D(prepaid), payable=inv.totals.tax_inclusive - D(prepaid) + D(payable))


mutant("negative total, half a cent prepaid, rounded towards +infinity")(lambda: _negative("0.005", "0.005"))
mutant("negative total, half a cent prepaid, rounded away from zero")(lambda: _negative("0.005", "-0.005"))
mutant("VAT total with a half cent")(
    lambda: totals(
        replace(_s(), tax_total=bump(_s().tax_total, "0.005")), tax_inclusive=bump(_s().totals.tax_inclusive, "0.01")
    )
)
mutant("VAT total with a half cent, rounded down")(lambda: replace(_s(), tax_total=bump(_s().tax_total, "0.005")))
mutant("line price per 3 units")(
    lambda: lines(_s(), 0, quantity=D("7"), price=Price(D("100.00"), base_quantity=D("3")), net_amount=D("233.33"))
)
mutant("line price per 3 units, off by 0.03")(
    lambda: lines(_s(), 0, quantity=D("7"), price=Price(D("100.00"), base_quantity=D("3")), net_amount=D("233.36"))
)
mutant("unknown VAT category on a line")(lambda: items(_s(), 0, vat_category="X"))
mutant("unknown VAT category in the breakdown and an allowance")(
    lambda: acs(subtotals(_s(), 0, category="Q"), 0, vat_category="Q")
)

# --- Peppol ------------------------------------------------------------------------------------------
mutant("no profile")(lambda: replace(_s(), profile_id=None))
mutant("unknown profile")(lambda: replace(_s(), profile_id="urn:fdc:peppol.eu:2017:poacc:billing:99:1.0"))
mutant("billing with response profile")(lambda: replace(_s(), profile_id="urn:peppol:bis:billing_with_response"))
mutant("two notes")(lambda: replace(_s(), notes=("Takk for handelen", "Husk KID")))
mutant("two notes between German parties")(
    lambda: replace(
        _s(),
        notes=("a", "b"),
        seller=seller(address=Address("DE", city="Berlin")),
        buyer=buyer(address=Address("DE", city="Köln")),
    )
)
mutant("no buyer reference")(lambda: replace(_s(), buyer_reference=None))
mutant("order reference instead of buyer reference")(
    lambda: replace(_s(), buyer_reference=None, order_reference="PO-1")
)
mutant("CEN core customization")(lambda: replace(_s(), customization_id="urn:cen.eu:en16931:2017"))
mutant("customization with ::")(
    lambda: replace(
        _s(), customization_id="urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0::x"
    )
)
mutant("no seller endpoint")(lambda: replace(_s(), seller=seller(endpoint=None)))
mutant("no buyer endpoint")(lambda: replace(_s(), buyer=buyer(endpoint=None)))
mutant("unknown endpoint scheme")(lambda: replace(_s(), buyer=buyer(endpoint=Identifier("123", "9999"))))
mutant("line net amount off")(lambda: lines(_s(), 0, net_amount=bump(_s().lines[0].net_amount, "0.03")))
mutant("line net amount within 0.02")(lambda: lines(_s(), 0, net_amount=bump(_s().lines[0].net_amount, "0.02")))
mutant("price per base quantity")(
    lambda: lines(_s(), 0, price=Price(D("12000.00"), base_quantity=D("10"), base_quantity_unit="C62"))
)
mutant("price base quantity zero")(lambda: lines(_s(), 0, price=Price(D("1200.00"), base_quantity=D("0"))))
mutant("price base quantity negative")(lambda: lines(_s(), 0, price=Price(D("-1200.00"), base_quantity=D("-1"))))
mutant("price base unit differs")(
    lambda: lines(_s(), 0, price=Price(D("1200.00"), base_quantity=D("1"), base_quantity_unit="HUR"))
)
mutant("direct debit without mandate")(
    lambda: replace(
        _s(),
        payment_means=(
            PaymentMeans("59", direct_debit=DirectDebit(payer_account="NO9386011117947")),
            PaymentMeans("49"),
        ),
    )
)
mutant("direct debit with mandate")(
    lambda: replace(_s(), payment_means=(PaymentMeans("59", direct_debit=DirectDebit("M-1")),))
)
mutant("unknown invoice type")(lambda: replace(_s(), type_code="999"))
mutant("unknown invoice type, unknown profile")(lambda: replace(_s(), type_code="999", profile_id="urn:x"))
mutant("German partial invoice type")(lambda: replace(_s(), type_code="326"))
mutant("credit note with an invoice type")(lambda: replace(base("S", kind="CreditNote"), type_code="380"))
for _code, (_cat, _other) in {
    "VATEX-EU-G": ("E", "G"),
    "VATEX-EU-O": ("E", "O"),
    "VATEX-EU-IC": ("E", "K"),
    "VATEX-EU-AE": ("E", "AE"),
    "VATEX-EU-D": ("G", "E"),
    "VATEX-EU-F": ("G", "E"),
    "VATEX-EU-I": ("G", "E"),
    "vatex-eu-j": ("G", "E"),
}.items():
    mutant(f"exemption code {_code} on category {_cat}")(
        lambda _code=_code, _cat=_cat: subtotals(base(_cat), 0, exemption_reason_code=_code)
    )
    mutant(f"exemption code {_code} on category {_other}")(
        lambda _code=_code, _other=_other: subtotals(base(_other), 0, exemption_reason_code=_code)
    )

# --- identifiers (PEPPOL-COMMON) -------------------------------------------------------------------
_BAD_IDS = {
    "0088": ("7300010000002", "7300010000001"),  # GLN
    "0192": ("923609017", "923609016"),  # Norwegian organisation number
    "0184": ("DK1234567", "DK12345678"),  # Danish CVR
    "0096": ("12345", "1234567890"),
    "0198": ("DK1234567X", "DK12345678"),
    "0208": ("0123456789", "0123456749"),  # Belgian enterprise number (mod 97)
    "0007": ("5560000000", "5560000001"),  # Swedish organisation number (Luhn)
    "0106": ("1234", "12345678"),
    "0190": ("1234", "12345678901234567890"),
    "9944": ("NL12345", "NL123456789B12"),
    "0217": ("1", "123456789012"),
}
for _scheme, (_bad, _good) in _BAD_IDS.items():
    mutant(f"{_scheme} identifier with a wrong check digit or format")(
        lambda _scheme=_scheme, _bad=_bad: replace(
            _s(),
            seller=seller(identifiers=(Identifier(_bad, _scheme),)),
            payee=Payee("Factoring AS", Identifier(_bad, _scheme), Identifier(_bad, _scheme)),
        )
    )
    mutant(f"{_scheme} identifier valid")(
        lambda _scheme=_scheme, _good=_good: replace(
            _s(), buyer=buyer(legal_id=Identifier(_good, _scheme), identifiers=(Identifier(_good, _scheme),))
        )
    )
mutant("0192 endpoint with a wrong check digit")(
    lambda: replace(_s(), buyer=buyer(endpoint=Identifier("974760674", "0192")))
)
mutant("0192 legal id with 8 digits")(lambda: replace(_s(), seller=seller(legal_id=Identifier("92360901", "0192"))))
mutant("Dutch VAT number in the wrong form")(lambda: replace(_s(), buyer=buyer(vat_id="NL12345678")))

# --- Norway ----------------------------------------------------------------------------------------
mutant("Norwegian VAT number with a wrong check digit")(lambda: replace(_s(), seller=seller(vat_id="NO923609017MVA")))
mutant("Norwegian VAT number without MVA")(lambda: replace(_s(), seller=seller(vat_id="NO923609016")))
mutant("Norwegian VAT number in lower case")(lambda: replace(_s(), seller=seller(vat_id="no923609016mva")))
mutant("no Foretaksregisteret")(lambda: replace(_s(), seller=seller(tax_registration_id=None)))
mutant("Foretaksregisteret misspelt")(lambda: replace(_s(), seller=seller(tax_registration_id="Foretaksregistret")))
mutant("Swedish seller without Foretaksregisteret")(
    lambda: replace(
        _s(),
        seller=seller(
            vat_id="SE556000000101",
            tax_registration_id=None,
            address=Address("SE"),
            endpoint=Identifier("5560000001", "0007"),
            legal_id=Identifier("5560000001", "0007"),
        ),
    )
)
mutant("Norwegian seller without VAT id, by address")(
    lambda: replace(_s(), seller=seller(vat_id=None, tax_registration_id=None))
)

# --- edits of real corpus files (the reader, not the writer, builds the model) ---------------------------

#: name -> (corpus example, text to replace (every occurrence), replacement)
XML_MUTANTS: dict[str, tuple[str, str, str]] = {
    "xml: amount due off by 0.01": (
        "peppol__base-example.xml",
        '<cbc:PayableAmount currencyID="EUR">1656.25<',
        '<cbc:PayableAmount currencyID="EUR">1656.26<',
    ),
    "xml: no buyer reference": ("peppol__base-example.xml", "<cbc:BuyerReference>0150abc</cbc:BuyerReference>", ""),
    "xml: 0192 endpoint with a wrong check digit": (
        "peppol-NO__Norwegian-example-1.xml",
        '<cbc:EndpointID schemeID="0192">123456785<',
        '<cbc:EndpointID schemeID="0192">123456786<',
    ),
    "xml: Norwegian VAT number without MVA": (
        "peppol-NO__Norwegian-example-1.xml",
        "<cbc:CompanyID>NO123456785MVA<",
        "<cbc:CompanyID>NO123456785<",
    ),
    "xml: Foretaksregisteret misspelt": (
        "peppol-NO__Norwegian-example-1.xml",
        "<cbc:CompanyID>Foretaksregisteret<",
        "<cbc:CompanyID>Foretaksregister<",
    ),
    "xml: 15 % became 14 %": ("peppol-NO__Norwegian-example-1.xml", "<cbc:Percent>15<", "<cbc:Percent>14<"),
    "xml: exempt without reason": (
        "peppol__vat-category-E.xml",
        "<cbc:TaxExemptionReasonCode>VATEX-EU-F</cbc:TaxExemptionReasonCode>",
        "",
    ),
    "xml: GLN with a wrong check digit": (
        "peppol__vat-category-E.xml",
        '<cbc:EndpointID schemeID="0088">7300010000001<',
        '<cbc:EndpointID schemeID="0088">7300010000002<',
    ),
    "xml: credit note with an invoice type code": (
        "peppol__base-creditnote-correction.xml",
        "<cbc:CreditNoteTypeCode>381<",
        "<cbc:CreditNoteTypeCode>380<",
    ),
    # Document level only: on a line, the official R120 reads "0"/"1" as neither allowance nor charge
    # (see test_rules.test_known_limit_charge_indicator_as_digit).
    "xml: document-level charge indicator written as 0": (
        "peppol__Allowance-example.xml",
        "\n        <cbc:ChargeIndicator>false<",
        "\n        <cbc:ChargeIndicator>0<",
    ),
}


# --- random perturbations (deterministic: a seeded generator) ------------------------------------------

_CATEGORIES = ("S", "Z", "E", "AE", "K", "G", "O", "L", "M", "X")
_AMOUNT_FIELDS = frozenset(
    "amount quantity net_amount line_extension tax_exclusive tax_inclusive payable taxable_amount tax_amount".split()
)
_OPTIONAL_NUMBERS = frozenset(
    "vat_rate rate percent base_amount prepaid rounding allowance_total charge_total base_quantity gross_amount "
    "discount".split()
)


def _perturb_value(rnd: random.Random, name: str, value: object) -> object:
    if isinstance(value, D):
        choices: list[D | None] = [value + D(rnd.choice(["0.01", "-0.01", "1", "-1", "0.5", "0.02", "0.03"])), -value]
        choices += [D("0")] if name in _AMOUNT_FIELDS else [D("0"), None]
        return rnd.choice(choices)
    if value is None and name in _OPTIONAL_NUMBERS:
        return D(rnd.choice(["0", "25", "10", "100.00", "1"]))
    if name in ("category", "vat_category"):
        return rnd.choice(_CATEGORIES)
    if value is None and name == "exemption_reason_code":
        return rnd.choice(["VATEX-EU-G", "VATEX-EU-O", "VATEX-EU-AE", "VATEX-EU-IC", "VATEX-EU-F"])
    if name == "vat_id":
        return rnd.choice([None, "NO923609017MVA", "SE556000000101", "NO923609016MVA", "XX1"])
    if isinstance(value, str) and name in ("tax_registration_id", "buyer_reference", "profile_id", "reason"):
        return None
    if name == "type_code":
        return rnd.choice(["380", "381", "326", "383", "999"])
    if isinstance(value, Identifier):
        return rnd.choice([None, Identifier(value.value[:-1] + "7", value.scheme), Identifier(value.value)])
    return NotImplemented


def _perturb(rnd: random.Random, obj: object) -> object:
    if isinstance(obj, tuple):
        return tuple(_perturb(rnd, x) for x in obj)
    if not dataclasses.is_dataclass(obj) or isinstance(obj, type):
        return obj
    changes: dict[str, object] = {}
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if rnd.random() < 0.08:
            new = _perturb_value(rnd, f.name, value)
            if new is not NotImplemented:
                changes[f.name] = new
                continue
        if isinstance(value, tuple) or dataclasses.is_dataclass(value):
            changes[f.name] = _perturb(rnd, value)
    return replace(obj, **changes)


def perturbed(seed: int, count: int) -> list[Invoice]:
    """``count`` valid documents with random fields changed (amounts, rates, categories, ids, references)."""
    rnd = random.Random(seed)
    bases = [base(c, kind=k) for c in RATES for k in ("Invoice", "CreditNote")]
    out = []
    for _ in range(count):
        inv = _perturb(rnd, rnd.choice(bases))
        assert isinstance(inv, Invoice)
        out.append(inv)
    return out
