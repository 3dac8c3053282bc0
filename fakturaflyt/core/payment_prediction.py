"""When will this customer pay? An expected pay date and P(late) per open invoice.

The model is one an accountant can check by hand. For each customer it keeps the
recency-weighted history of *delays*: days from due date to payment (negative when paid
early). Each newer paid invoice counts a little more than the one before (the weight halves
every ``half_life`` invoices back; every ``late_half_life`` for the late share, which needs
more invoices to settle), so a customer getting worse is followed. A customer with few paid
invoices is shrunk toward the company as a whole, with ``prior_weight`` invoices' worth of the
company's figures (empirical Bayes with a fixed prior strength)::

    expected delay = (Σ wᵢ·delayᵢ + k·company mean delay) / (Σ wᵢ + k)
    P(late)        = (Σ vᵢ·[delayᵢ > 0] + k·company late share) / (Σ vᵢ + k)

A delay above ``cap_days`` counts as ``cap_days`` in the means, so one invoice forgotten for
a year does not move a customer's expected date by weeks. The expected pay date is the due
date plus the expected delay, rounded to whole days and moved to the next weekday (banks book
payments on business days; that alone lowers the error, see the benchmark). An invoice already
past due on the day of the prediction is late for certain (P = 1); when it is also past its
expected date, it is expected after the company's *mean residual delay*: how much later, on
average, the company's invoices that were at least that late were paid (14 days when none was).

>>> m = PaymentModel()
>>> for due, paid in [(date(2026, 1, 15), date(2026, 1, 26)), (date(2026, 2, 15), date(2026, 2, 25))]:
...     m.learn("Kunde AS", due, paid)
>>> m.learn("Punktlig AS", date(2026, 2, 1), date(2026, 2, 1))
>>> p = m.predict("Kunde AS", date(2026, 3, 16))
>>> p.expected_pay_date, round(p.expected_delay, 1), round(p.p_late, 2), p.history
(datetime.date(2026, 3, 25), 9.0, 0.84, 2)
>>> new = m.predict("Ny Kunde AS", date(2026, 3, 16))   # no history: the company's figures
>>> new.expected_pay_date, round(new.p_late, 2), new.history
(datetime.date(2026, 3, 23), 0.62, 0)

Evaluation is *prequential* (test, then learn, in time order): each invoice is predicted on
its issue date from the payments booked before that day, and only learnt once it is paid;
see :func:`prequential`.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Protocol

__all__ = [
    "CompanyAverage",
    "DueDate",
    "Evaluation",
    "PaidInvoice",
    "PaymentModel",
    "Prediction",
    "Predictor",
    "next_weekday",
    "prequential",
]


@dataclass(frozen=True, slots=True)
class PaidInvoice:
    """A paid invoice of a customer: issued, due and paid on (the day it was settled in full)."""

    customer: str
    issue_date: date
    due_date: date
    paid_on: date
    amount: Decimal = Decimal(0)

    @property
    def delay(self) -> int:
        """Days paid after the due date (negative: early)."""
        return (self.paid_on - self.due_date).days


@dataclass(frozen=True, slots=True)
class Prediction:
    expected_pay_date: date
    expected_delay: float  # days after the due date
    p_late: float  # probability it is paid after the due date
    history: int  # the customer's paid invoices it was learnt from


class Predictor(Protocol):
    def learn(self, customer: str, due_date: date, paid_on: date) -> None: ...

    def predict(self, customer: str, due_date: date, *, on: date | None = None) -> Prediction: ...


def next_weekday(day: date) -> date:
    """``day``, or the Monday after it when it falls on a weekend.

    >>> next_weekday(date(2026, 3, 21)), next_weekday(date(2026, 3, 23))
    (datetime.date(2026, 3, 23), datetime.date(2026, 3, 23))
    """
    weekday = day.weekday()
    return day + timedelta(days=7 - weekday) if weekday >= 5 else day


def _pay_date(due_date: date, delay: float, on: date | None, weekdays: bool, residual: float = 0.0) -> date:
    day = due_date + timedelta(days=round(delay))
    if on is not None and day < on:
        day = on + timedelta(days=round(residual))
    return next_weekday(day) if weekdays else day


@dataclass(slots=True)
class _Stats:
    weight: float = 0.0
    late_weight: float = 0.0
    delay_sum: float = 0.0
    late_sum: float = 0.0
    count: int = 0


@dataclass
class PaymentModel:
    """Per-customer recency-weighted delays, shrunk toward the company (see the module docstring)."""

    half_life: float = 12.0  # invoices back at which a payment counts half
    late_half_life: float = 48.0  # the same for P(late): a share needs more invoices to settle than a mean
    prior_weight: float = 1.5  # k: the company's figures count as this many invoices
    cap_days: float = 60.0
    weekdays: bool = True
    _customers: dict[str, _Stats] = field(default_factory=dict, repr=False)
    _company: _Stats = field(default_factory=_Stats, repr=False)
    _delays: list[int] = field(default_factory=list, repr=False)  # every delay learnt, uncapped

    def learn(self, customer: str, due_date: date, paid_on: date) -> None:
        delay = min(float((paid_on - due_date).days), self.cap_days)
        late = 1.0 if paid_on > due_date else 0.0
        decay = 0.5 ** (1.0 / self.half_life)
        late_decay = 0.5 ** (1.0 / self.late_half_life)
        stats = self._customers.setdefault(customer, _Stats())
        stats.weight = stats.weight * decay + 1.0
        stats.delay_sum = stats.delay_sum * decay + delay
        stats.late_weight = stats.late_weight * late_decay + 1.0
        stats.late_sum = stats.late_sum * late_decay + late
        stats.count += 1
        company = self._company
        company.weight += 1.0
        company.late_weight += 1.0
        company.delay_sum += delay
        company.late_sum += late
        company.count += 1
        self._delays.append((paid_on - due_date).days)

    def residual_delay(self, elapsed: int) -> float:
        """Mean days still to wait for an invoice ``elapsed`` days past due, from the company's history.

        >>> m = PaymentModel()
        >>> for d in (0, 5, 20, 40):
        ...     m.learn("a", date(2026, 1, 1), date(2026, 1, 1) + timedelta(days=d))
        >>> m.residual_delay(10), m.residual_delay(60)
        (20.0, 14.0)
        """
        later = [d - elapsed for d in self._delays if d > elapsed]
        return sum(later) / len(later) if later else 14.0

    def company_figures(self) -> tuple[float, float]:
        """The company's mean delay and late share so far (0 and ½ before anything is learnt)."""
        c = self._company
        if c.weight == 0:
            return 0.0, 0.5
        return c.delay_sum / c.weight, (c.late_sum + 0.5) / (c.weight + 1.0)

    def predict(self, customer: str, due_date: date, *, on: date | None = None) -> Prediction:
        mean, share = self.company_figures()
        stats = self._customers.get(customer, _Stats())
        k = self.prior_weight
        delay = (stats.delay_sum + k * mean) / (stats.weight + k)
        p_late = (stats.late_sum + k * share) / (stats.late_weight + k)
        residual = 0.0
        if on is not None and on > due_date:
            p_late = 1.0
            if due_date + timedelta(days=round(delay)) < on:
                residual = self.residual_delay((on - due_date).days)
        return Prediction(_pay_date(due_date, delay, on, self.weekdays, residual), delay, p_late, stats.count)


@dataclass
class DueDate:
    """Baseline: everyone pays on the due date (P(late) = 0)."""

    def learn(self, customer: str, due_date: date, paid_on: date) -> None:
        return None

    def predict(self, customer: str, due_date: date, *, on: date | None = None) -> Prediction:
        p_late = 1.0 if on is not None and on > due_date else 0.0
        return Prediction(_pay_date(due_date, 0.0, on, False), 0.0, p_late, 0)


@dataclass
class CompanyAverage:
    """Baseline: the company's mean delay and late share so far, the same for every customer."""

    weekdays: bool = False
    _model: PaymentModel = field(default_factory=PaymentModel, repr=False)

    def learn(self, customer: str, due_date: date, paid_on: date) -> None:
        self._model.learn("", due_date, paid_on)

    def predict(self, customer: str, due_date: date, *, on: date | None = None) -> Prediction:
        mean, share = self._model.company_figures()
        p_late = 1.0 if on is not None and on > due_date else share
        return Prediction(_pay_date(due_date, mean, on, self.weekdays), mean, p_late, 0)


@dataclass(frozen=True, slots=True)
class Evaluation:
    """Prequential figures: mean absolute error of the pay date (days), Brier score of P(late), calibration."""

    n: int
    mae_days: float
    brier: float
    late_share: float
    # (lowest P of the bin, invoices, mean predicted P, observed late share) per tenth of P
    calibration: tuple[tuple[float, int, float, float], ...]

    @property
    def ece(self) -> float:
        """Expected calibration error: the invoice-weighted mean gap between predicted and observed."""
        return sum(n * abs(p - o) for _, n, p, o in self.calibration) / self.n if self.n else 0.0


def prequential(invoices: Iterable[PaidInvoice], predictor: Predictor, *, skip: int = 0) -> Evaluation:
    """Test-then-learn in time order: predict each invoice on its issue date, learn it once paid.

    Payments booked before an invoice's issue date are learnt before it is predicted; the
    first ``skip`` invoices are learnt but not scored (a warm-up).

    A customer who always pays 3 days late, invoiced every other day for two months:

    >>> start = date(2026, 1, 1)
    >>> hist = [PaidInvoice("A", start + timedelta(d), start + timedelta(d + 10), start + timedelta(d + 13))
    ...         for d in range(0, 60, 2)]
    >>> e = prequential(hist, PaymentModel(weekdays=False))
    >>> e.n, round(e.mae_days, 2), round(prequential(hist, DueDate()).mae_days, 2)
    (30, 0.7, 3.0)
    """
    ordered = sorted(invoices, key=lambda i: (i.issue_date, i.due_date, i.customer))
    pending: list[tuple[date, int, PaidInvoice]] = []
    errors = 0.0
    brier = 0.0
    late = 0
    scored = 0
    bins: list[list[float]] = [[0.0, 0.0, 0.0] for _ in range(10)]  # count, Σp, Σlate
    for index, inv in enumerate(ordered):
        while pending and pending[0][0] < inv.issue_date:
            _, _, paid = heapq.heappop(pending)
            predictor.learn(paid.customer, paid.due_date, paid.paid_on)
        if index >= skip:
            p = predictor.predict(inv.customer, inv.due_date)
            outcome = 1.0 if inv.paid_on > inv.due_date else 0.0
            errors += abs((p.expected_pay_date - inv.paid_on).days)
            brier += (p.p_late - outcome) ** 2
            late += int(outcome)
            scored += 1
            b = bins[min(int(p.p_late * 10), 9)]
            b[0] += 1
            b[1] += p.p_late
            b[2] += outcome
        heapq.heappush(pending, (inv.paid_on, index, inv))
    calibration = tuple((i / 10, int(c), s / c, o / c) for i, (c, s, o) in enumerate(bins) if c)
    if not scored:
        return Evaluation(0, 0.0, 0.0, 0.0, ())
    return Evaluation(scored, errors / scored, brier / scored, late / scored, calibration)
