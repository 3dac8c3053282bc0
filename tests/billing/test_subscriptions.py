"""Subscriptions through the billing run: month-end and leap-year periods, trial, plan change, termination, KPI."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from fakturaflyt.billing import services
from fakturaflyt.billing.models import BilledPeriod, CpiIndex
from fakturaflyt.receivables.models import SalesInvoice

pytestmark = pytest.mark.django_db


def _invoices(company, **kw):
    return list(SalesInvoice.objects.filter(company=company, **kw).order_by("pk"))


def test_monthly_in_advance_from_31_january_keeps_the_month_end_in_a_leap_year(shop, subscribe, run) -> None:
    sub = subscribe(date(2028, 1, 31))
    # when the run is made on each due day (and once in between)
    for day in (date(2028, 1, 31), date(2028, 2, 15), date(2028, 2, 29), date(2028, 3, 31)):
        run(day)
    # then there is one invoice per period, each for the full price, the periods clamped to month ends
    invoices = _invoices(shop.company, source="subscription")
    periods = [(i.period_start, i.period_end, i.net_total) for i in invoices]
    assert periods == [
        (date(2028, 1, 31), date(2028, 2, 28), Decimal("300.00")),
        (date(2028, 2, 29), date(2028, 3, 30), Decimal("300.00")),
        (date(2028, 3, 31), date(2028, 4, 29), Decimal("300.00")),
    ]
    assert [i.source_key for i in invoices] == [
        f"sub:{sub.pk}:2028-01-31",
        f"sub:{sub.pk}:2028-02-29",
        f"sub:{sub.pk}:2028-03-31",
    ]
    assert [i.issue_date for i in invoices] == [date(2028, 1, 31), date(2028, 2, 29), date(2028, 3, 31)]


def test_first_partial_period_in_leap_february_is_prorated_to_the_ore(shop, subscribe, run) -> None:
    # 299.00 × 15/29 days = 154.655 → 154.66 (leap year); × 14/28 = 149.50 (not leap)
    subscribe(date(2028, 2, 15), anchor_day=1, price=Decimal("299.00"))
    subscribe(date(2027, 2, 15), anchor_day=1, price=Decimal("299.00"), customer=shop.other)
    run(date(2028, 2, 15))
    leap = SalesInvoice.objects.get(company=shop.company, customer=shop.customer)
    assert (leap.period_start, leap.period_end, leap.net_total) == (
        date(2028, 2, 15),
        date(2028, 2, 29),
        Decimal("154.66"),
    )
    assert "15/29 dager" in leap.lines.get().description
    plain = _invoices(shop.company, customer=shop.other)
    assert [(i.period_start, i.net_total) for i in plain[:2]] == [
        (date(2027, 2, 15), Decimal("149.50")),
        (date(2027, 3, 1), Decimal("299.00")),
    ]


def test_trial_is_free_and_converts_to_paid_the_day_after(shop, subscribe, run) -> None:
    subscribe(date(2026, 1, 1), trial_end=date(2026, 1, 14))
    assert run(date(2026, 1, 1)).created == []
    assert run(date(2026, 1, 14)).created == []
    created = run(date(2026, 1, 15)).created
    assert len(created) == 1
    invoice = SalesInvoice.objects.get(pk=created[0].invoice_id)
    assert (invoice.period_start, invoice.period_end, invoice.net_total) == (
        date(2026, 1, 15),
        date(2026, 2, 14),
        Decimal("300.00"),
    )


def test_upgrade_mid_period_credits_the_unused_part_and_charges_the_new_plan_on_the_next_invoice(
    shop, subscribe, run
) -> None:
    sub = subscribe(date(2026, 3, 1))
    run(date(2026, 3, 1))
    # when the customer upgrades from Basis (300) to Pro (600) from 17 March: 15 of March's 31 days left
    services.change_plan(sub, shop.pro, date(2026, 3, 17), None)
    assert run(date(2026, 3, 31)).created == []
    created = run(date(2026, 4, 1)).created
    # then April's invoice is on Pro, with the credit and the charge for 17-31 March
    assert len(created) == 1
    invoice = SalesInvoice.objects.get(pk=created[0].invoice_id)
    lines = [(ln.description, ln.quantity, ln.unit_price, ln.net_amount) for ln in invoice.lines.order_by("line_no")]
    assert lines[0][0].startswith("Pro 01.04.2026–30.04.2026") and lines[0][3] == Decimal("600.00")
    assert lines[1][0].startswith("Kreditering ubenyttet del av Basis 17.03.2026–31.03.2026 (15/31 dager)")
    assert lines[1][1:] == (Decimal("-1"), Decimal("145.16"), Decimal("-145.16"))  # 300 × 15/31
    assert lines[2][0].startswith("Pro 17.03.2026–31.03.2026")
    assert lines[2][3] == Decimal("290.32")  # 600 × 15/31
    assert invoice.net_total == Decimal("745.16")
    kinds = sorted(BilledPeriod.objects.filter(subscription=sub).values_list("kind", flat=True))
    assert kinds == ["change", "period", "period"]
    assert run(date(2026, 4, 1)).created == []


def test_termination_in_advance_credits_the_unused_prepaid_days_once(shop, subscribe, run) -> None:
    sub = subscribe(date(2026, 3, 1))
    march = SalesInvoice.objects.get(pk=run(date(2026, 3, 1)).created[0].invoice_id)
    services.terminate(sub, date(2026, 3, 10), None)
    assert run(date(2026, 3, 10)).created == []  # due the day after the last day
    created = run(date(2026, 3, 11)).created
    assert [c.document_type for c in created] == ["credit_note"]
    note = SalesInvoice.objects.get(pk=created[0].invoice_id)
    assert note.credits_id == march.pk
    assert note.net_total == Decimal("203.23")  # 300 - 300 × 10/31 (96.77)
    assert "11.03.2026–31.03.2026" in note.lines.get().description
    assert run(date(2026, 3, 11)).created == [] and run(date(2026, 4, 1)).created == []


def test_termination_in_arrears_bills_the_final_partial_period(shop, subscribe, run) -> None:
    shop.basis.in_advance = False
    shop.basis.save()
    sub = subscribe(date(2026, 3, 1))
    services.terminate(sub, date(2026, 4, 10), None)
    assert run(date(2026, 3, 31)).created == []
    assert [c.total > 0 for c in run(date(2026, 4, 1)).created] == [True]
    final = run(date(2026, 4, 11)).created
    invoice = SalesInvoice.objects.get(pk=final[0].invoice_id)
    assert (invoice.period_start, invoice.period_end, invoice.net_total) == (
        date(2026, 4, 1),
        date(2026, 4, 10),
        Decimal("100.00"),  # 300 × 10/30
    )
    assert "sluttperiode" in invoice.lines.get().description
    assert run(date(2026, 6, 1)).created == []


def test_kpi_indexation_applies_once_from_its_month_with_the_note(shop, subscribe, run) -> None:
    CpiIndex.objects.create(year=2025, month=12, value=Decimal("133.9"))
    sub = subscribe(date(2025, 3, 1), price=Decimal("1000.00"), cpi_month=1, cpi_base_index=Decimal("130.0"))
    run(date(2025, 12, 1))
    run(date(2026, 1, 1))
    run(date(2026, 1, 1))
    run(date(2026, 2, 1))
    by_start = {i.period_start: i for i in _invoices(shop.company, source="subscription")}
    assert by_start[date(2025, 12, 1)].net_total == Decimal("1000.00")
    january, february = by_start[date(2026, 1, 1)], by_start[date(2026, 2, 1)]
    assert january.net_total == february.net_total == Decimal("1030.00")  # 1000 × 133.9 / 130.0, not compounded
    assert "KPI-regulert fra 01.01.2026" in january.lines.get().note
    assert "KPI-regulert" in january.note
    assert SalesInvoice.objects.filter(source_key=f"sub:{sub.pk}:2026-01-01").count() == 1


def test_missing_kpi_stops_that_subscription_with_a_problem_not_the_old_price(shop, subscribe, run) -> None:
    sub = subscribe(date(2025, 3, 1), price=Decimal("1000.00"), cpi_month=1, cpi_base_index=Decimal("130.0"))
    other = subscribe(date(2026, 1, 1), customer=shop.other)
    result = run(date(2026, 1, 1))
    assert [p.code for p in result.problems] == ["FF-BILLING-CPI-MISSING"]
    assert result.problems[0].source == f"subscription:{sub.pk}"
    assert "desember 2025" in result.problems[0].message
    # the other subscription is billed all the same; this one not at all
    assert [c.source_key for c in result.created] == [f"sub:{other.pk}:2026-01-01"]
    # once the index is there, the next run bills the months, indexed
    CpiIndex.objects.create(year=2025, month=12, value=Decimal("133.9"))
    again = run(date(2026, 1, 1))
    assert again.problems == []
    assert SalesInvoice.objects.get(source_key=f"sub:{sub.pk}:2026-01-01").net_total == Decimal("1030.00")


def test_base_kpi_by_year_and_month_from_the_table(shop, subscribe, run) -> None:
    CpiIndex.objects.create(year=2025, month=2, value=Decimal("130.0"))
    CpiIndex.objects.create(year=2025, month=12, value=Decimal("133.9"))
    subscribe(date(2025, 3, 1), price=Decimal("1000.00"), cpi_month=1, cpi_base_year=2025, cpi_base_month=2)
    created = run(date(2026, 1, 1)).created
    assert SalesInvoice.objects.get(pk=created[-1].invoice_id).net_total == Decimal("1030.00")


def test_quantity_multiplies_the_period_price(shop, subscribe, run) -> None:
    subscribe(date(2026, 3, 1), quantity=Decimal("5"))
    invoice = SalesInvoice.objects.get(pk=run(date(2026, 3, 1)).created[0].invoice_id)
    line = invoice.lines.get()
    assert (line.quantity, line.unit_price, invoice.net_total) == (Decimal("5"), Decimal("300"), Decimal("1500.00"))


def test_a_kpi_not_needed_yet_is_no_problem_for_a_yearly_subscription(shop, subscribe, run) -> None:
    """A year invoiced in advance in January needs next December's KPI only next January."""
    from fakturaflyt.billing.models import SubscriptionPlan

    yearly = SubscriptionPlan.objects.create(
        company=shop.company, name="Årsavtale", product=shop.service, price=Decimal("12000.00"), interval="yearly"
    )
    sub = subscribe(date(2026, 1, 1), plan=yearly, cpi_month=1, cpi_base_index=Decimal("130.0"))
    first = run(date(2026, 1, 1))
    assert [c.source_key for c in first.created] == [f"sub:{sub.pk}:2026-01-01"]
    # later in the year: nothing due, and the missing KPI for 2027 is not a problem yet
    later = run(date(2026, 11, 30))
    assert later.created == [] and later.problems == []
    # on the regulation date it is
    due = run(date(2027, 1, 1))
    assert [p.code for p in due.problems] == ["FF-BILLING-CPI-MISSING"]
