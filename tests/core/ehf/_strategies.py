"""Hypothesis strategies for random but VALID Peppol BIS 3 / EHF invoices and credit notes.

Valid by construction, following the rules the official schematron checks:

- VAT categories: any mix of S (25/15/12/11.11 %), Z, E, AE, K and G, or O alone (BR-O-11..14);
  Z/E/AE/K/G at rate 0, O without rate; exemption reasons from :func:`calc.complete`;
- seller from :func:`calc.norwegian_party` (VAT-registered unless O: BR-O-02), buyer with a
  ``0192`` endpoint; K adds a buyer VAT id, a delivery date and a deliver-to country (BR-IC-*);
- line and document allowances/charges with a reason or code (BR-CO-21..24), percentages with a
  base amount (PEPPOL-EN16931-R041/R042), document ones in a category of the invoice;
- price base quantity in the line's unit (R130), gross price = net + discount (R046);
- one note at most (R002), a buyer reference (R003), credit transfer with account and KID (BR-61);
- foreign currency with NOK as tax currency and an exchange rate (BR-53, R005, R054, R055).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from fakturaflyt.core.ehf.calc import TO_COMPUTE, allowance, charge, complete, invoice_line, norwegian_party
from fakturaflyt.core.ehf.model import (
    Address,
    AllowanceCharge,
    Attachment,
    CardInformation,
    Contact,
    Delivery,
    DirectDebit,
    Identifier,
    Invoice,
    Item,
    ItemAttribute,
    Line,
    Payee,
    PaymentMeans,
    Period,
    PrecedingInvoice,
    Price,
    TaxRepresentative,
)
from fakturaflyt.core.identifiers import make_kid

D = Decimal
WORDS = ["Fjord", "Bygg", "Kaffe", "Lunsj", "Hotell", "Rådgivning", "Ørret", "Ås", "Service", "Lisens", "Æble", "Tøy"]
CITIES = [("Oslo", "0150"), ("Bergen", "5003"), ("Trondheim", "7011"), ("Tromsø", "9008"), ("Ålesund", "6002")]
S_RATES = [D("25"), D("15"), D("12"), D("11.11")]
UNITS = ["C62", "HUR", "KGM", "DAY", "MTR", "LTR", "EA"]
ALLOWANCE_CODES = ["95", "100", "41", None]
CHARGE_CODES = ["FC", "ABL", "AAA", None]
MIXABLE = ["S", "S", "S", "Z", "E", "AE", "K", "G"]  # S weighted: most invoices have it

text = st.lists(st.sampled_from(WORDS), min_size=1, max_size=3).map(" ".join)


def _orgnr_check(base: str) -> int:
    weights = (3, 2, 7, 6, 5, 4, 3, 2)
    rest = 11 - sum(int(c) * w for c, w in zip(base, weights, strict=True)) % 11
    return 0 if rest == 11 else rest


orgnrs = (
    st.integers(80_000_000, 99_999_999)
    .map(str)
    .filter(lambda b: _orgnr_check(b) != 10)
    .map(lambda b: b + str(_orgnr_check(b)))
)


def money(lo: str, hi: str, places: int = 2) -> st.SearchStrategy[Decimal]:
    return st.decimals(D(lo), D(hi), places=places, allow_nan=False, allow_infinity=False)


@st.composite
def addresses(draw: st.DrawFn, country: str = "NO") -> Address:
    city, zone = draw(st.sampled_from(CITIES))
    return Address(
        country,
        street=draw(st.none() | text.map(lambda t: t + "gata 1")),
        additional_street=draw(st.none() | st.just("Bakgården")),
        city=city,
        postal_zone=zone,
    )


@st.composite
def items(draw: st.DrawFn, category: str) -> Item:
    rate = draw(st.sampled_from(S_RATES)) if category == "S" else None if category == "O" else D("0")
    return Item(
        draw(text),
        category,
        rate,
        description=draw(st.none() | text),
        sellers_id=draw(st.none() | st.just("ART-1")),
        buyers_id=draw(st.none() | st.just("B-9")),
        standard_id=draw(st.none() | st.just(Identifier("7038010055720", "0160"))),
        classifications=draw(st.lists(st.just(Identifier("80101500", "STI")), max_size=1).map(tuple)),
        origin_country=draw(st.none() | st.sampled_from(["NO", "SE", "DE"])),
        attributes=draw(st.lists(st.builds(ItemAttribute, text, text), max_size=2).map(tuple)),
    )


@st.composite
def line_acs(draw: st.DrawFn, base: Decimal) -> tuple[AllowanceCharge, ...]:
    out = []
    for _ in range(draw(st.integers(0, 2))):
        is_charge = draw(st.booleans())
        code = draw(st.sampled_from(CHARGE_CODES if is_charge else ALLOWANCE_CODES))
        reason = draw(text) if code is None else draw(st.none() | text)
        make = charge if is_charge else allowance
        if draw(st.booleans()) and base > 0:
            out.append(make(percent=draw(money("0.5", "20", 1)), base_amount=base, reason=reason, reason_code=code))
        else:
            out.append(make(draw(money("0.01", "50")), reason=reason, reason_code=code))
    return tuple(out)


@st.composite
def lines(draw: st.DrawFn, i: int, category: str, credit: bool, period: Period | None) -> Line:
    unit = draw(st.sampled_from(UNITS))
    quantity = draw(money("1", "250", draw(st.integers(0, 3))))
    if not credit and draw(st.integers(0, 9)) == 0:
        quantity = -quantity  # a returned item on an invoice
    net = draw(money("0.01", "20000", draw(st.sampled_from([0, 2, 2, 4]))))
    base_qty = draw(st.none() | st.sampled_from([D("1"), D("10"), D("100")]))
    discount = draw(st.none() | money("0.01", "100"))
    price = Price(
        net,
        base_quantity=base_qty,
        base_quantity_unit=unit if base_qty is not None and draw(st.booleans()) else None,
        discount=discount,
        gross_amount=net + discount if discount is not None and draw(st.booleans()) else None,
    )
    gross_line = (quantity * net / (base_qty or 1)).quantize(D("0.01"))
    return invoice_line(
        str(i),
        draw(items(category)),
        quantity,
        price,
        unit_code=unit,
        allowances_charges=draw(line_acs(abs(gross_line))),
        note=draw(st.none() | text),
        object_id=draw(st.none() | st.just(Identifier(f"OBJ-{i}", "AAB"))),
        order_line_ref=draw(st.none() | st.just(str(i))),
        accounting_cost=draw(st.none() | st.just("6700")),
        period=Period(period.start, period.end) if period is not None and draw(st.booleans()) else None,
    )


@st.composite
def document_acs(draw: st.DrawFn, categories: list[str]) -> tuple[AllowanceCharge, ...]:
    out = []
    for _ in range(draw(st.integers(0, 2))):
        is_charge = draw(st.booleans())
        category = draw(st.sampled_from(categories))
        rate = draw(st.sampled_from(S_RATES)) if category == "S" else None if category == "O" else D("0")
        code = draw(st.sampled_from(CHARGE_CODES if is_charge else ALLOWANCE_CODES))
        reason = draw(text) if code is None else draw(st.none() | text)
        make = charge if is_charge else allowance
        if draw(st.booleans()):
            ac = make(
                percent=draw(money("1", "10", 0)),
                base_amount=draw(money("10", "1000")),
                reason=reason,
                reason_code=code,
                vat_category=category,
                vat_rate=rate,
            )
        else:
            ac = make(draw(money("0.01", "100")), reason=reason, reason_code=code, vat_category=category, vat_rate=rate)
        out.append(ac)
    return tuple(out)


@st.composite
def drafts(draw: st.DrawFn) -> tuple[Invoice, dict[str, Any]]:
    """An invoice ready for :func:`complete`, and the keyword arguments to complete it with."""
    credit = draw(st.booleans())
    if draw(st.integers(0, 7)) == 0:
        categories = ["O"]
    else:
        categories = sorted(set(draw(st.lists(st.sampled_from(MIXABLE), min_size=1, max_size=4))))
    outside = categories == ["O"]
    intra = "K" in categories
    issue = draw(st.dates(date(2025, 1, 1), date(2027, 12, 31)))
    seller = norwegian_party(
        draw(orgnrs),
        draw(text) + " AS",
        draw(addresses()),
        trading_name=draw(st.none() | text),
        contact=draw(st.none() | st.just(Contact("Ola Nordmann", "22000000", "ola@example.no"))),
        vat_registered=not outside,
    )
    buyer = norwegian_party(
        draw(orgnrs),
        draw(text),
        draw(addresses()),
        vat_registered=intra or (not outside and draw(st.booleans())),
        foretaksregisteret=False,
    )
    # BT-7 tax point date and BT-8 its code are mutually exclusive (BR-CO-03)
    vat_date_code = draw(st.none() | st.sampled_from(["3", "35", "432"]))
    period = draw(st.none() | st.just(Period(issue - timedelta(days=30), issue - timedelta(days=1))))
    if vat_date_code is not None:
        period = Period(issue - timedelta(days=30), issue - timedelta(days=1), vat_date_code)
    sales_order = draw(st.booleans())
    n = draw(st.integers(1, 5))
    the_lines = tuple(draw(lines(i + 1, draw(st.sampled_from(categories)), credit, period)) for i in range(n))
    currency = draw(st.sampled_from(["NOK", "NOK", "EUR", "SEK", "USD"]))
    delivery = None
    if intra or draw(st.booleans()):
        delivery = Delivery(
            issue - timedelta(days=draw(st.integers(0, 20))),
            address=draw(addresses(draw(st.sampled_from(["NO", "SE", "DE"]))))
            if intra or draw(st.booleans())
            else None,
            party_name=draw(st.none() | text),
        )
    due = issue + timedelta(days=draw(st.sampled_from([10, 14, 30])))
    kid = make_kid(str(draw(st.integers(1, 10**8))), "mod10")
    pm = draw(
        st.sampled_from(
            [
                PaymentMeans("30", payment_id=kid, account_id="15032080119"),
                PaymentMeans("30", "Kredittoverføring", kid, "15032080119", "Selger AS", "DNBANOKK"),
                PaymentMeans("58", payment_id=kid, account_id="NO9386011117947", bic="DNBANOKK"),
                PaymentMeans("48", payment_id=kid, card=CardInformation("1234", "VISA", "Ola Nordmann")),
                PaymentMeans("49", direct_debit=DirectDebit("MANDAT-1", "NO9386011117947")),
            ]
        )
    )
    attachments = ()
    if draw(st.booleans()):
        attachments = (
            Attachment(
                "Faktura.pdf",
                "Faktura",
                content=b"%PDF-1.4\n%%EOF\n",
                mime_code="application/pdf",
                filename="Faktura.pdf",
            ),
        )
    draft = Invoice(
        kind="CreditNote" if credit else "Invoice",
        id=f"{issue.year}-{draw(st.integers(1, 99999))}",
        issue_date=issue,
        type_code="381" if credit else "380",
        currency=currency,
        seller=seller,
        buyer=buyer,
        totals=TO_COMPUTE,
        lines=the_lines,
        due_date=due,
        notes=draw(st.lists(text, max_size=1).map(tuple)),
        tax_currency="NOK" if currency != "NOK" else None,
        buyer_reference=draw(text),
        period=period,
        order_reference="PO-1" if sales_order else draw(st.none() | st.just("PO-1")),
        tax_point_date=None if vat_date_code else draw(st.none() | st.just(issue)),
        preceding_invoices=(PrecedingInvoice("2025-1", date(2025, 1, 1)),) if credit else (),
        contract_reference=draw(st.none() | st.just("K-1")),
        project_reference=draw(st.none() | st.just("P-1")),
        attachments=attachments,
        delivery=delivery,
        payment_means=(pm,),
        payee=draw(
            st.none()
            | st.builds(Payee, st.just("Factoring AS"), orgnrs.map(lambda o: Identifier(o, "0192")), st.none())
        ),
        tax_representative=None
        if outside
        else draw(st.none() | st.just(TaxRepresentative("Representant AS", "NO987654325MVA", Address("NO")))),
        invoiced_object=draw(st.none() | st.just(Identifier("MÅLER-1", "AAB"))),
        despatch_reference=draw(st.none() | st.just("D-1")),
        receipt_reference=draw(st.none() | st.just("R-1")),
        originator_reference=draw(st.none() | st.just("ANBUD-1")),
        sales_order_reference="SO-1" if sales_order else None,
        accounting_cost=draw(st.none() | st.just("Prosjekt 1")),
        payment_terms=draw(st.none() | st.just("14 dager netto")),
        allowances_charges=draw(document_acs(categories)),
    )
    kwargs: dict[str, Any] = {}
    if currency != "NOK":
        kwargs["exchange_rate"] = draw(money("0.5", "12", 4))
    if draw(st.booleans()):
        kwargs["round_payable_to"] = D("1")
    if draw(st.integers(0, 4)) == 0:
        kwargs["prepaid"] = draw(money("1", "100"))
    return draft, kwargs


@st.composite
def invoices(draw: st.DrawFn) -> Invoice:
    """A completed, valid invoice or credit note."""
    draft, kwargs = draw(drafts())
    return complete(draft, **kwargs)
