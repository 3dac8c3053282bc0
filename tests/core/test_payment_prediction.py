"""Payment prediction (core.payment_prediction): the model's behaviour, and that it beats the baselines prequentially."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from benchmarks.payment_prediction import synthetic_history
from fakturaflyt.core.payment_prediction import (
    CompanyAverage,
    DueDate,
    PaidInvoice,
    PaymentModel,
    next_weekday,
    prequential,
)

DUE = date(2026, 3, 2)  # a Monday


def _learn(model: PaymentModel, customer: str, delays: list[int]) -> None:
    for i, delay in enumerate(delays):
        due = DUE - timedelta(days=7 * (len(delays) - i))
        model.learn(customer, due, due + timedelta(days=delay))


def test_a_steady_late_payer_is_expected_about_that_late() -> None:
    model = PaymentModel(weekdays=False)
    _learn(model, "late", [10] * 20)
    p = model.predict("late", DUE)
    assert 9.5 <= p.expected_delay <= 10.0
    assert p.expected_pay_date == DUE + timedelta(days=10)
    assert p.p_late > 0.9 and p.history == 20


def test_few_invoices_are_shrunk_toward_the_company() -> None:
    model = PaymentModel(weekdays=False)
    for c in range(10):
        _learn(model, f"punctual{c}", [0] * 10)
    _learn(model, "new", [30])
    one = model.predict("new", DUE)
    assert 0 < one.expected_delay < 30  # one invoice is not the whole truth
    _learn(model, "new", [30] * 19)
    many = model.predict("new", DUE)
    assert many.expected_delay > one.expected_delay and many.expected_delay > 25
    assert model.predict("never seen", DUE).expected_delay == pytest.approx(model.company_figures()[0])


def test_recent_payments_count_more_than_old_ones() -> None:
    model = PaymentModel(weekdays=False, prior_weight=0.0001)
    _learn(model, "worse", [0] * 20 + [20] * 10)
    assert model.predict("worse", DUE).expected_delay > 20 * 10 / 30 + 3  # above the plain mean (6.7)


def test_an_invoice_past_its_expected_date_waits_the_companys_mean_residual_delay() -> None:
    model = PaymentModel()
    _learn(model, "a", [0] * 10)
    _learn(model, "b", [20, 30])  # of the company's invoices more than 12 days late: paid 13 and 23 days later
    today = DUE + timedelta(days=12)  # a Saturday
    p = model.predict("a", DUE, on=today)
    assert p.p_late == 1.0
    assert model.residual_delay(12) == 13.0
    assert p.expected_pay_date == today + timedelta(days=13) == date(2026, 3, 27)  # a Friday
    # not yet past the expected date: the customer's own expectation stands
    assert model.predict("b", DUE, on=DUE + timedelta(days=2)).expected_pay_date > DUE + timedelta(days=10)
    # nobody was ever that late: two weeks, on a weekday
    assert model.predict("a", DUE, on=DUE + timedelta(days=100)).expected_pay_date == next_weekday(
        DUE + timedelta(days=114)
    )


def test_expected_dates_fall_on_weekdays() -> None:
    model = PaymentModel()
    _learn(model, "a", [5] * 10)  # Monday + 5 = Saturday
    assert model.predict("a", DUE).expected_pay_date.weekday() < 5


def test_prequential_learns_only_what_was_paid_before_the_issue_date() -> None:
    # one invoice paid 30 days late, then a second one issued before the first was paid:
    # when it is predicted nothing is known yet, so it is predicted on the due date
    first = PaidInvoice("a", date(2026, 1, 1), date(2026, 1, 15), date(2026, 2, 14))
    second = PaidInvoice("a", date(2026, 1, 10), date(2026, 1, 24), date(2026, 2, 23))
    e = prequential([second, first], PaymentModel(weekdays=False))
    assert e.n == 2 and e.mae_days == 30.0
    third = PaidInvoice("a", date(2026, 3, 1), date(2026, 3, 15), date(2026, 4, 14))
    later = prequential([first, second, third], PaymentModel(weekdays=False))
    assert later.mae_days < 30.0  # the third was predicted from the first two


@pytest.fixture(scope="module")
def history() -> list[PaidInvoice]:
    return synthetic_history(seed=20260, customers=120, invoices=8000)


def test_the_model_beats_both_baselines_on_a_generated_history(history: list[PaidInvoice]) -> None:
    model = prequential(history, PaymentModel())
    due = prequential(history, DueDate())
    avg = prequential(history, CompanyAverage())
    assert model.n == due.n == avg.n == len(history)
    assert model.mae_days < 0.7 * min(due.mae_days, avg.mae_days)
    assert model.brier < 0.85 * min(due.brier, avg.brier)


def test_p_late_is_calibrated(history: list[PaidInvoice]) -> None:
    e = prequential(history, PaymentModel())
    assert e.ece < 0.06
    for _low, n, predicted, observed in e.calibration:
        if n >= 300:
            assert abs(predicted - observed) < 0.2
    assert abs(sum(n * p for _, n, p, _ in e.calibration) / e.n - e.late_share) < 0.03
