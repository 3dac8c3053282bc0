"""Customer ledger figures (kundereskontro): aging buckets, DSO and CEI.

Pure functions over Decimal amounts in NOK; the formulas are stated in ``docs/customer-ledger.md``.

**Aging** (aldersfordeling) sorts each open amount by its days past due on a date: *not due*
(due today or later: 0 days or fewer), *1-30*, *31-60*, *61-90* and *over 90* days. An item
without a due date (a payment not yet allocated, a credit on the customer) counts as not due,
so the buckets always add up to the balance.

>>> on = date(2026, 3, 31)
>>> items = [
...     OpenItem(D("1000.00"), date(2026, 3, 31)),   # due today: not due
...     OpenItem(D("2000.00"), date(2026, 3, 30)),   # 1 day past due
...     OpenItem(D("3000.00"), date(2026, 3, 1)),    # 30 days
...     OpenItem(D("4000.00"), date(2026, 2, 28)),   # 31 days
...     OpenItem(D("500.00"), date(2025, 12, 1)),    # 120 days
...     OpenItem(D("-250.00"), None),                # unallocated payment
... ]
>>> a = aging(items, on)
>>> a.not_due, a.days_1_30, a.days_31_60, a.days_61_90, a.days_over_90, a.total
(Decimal('750.00'), Decimal('5000.00'), Decimal('4000.00'), Decimal('0.00'), Decimal('500.00'), Decimal('10250.00'))
>>> a.overdue
Decimal('9500.00')

**DSO** (days sales outstanding, the simple method): receivables at the month's end divided by
the month's net credit sales, times the days of the month. March: 10 250 owed at the end, 31 000
invoiced (net of credit notes) during March: 10 250 × 31 / 31 000 = 10.25, shown as 10.3 days.

>>> dso(D("10250.00"), D("31000.00"), 31)
Decimal('10.3')
>>> dso(D("10250.00"), D("0.00"), 31) is None   # nothing sold: DSO is not defined
True

**CEI** (collection effectiveness index): of what could have been collected in the month (what
was owed at its start plus what was sold during it), how much was collected, leaving out what
was not yet due at its end. February ended with 20 000 owed, March sold 31 000 and ended with
10 250 owed of which 750 not yet due: (20 000 + 31 000 − 10 250) / (20 000 + 31 000 − 750) × 100.

>>> cei(D("20000.00"), D("31000.00"), D("10250.00"), D("750.00"))
Decimal('81.1')

Month by month from the month ends' balances:

>>> [(m.month, m.dso, m.cei) for m in monthly([
...     MonthFigures(date(2026, 2, 1), D("20000.00"), D("30000.00"), D("0.00")),
...     MonthFigures(date(2026, 3, 1), D("10250.00"), D("31000.00"), D("750.00")),
... ], opening=D("0.00"))]
[(datetime.date(2026, 2, 1), Decimal('18.7'), Decimal('33.3')), (datetime.date(2026, 3, 1), Decimal('10.3'), Decimal('81.1'))]
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta  # noqa: F401 (timedelta: used by the doctests)
from decimal import ROUND_HALF_UP, Decimal

from fakturaflyt.core.money import D, ore

__all__ = [
    "BUCKETS",
    "Aging",
    "MonthFigures",
    "MonthMetrics",
    "OpenItem",
    "aging",
    "bucket_of",
    "cei",
    "days_in_month",
    "dso",
    "month_ends",
    "monthly",
]

ZERO = Decimal("0.00")
_TENTH = Decimal("0.1")

#: The bucket names, in order: not due, then 1-30, 31-60, 61-90 and over 90 days past due.
BUCKETS = ("not_due", "days_1_30", "days_31_60", "days_61_90", "days_over_90")


@dataclass(frozen=True, slots=True)
class OpenItem:
    """An open amount (NOK; negative for a credit) and the date it falls due (None: no due date)."""

    amount: Decimal
    due_date: date | None


@dataclass(frozen=True, slots=True)
class Aging:
    """Open amounts by days past due (aldersfordelt saldoliste)."""

    not_due: Decimal = ZERO
    days_1_30: Decimal = ZERO
    days_31_60: Decimal = ZERO
    days_61_90: Decimal = ZERO
    days_over_90: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return self.not_due + self.overdue

    @property
    def overdue(self) -> Decimal:
        return self.days_1_30 + self.days_31_60 + self.days_61_90 + self.days_over_90

    def as_pairs(self) -> list[tuple[str, Decimal]]:
        """``[(bucket name, amount), ...]`` in the order of :data:`BUCKETS`."""
        return [(name, getattr(self, name)) for name in BUCKETS]

    def __add__(self, other: Aging) -> Aging:
        return Aging(*(getattr(self, n) + getattr(other, n) for n in BUCKETS))


def bucket_of(due_date: date | None, on: date) -> str:
    """The bucket of an item due ``due_date`` on ``on``.

    >>> [bucket_of(date(2026, 1, 10), on) for on in (date(2026, 1, 9), date(2026, 1, 10))]
    ['not_due', 'not_due']
    >>> [bucket_of(date(2026, 1, 1), date(2026, 1, 1) + timedelta(days=d)) for d in (1, 30, 31, 60, 61, 90, 91)]
    ['days_1_30', 'days_1_30', 'days_31_60', 'days_31_60', 'days_61_90', 'days_61_90', 'days_over_90']
    """
    if due_date is None:
        return "not_due"
    late = (on - due_date).days
    if late <= 0:
        return "not_due"
    if late <= 30:
        return "days_1_30"
    if late <= 60:
        return "days_31_60"
    if late <= 90:
        return "days_61_90"
    return "days_over_90"


def aging(items: Iterable[OpenItem], on: date) -> Aging:
    """Sum the open items into the aging buckets as of ``on``."""
    sums = dict.fromkeys(BUCKETS, ZERO)
    for item in items:
        name = bucket_of(item.due_date, on)
        sums[name] += item.amount
    return Aging(**{name: ore(value) for name, value in sums.items()})


def days_in_month(month: date) -> int:
    """Days of the month ``month`` lies in (28 to 31)."""
    return calendar.monthrange(month.year, month.month)[1]


def month_ends(last: date, count: int) -> list[date]:
    """The first days of the ``count`` months up to and including the month of ``last``, oldest first.

    >>> month_ends(date(2026, 2, 17), 3)
    [datetime.date(2025, 12, 1), datetime.date(2026, 1, 1), datetime.date(2026, 2, 1)]
    """
    months: list[date] = []
    year, month = last.year, last.month
    for _ in range(count):
        months.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def dso(receivables_end: Decimal, credit_sales: Decimal, days: int) -> Decimal | None:
    """Days sales outstanding, simple method: ``receivables at month end / credit sales × days``, to 0.1 day.

    None when the month had no (positive) credit sales: the ratio says nothing then.
    """
    if credit_sales <= 0:
        return None
    return (D(receivables_end) * days / credit_sales).quantize(_TENTH, rounding=ROUND_HALF_UP)


def cei(begin: Decimal, credit_sales: Decimal, end: Decimal, end_current: Decimal) -> Decimal | None:
    """Collection effectiveness index in percent, to 0.1:
    ``(begin + sales − end) / (begin + sales − end current) × 100``.

    ``end_current`` is what was owed at the month's end but not yet due. None when the
    denominator is zero or less (nothing was collectable).
    """
    collectable = begin + credit_sales - end_current
    if collectable <= 0:
        return None
    return ((begin + credit_sales - end) / collectable * 100).quantize(_TENTH, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class MonthFigures:
    """One month's inputs: its first day, receivables and not-yet-due receivables at its end, net credit sales.

    ``days``: the days the figures cover when the month is not over yet (the current month up to
    today), so that its DSO divides by the days that passed, not by the whole month's.
    """

    month: date
    receivables_end: Decimal
    credit_sales: Decimal
    current_end: Decimal
    days: int | None = None


@dataclass(frozen=True, slots=True)
class MonthMetrics:
    """One month's DSO (days) and CEI (percent), with the figures they came from."""

    month: date
    receivables_begin: Decimal
    receivables_end: Decimal
    credit_sales: Decimal
    current_end: Decimal
    dso: Decimal | None
    cei: Decimal | None


def monthly(months: Sequence[MonthFigures], *, opening: Decimal) -> list[MonthMetrics]:
    """DSO and CEI per month; ``opening`` is the receivables at the start of the first month."""
    result: list[MonthMetrics] = []
    begin = opening
    for m in months:
        result.append(
            MonthMetrics(
                month=m.month,
                receivables_begin=begin,
                receivables_end=m.receivables_end,
                credit_sales=m.credit_sales,
                current_end=m.current_end,
                dso=dso(m.receivables_end, m.credit_sales, m.days or days_in_month(m.month)),
                cei=cei(begin, m.credit_sales, m.receivables_end, m.current_end),
            )
        )
        begin = m.receivables_end
    return result
