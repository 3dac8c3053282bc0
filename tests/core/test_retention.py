"""Retention of accounting material: five years after the end of the financial year (bokføringsloven § 13)."""

from datetime import date

import pytest

from fakturaflyt.core.retention import deletable_from, fiscal_year_end_of, may_delete, retention_until


@pytest.mark.parametrize(
    ("document", "until"),
    [
        (date(2026, 1, 3), date(2031, 12, 31)),
        (date(2026, 12, 31), date(2031, 12, 31)),
        (date(2027, 1, 1), date(2032, 12, 31)),
        (date(2024, 2, 29), date(2029, 12, 31)),
    ],
)
def test_calendar_year(document, until) -> None:
    assert retention_until(document) == until
    assert deletable_from(document) == date(until.year + 1, 1, 1)


def test_a_broken_financial_year_counts_from_its_own_end() -> None:
    # given a financial year 1 July - 30 June
    year_end = (6, 30)
    assert fiscal_year_end_of(date(2026, 6, 30), year_end) == date(2026, 6, 30)
    assert fiscal_year_end_of(date(2026, 7, 1), year_end) == date(2027, 6, 30)
    assert retention_until(date(2026, 7, 1), year_end) == date(2032, 6, 30)
    assert deletable_from(date(2026, 7, 1), year_end) == date(2032, 7, 1)


def test_a_year_ending_on_29_february_falls_back_to_the_28th() -> None:
    assert retention_until(date(2024, 2, 29), (2, 29)) == date(2029, 2, 28)


def test_may_delete_only_the_day_after_the_period() -> None:
    assert not may_delete(date(2026, 3, 1), today=date(2031, 12, 31))
    assert may_delete(date(2026, 3, 1), today=date(2032, 1, 1))
