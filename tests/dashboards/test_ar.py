"""AR figures: invoiced, paid and overdue per month, aging buckets, DSO/CEI and expected cash, from a
quarter of invoices made through the receivables services (numbers worked out by hand below)."""

# ruff: noqa: F811 - the `ar` fixture is imported and requested by name
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from fakturaflyt.core.payment_prediction import Prediction
from fakturaflyt.dashboards import ar as figures
from fakturaflyt.receivables.ledger import Item
from tests.receivables.test_ledger import invoice, pay
from tests.receivables.test_services import AR, ar  # noqa: F401 (the fixture)

pytestmark = [pytest.mark.django_db]

D = Decimal
ON = date(2026, 3, 31)


@pytest.fixture
def quarter(ar: AR) -> AR:
    """Kunde AS (10 days' terms), amounts incl. 25 % VAT:

    - 10001: 1 250 on 05.01, due 15.01, paid 20.01 (5 days late);
    - 10002: 2 500 on 10.02, due 20.02, unpaid (39 days past due on 31.03);
    - 10003:   500 on 01.03, due 11.03, 200 paid 15.03 (300 open, 20 days past due);
    - 10004: 1 000 on 25.03, due 04.04 (not due).
    """
    first = invoice(ar, "1000", date(2026, 1, 5))
    pay(ar, first, "1250.00", date(2026, 1, 20))
    invoice(ar, "2000", date(2026, 2, 10))
    third = invoice(ar, "400", date(2026, 3, 1))
    pay(ar, third, "200.00", date(2026, 3, 15))
    invoice(ar, "800", date(2026, 3, 25))
    return ar


def test_invoiced_paid_and_overdue_per_month(quarter):
    result = figures.receivables(quarter.company, ON, months=3)
    rows = [(m.month, m.invoiced, m.paid, m.receivables_end, m.overdue_end) for m in result.months]
    assert rows == [
        (date(2026, 1, 1), D("1250.00"), D("1250.00"), D("0.00"), D("0.00")),
        (date(2026, 2, 1), D("2500.00"), D("0.00"), D("2500.00"), D("2500.00")),
        (date(2026, 3, 1), D("1500.00"), D("200.00"), D("3800.00"), D("2800.00")),
    ]
    assert result.months[-1].url == "/receivables/ledger/?on=2026-03-31"
    assert result.overdue_url == "/receivables/invoices/?status=overdue"


def test_aging_buckets(quarter):
    result = figures.receivables(quarter.company, ON, months=3)
    assert [(a.bucket, a.amount) for a in result.aging] == [
        ("not_due", D("1000.00")),
        ("days_1_30", D("300.00")),
        ("days_31_60", D("2500.00")),
        ("days_61_90", D("0.00")),
        ("days_over_90", D("0.00")),
    ]
    assert (result.open_total, result.overdue_total) == (D("3800.00"), D("2800.00"))


def test_dso_and_cei_trend(quarter):
    result = figures.receivables(quarter.company, ON, months=3)
    # DSO = open at end × days / net sales; CEI = (begin + sales − end) / (begin + sales − not yet due) × 100
    # March: 3 800 × 31 / 1 500 = 78.5 days; (2 500 + 1 500 − 3 800) / (2 500 + 1 500 − 1 000) = 6.7 %
    assert [(m.dso, m.cei) for m in result.months] == [
        (D("0.0"), D("100.0")),
        (D("28.0"), D("0.0")),
        (D("78.5"), D("6.7")),
    ]


def test_expected_cash_in_the_next_30_days(quarter):
    # Kunde AS paid its one settled invoice 5 days late, so every open invoice is expected 5 days after
    # its due date, and those already past that after the company's mean residual delay (14 days):
    # 10004 on 09.04, 10002 and 10003 on 14.04: all three inside 31.03-30.04, in the second week.
    cash = figures.receivables(quarter.company, ON, months=3).expected_cash
    assert (cash.amount, cash.count) == (D("3800.00"), 3)
    assert [(w.first, w.amount, w.count) for w in cash.weeks] == [
        (date(2026, 3, 31), D("0.00"), 0),
        (date(2026, 4, 8), D("3800.00"), 3),
        (date(2026, 4, 15), D("0.00"), 0),
        (date(2026, 4, 22), D("0.00"), 0),
    ]


def _item(open_nok: str, pay_on: date | None) -> Item:
    prediction = Prediction(pay_on, 0.0, 0.5, 1) if pay_on else None
    return Item(1, "invoice", date(2026, 1, 1), "Faktura", D(open_nok), D(open_nok), prediction=prediction)


def test_expected_cash_takes_only_the_window_and_open_amounts():
    items = [
        _item("100.00", ON),  # today: week 1
        _item("200.00", date(2026, 4, 30)),  # day 30: the last week
        _item("400.00", date(2026, 5, 1)),  # day 31: outside
        _item("800.00", None),  # no prediction (a credit, a posting)
        _item("-50.00", date(2026, 4, 2)),  # a credit note is not cash in
    ]
    cash = figures.expected_cash(items, ON)
    assert (cash.amount, cash.count) == (D("300.00"), 2)
    assert [w.amount for w in cash.weeks] == [D("100.00"), D("0.00"), D("0.00"), D("200.00")]


def test_another_companys_invoices_do_not_count(quarter, make_company):
    other = make_company("923609016", "Beta AS")
    result = figures.receivables(other, ON, months=3)
    assert result.open_total == D("0.00")
    assert all(m.invoiced == 0 and m.paid == 0 for m in result.months)
