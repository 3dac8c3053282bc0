"""Matching charges to shipments and the exact pro-rata split."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from fakturaflyt.core.cards._csv import OSLO
from fakturaflyt.core.cards.amazon import read_business
from fakturaflyt.core.cards.orders import OrderLine
from fakturaflyt.core.cards.split import allocate, match_charges
from fakturaflyt.core.cards.statement import CardTransaction, merchant_payment_ref
from tests.core.cards.conftest import business_report, item


def charge(amount: str, merchant: str = "AMAZON.DE", day: int = 3, ref: str = "", cur: str = "EUR") -> CardTransaction:
    return CardTransaction(
        id=f"c{amount}{merchant}",
        booked_at=datetime(2026, 3, day, 12, tzinfo=OSLO),
        merchant=merchant,
        amount=Decimal(amount),
        currency=cur,
        amount_nok=None,
        reference=ref,
        merchant_payment_ref=merchant_payment_ref(merchant),
    )


def line(
    order: str, net: str, *, ship: str = "0", ref: str = "", shipment: str = "", day: int = 2, **kw: object
) -> OrderLine:
    return OrderLine(
        order,
        f"item {order} {net}",
        Decimal(net),
        Decimal("0"),
        Decimal(ship),
        "EUR",
        payment_ref=ref,
        shipment_id=shipment,
        payment_date=date(2026, 3, day),
        **kw,
    )  # type: ignore[arg-type]


def test_charges_per_shipment_matched_by_payment_reference(business_header: list[str]) -> None:
    rows = [
        item("O1", "2X4AB12C3", "Headset", "100.00", "0.00", "10.00", **{"Cost Center": "IT"}),
        item("O1", "2X4AB12C3", "Paper", "50.00", "0.00"),
        item("O1", "9ZZ8YY7XX", "Book", "40.00", "0.00"),  # the same order, a second shipment
    ]
    lines = read_business(business_report(business_header, rows))
    ms = match_charges([charge("40.00", "AMZN MKTP DE*9ZZ8YY7XX"), charge("160.00", "AMZN MKTP DE*2X4AB12C3")], lines)
    assert [m.status for m in ms] == ["matched", "matched"] and ms[1].method == "reference"
    assert [x.title for x in ms[1].lines] == ["Headset", "Paper"] and [x.title for x in ms[0].lines] == ["Book"]
    split = allocate(ms[1].charge.amount, ms[1].lines)
    assert [(s.shipping_share, s.total) for s in split] == [
        (Decimal("6.67"), Decimal("106.67")),
        (Decimal("3.33"), Decimal("53.33")),
    ]
    assert sum(s.total for s in split) == Decimal("160.00")


def test_amount_match_without_reference_and_subset_of_shipments() -> None:
    lines = [line("A", "30.00", shipment="s1"), line("A", "12.50", shipment="s2"), line("B", "99.99", shipment="s3")]
    one, two = match_charges([charge("99.99"), charge("42.50")], lines)
    assert (one.status, one.method, [x.order_id for x in one.lines]) == ("matched", "amount", ["B"])
    assert (two.status, two.method, len(two.lines)) == ("matched", "subset", 2)


def test_two_equally_good_matches_are_ambiguous_never_guessed() -> None:
    lines = [line("A", "25.00", shipment="s1"), line("B", "25.00", shipment="s2")]
    (m,) = match_charges([charge("25.00")], lines)
    assert m.status == "ambiguous" and m.lines == () and len(m.candidates) == 2
    # Two charges fit the one shipment: both are left for a person.
    a, b = match_charges([charge("25.00", day=3), charge("25.00", day=4)], lines[:1])
    assert a.status == b.status == "ambiguous"


def test_unmatched_outside_window_or_currency() -> None:
    lines = [line("A", "25.00", shipment="s1", day=1)]
    assert match_charges([charge("25.00", day=20)], lines)[0].status == "unmatched"
    assert match_charges([charge("25.00", cur="SEK")], lines)[0].status == "unmatched"
    assert match_charges([charge("25.00", day=20)], lines, window_days=30)[0].status == "matched"


def test_gift_card_and_split_payment_flagged() -> None:
    lines = [
        line("A", "80.00", ref="GIFT12345", payment_amount=Decimal("50.00"), payment_instrument="Gift Card"),
        line("A", "20.00", ref="GIFT12345", payment_amount=Decimal("50.00")),
    ]
    (m,) = match_charges([charge("50.00", "AMZN MKTP DE*GIFT12345")], lines)
    assert m.status == "matched" and "gift card" in m.reason
    split = allocate(Decimal("50.00"), m.lines)
    assert [s.total for s in split] == [Decimal("40.00"), Decimal("10.00")]
    shared = [line("B", "10.00", ref="PAY111111"), line("B", "10.00", ref="PAY222222")]
    (m2,) = match_charges([charge("10.00", "X*PAY111111")], shared)
    assert "several payment references" in m2.reason


def test_allocate_scales_vat_and_shipping_exactly() -> None:
    lines = [
        OrderLine("1", "a", Decimal("10.00"), Decimal("2.50"), Decimal("1.00")),
        OrderLine("1", "b", Decimal("20.00"), Decimal("5.00"), Decimal("0.00")),
    ]
    split = allocate(Decimal("38.50"), lines)
    assert [s.shipping_share for s in split] == [Decimal("0.33"), Decimal("0.67")]
    assert sum(s.total for s in split) == Decimal("38.50")
    assert all(s.net + s.vat + s.shipping_share == s.total for s in split)
    scaled = allocate(Decimal("3998.12"), lines)  # converted to NOK
    assert sum(s.total for s in scaled) == Decimal("3998.12")
    assert all(s.net + s.vat + s.shipping_share == s.total for s in scaled)


cents = st.integers(min_value=0, max_value=10**7).map(lambda c: Decimal(c).scaleb(-2))


@settings(max_examples=300, deadline=None)
@given(nets=st.lists(cents, min_size=1, max_size=12), shipping=cents, vat=cents)
def test_allocation_property(nets: list[Decimal], shipping: Decimal, vat: Decimal) -> None:
    lines = [
        OrderLine("1", str(i), n, vat if i == 0 else Decimal("0.00"), shipping if i == 0 else Decimal("0.00"))
        for i, n in enumerate(nets)
    ]
    charge_amount = sum((x.total for x in lines), Decimal(0))
    split = allocate(charge_amount, lines)
    assert sum(s.total for s in split) == charge_amount
    assert sum(s.shipping_share for s in split) == shipping
    weight = sum(nets) or Decimal(len(nets))
    for s, n in zip(split, nets, strict=True):
        exact = shipping * (n if sum(nets) else 1) / weight
        assert abs(s.shipping_share - exact) < Decimal("0.01")
        assert s.shipping_share >= 0 and s.total >= 0 and s.net >= 0


@settings(max_examples=200, deadline=None)
@given(nets=st.lists(cents, min_size=1, max_size=8), target=st.integers(min_value=1, max_value=10**8))
def test_allocation_to_any_charge_is_exact(nets: list[Decimal], target: int) -> None:
    lines = [OrderLine("1", str(i), n, Decimal("0.00"), Decimal("1.00")) for i, n in enumerate(nets)]
    amount = Decimal(target).scaleb(-2)
    split = allocate(amount, lines)
    assert sum(s.total for s in split) == amount
    assert all(s.total >= 0 and s.net + s.vat + s.shipping_share == s.total for s in split)


def test_single_shipment_competing_with_a_set_is_ambiguous() -> None:
    lines = [line("A", "30.00", shipment="s1"), line("A", "12.50", shipment="s2"), line("B", "42.50", shipment="s3")]
    (m,) = match_charges([charge("42.50")], lines)
    assert m.status == "ambiguous" and len(m.candidates) == 2
