"""Subscription billing (abonnementsfakturering): periods, proration and KPI indexation.

The rules as an accountant reads them:

* **Periods are calendar-anchored.** A plan bills every month, quarter (3 months) or year
  (12 months) from an *anchor day* (fakturadag). Anchor 31 means the last day of shorter
  months (28/29 February, 30 April) and 31 again when the month has it; every boundary is
  computed from the first one, so a short February never drags later periods to the 28th.
  The anchor defaults to the day of the first paid day (the start date, or the day after the
  trial). With an explicit anchor, a subscription that starts mid-period gets a *first
  partial* period up to the next anchor day.
* **In advance or in arrears** (forskudd / etterskudd). In advance, a period is due (ready
  to invoice) on its first day; in arrears on the day after it ends.
* **Trial** (prøveperiode): free, not invoiced; paid periods begin the day after
  ``trial_end``.
* **Termination** (oppsigelse): nothing is billed after ``end``; the period containing it is
  a *final partial* period ending on ``end``.
* **Proration at day precision**: part = price × days of the part / days of the whole
  period, both counted inclusively, using the *actual* days of that period (a February
  period has 28 or 29, a year 365 or 366). Rounded to øre (half up) once, at the end.
  When parts of one amount must add up exactly (a period split into lines), use
  :func:`split_exact`, which hands out the øre left over by the largest remainders.
* **Plan change** (opp-/nedgradering) mid-period: credit the unused part of the old plan
  (negative) and charge the new plan for the same days; each line is prorated and rounded
  on its own, so each can be checked by hand, and the invoice nets exactly their sum.
* **KPI indexation** (KPI-regulering, SSB's consumer price index): once a year, from the
  first period starting on or after the 1st of the chosen month, the price is
  ``agreed price × KPI of the month before / base KPI``, rounded to øre. It is always
  computed from the agreed price (never compounded, so never applied twice) and the
  invoice always says so (the period's ``note``). A missing index is an error, not a
  silent old price.

>>> plan = Plan("Standard", Decimal("300.00"), "monthly")
>>> sub = Subscription(date(2028, 1, 31), None, plan)
>>> [(p.start.isoformat(), p.end.isoformat(), str(p.amount)) for p in billing_periods(sub, date(2028, 3, 1))]
[('2028-01-31', '2028-02-28', '300.00'), ('2028-02-29', '2028-03-30', '300.00')]
>>> prorate(Decimal("300.00"), date(2028, 2, 1), date(2028, 2, 29), date(2028, 2, 15), date(2028, 2, 29))
Decimal('155.17')
>>> split_exact(Decimal("100.00"), [1, 1, 1])
[Decimal('33.34'), Decimal('33.33'), Decimal('33.33')]
>>> kpi = CpiIndexation(1, Decimal("130.0"), {(2026, 12): Decimal("133.9")})
>>> indexed_price(Decimal("1000.00"), kpi, date(2027, 2, 1), since=date(2026, 3, 1))[0]
Decimal('1030.00')
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Literal

from fakturaflyt.core.errors import FormatError, Problem, RuleViolation
from fakturaflyt.core.money import ore

Interval = Literal["monthly", "quarterly", "yearly"]
PeriodKind = Literal["regular", "first_partial", "final_partial"]
AdjustmentKind = Literal["credit", "charge"]

MONTHS_PER_INTERVAL: Mapping[str, int] = {"monthly": 1, "quarterly": 3, "yearly": 12}
_NB_MONTHS = "januar februar mars april mai juni juli august september oktober november desember".split()
_ONE_DAY = timedelta(days=1)


def _violation(code: str, message: str, location: str = "") -> RuleViolation:
    return RuleViolation([Problem(code, message, location)])


def _nb(d: date) -> str:
    return d.strftime("%d.%m.%Y")


@dataclass(frozen=True, slots=True)
class Plan:
    """A price per interval; ``in_advance`` False means billed in arrears (etterskudd)."""

    name: str
    price: Decimal
    interval: Interval
    in_advance: bool = True

    def __post_init__(self) -> None:
        if self.interval not in MONTHS_PER_INTERVAL:
            raise FormatError(
                "FF-BILLING-INTERVAL",
                f"Unknown interval {self.interval!r} for plan {self.name!r}; use monthly, quarterly or yearly",
                "interval",
            )
        if self.price < 0:
            raise _violation(
                "FF-BILLING-PRICE-NEGATIVE",
                f"Plan {self.name!r} has a negative price {self.price}; give discounts as a credit",
                "price",
            )


@dataclass(frozen=True, slots=True)
class CpiIndexation:
    """Yearly KPI regulation: ``month`` (1-12) is when the new price takes effect each year.

    ``table`` maps (year, month) to the published KPI (SSB table 03013); ``base_index`` is
    the KPI the agreed price refers to.
    """

    month: int
    base_index: Decimal
    table: Mapping[tuple[int, int], Decimal] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise _violation("FF-BILLING-CPI-MONTH", f"Indexation month {self.month} is not 1-12", "month")
        if self.base_index <= 0:
            raise _violation("FF-BILLING-CPI-BASE", f"Base index {self.base_index} must be positive", "base_index")


@dataclass(frozen=True, slots=True)
class Subscription:
    """A customer's subscription to a plan from ``start`` to ``end`` (inclusive; None = open)."""

    start: date
    end: date | None
    plan: Plan
    trial_end: date | None = None
    anchor_day: int | None = None
    index: CpiIndexation | None = None

    def __post_init__(self) -> None:
        if self.end is not None and self.end < self.start:
            raise _violation(
                "FF-BILLING-END-BEFORE-START",
                f"Subscription ends {self.end} before it starts {self.start}",
                "end",
            )
        if self.trial_end is not None and self.trial_end < self.start:
            raise _violation(
                "FF-BILLING-TRIAL-BEFORE-START",
                f"Trial ends {self.trial_end} before the subscription starts {self.start}",
                "trial_end",
            )
        if self.anchor_day is not None and not 1 <= self.anchor_day <= 31:
            raise _violation("FF-BILLING-ANCHOR-DAY", f"Anchor day {self.anchor_day} is not 1-31", "anchor_day")

    @property
    def first_paid_day(self) -> date:
        """The day after the trial, or the start when there is no trial."""
        return self.trial_end + _ONE_DAY if self.trial_end is not None else self.start


@dataclass(frozen=True, slots=True)
class Period:
    """One billing period to invoice: the billed days ``start``..``end`` (inclusive).

    ``full_start``/``full_end`` is the whole anchored period (differs for partial periods);
    ``note`` explains a KPI-regulated price and belongs on the invoice.
    """

    start: date
    end: date
    due_on: date
    amount: Decimal
    kind: PeriodKind
    note: str = ""
    full_start: date | None = None
    full_end: date | None = None


@dataclass(frozen=True, slots=True)
class Adjustment:
    """An invoice line from a plan change: a credit (negative) or a charge, with its text."""

    kind: AdjustmentKind
    plan: str
    start: date
    end: date
    amount: Decimal
    description: str


def days_inclusive(first: date, last: date) -> int:
    """Days from ``first`` to ``last``, both counted."""
    return (last - first).days + 1


def prorate(price: Decimal, period_start: date, period_end: date, part_start: date, part_end: date) -> Decimal:
    """``price`` × days of the part / actual days of the period (both inclusive), to øre once."""
    if period_end < period_start or part_end < part_start:
        raise _violation("FF-BILLING-PERIOD-ORDER", f"A period ends before it starts ({period_start}..{period_end})")
    if part_start < period_start or part_end > period_end:
        raise _violation(
            "FF-BILLING-PART-OUTSIDE",
            f"Part {part_start}..{part_end} is not inside period {period_start}..{period_end}",
        )
    return ore(price * days_inclusive(part_start, part_end) / days_inclusive(period_start, period_end))


def split_exact(total: Decimal, weights: Sequence[Decimal | int]) -> list[Decimal]:
    """Split ``total`` (øre) by ``weights`` so the parts sum exactly to it.

    Each part gets its share rounded down to øre; the øre left over go one each to the
    largest remainders (ties: the earlier part). A negative total is split as its
    magnitude and negated.
    """
    if not weights or any(Decimal(w) < 0 for w in weights) or sum(Decimal(w) for w in weights) <= 0:
        raise _violation("FF-BILLING-WEIGHTS", "Weights must be non-negative with a positive sum")
    sign = -1 if total < 0 else 1
    cents = int(ore(abs(total)) * 100)
    ws = [Decimal(w) for w in weights]
    wsum = sum(ws)
    exact = [cents * w / wsum for w in ws]
    floors = [int(x) for x in exact]  # exact >= 0, so int() floors
    left = cents - sum(floors)
    by_remainder = sorted(range(len(ws)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in by_remainder[:left]:
        floors[i] += 1
    return [Decimal(sign * c).scaleb(-2) for c in floors]


def indexed_price(
    price: Decimal, indexation: CpiIndexation, on: date, since: date | None = None
) -> tuple[Decimal, str]:
    """The price for a period starting ``on``, with the note the invoice must carry.

    The regulation in effect is the latest 1st of ``indexation.month`` that is on or before
    ``on`` and (when ``since``, normally the subscription start, is given) after ``since``.
    Its price is ``price`` × KPI of the month before / base KPI, rounded to øre. Without one,
    the agreed price applies and the note is empty. A missing KPI raises
    ``FF-BILLING-CPI-MISSING``.
    """
    effective = date(on.year, indexation.month, 1)
    if effective > on:
        effective = date(on.year - 1, indexation.month, 1)
    if since is not None and effective <= since:
        return price, ""
    key = (effective.year, effective.month - 1) if effective.month > 1 else (effective.year - 1, 12)
    index = indexation.table.get(key)
    if index is None:
        month_name = f"{_NB_MONTHS[key[1] - 1]} {key[0]}"
        raise _violation(
            "FF-BILLING-CPI-MISSING",
            f"KPI for {month_name} is missing from the index table; add it (SSB table 03013) "
            f"before billing periods from {effective.isoformat()}",
            f"index[{key[0]}-{key[1]:02d}]",
        )
    new_price = ore(price * index / indexation.base_index)
    note = (
        f"KPI-regulert fra {_nb(effective)}: {price} × {index} / {indexation.base_index} "
        f"(KPI {_NB_MONTHS[key[1] - 1]} {key[0]}) = {new_price}"
    )
    return new_price, note


def _anchor_date(year: int, month: int, anchor: int) -> date:
    return date(year, month, min(anchor, calendar.monthrange(year, month)[1]))


class _Grid:
    """The anchored period boundaries of a subscription for one interval."""

    def __init__(self, sub: Subscription, interval: Interval) -> None:
        first = sub.first_paid_day
        self.anchor = sub.anchor_day if sub.anchor_day is not None else first.day
        self.step = MONTHS_PER_INTERVAL[interval]
        self.origin = first.year * 12 + first.month - 1
        self.k0 = 0 if self.boundary(0) <= first else -1

    def boundary(self, k: int) -> date:
        # Always from the origin, so clamping in a short month never carries over.
        months = self.origin + k * self.step
        return _anchor_date(months // 12, months % 12 + 1, self.anchor)

    def period(self, k: int) -> tuple[date, date]:
        return self.boundary(k), self.boundary(k + 1) - _ONE_DAY

    def index_of(self, day: date) -> int:
        k = self.k0
        while self.boundary(k + 1) <= day:
            k += 1
        return k


def _price_at(sub: Subscription, plan: Plan, period_start: date) -> tuple[Decimal, str]:
    if sub.index is None:
        return plan.price, ""
    return indexed_price(plan.price, sub.index, period_start, since=sub.start)


def billing_periods(sub: Subscription, until: date) -> list[Period]:
    """The periods due on or before ``until``, in order.

    Pure and deterministic: the same input gives the same list, and a later ``until`` only
    appends periods. The billing run compares this with what it already invoiced.
    """
    first = sub.first_paid_day
    if sub.end is not None and first > sub.end:
        return []  # terminated during the trial: nothing to bill
    grid = _Grid(sub, sub.plan.interval)
    periods: list[Period] = []
    k = grid.k0
    while True:
        full_start, full_end = grid.period(k)
        if sub.end is not None and full_start > sub.end:
            break
        start = max(full_start, first)
        end = min(full_end, sub.end) if sub.end is not None else full_end
        due_on = start if sub.plan.in_advance else end + _ONE_DAY
        if due_on > until:
            break
        price, note = _price_at(sub, sub.plan, full_start)
        if end < full_end:
            kind: PeriodKind = "final_partial"
        elif start > full_start:
            kind = "first_partial"
        else:
            kind = "regular"
        amount = price if kind == "regular" else prorate(price, full_start, full_end, start, end)
        periods.append(Period(start, end, due_on, amount, kind, note, full_start, full_end))
        k += 1
    return periods


def _part(sub: Subscription, interval: Interval, on: date) -> tuple[date, date, date, date]:
    grid = _Grid(sub, interval)
    full_start, full_end = grid.period(grid.index_of(on))
    end = min(full_end, sub.end) if sub.end is not None else full_end
    return full_start, full_end, on, end


def change_plan(sub: Subscription, new_plan: Plan, on: date) -> list[Adjustment]:
    """Credit the unused part of the current plan and charge ``new_plan`` from ``on``.

    Both lines cover ``on`` to the end of the current period (or the termination date),
    each prorated at day precision against its own plan's anchored period. A change during
    the trial costs nothing and gives no lines. The subscription then continues on
    ``new_plan`` (the caller stores it) from the next period.
    """
    if on < sub.start or (sub.end is not None and on > sub.end):
        raise _violation(
            "FF-BILLING-CHANGE-DATE",
            f"Plan change on {on} is outside the subscription {sub.start}..{sub.end or 'open'}",
            "on",
        )
    if on < sub.first_paid_day:
        return []
    adjustments: list[Adjustment] = []
    for kind, plan in (("credit", sub.plan), ("charge", new_plan)):
        full_start, full_end, start, end = _part(sub, plan.interval, on)
        price, _ = _price_at(sub, plan, full_start)
        amount = prorate(price, full_start, full_end, start, end)
        days = f"{days_inclusive(start, end)}/{days_inclusive(full_start, full_end)} dager"
        if kind == "credit":
            text = f"Kreditering ubenyttet del av {plan.name} {_nb(start)}–{_nb(end)} ({days})"
            adjustments.append(Adjustment("credit", plan.name, start, end, -amount, text))
        else:
            text = f"{plan.name} {_nb(start)}–{_nb(end)} ({days})"
            adjustments.append(Adjustment("charge", plan.name, start, end, amount, text))
    return adjustments
