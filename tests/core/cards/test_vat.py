"""Norwegian VAT of card-bought items (mval), is_foreign, and the shop lookup by merchant text."""

from __future__ import annotations

import types
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fakturaflyt.core.cards import amazon, shop_by_name, shop_for_merchant
from fakturaflyt.core.cards.orders import OrderLine
from fakturaflyt.core.cards.vat import VatDecision, is_foreign, item_kind, vat_for_line
from fakturaflyt.core.vat import STANDARD_VAT_CODES


def line(net: str, vat: str = "0", *, currency: str = "NOK", title: str = "Item", category: str = "", qty: int = 1):
    return OrderLine(
        order_id="1",
        title=title,
        net=Decimal(net),
        vat=Decimal(vat),
        currency=currency,
        category=category,
        quantity=Decimal(qty),
    )


# -- domestic ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("net", "vat", "code", "rate"),
    [
        ("80.00", "20.00", "1", "25"),
        ("100.00", "15.00", "11", "15"),
        ("100.00", "12.00", "13", "12"),
        ("100.00", "25.60", "1", "25"),  # within one percentage point
        ("0.37", "0.08", "1", "25"),  # rounding of small amounts: 21.6 % is still 25 %
        ("-80.00", "-20.00", "1", "25"),  # a return
    ],
)
def test_domestic_rate_from_tax(net: str, vat: str, code: str, rate: str) -> None:
    d = vat_for_line(line(net, vat), foreign=False)
    assert (d.code, d.rate, d.deductible_charged_vat, d.review) == (code, Decimal(rate), True, False)
    assert f"code {code}" in d.reason


def test_domestic_unusual_rate_is_flagged_not_silent() -> None:
    d = vat_for_line(line("100.00", "19.00"), foreign=False)  # German-like 19 %
    assert d.code in ("1", "11") and d.review
    assert "fits no Norwegian rate" in d.reason and "19" in d.reason and "assumed" in d.reason


def test_domestic_tax_without_net_is_flagged() -> None:
    d = vat_for_line(line("0.00", "5.00"), foreign=False)
    assert d.code == "1" and d.review and "check the receipt" in d.reason


def test_domestic_without_tax_is_code_0() -> None:
    d = vat_for_line(line("199.00"), foreign=False)
    assert (d.code, d.rate, d.deductible_charged_vat) == ("0", Decimal("0"), False)


# -- foreign ----------------------------------------------------------------------------------------------------


def test_foreign_goods_import_vat_self_assessed() -> None:
    d = vat_for_line(line("80.00", "15.20", currency="EUR", title="Headset", category="44121600"), foreign=True)
    assert (d.code, d.rate, d.deductible_charged_vat) == ("81", Decimal("25"), False)
    assert d.reason.startswith("Imported goods: import VAT self-assessed (code 81, 25 %).")
    assert "15.20 EUR tax charged by the shop is foreign" in d.reason


def test_foreign_goods_without_tax_no_foreign_note() -> None:
    d = vat_for_line(line("80.00", currency="USD", title="USB-C cable"), foreign=True)
    assert d.code == "81" and "foreign, not deductible" not in d.reason and not d.review


@pytest.mark.parametrize(
    ("category", "title"),
    [("Books", "Clean Code"), ("55101509", "A textbook"), ("Bücher", "Der Process"), ("", "Clean Code (Paperback)")],
)
def test_foreign_printed_books_zero_rated_import(category: str, title: str) -> None:
    d = vat_for_line(line("30.00", "2.10", currency="EUR", title=title, category=category), foreign=True)
    assert (d.code, d.rate, d.deductible_charged_vat) == ("85", Decimal("0"), False)
    assert d.review == (category == "")  # the title is weak evidence


@pytest.mark.parametrize(
    ("category", "title"),
    [
        ("Software Download", "Office 2024"),
        ("43231500", "Accounting software"),
        ("Digital Music", "Album"),
        ("Apps & Games", "Some app"),
        ("81112501", "Cloud hosting"),
        ("Subscription", "Magazine service"),
        ("Professional Services", "Installation"),
    ],
)
def test_foreign_services_reverse_charge(category: str, title: str) -> None:
    d = vat_for_line(line("10.00", "1.90", currency="EUR", title=title, category=category), foreign=True)
    assert (d.code, d.rate, d.deductible_charged_vat) == ("86", Decimal("25"), False)
    assert "reverse charge" in d.reason and "code 86" in d.reason


def test_foreign_software_in_a_box_is_goods() -> None:
    d = vat_for_line(
        line("50.00", currency="EUR", title="Antivirus 2026 (Box, DVD)", category="Software"), foreign=True
    )
    assert d.code == "81"


def test_foreign_title_only_service_is_flagged_weak() -> None:
    d = vat_for_line(line("9.99", currency="USD", title="Game X [PC Code - Steam]"), foreign=True)
    assert d.code == "86" and d.review and "title" in d.reason


@pytest.mark.parametrize(
    ("category", "title"), [("Kindle Store", "Clean Architecture"), ("", "Clean Architecture (Kindle Edition)")]
)
def test_foreign_ebooks_zero_rated(category: str, title: str) -> None:
    d = vat_for_line(line("25.00", currency="EUR", title=title, category=category), foreign=True)
    assert (d.code, d.rate) == ("0", Decimal("0")) and "zero-rated" in d.reason


def test_kindle_device_is_goods_not_ebook() -> None:
    d = vat_for_line(line("120.00", currency="EUR", title="Kindle Paperwhite", category="Electronics"), foreign=True)
    assert d.code == "81"


def test_foreign_food_middle_rate_but_not_pet_food() -> None:
    assert (
        vat_for_line(line("12.00", currency="EUR", title="Coffee beans", category="Grocery"), foreign=True).code == "83"
    )
    assert vat_for_line(line("12.00", currency="EUR", title="Dog food", category="Pet food"), foreign=True).code == "81"
    assert vat_for_line(line("12.00", currency="EUR", title="Tea", category="50201706"), foreign=True).code == "83"


def test_gift_card_is_code_0_both_ways() -> None:
    for foreign in (True, False):
        d = vat_for_line(line("50.00", currency="EUR", title="Amazon.de Geschenkkarte"), foreign=foreign)
        assert d.code == "0" and "Gift card" in d.reason


def test_item_kind_evidence() -> None:
    assert item_kind(line("1", category="81112501")) == ("service", "UNSPSC 81112501", False)
    assert item_kind(line("1", category="44121600", title="Download cable")) == ("goods", "UNSPSC 44121600", False)


@settings(max_examples=200, deadline=None)
@given(
    net=st.decimals(min_value=Decimal("-10000"), max_value=Decimal("10000"), places=2),
    vat=st.decimals(min_value=Decimal("-3000"), max_value=Decimal("3000"), places=2),
    foreign=st.booleans(),
    title=st.text(max_size=40),
    category=st.text(max_size=20),
)
def test_every_line_gets_a_known_code(net: Decimal, vat: Decimal, foreign: bool, title: str, category: str) -> None:
    item = OrderLine(
        order_id="1", title=title, net=net, vat=vat, category=category, currency="EUR" if foreign else "NOK"
    )
    d = vat_for_line(item, foreign=foreign)
    assert isinstance(d, VatDecision)
    assert d.code in STANDARD_VAT_CODES and d.rate == STANDARD_VAT_CODES[d.code].rate and d.reason
    if foreign:
        assert not d.deductible_charged_vat and d.code in ("0", "81", "83", "85", "86")
    else:
        assert d.code in ("0", "1", "11", "13")


@settings(max_examples=200, deadline=None)
@given(
    net=st.decimals(min_value=Decimal("1.00"), max_value=Decimal("100000"), places=2),  # below, rates blur
    rate=st.sampled_from([("25", "1"), ("15", "11"), ("12", "13")]),
)
def test_domestic_rounded_tax_always_finds_its_rate(net: Decimal, rate: tuple[str, str]) -> None:
    vat = (net * Decimal(rate[0]) / 100).quantize(Decimal("0.01"))
    if vat == 0:
        return
    d = vat_for_line(line(str(net), str(vat)), foreign=False)
    assert d.code == rate[1] and not d.review


# -- is_foreign and shops -------------------------------------------------------------------------------------------


def test_is_foreign() -> None:
    nok = line("10")
    assert is_foreign(amazon, nok) and is_foreign("amazon", nok)  # Amazon has no Norwegian store
    assert is_foreign(None, line("10", currency="EUR")) and not is_foreign(None, nok)
    domestic = types.ModuleType("komplett")
    domestic.DOMESTIC = True  # type: ignore[attr-defined]
    assert not is_foreign(domestic, nok) and is_foreign(domestic, line("10", currency="SEK"))
    assert is_foreign(types.ModuleType("nodecl"), nok)  # not declared domestic
    assert not is_foreign("no-such-shop", nok)


@pytest.mark.parametrize(
    ("merchant", "shop"),
    [
        ("AMZN MKTP DE*2X4AB12C3", "amazon"),
        ("AMAZON.DE", "amazon"),
        ("Amazon Business EU", "amazon"),
        ("amzn mktp uk", "amazon"),
        ("AMZNMKTPLACE", "amazon"),
        ("WWW.AMAZON.CO.UK*AB12CD", "amazon"),
        ("REMA 1000", None),
        ("AMAZON WEB SERVICES", None),
        ("AWS EMEA", None),
        ("PAYPAL *NETFLIX", None),
        ("", None),
    ],
)
def test_shop_for_merchant(merchant: str, shop: str | None) -> None:
    assert shop_for_merchant(merchant) == shop


def test_shop_by_name() -> None:
    assert shop_by_name("Amazon") is amazon and shop_by_name("komplett") is None
    assert amazon.DOMESTIC is False and amazon.MERCHANT_PATTERNS
