"""The dunning rules of core.dunning: fees, deadlines, steps and late-payment interest (DESIGN.md section 4)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fakturaflyt.core.dunning import (
    FeeRate,
    InterestRate,
    InvoiceState,
    Schedule,
    SentNotice,
    StepKind,
    late_interest,
    max_fee,
    next_step,
)
from fakturaflyt.core.errors import RuleViolation

D = Decimal
FEES = [
    FeeRate(date(2017, 1, 1), D("700"), D("0.1")),
    FeeRate(date(2020, 10, 1), D("700"), D("0.05")),
    FeeRate(date(2026, 1, 1), D("750"), D("0.05")),
]
RATES = [
    InterestRate(date(2025, 1, 1), D("12.50"), date(2025, 6, 30)),
    InterestRate(date(2025, 7, 1), D("12.25"), date(2025, 12, 31)),
    InterestRate(date(2026, 1, 1), D("12.00")),
]
DUE = date(2026, 3, 1)


def walk(schedule: Schedule, state: InvoiceState, days: list[date], fee_wanted: Decimal | None = None):
    """Run the rules on each of ``days`` (sorted), sending whatever they say; the history."""
    history: list[SentNotice] = []
    for day in sorted(days):
        step = next_step(state, history, day, schedule, FEES, fee_wanted=fee_wanted)
        if step is None:
            continue
        history.append(SentNotice(step.key, step.kind, day, step.fee, step.deadline))
    return history


def test_max_fee_follows_the_dated_table() -> None:
    assert max_fee(date(2019, 5, 1), FEES) == D("70.00")
    assert max_fee(date(2025, 12, 31), FEES) == D("35.00")
    assert max_fee(date(2026, 1, 1), FEES) == D("37.50")
    with pytest.raises(RuleViolation):
        max_fee(date(2016, 12, 31), FEES)


def test_default_walk_day_by_day() -> None:
    state = InvoiceState(DUE, D("1000"))
    history = walk(Schedule.default(), state, [DUE + timedelta(days=d) for d in range(-10, 60)])
    assert [(n.step, (n.sent_on - DUE).days, n.fee) for n in history] == [
        ("courtesy", -3, D("0.00")),
        ("notice", 0, D("0.00")),
        ("reminder", 7, D("0.00")),
        ("reminder_fee", 14, D("37.50")),
        ("inkassovarsel", 28, D("37.50")),
        ("handover", 43, D("0.00")),
    ]
    inkassovarsel = history[4]
    assert inkassovarsel.deadline == DUE + timedelta(days=42)


def test_no_fee_before_day_14_even_when_configured() -> None:
    schedule = Schedule.default(reminder=None, fee_reminder=10, collection_notice=None)
    step = next_step(InvoiceState(DUE, D("500")), [], DUE + timedelta(days=13), schedule, FEES)
    assert step is not None and step.key == "reminder_fee" and step.fee == 0
    assert "14 days" in step.notes[0]


def test_fee_cut_to_legal_maximum_and_company_fee_kept_below() -> None:
    state = InvoiceState(DUE, D("500"))
    day = DUE + timedelta(days=14)
    assert next_step(state, [], day, Schedule.default(), FEES, fee_wanted=D("200")).fee == D("37.50")
    assert next_step(state, [], day, Schedule.default(), FEES, fee_wanted=D("30")).fee == D("30.00")


def test_nothing_for_disputed_paid_or_credited() -> None:
    day = DUE + timedelta(days=20)
    for state in (
        InvoiceState(DUE, D("500"), disputed=True),
        InvoiceState(DUE, D("500"), settled=True),
        InvoiceState(DUE, D("0")),
    ):
        assert next_step(state, [], day, Schedule.default(), FEES) is None


def test_catch_up_sends_a_reminder_before_the_inkassovarsel() -> None:
    state = InvoiceState(DUE, D("500"))
    step = next_step(state, [], DUE + timedelta(days=40), Schedule.default(), FEES)
    assert step.key == "reminder_fee" and step.fee == D("37.50")
    history = [SentNotice(step.key, step.kind, DUE + timedelta(days=40), step.fee, step.deadline)]
    # the inkassovarsel is due by the schedule, but its fee must wait 14 days after the first
    nxt = next_step(state, history, DUE + timedelta(days=41), Schedule.default(), FEES)
    assert nxt.kind == StepKind.COLLECTION_NOTICE and nxt.fee == 0 and "second fee" in nxt.notes[0]


def test_handover_only_after_the_deadline() -> None:
    state = InvoiceState(DUE, D("500"))
    sent = DUE + timedelta(days=28)
    history = [SentNotice("inkassovarsel", StepKind.COLLECTION_NOTICE, sent, D("0"), sent + timedelta(days=14))]
    assert next_step(state, history, sent + timedelta(days=14), Schedule.default(), FEES) is None
    assert next_step(state, history, sent + timedelta(days=15), Schedule.default(), FEES).kind == StepKind.HANDOVER


def test_inkassovarsel_deadline_never_below_14_days_even_if_configured() -> None:
    schedule = Schedule.default(collection_deadline_days=5)
    history = [SentNotice("reminder", StepKind.REMINDER, DUE + timedelta(days=7))]
    day = DUE + timedelta(days=30)
    step = next_step(InvoiceState(DUE, D("500")), history, day, schedule, FEES)
    assert step.kind == StepKind.COLLECTION_NOTICE and step.deadline == day + timedelta(days=14)


def test_late_interest_split_across_half_years() -> None:
    # 1.7.2025-31.12.2025: 184 days at 12.25; 1.1.2026-31.1.2026: 31 days at 12.00
    got = late_interest(D("10000"), date(2025, 6, 30), date(2026, 1, 31), RATES)
    expected = D("10000") * (D("0.1225") * 184 + D("0.12") * 31) / 365
    assert got == expected.quantize(D("0.01"))


def test_late_interest_refuses_a_missing_period() -> None:
    with pytest.raises(RuleViolation) as exc:
        late_interest(D("1000"), date(2024, 12, 1), date(2025, 1, 31), RATES)
    assert exc.value.code == "FF-DUN-NO-INTEREST-RATE"


# ------------------------------------------------------------------ properties, any run dates

offsets = st.lists(st.integers(min_value=-20, max_value=120), min_size=1, max_size=25)
schedules = st.builds(
    Schedule.default,
    courtesy=st.one_of(st.none(), st.integers(-10, 0)),
    notice=st.one_of(st.none(), st.just(0)),
    reminder=st.one_of(st.none(), st.integers(1, 30)),
    fee_reminder=st.one_of(st.none(), st.integers(0, 40)),
    collection_notice=st.one_of(st.none(), st.integers(0, 60)),
    deadline_days=st.integers(1, 30),
    collection_deadline_days=st.integers(0, 30),
)
due_dates = st.dates(min_value=date(2019, 1, 1), max_value=date(2026, 12, 31))


@settings(max_examples=300, deadline=None)
@given(schedule=schedules, due=due_dates, days=offsets, wanted=st.one_of(st.none(), st.decimals("0", "500", places=2)))
def test_rules_hold_for_any_run_dates(schedule: Schedule, due: date, days: list[int], wanted: Decimal | None) -> None:
    history = walk(schedule, InvoiceState(due, D("1000")), [due + timedelta(days=d) for d in set(days)], wanted)
    fees = [n for n in history if n.fee > 0]
    # no fee above the legal maximum of the day, none before day 14
    for n in fees:
        assert n.fee <= max_fee(n.sent_on, FEES)
        assert (n.sent_on - due).days >= 14
    # never more than two fees, the second at least 14 days after the first
    assert len(fees) <= 2
    if len(fees) == 2:
        assert (fees[1].sent_on - fees[0].sent_on).days >= 14
    # never the same step twice, the inkassovarsel gives at least 14 days and comes after the due date
    assert len({n.step for n in history}) == len(history)
    for n in history:
        if n.kind == StepKind.COLLECTION_NOTICE:
            assert n.deadline is not None and (n.deadline - n.sent_on).days >= 14
            assert n.sent_on > due
        if n.kind == StepKind.HANDOVER:
            notice = next(x for x in history if x.kind == StepKind.COLLECTION_NOTICE)
            assert n.sent_on > notice.deadline
        if n.kind == StepKind.COURTESY:
            assert n.fee == 0 and n.sent_on <= due


@settings(max_examples=100, deadline=None)
@given(due=due_dates, days=offsets, paid_at=st.integers(-5, 100))
def test_payment_stops_dunning(due: date, days: list[int], paid_at: int) -> None:
    history: list[SentNotice] = []
    for d in sorted(set(days)):
        day = due + timedelta(days=d)
        state = InvoiceState(due, D("1000"), settled=d >= paid_at)
        step = next_step(state, history, day, Schedule.default(), FEES)
        if d >= paid_at:
            assert step is None
        elif step is not None:
            history.append(SentNotice(step.key, step.kind, day, step.fee, step.deadline))
