"""EN 16931 calculation (calc.py) on hand-computed Norwegian invoices."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import pytest

from fakturaflyt.core.ehf.calc import (
    TO_COMPUTE,
    allowance,
    charge,
    complete,
    invoice_line,
    line_net_amount,
    norwegian_party,
    vat_breakdown,
)
from fakturaflyt.core.ehf.model import (
    Address,
    AllowanceCharge,
    Invoice,
    Item,
    Line,
    PrecedingInvoice,
    Price,
    Totals,
    VatBreakdown,
)
from fakturaflyt.core.errors import FormatError, RuleViolation

D = Decimal
SELLER = norwegian_party(
    "923609016", "Fjordkontoret AS", Address("NO", street="Storgata 1", city="Oslo", postal_zone="0155")
)
BUYER = norwegian_party(
    "974760673", "Kommunen", Address("NO", city="Bergen", postal_zone="5003"), foretaksregisteret=False
)


def make(lines: tuple[Line, ...], **kw: object) -> Invoice:
    fields: dict[str, object] = {"buyer_reference": "Kari Nordmann"} | kw
    return Invoice("Invoice", "2026-001", date(2026, 3, 2), "380", "NOK", SELLER, BUYER, TO_COMPUTE, lines, **fields)  # type: ignore[arg-type]


def item(rate: str | None, category: str = "S", name: str = "Vare") -> Item:
    return Item(name, category, None if rate is None else D(rate))


def groups(inv: Invoice) -> list[tuple[str, Decimal | None, Decimal, Decimal]]:
    return [(b.category, b.rate, b.taxable_amount, b.tax_amount) for b in inv.vat_breakdown]


# --- line net amount -----------------------------------------------------------------------------


def test_line_net_is_quantity_times_price_rounded_half_up() -> None:
    # given 3 × 33.335 = 100.005  # when  # then half up, not to even
    assert line_net_amount(D("3"), Price(D("33.335"))) == D("100.01")
    assert line_net_amount(D("1"), Price(D("0.125"))) == D("0.13")
    assert line_net_amount(D("-2"), Price(D("10.005"))) == D("-20.01")


def test_line_net_uses_base_quantity() -> None:
    # 250 kg at NOK 89.00 per 100 kg
    assert line_net_amount(D("250"), Price(D("89.00"), base_quantity=D("100"), base_quantity_unit="KGM")) == D("222.50")


def test_line_net_adds_charges_and_subtracts_allowances() -> None:
    acs = [AllowanceCharge(False, D("22.25"), "Rabatt"), AllowanceCharge(True, D("49.00"), "Montering")]
    assert line_net_amount(D("2"), Price(D("100")), acs) == D("226.75")


def test_invoice_line_computes_net_and_accepts_a_bare_price() -> None:
    ln = invoice_line("1", item("25"), D("7.5"), D("1200"), unit_code="HUR")
    assert (ln.net_amount, ln.price, ln.unit_code) == (D("9000.00"), Price(D("1200")), "HUR")


def test_allowance_and_charge_from_percentage() -> None:
    a = allowance(percent=D("10"), base_amount=D("222.50"), reason="Rabatt", reason_code="95")
    assert (a.is_charge, a.amount, a.percent, a.base_amount) == (False, D("22.25"), D("10"), D("222.50"))
    c = charge(percent=D("2.5"), base_amount=D("1000.10"), reason="Gebyr", vat_category="S", vat_rate=D("25"))
    assert (c.is_charge, c.amount) == (True, D("25.00"))  # 25.0025
    with pytest.raises(RuleViolation) as exc:
        allowance(percent=D("10"), reason="Rabatt")
    assert exc.value.code == "PEPPOL-EN16931-R040"


def test_allowance_in_category_o_has_no_rate() -> None:
    assert allowance(D("10"), reason="x", vat_category="O", vat_rate=D("0")).vat_rate is None


# --- Norwegian party -------------------------------------------------------------------------------


def test_norwegian_party_defaults() -> None:
    assert SELLER.endpoint is not None and SELLER.legal_id is not None
    assert (SELLER.endpoint.scheme, SELLER.endpoint.value) == ("0192", "923609016")
    assert (SELLER.legal_id.scheme, SELLER.legal_id.value) == ("0192", "923609016")
    assert SELLER.vat_id == "NO923609016MVA"
    assert SELLER.tax_registration_id == "Foretaksregisteret"
    assert BUYER.tax_registration_id is None


def test_norwegian_party_not_vat_registered_has_no_mva_number() -> None:
    p = norwegian_party("974 760 673", "Lag og forening", Address("NO"), vat_registered=False, foretaksregisteret=False)
    assert (p.vat_id, p.tax_registration_id, p.registration_name) == (None, None, "Lag og forening")


def test_norwegian_party_refuses_a_wrong_orgnr() -> None:
    with pytest.raises(FormatError) as exc:
        norwegian_party("923609017", "Feil AS", Address("NO"))
    assert exc.value.code == "FF-ORGNR-INVALID"


# --- whole invoices --------------------------------------------------------------------------------


def test_all_norwegian_rates_and_zero_and_exempt() -> None:
    # given: consulting 25 %, food 15 %, hotel 12 %, newspapers zero-rated, health service exempt
    lines = (
        invoice_line("1", item("25", name="Rådgivning"), D("10"), D("950.00"), unit_code="HUR"),
        invoice_line("2", item("15", name="Lunsj"), D("4"), D("89.90")),
        invoice_line("3", item("12", name="Hotellnatt"), D("2"), D("1234.00"), unit_code="DAY"),
        invoice_line("4", item("0", "Z", "Avis"), D("1"), D("500")),
        invoice_line("5", item("0", "E", "Legetime"), D("1"), D("750")),
    )
    reason = VatBreakdown("E", D("0"), D("0"), D("0"), "Unntatt etter mval. § 3-2 (helsetjenester)")
    # when
    inv = complete(make(lines, vat_breakdown=(reason,)))
    # then
    assert groups(inv) == [
        ("S", D("25"), D("9500.00"), D("2375.00")),
        ("S", D("15"), D("359.60"), D("53.94")),
        ("S", D("12"), D("2468.00"), D("296.16")),
        ("Z", D("0"), D("500.00"), D("0.00")),
        ("E", D("0"), D("750.00"), D("0.00")),
    ]
    e = inv.vat_breakdown[-1]
    assert (e.exemption_reason, e.exemption_reason_code) == ("Unntatt etter mval. § 3-2 (helsetjenester)", None)
    assert all(b.exemption_reason is None and b.exemption_reason_code is None for b in inv.vat_breakdown[:4])
    assert inv.totals == Totals(
        line_extension=D("13577.60"), tax_exclusive=D("13577.60"), tax_inclusive=D("16302.70"), payable=D("16302.70")
    )
    assert inv.tax_total == D("2725.10")
    assert inv.tax_total_in_tax_currency is None


def test_document_discount_and_freight_charge() -> None:
    lines = (
        invoice_line("1", item("25"), D("3"), D("199.00")),
        invoice_line("2", item("15"), D("2"), D("45.50")),
    )
    acs = (
        allowance(
            percent=D("10"),
            base_amount=D("597.00"),
            reason="Rabatt",
            reason_code="95",
            vat_category="S",
            vat_rate=D("25"),
        ),
        charge(D("149.00"), reason="Frakt", reason_code="FC", vat_category="S", vat_rate=D("25")),
    )
    inv = complete(make(lines, allowances_charges=acs))
    # 25 %: 597.00 - 59.70 + 149.00 = 686.30, VAT 171.575 -> 171.58; 15 %: 91.00, VAT 13.65
    assert groups(inv) == [("S", D("25"), D("686.30"), D("171.58")), ("S", D("15"), D("91.00"), D("13.65"))]
    assert inv.totals == Totals(
        line_extension=D("688.00"),
        tax_exclusive=D("777.30"),
        tax_inclusive=D("962.53"),
        payable=D("962.53"),
        allowance_total=D("59.70"),
        charge_total=D("149.00"),
    )


def test_line_discounts_price_discount_and_base_quantity() -> None:
    lines = (
        invoice_line(
            "1",
            item("15", name="Laks"),
            D("250"),
            Price(D("89.00"), base_quantity=D("100"), base_quantity_unit="KGM"),
            unit_code="KGM",
            allowances_charges=(allowance(percent=D("10"), base_amount=D("222.50"), reason="Volumrabatt"),),
        ),
        invoice_line(
            "2",
            item("25", name="Vaskemaskin"),
            D("3"),
            Price(D("1299.00"), gross_amount=D("1499.00"), discount=D("200.00")),
            allowances_charges=(charge(D("49.00"), reason="Montering"),),
        ),
    )
    inv = complete(make(lines))
    assert [ln.net_amount for ln in inv.lines] == [D("200.25"), D("3946.00")]
    assert groups(inv) == [("S", D("15"), D("200.25"), D("30.04")), ("S", D("25"), D("3946.00"), D("986.50"))]
    assert (inv.totals.line_extension, inv.tax_total, inv.totals.payable) == (D("4146.25"), D("1016.54"), D("5162.79"))


def test_vat_is_rounded_per_category_not_per_line() -> None:
    # BR-CO-17: 3 × 2.5025 would give 7.50 line by line; 30.03 × 25 % = 7.5075 gives 7.51
    lines = tuple(invoice_line(str(i), item("25"), D("1"), D("10.01")) for i in range(3))
    assert complete(make(lines)).tax_total == D("7.51")


def test_vat_rounds_half_up() -> None:
    assert groups(complete(make((invoice_line("1", item("25"), D("1"), D("0.50")),)))) == [
        ("S", D("25"), D("0.50"), D("0.13"))
    ]


def test_credit_note() -> None:
    lines = (invoice_line("1", item("25"), D("2"), D("450.00")),)
    inv = complete(
        dataclasses.replace(
            make(lines), kind="CreditNote", type_code="381", preceding_invoices=(PrecedingInvoice("2026-001"),)
        )
    )
    assert (inv.kind, inv.tax_total, inv.totals.payable) == ("CreditNote", D("225.00"), D("1125.00"))


def test_negative_lines_give_negative_totals() -> None:
    lines = (invoice_line("1", item("25"), D("-2"), D("450.00")), invoice_line("2", item("25"), D("1"), D("100.00")))
    inv = complete(make(lines))
    assert (inv.totals.line_extension, inv.tax_total, inv.totals.payable) == (D("-800.00"), D("-200.00"), D("-1000.00"))


def test_eur_invoice_with_vat_in_nok() -> None:
    lines = (invoice_line("1", item("25"), D("12"), D("110.00"), unit_code="HUR"),)
    draft = dataclasses.replace(make(lines), currency="EUR", tax_currency="NOK")
    inv = complete(draft, exchange_rate=D("11.7325"))
    # 330.00 EUR × 11.7325 = 3871.725 -> 3871.73 NOK
    assert (inv.tax_total, inv.tax_total_in_tax_currency, inv.totals.payable) == (
        D("330.00"),
        D("3871.73"),
        D("1650.00"),
    )


def test_foreign_currency_without_rate_is_refused_unless_bt111_given() -> None:
    draft = dataclasses.replace(
        make((invoice_line("1", item("25"), D("1"), D("100")),)), currency="EUR", tax_currency="NOK"
    )
    with pytest.raises(RuleViolation) as exc:
        complete(draft)
    assert exc.value.code == "BR-53"
    kept = complete(dataclasses.replace(draft, tax_total_in_tax_currency=D("293.31")))
    assert kept.tax_total_in_tax_currency == D("293.31")


def test_rounding_to_whole_kroner_up_and_down() -> None:
    # 99.99 (15 %: 14.9985 -> 15.00) + 12.49 (25 %: 3.1225 -> 3.12) = 130.60 with VAT
    lines = (invoice_line("1", item("15"), D("3"), D("33.33")), invoice_line("2", item("25"), D("1"), D("12.49")))
    up = complete(make(lines), round_payable_to=D("1"))
    assert (up.totals.tax_inclusive, up.totals.rounding, up.totals.payable) == (D("130.60"), D("0.40"), D("131.00"))
    down = complete(make((lines[0], invoice_line("2", item("25"), D("1"), D("12.17")))), round_payable_to=D("1"))
    # 99.99 + 15.00 + 12.17 + 3.04 = 130.20
    assert (down.totals.tax_inclusive, down.totals.rounding, down.totals.payable) == (
        D("130.20"),
        D("-0.20"),
        D("130.00"),
    )


def test_rounding_with_prepaid_and_no_rounding_needed() -> None:
    lines = (invoice_line("1", item("25"), D("1"), D("100.48")),)  # 125.60 with VAT
    inv = complete(make(lines), prepaid=D("100.00"), round_payable_to=D("1"))
    assert (inv.totals.prepaid, inv.totals.rounding, inv.totals.payable) == (D("100.00"), D("0.40"), D("26.00"))
    exact = complete(make((invoice_line("1", item("25"), D("1"), D("100")),)), round_payable_to=D("1"))
    assert (exact.totals.rounding, exact.totals.payable) == (None, D("125.00"))


def test_prepaid_and_rounding_given_in_totals_are_kept() -> None:
    given = Totals(D("0"), D("0"), D("0"), D("0"), prepaid=D("25.00"), rounding=D("0.01"))
    inv = complete(dataclasses.replace(make((invoice_line("1", item("25"), D("1"), D("99.99")),)), totals=given))
    # 99.99 + 25.00 (24.9975) = 124.99; - 25.00 + 0.01 = 100.00
    assert (inv.totals.prepaid, inv.totals.rounding, inv.totals.payable) == (D("25.00"), D("0.01"), D("100.00"))


def test_default_exemption_reasons() -> None:
    lines = (invoice_line("1", item("0", "AE", "Byggearbeid"), D("1"), D("10000")),)
    ae = complete(make(lines)).vat_breakdown[0]
    assert (ae.exemption_reason_code, ae.exemption_reason) == ("VATEX-EU-AE", "Omvendt avgiftsplikt")
    o = complete(make((invoice_line("1", item(None, "O", "Gave"), D("1"), D("10")),))).vat_breakdown[0]
    assert (o.category, o.rate, o.tax_amount, o.exemption_reason_code) == ("O", None, D("0.00"), "VATEX-EU-O")


def test_caller_exemption_code_is_kept() -> None:
    lines = (invoice_line("1", item("0", "G", "Eksportvare"), D("1"), D("10")),)
    given = (VatBreakdown("G", D("0"), D("0"), D("0"), None, "VATEX-EU-G"),)
    g = complete(make(lines, vat_breakdown=given)).vat_breakdown[0]
    assert (g.exemption_reason_code, g.exemption_reason) == ("VATEX-EU-G", None)


def test_document_allowance_without_vat_category_is_refused() -> None:
    with pytest.raises(RuleViolation) as exc:
        vat_breakdown([], [AllowanceCharge(False, D("10"), "Rabatt")])
    assert exc.value.code == "BR-32"


def test_recompute_lines() -> None:
    ln = invoice_line("1", item("25"), D("2"), D("100"))
    edited = dataclasses.replace(make((ln,)), lines=(dataclasses.replace(ln, quantity=D("3")),))
    assert complete(edited).totals.line_extension == D("200.00")  # kept as given
    assert complete(edited, recompute_lines=True).totals.line_extension == D("300.00")
