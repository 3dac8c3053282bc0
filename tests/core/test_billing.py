"""Subscription billing: anchored periods, proration to the øre, plan changes and KPI."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fakturaflyt.core.billing import (
    Adjustment,
    CpiIndexation,
    Period,
    Plan,
    Subscription,
    billing_periods,
    change_plan,
    days_inclusive,
    indexed_price,
    prorate,
    split_exact,
)
from fakturaflyt.core.errors import FakturaflytError, FormatError, RuleViolation

MONTHLY = Plan("Standard", Decimal("300.00"), "monthly")
ARREARS = Plan("Standard", Decimal("300.00"), "monthly", in_advance=False)


def spans(periods: list[Period]) -> list[tuple[str, str, str, str, str]]:
    return [(p.start.isoformat(), p.end.isoformat(), p.due_on.isoformat(), str(p.amount), p.kind) for p in periods]


# --- periods ---------------------------------------------------------------------------


def test_monthly_in_advance_due_on_first_day() -> None:
    sub = Subscription(date(2026, 1, 15), None, MONTHLY)
    assert spans(billing_periods(sub, date(2026, 3, 15))) == [
        ("2026-01-15", "2026-02-14", "2026-01-15", "300.00", "regular"),
        ("2026-02-15", "2026-03-14", "2026-02-15", "300.00", "regular"),
        ("2026-03-15", "2026-04-14", "2026-03-15", "300.00", "regular"),
    ]


def test_monthly_in_arrears_due_the_day_after_the_period() -> None:
    sub = Subscription(date(2026, 1, 1), None, ARREARS)
    assert spans(billing_periods(sub, date(2026, 3, 1))) == [
        ("2026-01-01", "2026-01-31", "2026-02-01", "300.00", "regular"),
        ("2026-02-01", "2026-02-28", "2026-03-01", "300.00", "regular"),
    ]
    assert billing_periods(sub, date(2026, 1, 31)) == []


@pytest.mark.parametrize("in_advance", [True, False])
def test_quarterly(in_advance: bool) -> None:
    plan = Plan("Kvartal", Decimal("900.00"), "quarterly", in_advance)
    sub = Subscription(date(2026, 2, 1), None, plan)
    got = billing_periods(sub, date(2026, 11, 1))
    assert [(p.start, p.end) for p in got[:3]] == [
        (date(2026, 2, 1), date(2026, 4, 30)),
        (date(2026, 5, 1), date(2026, 7, 31)),
        (date(2026, 8, 1), date(2026, 10, 31)),
    ]
    if in_advance:
        assert [p.due_on for p in got] == [date(2026, 2, 1), date(2026, 5, 1), date(2026, 8, 1), date(2026, 11, 1)]
    else:
        assert [p.due_on for p in got] == [date(2026, 5, 1), date(2026, 8, 1), date(2026, 11, 1)]
    assert all(p.amount == Decimal("900.00") for p in got)


@pytest.mark.parametrize("in_advance", [True, False])
def test_yearly_from_leap_day(in_advance: bool) -> None:
    plan = Plan("År", Decimal("3600.00"), "yearly", in_advance)
    sub = Subscription(date(2028, 2, 29), None, plan)
    got = billing_periods(sub, date(2033, 3, 1))
    # anchor 29: 28 Feb in normal years, 29 Feb again in 2032
    assert [p.start for p in got][:5] == [
        date(2028, 2, 29),
        date(2029, 2, 28),
        date(2030, 2, 28),
        date(2031, 2, 28),
        date(2032, 2, 29),
    ]
    assert got[0].end == date(2029, 2, 27)
    assert len(got) == (6 if in_advance else 5)


def test_anchor_31_through_leap_february_and_back() -> None:
    sub = Subscription(date(2028, 1, 31), None, MONTHLY)
    starts = [p.start for p in billing_periods(sub, date(2028, 8, 31))]
    assert starts == [
        date(2028, 1, 31),
        date(2028, 2, 29),
        date(2028, 3, 31),  # back to 31, no drift from February
        date(2028, 4, 30),
        date(2028, 5, 31),
        date(2028, 6, 30),
        date(2028, 7, 31),
        date(2028, 8, 31),
    ]


def test_anchor_31_through_normal_february() -> None:
    sub = Subscription(date(2027, 1, 31), None, MONTHLY)
    got = billing_periods(sub, date(2027, 3, 31))
    assert [(p.start, p.end) for p in got] == [
        (date(2027, 1, 31), date(2027, 2, 27)),
        (date(2027, 2, 28), date(2027, 3, 30)),
        (date(2027, 3, 31), date(2027, 4, 29)),
    ]


def test_start_mid_period_with_explicit_anchor_gives_first_partial() -> None:
    # anchor on the 1st; start 2028-02-15 -> 15 of 29 February days
    sub = Subscription(date(2028, 2, 15), None, MONTHLY, anchor_day=1)
    first, second = billing_periods(sub, date(2028, 3, 1))
    assert (first.start, first.end, first.kind, first.amount) == (
        date(2028, 2, 15),
        date(2028, 2, 29),
        "first_partial",
        Decimal("155.17"),
    )
    assert (first.full_start, first.full_end) == (date(2028, 2, 1), date(2028, 2, 29))
    assert (second.start, second.kind, second.amount) == (date(2028, 3, 1), "regular", Decimal("300.00"))


def test_trial_converts_to_paid_the_day_after() -> None:
    sub = Subscription(date(2026, 1, 10), None, MONTHLY, trial_end=date(2026, 2, 8))
    got = billing_periods(sub, date(2026, 3, 9))
    assert spans(got) == [
        ("2026-02-09", "2026-03-08", "2026-02-09", "300.00", "regular"),
        ("2026-03-09", "2026-04-08", "2026-03-09", "300.00", "regular"),
    ]
    assert billing_periods(sub, date(2026, 2, 8)) == []


def test_trial_with_fixed_anchor_prorates_the_first_paid_days() -> None:
    sub = Subscription(date(2026, 3, 1), None, MONTHLY, trial_end=date(2026, 3, 14), anchor_day=1)
    first = billing_periods(sub, date(2026, 3, 31))[0]
    assert (first.start, first.kind, first.amount) == (date(2026, 3, 15), "first_partial", Decimal("164.52"))  # 17/31


def test_terminated_during_trial_bills_nothing() -> None:
    sub = Subscription(date(2026, 1, 1), date(2026, 1, 20), MONTHLY, trial_end=date(2026, 1, 31))
    assert billing_periods(sub, date(2027, 1, 1)) == []


@pytest.mark.parametrize("plan", [MONTHLY, ARREARS])
def test_termination_mid_period_is_a_final_partial_to_the_ore(plan: Plan) -> None:
    sub = Subscription(date(2026, 1, 1), date(2026, 3, 10), plan)
    got = billing_periods(sub, date(2027, 1, 1))
    assert [p.kind for p in got] == ["regular", "regular", "final_partial"]
    last = got[-1]
    assert (last.start, last.end, last.amount) == (date(2026, 3, 1), date(2026, 3, 10), Decimal("96.77"))  # 300*10/31
    assert last.due_on == (date(2026, 3, 1) if plan.in_advance else date(2026, 3, 11))


def test_termination_on_last_day_of_a_period_is_regular_and_nothing_after() -> None:
    sub = Subscription(date(2026, 1, 1), date(2026, 2, 28), MONTHLY)
    assert [p.kind for p in billing_periods(sub, date(2030, 1, 1))] == ["regular", "regular"]


def test_idempotent_and_later_until_only_appends() -> None:
    sub = Subscription(
        date(2028, 1, 31),
        date(2029, 6, 17),
        MONTHLY,
        index=CpiIndexation(1, Decimal("100"), {(2028, 12): Decimal("103")}),
    )
    a = billing_periods(sub, date(2028, 9, 30))
    assert billing_periods(sub, date(2028, 9, 30)) == a
    b = billing_periods(sub, date(2029, 12, 31))
    assert b[: len(a)] == a and len(b) > len(a)


# --- proration ---------------------------------------------------------------------------


def test_prorate_across_month_end_and_leap_year() -> None:
    # 15 Jan - 14 Feb 2028 (31 days); the part 31 Jan - 14 Feb is 15 days
    assert prorate(
        Decimal("310.00"), date(2028, 1, 15), date(2028, 2, 14), date(2028, 1, 31), date(2028, 2, 14)
    ) == Decimal("150.00")
    # a leap year has 366 days: one day of 3660.00 is 10.00
    assert prorate(
        Decimal("3660.00"), date(2028, 1, 1), date(2028, 12, 31), date(2028, 2, 29), date(2028, 2, 29)
    ) == Decimal("10.00")
    assert prorate(
        Decimal("3650.00"), date(2027, 1, 1), date(2027, 12, 31), date(2027, 2, 28), date(2027, 2, 28)
    ) == Decimal("10.00")


def test_prorate_rounds_half_up_once() -> None:
    # 100 * 1/8 = 12.5 exactly -> 12.50; 0.05 * 1/2 = 0.025 -> 0.03 (half up)
    assert prorate(Decimal("0.05"), date(2026, 1, 1), date(2026, 1, 2), date(2026, 1, 1), date(2026, 1, 1)) == Decimal(
        "0.03"
    )


def test_prorate_refuses_a_part_outside_the_period() -> None:
    with pytest.raises(RuleViolation) as err:
        prorate(Decimal("1"), date(2026, 1, 1), date(2026, 1, 31), date(2026, 1, 20), date(2026, 2, 2))
    assert err.value.code == "FF-BILLING-PART-OUTSIDE"


dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))
prices = st.decimals(min_value=0, max_value=1_000_000, places=2, allow_nan=False, allow_infinity=False)


@settings(max_examples=200, deadline=None)
@given(start=dates, length=st.integers(0, 400), price=prices)
def test_daily_parts_sum_to_price_within_rounding(start: date, length: int, price: Decimal) -> None:
    end = start + timedelta(days=length)
    n = days_inclusive(start, end)
    parts = [prorate(price, start, end, d, d) for d in (start + timedelta(days=i) for i in range(n))]
    assert abs(sum(parts) - price) <= Decimal("0.005") * n
    exact = split_exact(price, [1] * n)
    assert sum(exact) == price
    assert all(abs(e - p) <= Decimal("0.01") for e, p in zip(exact, parts, strict=True))


@settings(max_examples=200, deadline=None)
@given(
    total=st.decimals(min_value=-100_000, max_value=100_000, places=2, allow_nan=False, allow_infinity=False),
    weights=st.lists(st.integers(0, 1000), min_size=1, max_size=30).filter(lambda w: sum(w) > 0),
)
def test_split_exact_sums_exactly_and_stays_within_one_ore(total: Decimal, weights: list[int]) -> None:
    parts = split_exact(total, weights)
    assert sum(parts) == total
    wsum = sum(weights)
    assert all(abs(p - total * w / wsum) < Decimal("0.01") for p, w in zip(parts, weights, strict=True))


def test_split_exact_refuses_bad_weights() -> None:
    with pytest.raises(RuleViolation) as err:
        split_exact(Decimal("1.00"), [0, 0])
    assert err.value.code == "FF-BILLING-WEIGHTS"


# --- plan changes --------------------------------------------------------------------------


def test_upgrade_mid_month_credits_old_and_charges_new() -> None:
    sub = Subscription(date(2026, 3, 1), None, MONTHLY)
    pro = Plan("Pro", Decimal("500.00"), "monthly")
    credit, charge = change_plan(sub, pro, date(2026, 3, 12))  # 20 of 31 days left
    assert credit == Adjustment(
        "credit", "Standard", date(2026, 3, 12), date(2026, 3, 31), Decimal("-193.55"),
        "Kreditering ubenyttet del av Standard 12.03.2026–31.03.2026 (20/31 dager)",
    )  # fmt: skip
    assert (charge.kind, charge.amount) == ("charge", Decimal("322.58"))
    assert charge.description == "Pro 12.03.2026–31.03.2026 (20/31 dager)"
    assert credit.amount + charge.amount == Decimal("129.03")
    assert abs((credit.amount + charge.amount) - Decimal("200.00") * 20 / 31) <= Decimal("0.01")


def test_downgrade_mid_month_in_leap_february_nets_a_credit() -> None:
    sub = Subscription(date(2028, 1, 1), None, Plan("Pro", Decimal("500.00"), "monthly"))
    credit, charge = change_plan(sub, MONTHLY, date(2028, 2, 20))  # 10 of 29 days
    assert (credit.amount, charge.amount) == (Decimal("-172.41"), Decimal("103.45"))
    assert credit.amount + charge.amount == Decimal("-68.96")


def test_change_respects_termination_and_trial() -> None:
    sub = Subscription(date(2026, 1, 1), date(2026, 1, 20), MONTHLY, trial_end=date(2026, 1, 5))
    credit, charge = change_plan(sub, Plan("Pro", Decimal("620.00"), "monthly"), date(2026, 1, 11))
    assert (credit.end, charge.end) == (date(2026, 1, 20), date(2026, 1, 20))
    assert change_plan(sub, MONTHLY, date(2026, 1, 3)) == []  # during the free trial
    with pytest.raises(RuleViolation) as err:
        change_plan(sub, MONTHLY, date(2026, 2, 1))
    assert err.value.code == "FF-BILLING-CHANGE-DATE"


def test_change_from_monthly_to_yearly_charges_the_rest_of_the_year() -> None:
    sub = Subscription(date(2026, 1, 1), None, MONTHLY)
    credit, charge = change_plan(sub, Plan("År", Decimal("3650.00"), "yearly"), date(2026, 12, 22))
    assert (credit.amount, charge.amount) == (Decimal("-96.77"), Decimal("100.00"))


# --- KPI indexation ------------------------------------------------------------------------

KPI = CpiIndexation(1, Decimal("125.0"), {(2026, 12): Decimal("131.2"), (2027, 12): Decimal("135.0")})


def test_cpi_applies_once_from_its_date_and_not_again_within_the_year() -> None:
    sub = Subscription(date(2026, 3, 1), None, Plan("Standard", Decimal("1000.00"), "monthly"), index=KPI)
    got = billing_periods(sub, date(2027, 12, 31))
    before = [p for p in got if p.start < date(2027, 1, 1)]
    after = [p for p in got if p.start >= date(2027, 1, 1)]
    assert all(p.amount == Decimal("1000.00") and p.note == "" for p in before)
    assert {p.amount for p in after} == {Decimal("1049.60")}  # 1000 * 131.2 / 125.0, not compounded
    assert after[0].note == "KPI-regulert fra 01.01.2027: 1000.00 × 131.2 / 125.0 (KPI desember 2026) = 1049.60"
    assert billing_periods(sub, date(2028, 1, 1))[-1].amount == Decimal(
        "1080.00"
    )  # next year, again from the agreed price


def test_cpi_takes_effect_from_first_period_starting_on_or_after_the_month() -> None:
    plan = Plan("Kvartal", Decimal("1000.00"), "quarterly")
    sub = Subscription(date(2026, 3, 1), None, plan, anchor_day=15, index=KPI)
    got = billing_periods(sub, date(2027, 6, 1))
    # the quarter 15 Dec 2026 - 14 Mar 2027 started before 1 January: agreed price
    assert [(p.full_start, p.kind, p.amount) for p in got] == [
        (date(2025, 12, 15), "first_partial", Decimal("155.56")),  # 1-14 March of a 90-day quarter
        (date(2026, 3, 15), "regular", Decimal("1000.00")),
        (date(2026, 6, 15), "regular", Decimal("1000.00")),
        (date(2026, 9, 15), "regular", Decimal("1000.00")),
        (date(2026, 12, 15), "regular", Decimal("1000.00")),
        (date(2027, 3, 15), "regular", Decimal("1049.60")),
    ]


def test_cpi_not_applied_to_the_year_the_price_was_agreed() -> None:
    assert indexed_price(Decimal("1000.00"), KPI, date(2026, 6, 1), since=date(2026, 1, 1)) == (Decimal("1000.00"), "")
    assert indexed_price(Decimal("1000.00"), KPI, date(2027, 1, 1), since=date(2026, 1, 1))[0] == Decimal("1049.60")


def test_missing_index_is_an_error() -> None:
    sub = Subscription(date(2026, 3, 1), None, MONTHLY, index=CpiIndexation(1, Decimal("125.0"), {}))
    assert len(billing_periods(sub, date(2026, 12, 31))) == 10
    with pytest.raises(RuleViolation) as err:
        billing_periods(sub, date(2027, 1, 1))
    assert err.value.code == "FF-BILLING-CPI-MISSING"
    assert "desember 2026" in str(err.value)


# --- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (lambda: Plan("X", Decimal("-1"), "monthly"), "FF-BILLING-PRICE-NEGATIVE"),
        (lambda: Plan("X", Decimal("1"), "weekly"), "FF-BILLING-INTERVAL"),  # type: ignore[arg-type]
        (lambda: Subscription(date(2026, 2, 1), date(2026, 1, 31), MONTHLY), "FF-BILLING-END-BEFORE-START"),
        (
            lambda: Subscription(date(2026, 2, 1), None, MONTHLY, trial_end=date(2026, 1, 1)),
            "FF-BILLING-TRIAL-BEFORE-START",
        ),
        (lambda: Subscription(date(2026, 2, 1), None, MONTHLY, anchor_day=32), "FF-BILLING-ANCHOR-DAY"),
        (lambda: CpiIndexation(13, Decimal("100")), "FF-BILLING-CPI-MONTH"),
        (lambda: CpiIndexation(1, Decimal("0")), "FF-BILLING-CPI-BASE"),
    ],
)
def test_bad_input_has_stable_codes(make: object, code: str) -> None:
    with pytest.raises(FakturaflytError) as err:
        make()  # type: ignore[operator]
    assert err.value.code == code
    assert isinstance(err.value, FormatError if code == "FF-BILLING-INTERVAL" else RuleViolation)
