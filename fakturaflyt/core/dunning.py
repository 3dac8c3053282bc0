"""Reminders (purring), collection notices (inkassovarsel) and late-payment interest by Norwegian law.

Pure rules over plain values: what the next dunning step of an unpaid invoice is on a given
day, what fee it may carry, and the late-payment interest owed. The Django app
(:mod:`fakturaflyt.dunning`) stores the history and sends the letters; this module decides.

The law (DESIGN.md section 4):

* **Reminder fee** (purregebyr), inkassoloven § 9 and inkassoforskriften chapter 1 (§ 1-2): a
  fee only for a *written* reminder sent at least 14 days after the due date; at most a fixed
  fraction of the inkassosats on the day the reminder is sent (1/10 until 30 September 2020,
  1/20 from 1 October 2020 by the amendment of inkassoforskriften that halved the fee; the
  fraction is part of the dated :class:`FeeRate` table, not a constant); at most **two** fees
  per claim in total (reminders and the collection notice together), the second only on a
  notice sent at least 14 days after the first fee-bearing one.
* **Courtesy notices**: anything sent before or on the due date is a notice without a fee.
* **Inkassovarsel** (inkassoloven § 9): a written notice, sent after the due date, giving at
  least 14 days to pay and saying that collection follows otherwise. The case may go to a
  collection agency only after that deadline has passed unpaid.
* **Late-payment interest** (forsinkelsesrenteloven §§ 2-3): from the day after the due date on
  the amount due; the rate is Norges Bank's policy rate + 8 points, fixed per half-year by the
  Finance Ministry (12.00 % p.a. for the 1st half of 2026). Simple interest, actual days / 365,
  split across the rate periods. For business debtors the creditor may instead claim the
  fixed compensation of § 3a (40 EUR in NOK): not implemented here.

Nothing is sent for a disputed, paid or credited invoice, and no step is sent twice.

>>> from datetime import date
>>> fees = [FeeRate(date(2026, 1, 1), D("750"), D("0.05"))]
>>> max_fee(date(2026, 3, 1), fees)
Decimal('37.50')
>>> s = InvoiceState(due_date=date(2026, 3, 1), open_amount=D("1000"))
>>> step = next_step(s, [], date(2026, 3, 15), Schedule.default(), fees)
>>> step.key, step.fee, step.deadline
('reminder_fee', Decimal('37.50'), datetime.date(2026, 3, 29))
>>> step = next_step(s, [], date(2026, 3, 8), Schedule.default(), fees)
>>> step.key, step.fee
('reminder', Decimal('0.00'))
>>> rates = [InterestRate(date(2026, 1, 1), D("12.00"))]
>>> late_interest(D("10000"), date(2026, 3, 1), date(2026, 3, 31), rates)
Decimal('98.63')
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from fakturaflyt.core.errors import Problem, RuleViolation
from fakturaflyt.core.money import D, ore

__all__ = [
    "LEGAL_DEADLINE_DAYS",
    "LEGAL_FEE_SPACING_DAYS",
    "LEGAL_FIRST_FEE_DAY",
    "MAX_FEES",
    "D",
    "FeeRate",
    "InterestRate",
    "InvoiceState",
    "Schedule",
    "ScheduleStep",
    "SentNotice",
    "Step",
    "StepKind",
    "fee_allowed",
    "late_interest",
    "max_fee",
    "next_step",
]

LEGAL_FIRST_FEE_DAY = 14  # a fee only on a reminder sent at least 14 days after the due date
LEGAL_FEE_SPACING_DAYS = 14  # the second fee at least 14 days after the first fee-bearing notice
LEGAL_DEADLINE_DAYS = 14  # an inkassovarsel gives at least 14 days to pay (inkassoloven § 9)
MAX_FEES = 2  # at most two fees per claim (inkassoforskriften § 1-2)


class StepKind(StrEnum):
    COURTESY = "courtesy"  # before or on the due date: a friendly notice, never a fee
    REMINDER = "reminder"  # purring after the due date (a fee when the law allows it)
    COLLECTION_NOTICE = "inkassovarsel"  # inkassoloven § 9
    HANDOVER = "handover"  # the inkassovarsel's deadline passed unpaid: ready for collection


@dataclass(frozen=True, slots=True)
class ScheduleStep:
    """One step of a company's schedule: sent ``offset_days`` after the due date (negative: before)."""

    key: str
    kind: StepKind
    offset_days: int
    fee: bool = False  # charge a reminder fee when the law allows it

    def __post_init__(self) -> None:
        if self.kind == StepKind.HANDOVER:
            raise ValueError("the handover is not a schedule step: it follows the inkassovarsel's deadline")


@dataclass(frozen=True, slots=True)
class Schedule:
    """The steps in the order they are sent, and the deadlines they give.

    ``deadline_days`` is the time to pay a reminder gives; ``collection_deadline_days`` the time
    an inkassovarsel gives (never less than 14, whatever is configured).
    """

    steps: tuple[ScheduleStep, ...]
    deadline_days: int = 14
    collection_deadline_days: int = LEGAL_DEADLINE_DAYS
    reminder_before_collection_notice: bool = True

    @staticmethod
    def default(
        courtesy: int | None = -3,
        notice: int | None = 0,
        reminder: int | None = 7,
        fee_reminder: int | None = 14,
        collection_notice: int | None = 28,
        deadline_days: int = 14,
        collection_deadline_days: int = LEGAL_DEADLINE_DAYS,
    ) -> Schedule:
        """The default schedule of issue 8; an offset of ``None`` leaves that step out.

        >>> [s.key for s in Schedule.default(courtesy=None).steps]
        ['notice', 'reminder', 'reminder_fee', 'inkassovarsel']
        """
        candidates = (
            ("courtesy", StepKind.COURTESY, courtesy, False),
            ("notice", StepKind.COURTESY, notice, False),
            ("reminder", StepKind.REMINDER, reminder, False),
            ("reminder_fee", StepKind.REMINDER, fee_reminder, True),
            ("inkassovarsel", StepKind.COLLECTION_NOTICE, collection_notice, True),
        )
        steps = tuple(ScheduleStep(k, kind, off, fee) for k, kind, off, fee in candidates if off is not None)
        return Schedule(tuple(sorted(steps, key=lambda s: s.offset_days)), deadline_days, collection_deadline_days)


@dataclass(frozen=True, slots=True)
class FeeRate:
    """The inkassosats from ``valid_from`` and the fraction of it a reminder fee may be at most."""

    valid_from: date
    inkassosats: Decimal
    fraction: Decimal = Decimal("0.1")

    @property
    def max_fee(self) -> Decimal:
        return ore(self.inkassosats * self.fraction)


@dataclass(frozen=True, slots=True)
class InterestRate:
    """The forsinkelsesrente (percent p.a.) from ``valid_from`` to ``valid_to`` (None: until a newer one)."""

    valid_from: date
    rate: Decimal
    valid_to: date | None = None


@dataclass(frozen=True, slots=True)
class InvoiceState:
    """What the rules need to know about the invoice today."""

    due_date: date
    open_amount: Decimal
    disputed: bool = False
    settled: bool = False  # paid or credited in full
    written: bool = True  # the notice is written (a letter or an e-mail), as a fee requires


@dataclass(frozen=True, slots=True)
class SentNotice:
    """A notice sent before: its step, kind, day, fee and (for an inkassovarsel) deadline."""

    step: str
    kind: StepKind
    sent_on: date
    fee: Decimal = Decimal("0")
    deadline: date | None = None


@dataclass(frozen=True, slots=True)
class Step:
    """What to send today: the step, its fee (0 when none is allowed), the deadline and why."""

    key: str
    kind: StepKind
    fee: Decimal
    deadline: date | None
    reason: str
    notes: tuple[str, ...] = field(default_factory=tuple)


def _rate_on(on: date, table: Sequence[FeeRate]) -> FeeRate:
    applicable = [r for r in table if r.valid_from <= on]
    if not applicable:
        raise RuleViolation(
            [Problem("FF-DUN-NO-FEE-RATE", f"No inkassosats is entered for {on:%d.%m.%Y}.", "reminder fee rates")]
        )
    return max(applicable, key=lambda r: r.valid_from)


def max_fee(on: date, table: Sequence[FeeRate]) -> Decimal:
    """The highest reminder fee allowed on a reminder sent ``on`` (fraction × inkassosats of that day).

    >>> t = [FeeRate(date(2017, 1, 1), D("700")), FeeRate(date(2020, 10, 1), D("700"), D("0.05"))]
    >>> max_fee(date(2020, 9, 30), t), max_fee(date(2020, 10, 1), t)
    (Decimal('70.00'), Decimal('35.00'))
    """
    return _rate_on(on, table).max_fee


def fee_allowed(due_date: date, on: date, history: Sequence[SentNotice], *, written: bool = True) -> str | None:
    """None when a notice sent ``on`` may carry a fee; else why not (for the accountant).

    >>> fee_allowed(date(2026, 3, 1), date(2026, 3, 14), [])
    'a fee only from 14 days after the due date (15.03.2026)'
    >>> fee_allowed(date(2026, 3, 1), date(2026, 3, 15), [])
    """
    if not written:
        return "a fee only on a written reminder"
    first_day = due_date + timedelta(days=LEGAL_FIRST_FEE_DAY)
    if on < first_day:
        return f"a fee only from {LEGAL_FIRST_FEE_DAY} days after the due date ({first_day:%d.%m.%Y})"
    charged = sorted((n for n in history if n.fee > 0), key=lambda n: n.sent_on)
    if len(charged) >= MAX_FEES:
        return f"{MAX_FEES} fees are charged already (the most the law allows)"
    if charged:
        next_day = charged[-1].sent_on + timedelta(days=LEGAL_FEE_SPACING_DAYS)
        if on < next_day:
            return f"the second fee only from {next_day:%d.%m.%Y}, {LEGAL_FEE_SPACING_DAYS} days after the first"
    return None


def _reason(step: ScheduleStep, due: date, on: date) -> str:
    days = (on - due).days
    if days < 0:
        return f"due in {-days} days ({due:%d.%m.%Y})"
    if days == 0:
        return f"due today ({due:%d.%m.%Y})"
    return f"{days} days overdue (due {due:%d.%m.%Y})"


def next_step(
    state: InvoiceState,
    history: Sequence[SentNotice],
    today: date,
    schedule: Schedule,
    fee_table: Sequence[FeeRate],
    *,
    fee_wanted: Decimal | None = None,
) -> Step | None:
    """The step to send for this invoice on ``today``, or None when there is nothing to send.

    Steps go in schedule order and each is sent at most once. When several are due (a run after
    a pause), only the latest is sent, but never an inkassovarsel as the first written notice
    after the due date when ``schedule.reminder_before_collection_notice`` is set. Steps before
    or on the due date are dropped once the due date has passed. After an inkassovarsel whose
    deadline has passed, the step is the handover to collection. ``fee_wanted`` is the company's
    fee (None: the legal maximum); it is cut to the legal maximum of the day.
    """
    if state.settled or state.disputed or state.open_amount <= 0:
        return None
    sent = {n.step for n in history}
    if any(n.kind == StepKind.HANDOVER for n in history):
        return None
    collection = [n for n in history if n.kind == StepKind.COLLECTION_NOTICE]
    if collection:
        deadline = max(n.deadline or n.sent_on + timedelta(days=LEGAL_DEADLINE_DAYS) for n in collection)
        if today > deadline:
            return Step(
                "handover",
                StepKind.HANDOVER,
                Decimal("0.00"),
                None,
                f"the inkassovarsel's deadline {deadline:%d.%m.%Y} has passed unpaid: ready for collection",
            )
        return None
    # only steps after the last one sent (never back, never twice)
    order = [s.key for s in schedule.steps]
    last = max((order.index(k) for k in sent if k in order), default=-1)
    due_steps = [
        s
        for s in schedule.steps[last + 1 :]
        if state.due_date + timedelta(days=s.offset_days) <= today
        and not (s.kind == StepKind.COURTESY and today > state.due_date)
        and not (s.kind != StepKind.COURTESY and today <= state.due_date)
    ]
    if not due_steps:
        return None
    reminders_after_due = any(n.kind == StepKind.REMINDER for n in history)
    chosen = due_steps[-1]
    if chosen.kind == StepKind.COLLECTION_NOTICE and schedule.reminder_before_collection_notice:
        if not reminders_after_due:
            earlier = [s for s in due_steps if s.kind == StepKind.REMINDER]
            if earlier:
                chosen = earlier[-1]
            else:
                reminder_steps = [s for s in schedule.steps if s.kind == StepKind.REMINDER]
                if reminder_steps:  # a reminder exists in the schedule but is not due yet: wait for it
                    return None
    notes: list[str] = []
    fee = Decimal("0.00")
    if chosen.fee:
        why_not = fee_allowed(state.due_date, today, history, written=state.written)
        if why_not is None:
            legal = max_fee(today, fee_table)
            fee = legal if fee_wanted is None else min(ore(fee_wanted), legal)
            if fee_wanted is not None and fee_wanted > legal:
                notes.append(f"fee cut to the legal maximum {legal}")
        else:
            notes.append(f"no fee: {why_not}")
    if chosen.kind == StepKind.COLLECTION_NOTICE:
        deadline = today + timedelta(days=max(schedule.collection_deadline_days, LEGAL_DEADLINE_DAYS))
    elif chosen.kind == StepKind.REMINDER:
        deadline = today + timedelta(days=max(schedule.deadline_days, 1))
    else:
        deadline = state.due_date
    return Step(chosen.key, chosen.kind, fee, deadline, _reason(chosen, state.due_date, today), tuple(notes))


def _periods(table: Sequence[InterestRate]) -> list[tuple[date, date | None, Decimal]]:
    ordered = sorted(table, key=lambda r: r.valid_from)
    out: list[tuple[date, date | None, Decimal]] = []
    for i, r in enumerate(ordered):
        end = r.valid_to
        if end is None and i + 1 < len(ordered):
            end = ordered[i + 1].valid_from - timedelta(days=1)
        out.append((r.valid_from, end, r.rate))
    return out


def late_interest(amount: Decimal, due_date: date, until: date, rate_table: Sequence[InterestRate]) -> Decimal:
    """Forsinkelsesrente on ``amount`` for the days after ``due_date`` up to and including ``until``.

    Simple interest, actual days / 365, each day at the rate of its half-year; rounded to øre
    once, at the end. A day no rate covers is refused (``FF-DUN-NO-INTEREST-RATE``) rather than
    guessed.

    >>> t = [InterestRate(date(2025, 1, 1), D("12.50"), date(2025, 6, 30)), InterestRate(date(2025, 7, 1), D("12.25"))]
    >>> late_interest(D("10000"), date(2025, 6, 20), date(2025, 7, 10), t)  # 10 days 12.50, 10 days 12.25
    Decimal('67.81')
    >>> late_interest(D("10000"), date(2025, 6, 20), date(2025, 6, 20), t)
    Decimal('0.00')
    """
    if amount <= 0 or until <= due_date:
        return Decimal("0.00")
    start = due_date + timedelta(days=1)
    total = Decimal(0)
    covered = 0
    for p_start, p_end, rate in _periods(rate_table):
        lo = max(start, p_start)
        hi = until if p_end is None else min(until, p_end)
        if hi < lo:
            continue
        days = (hi - lo).days + 1
        covered += days
        total += amount * rate / Decimal(100) * Decimal(days) / Decimal(365)
    needed = (until - start).days + 1
    if covered < needed:
        raise RuleViolation(
            [
                Problem(
                    "FF-DUN-NO-INTEREST-RATE",
                    f"The late-payment interest rate is not entered for every day from {start:%d.%m.%Y} "
                    f"to {until:%d.%m.%Y}: enter the missing half-year's rate.",
                    "late-payment interest rates",
                )
            ]
        )
    return ore(total)
