"""Aging buckets, DSO and CEI (core.receivables_metrics): boundaries and worked examples."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from fakturaflyt.core.receivables_metrics import (
    BUCKETS,
    Aging,
    MonthFigures,
    OpenItem,
    aging,
    bucket_of,
    cei,
    days_in_month,
    dso,
    month_ends,
    monthly,
)

D = Decimal
DUE = date(2026, 1, 15)


@pytest.mark.parametrize(
    ("days", "bucket"),
    [
        (-10, "not_due"),
        (0, "not_due"),
        (1, "days_1_30"),
        (30, "days_1_30"),
        (31, "days_31_60"),
        (60, "days_31_60"),
        (61, "days_61_90"),
        (90, "days_61_90"),
        (91, "days_over_90"),
        (400, "days_over_90"),
    ],
)
def test_bucket_boundaries_by_days_past_due(days: int, bucket: str) -> None:
    assert bucket_of(DUE, DUE + timedelta(days=days)) == bucket


def test_aging_sums_each_item_into_its_bucket_and_totals_the_balance() -> None:
    on = DUE + timedelta(days=61)
    items = [
        OpenItem(D("100.00"), on),  # due today
        OpenItem(D("200.00"), on - timedelta(days=1)),
        OpenItem(D("300.00"), on - timedelta(days=31)),
        OpenItem(D("400.00"), on - timedelta(days=61)),
        OpenItem(D("500.00"), on - timedelta(days=91)),
        OpenItem(D("50.00"), on - timedelta(days=90)),
        OpenItem(D("-80.00"), None),  # a payment not allocated: counted as not due
    ]
    a = aging(items, on)
    assert a.as_pairs() == [
        ("not_due", D("20.00")),
        ("days_1_30", D("200.00")),
        ("days_31_60", D("300.00")),
        ("days_61_90", D("450.00")),
        ("days_over_90", D("500.00")),
    ]
    assert a.total == sum(i.amount for i in items) == D("1470.00")
    assert a.overdue == D("1450.00")
    assert [n for n, _ in a.as_pairs()] == list(BUCKETS)


def test_aging_of_nothing_is_zero_and_agings_add() -> None:
    empty = aging([], DUE)
    assert empty == Aging() and empty.total == 0
    one = aging([OpenItem(D("10.00"), DUE)], DUE)
    assert (one + one).not_due == D("20.00")


def test_dso_worked_example_simple_method() -> None:
    # 45 000 owed at the end of April (30 days), 90 000 invoiced in April: 15 days of sales outstanding.
    assert dso(D("45000.00"), D("90000.00"), 30) == D("15.0")
    # February 2028 has 29 days
    assert days_in_month(date(2028, 2, 1)) == 29
    assert dso(D("10000.00"), D("29000.00"), days_in_month(date(2028, 2, 1))) == D("10.0")
    assert dso(D("10000.00"), D("0.00"), 30) is None
    assert dso(D("10000.00"), D("-500.00"), 30) is None  # a month of only credit notes


def test_cei_worked_example_and_edges() -> None:
    # began with 100 000, sold 50 000, ended with 60 000 of which 40 000 not yet due:
    # collected 90 000 of the 110 000 that could have been collected = 81.8 %
    assert cei(D("100000"), D("50000"), D("60000"), D("40000")) == D("81.8")
    # everything collectable collected: 100 %
    assert cei(D("100000"), D("50000"), D("40000"), D("40000")) == D("100.0")
    # nothing collectable: undefined
    assert cei(D("0"), D("0"), D("0"), D("0")) is None


def test_monthly_chains_each_months_end_to_the_next_months_begin() -> None:
    months = [
        MonthFigures(date(2026, 4, 1), D("45000.00"), D("90000.00"), D("30000.00")),
        MonthFigures(date(2026, 5, 1), D("60000.00"), D("50000.00"), D("40000.00")),
    ]
    april, may = monthly(months, opening=D("0.00"))
    assert april.receivables_begin == 0 and april.dso == D("15.0")
    assert april.cei == D("75.0")  # (0 + 90 000 − 45 000) / (0 + 90 000 − 30 000)
    assert may.receivables_begin == D("45000.00")
    assert may.dso == D("37.2")  # 60 000 × 31 / 50 000
    assert may.cei == D("63.6")  # (45 000 + 50 000 − 60 000) / (45 000 + 50 000 − 40 000)


def test_month_ends_count_back_across_a_year() -> None:
    assert month_ends(date(2026, 1, 31), 2) == [date(2025, 12, 1), date(2026, 1, 1)]
    assert len(month_ends(date(2026, 6, 3), 12)) == 12


def test_a_month_not_over_yet_divides_by_the_days_that_passed() -> None:
    """On 1 December, December's DSO covers one day of sales, not 31 (which gave 954 days in the demo)."""
    december = MonthFigures(date(2026, 12, 1), D("1000.00"), D("500.00"), D("0.00"), days=1)
    whole = MonthFigures(date(2026, 12, 1), D("1000.00"), D("500.00"), D("0.00"))
    (partial,) = monthly([december], opening=D("0.00"))
    (full,) = monthly([whole], opening=D("0.00"))
    assert partial.dso == D("2.0")
    assert full.dso == D("62.0")
