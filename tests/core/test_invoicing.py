"""The invoicing core: KID for every agreement, VAT categories, legal content (§ 5-1-1), the voucher."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fakturaflyt.core.ehf.calc import TO_COMPUTE, complete, invoice_line, norwegian_party
from fakturaflyt.core.ehf.model import Address, Delivery, Invoice, Item, PrecedingInvoice, Price
from fakturaflyt.core.errors import FormatError
from fakturaflyt.core.identifiers import validate_kid
from fakturaflyt.core.invoicing import (
    KidScheme,
    LineAccount,
    allocate,
    kid_for,
    legal_problems,
    line_net,
    vat_in_nok,
    vat_totals,
    vat_treatment,
    voucher_lines,
)
from fakturaflyt.core.ledger import check_voucher, totals

D = Decimal


# --------------------------------------------------------------------------- KID


@given(
    method=st.sampled_from(["mod10", "mod11"]),
    allow_dash=st.booleans(),
    customer_digits=st.integers(0, 8),
    invoice_digits=st.integers(1, 9),
    fixed=st.booleans(),
    customer=st.integers(0, 10**8 - 1),
    number=st.integers(1, 10**9 - 1),
)
def test_a_kid_is_valid_for_its_method_and_length(
    method: str, allow_dash: bool, customer_digits: int, invoice_digits: int, fixed: bool, customer: int, number: int
) -> None:
    customer %= 10**customer_digits
    number %= 10**invoice_digits
    scheme = KidScheme(method, 0, customer_digits, invoice_digits, allow_dash)  # type: ignore[arg-type]
    length = scheme.base_digits + 1 + (3 if fixed else 0)
    scheme = dataclasses.replace(scheme, length=length if fixed else 0)
    kid = kid_for(scheme, customer, number)
    assert len(kid) == (length if fixed else scheme.base_digits + 1)
    if kid.endswith("-"):
        assert method == "mod11" and allow_dash
        return
    assert validate_kid(kid, method) == kid  # type: ignore[arg-type]
    # the numbers can be read back from their places
    base = kid[:-1][-scheme.base_digits :]
    if customer_digits:
        assert int(base[:customer_digits]) == customer
    assert int(base[customer_digits : customer_digits + invoice_digits]) == number


def test_mod11_without_dash_uses_the_running_digit_and_never_collides() -> None:
    scheme = KidScheme("mod11", length=0, customer_digits=0, invoice_digits=4)
    kids = [kid_for(scheme, 0, n) for n in range(1, 2000)]
    assert len(set(kids)) == len(kids)
    assert all(validate_kid(k, "mod11") == k and "-" not in k and len(k) == 6 for k in kids)
    running = [k[-2] for k in kids]
    assert set(running) == {"0", "1"} and 100 < running.count("1") < 300  # about one in eleven


def test_mod11_with_dash_allowed_keeps_the_dash() -> None:
    scheme = KidScheme("mod11", customer_digits=0, invoice_digits=6, allow_dash=True)
    kids = [kid_for(scheme, 0, n) for n in range(1, 100)]
    assert any(k.endswith("-") for k in kids) and all(len(k) == 7 for k in kids)


@pytest.mark.parametrize(
    ("scheme", "customer", "number", "location"),
    [
        (KidScheme("mod10", 0, 2, 4), 100, 1, "customer number digits in KID"),
        (KidScheme("mod10", 0, 2, 4), 1, 10000, "invoice number digits in KID"),
        (KidScheme("mod10", 8, 3, 5), 1, 1, "KID length"),
        (KidScheme("mod11", 8, 2, 5), 1, 1, "KID length"),  # 2 + 5 + running + check = 9 > 8
        (KidScheme("mod10", 30, 5, 7), 1, 1, "KID length"),
        (KidScheme("mod10", 0, 0, 0), 1, 1, "KID"),
    ],
)
def test_numbers_that_do_not_fit_name_the_setting(scheme: KidScheme, customer: int, number: int, location: str) -> None:
    with pytest.raises(FormatError) as exc:
        kid_for(scheme, customer, number)
    assert exc.value.code == "FF-KID-LENGTH" and exc.value.problems[0].location == location


# --------------------------------------------------------------------------- VAT and amounts


@pytest.mark.parametrize(
    ("code", "rate", "category", "exemption"),
    [
        ("3", "25", "S", None),
        ("31", "15", "S", None),
        ("33", "12", "S", None),
        ("32", "11.11", "S", None),
        ("5", "0", "Z", None),
        ("51", "0", "AE", "VATEX-EU-AE"),
        ("52", "0", "G", "VATEX-EU-G"),
        ("6", "0", "E", None),
        ("7", "0", "E", None),
    ],
)
def test_vat_codes_map_to_en16931_categories(code: str, rate: str, category: str, exemption: str | None) -> None:
    t = vat_treatment(code, D(rate))
    assert (t.category, t.exemption_code) == (category, exemption)
    assert t.rate == D(rate)
    if category not in ("S", "Z"):
        assert t.exemption_reason  # BR-E-10, BR-AE-10, BR-G-10


def test_input_codes_and_vat_without_registration_are_refused() -> None:
    with pytest.raises(FormatError):
        vat_treatment("1", D("25"))
    with pytest.raises(FormatError):
        vat_treatment("3", D("25"), seller_vat_registered=False)
    assert vat_treatment("7", D("0"), seller_vat_registered=False).category == "O"


def test_line_net_and_totals_round_as_the_ehf() -> None:
    assert line_net(D("3"), D("999.90"), D("10")) == D("2699.73")
    assert line_net(D("0.5"), D("0.01")) == D("0.01")
    s25 = vat_treatment("3", D("25"))
    assert vat_totals([(s25, D("10.01")), (s25, D("10.01")), (vat_treatment("5", D(0)), D("5"))]) == (
        D("25.02"),
        D("5.01"),
    )


def test_allocate_sums_exactly() -> None:
    parts = [D("100.005"), D("-20.005"), D("0.333")]
    out = allocate(D("1000.00"), parts, D("12.3457"))
    assert sum(out) == D("1000.00")
    assert allocate(D("0"), []) == []


# --------------------------------------------------------------------------- legal content and voucher

SELLER = norwegian_party("923609016", "Selger AS", Address("NO", street="Gata 1", city="Oslo", postal_zone="0150"))
BUYER = norwegian_party(
    "974760673",
    "Kjøper AS",
    Address("NO", street="Vei 2", city="Bergen", postal_zone="5020"),
    vat_registered=False,
    foretaksregisteret=False,
)


def _invoice(*lines: tuple[str, str, str, str], currency: str = "NOK", rate: Decimal | None = None, **kw) -> Invoice:
    built = tuple(
        invoice_line(str(i), Item(name, vat_treatment(code, D(r)).category, D(r)), D("1"), Price(D(price)))
        for i, (name, code, r, price) in enumerate(lines, start=1)
    )
    inv = Invoice(
        "Invoice",
        "10001",
        date(2026, 3, 2),
        "380",
        currency,
        SELLER,
        BUYER,
        TO_COMPUTE,
        built,
        due_date=date(2026, 3, 16),
        delivery=Delivery(date(2026, 3, 2)),
        tax_currency="NOK" if currency != "NOK" else None,
        **kw,
    )
    return complete(inv, exchange_rate=rate)


def test_a_complete_invoice_has_no_legal_problems() -> None:
    assert legal_problems(_invoice(("Stol", "3", "25", "100")), seller_is_as=True) == []


def test_every_missing_term_is_reported() -> None:
    inv = _invoice(("", "51", "0", "100"), currency="EUR", rate=None, tax_total_in_tax_currency=D("0"))
    bare_buyer = dataclasses.replace(BUYER, address=Address("NO"), legal_id=None)
    bare_seller = dataclasses.replace(SELLER, vat_id=None, tax_registration_id=None)
    inv = dataclasses.replace(
        inv,
        id="",
        buyer=bare_buyer,
        seller=bare_seller,
        due_date=None,
        delivery=None,
        tax_currency=None,
        vat_breakdown=tuple(dataclasses.replace(b, exemption_reason=None) for b in inv.vat_breakdown),
    )
    codes = [p.code for p in legal_problems(inv, seller_is_as=True)]
    assert codes == [
        "FF-INV-NUMBER",
        "FF-INV-BUYER",
        "FF-INV-SELLER-MVA",
        "FF-INV-FORETAKSREGISTERET",
        "FF-INV-LINE",
        "FF-INV-DELIVERY",
        "FF-INV-VAT-NOK",
        "FF-INV-DUE-DATE",
        "FF-INV-REVERSE-CHARGE",
    ]


def test_a_credit_note_must_name_its_invoice() -> None:
    note = dataclasses.replace(_invoice(("Stol", "3", "25", "100")), kind="CreditNote", type_code="381", due_date=None)
    assert [p.code for p in legal_problems(note, seller_is_as=True)] == ["FF-INV-CREDIT-REF"]
    ok = dataclasses.replace(note, preceding_invoices=(PrecedingInvoice("10000", date(2026, 3, 1)),))
    assert legal_problems(ok, seller_is_as=True) == []


ACCOUNTS = {
    "1": LineAccount("3000", "3", "2700", department="100"),
    "2": LineAccount("3000", "31", "2701"),
    "3": LineAccount("3100", "5"),
}


def test_the_voucher_balances_with_receivable_revenue_and_vat_per_code() -> None:
    inv = _invoice(("A", "3", "25", "100.01"), ("B", "31", "15", "33.33"), ("C", "5", "0", "50"))
    lines = voucher_lines(inv, ACCOUNTS, customer_id=7, description="Faktura 10001")
    assert check_voucher(lines) == []
    assert [(ln.account, ln.debit, ln.credit, ln.vat_code, ln.customer_id) for ln in lines] == [
        ("1500", D("213.34"), D("0.00"), None, 7),
        ("3000", D("0.00"), D("100.01"), "3", None),
        ("3000", D("0.00"), D("33.33"), "31", None),
        ("3100", D("0.00"), D("50.00"), "5", None),
        ("2700", D("0.00"), D("25.00"), "3", None),
        ("2701", D("0.00"), D("5.00"), "31", None),
    ]
    assert lines[1].department == "100" and lines[1].vat_base == D("100.01")


def test_a_credit_note_posts_the_mirror() -> None:
    inv = _invoice(("A", "3", "25", "100.01"), ("B", "31", "15", "33.33"), ("C", "5", "0", "50"))
    note = dataclasses.replace(inv, kind="CreditNote", type_code="381")
    a = voucher_lines(inv, ACCOUNTS, customer_id=7)
    b = voucher_lines(note, ACCOUNTS, customer_id=7)
    assert [(x.account, x.debit, x.credit) for x in a] == [(y.account, y.credit, y.debit) for y in b]
    assert [x.vat_base for x in b if x.vat_base is not None] == [D("-100.01"), D("-33.33"), D("-50.00")]


@given(
    prices=st.lists(st.decimals(D("0.01"), D("99999.99"), places=2), min_size=1, max_size=6),
    rate=st.decimals(D("0.5"), D("20"), places=4),
)
def test_a_currency_voucher_balances_to_the_ore_and_states_bt111(prices: list[Decimal], rate: Decimal) -> None:
    codes = [("3", "25"), ("31", "15"), ("33", "12"), ("52", "0")]
    lines = tuple((f"L{i}", *codes[i % 4], str(p)) for i, p in enumerate(prices))
    inv = _invoice(*lines, currency="EUR", rate=rate)  # type: ignore[arg-type]
    vat_accounts = {"3": "2700", "31": "2701", "33": "2703"}
    accounts = {
        str(i + 1): LineAccount("3000" if i % 2 else "3100", codes[i % 4][0], vat_accounts.get(codes[i % 4][0], ""))
        for i in range(len(prices))
    }
    out = voucher_lines(inv, accounts, customer_id=1, exchange_rate=rate)
    assert check_voucher(out) == []
    debit, _credit = totals(out)
    assert debit == (inv.totals.payable * rate).quantize(D("0.01"), "ROUND_HALF_UP")
    assert sum(ln.credit for ln in out if ln.account.startswith("27")) == inv.tax_total_in_tax_currency
    assert sum(n for _c, _r, n in vat_in_nok(inv, rate)) == inv.tax_total_in_tax_currency
    assert all(ln.currency == "EUR" and ln.exchange_rate == rate for ln in out)
