"""Months, Oslo day boundaries and the small statistics the dashboards use (plain functions, no Django).

A dashboard month is a calendar month in Europe/Oslo: a timestamp belongs to the month of its
Oslo date. "The last 12 months" are the month of the chosen day and the 11 before it; the
current month counts up to that day.

>>> months_back(date(2026, 2, 17), 3)
(datetime.date(2025, 12, 1), datetime.date(2026, 1, 1), datetime.date(2026, 2, 1))
>>> parse_month("2026-11"), month_end(date(2026, 2, 1))
(datetime.date(2026, 11, 1), datetime.date(2026, 2, 28))

**Percentile** is the *nearest-rank* method (the smallest value with at least p % of the values
at or below it; no interpolation, so the figure is always one of the measured times and an
accountant can find it in the list):

>>> percentile([Decimal(v) for v in (1, 2, 3, 4, 5, 6, 7, 8, 9, 10)], 90)
Decimal('9.0')
>>> percentile([Decimal(v) for v in (5, 1, 30)], 90)
Decimal('30.0')
>>> mean([Decimal("1"), Decimal("2")]), mean([]) is None
(Decimal('1.5'), True)
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

OSLO = ZoneInfo("Europe/Oslo")
TENTH = Decimal("0.1")

__all__ = [
    "OSLO",
    "days_between",
    "mean",
    "month_end",
    "month_start",
    "months_back",
    "oslo_date",
    "parse_month",
    "percent",
    "percentile",
    "start_of_day",
]


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(day: date) -> date:
    """The last day of ``day``'s month."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def months_back(last: date, count: int = 12) -> tuple[date, ...]:
    """First days of the ``count`` months up to and including ``last``'s month, oldest first."""
    year, month = last.year, last.month
    result: list[date] = []
    for _ in range(count):
        result.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return tuple(reversed(result))


def parse_month(text: str) -> date:
    """``"2026-11"`` as ``date(2026, 11, 1)``; ValueError for anything else."""
    year, _, month = text.partition("-")
    if len(year) != 4 or len(month) != 2 or not (year + month).isdecimal():
        raise ValueError(f"not a month (YYYY-MM): {text!r}")
    return date(int(year), int(month), 1)


def start_of_day(day: date) -> datetime:
    """Midnight in Oslo at the start of ``day`` (tz-aware)."""
    return datetime.combine(day, time.min, tzinfo=OSLO)


def oslo_date(moment: datetime) -> date:
    return moment.astimezone(OSLO).date()


def days_between(start: datetime, end: datetime) -> Decimal:
    """Elapsed days from ``start`` to ``end`` (timestamps), with fractions: 36 hours are 1.5 days."""
    return Decimal((end - start) / timedelta(hours=1)) / 24


def mean(values: Sequence[Decimal]) -> Decimal | None:
    """The arithmetic mean to 0.1, or None for no values."""
    if not values:
        return None
    return (sum(values, Decimal(0)) / len(values)).quantize(TENTH, rounding=ROUND_HALF_UP)


def percentile(values: Sequence[Decimal], p: int) -> Decimal | None:
    """The nearest-rank ``p``-th percentile, to 0.1, or None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(math.ceil(p / 100 * len(ordered)), 1)
    return ordered[rank - 1].quantize(TENTH, rounding=ROUND_HALF_UP)


def percent(part: int | Decimal, whole: int | Decimal) -> Decimal | None:
    """``part / whole × 100`` to 0.1, or None when ``whole`` is zero.

    >>> percent(1, 3), percent(0, 0)
    (Decimal('33.3'), None)
    """
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(TENTH, rounding=ROUND_HALF_UP)
