"""The billing run over every source: orders, time and milestones once; idempotent; preview = run; problems isolated."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from fakturaflyt.billing import services
from fakturaflyt.billing.models import (
    BillingRun,
    Contract,
    ContractMilestone,
    OrderStatus,
    SalesOrder,
    SalesOrderLine,
    TimeEntry,
)
from fakturaflyt.receivables.models import SalesInvoice

pytestmark = pytest.mark.django_db


@pytest.fixture
def sources(shop, subscribe):
    """One of each: a subscription, a delivered order, hours of two people, a contract with two milestones."""
    from fakturaflyt.ledger.models import Project

    c = shop.company
    subscribe(date(2026, 3, 1))
    order = SalesOrder.objects.create(
        company=c,
        number=1,
        customer=shop.other,
        order_date=date(2026, 2, 20),
        delivery_date=date(2026, 3, 5),
        customer_order_number="PO-77",
    )
    SalesOrderLine.objects.create(
        order=order,
        line_no=1,
        product=shop.hour,
        description="Montering",
        quantity=Decimal("3"),
        unit_price=Decimal("950"),
        discount_percent=Decimal("10"),
    )
    SalesOrderLine.objects.create(
        order=order, line_no=2, description="Frakt", quantity=Decimal("1"), unit_price=Decimal("249"), vat_code="3"
    )
    project = Project.objects.create(company=c, code="P10", name="Nytt kontor", customer=shop.customer)
    for day, person, hours, rate, billable in [
        (date(2026, 3, 2), "Kari", "7.5", "1200", True),
        (date(2026, 3, 3), "Kari", "2", "1200", True),
        (date(2026, 3, 3), "Ola", "4", "950", True),
        (date(2026, 3, 4), "Ola", "1", "950", False),
        (date(2026, 3, 20), "Kari", "3", "1200", True),
    ]:
        TimeEntry.objects.create(
            company=c,
            customer=shop.customer,
            project=project,
            person=person,
            date=day,
            hours=Decimal(hours),
            hourly_rate=Decimal(rate),
            product=shop.hour,
            billable=billable,
            description=f"arbeid {day.day}",
        )
    contract = Contract.objects.create(
        company=c, customer=shop.customer, number="K-1", title="Nettside", start_date=date(2026, 1, 1)
    )
    ContractMilestone.objects.create(
        contract=contract, date=date(2026, 3, 1), description="Oppstart", amount=Decimal("20000.00")
    )
    ContractMilestone.objects.create(
        contract=contract, date=date(2026, 4, 1), description="Levering", amount=Decimal("30000.00")
    )
    return {"order": order, "project": project, "contract": contract}


def test_run_twice_creates_nothing_new(shop, sources, run) -> None:
    first = run(date(2026, 3, 10))
    assert sorted(c.source for c in first.created) == ["contract", "order", "subscription", "time"]
    assert first.skipped == 0 and first.problems == []
    count = SalesInvoice.objects.filter(company=shop.company).count()
    second = run(date(2026, 3, 10))
    assert second.created == [] and second.problems == []
    assert second.skipped == len(first.created)
    assert SalesInvoice.objects.filter(company=shop.company).count() == count
    assert BillingRun.objects.filter(company=shop.company).count() == 2
    # the numbers are consecutive and each invoice has a KID
    numbers = sorted(c.number for c in first.created)
    assert numbers == list(range(numbers[0], numbers[0] + len(numbers)))
    assert all(c.kid for c in first.created)


def test_order_is_invoiced_once_when_delivered(shop, sources, run) -> None:
    order = sources["order"]
    assert not [c for c in run(date(2026, 3, 4)).created if c.source == "order"]
    created = [c for c in run(date(2026, 3, 5)).created if c.source == "order"]
    assert [c.source_key for c in created] == [f"order:{order.pk}"]
    order.refresh_from_db()
    assert order.status == OrderStatus.INVOICED and order.invoice_id == created[0].invoice_id
    invoice = order.invoice
    assert invoice.order_reference == "PO-77" and invoice.delivery_date == date(2026, 3, 5)
    lines = list(invoice.lines.order_by("line_no"))
    assert [ln.net_amount for ln in lines] == [Decimal("2565.00"), Decimal("249.00")]  # 3 × 950 - 10 %
    assert lines[0].unit_code == "HUR"  # from the product
    assert not [c for c in run(date(2026, 4, 1)).created if c.source == "order"]


def test_order_with_an_agreed_invoice_date_is_invoiced_then(shop, run) -> None:
    order = SalesOrder.objects.create(
        company=shop.company,
        number=2,
        customer=shop.customer,
        order_date=date(2026, 3, 1),
        invoice_on=date(2026, 3, 15),
    )
    SalesOrderLine.objects.create(
        order=order, line_no=1, description="Forskudd", quantity=Decimal("1"), unit_price=Decimal("5000")
    )
    assert run(date(2026, 3, 14)).created == []
    assert [c.source_key for c in run(date(2026, 3, 15)).created] == [f"order:{order.pk}"]


def test_unbilled_billable_time_is_invoiced_once_per_person_and_rate(shop, sources, run) -> None:
    created = [c for c in run(date(2026, 3, 10)).created if c.source == "time"]
    assert len(created) == 1
    invoice = SalesInvoice.objects.get(pk=created[0].invoice_id)
    lines = [
        (ln.description, ln.quantity, ln.unit_price, ln.net_amount, ln.project)
        for ln in invoice.lines.order_by("line_no")
    ]
    assert lines == [
        ("Konsulenttime: Kari 02.03.2026–03.03.2026", Decimal("9.5"), Decimal("1200"), Decimal("11400.00"), "P10"),
        ("Konsulenttime: Ola 03.03.2026", Decimal("4"), Decimal("950"), Decimal("3800.00"), "P10"),
    ]
    billed = TimeEntry.objects.filter(invoice=invoice)
    assert billed.count() == 3 and all(e.invoice_line_id for e in billed)
    assert TimeEntry.objects.get(billable=False).invoice_id is None
    # the entry after the run date comes on the next run's invoice, alone
    later = [c for c in run(date(2026, 3, 31)).created if c.source == "time"]
    assert len(later) == 1
    assert SalesInvoice.objects.get(pk=later[0].invoice_id).net_total == Decimal("3600.00")
    assert not [c for c in run(date(2026, 3, 31)).created if c.source == "time"]


def test_contract_milestones_are_invoiced_once_on_or_after_their_date(shop, sources, run) -> None:
    first = [c for c in run(date(2026, 3, 10)).created if c.source == "contract"]
    assert len(first) == 1 and first[0].total == Decimal("25000.00")
    invoice = SalesInvoice.objects.get(pk=first[0].invoice_id)
    assert invoice.contract_reference == "K-1"
    assert not [c for c in run(date(2026, 3, 31)).created if c.source == "contract"]
    second = [c for c in run(date(2026, 4, 2)).created if c.source == "contract"]
    assert len(second) == 1 and second[0].total == Decimal("37500.00")
    assert not ContractMilestone.objects.filter(invoice__isnull=True).exists()


def test_preview_equals_what_the_run_creates(shop, sources, run) -> None:
    planned = services.preview(shop.company, date(2026, 4, 1))
    expected = sorted((p.source_key, p.total, p.net_total) for p in planned)
    result = run(date(2026, 4, 1))
    made = sorted((c.source_key, c.total, SalesInvoice.objects.get(pk=c.invoice_id).net_total) for c in result.created)
    assert made == expected
    assert services.preview(shop.company, date(2026, 4, 1)) == []
    assert services.plan(shop.company, date(2026, 4, 1)).skipped == len(made)


def test_a_stale_plan_makes_nothing_twice(shop, sources, run) -> None:
    # given two runs that planned at the same moment, the first of which has finished
    planning = services.plan(shop.company, date(2026, 3, 10))
    run(date(2026, 3, 10))
    # when the second makes its (now stale) plan
    result = services.RunResult(date(2026, 3, 10))
    made = [services._one(shop.company, p, None, date(2026, 3, 10), result) for p in planning.invoices]
    # then every invoice is found already made (under the company lock), nothing is made again
    assert made == [None] * len(planning.invoices)
    assert result.skipped == len(planning.invoices) and result.problems == []


def test_a_failing_invoice_is_a_problem_and_the_others_are_made(shop, sources, run, monkeypatch) -> None:
    from fakturaflyt.core.errors import Problem, RuleViolation
    from fakturaflyt.receivables import services as receivables

    real = receivables.create_draft

    def picky(company, customer, lines, **kw):
        if kw["source"] == "order":
            raise RuleViolation([Problem("FF-INV-CUSTOMER-ADDRESS", "The customer has no address", "customer")])
        return real(company, customer, lines, **kw)

    monkeypatch.setattr(receivables, "create_draft", picky)
    result = run(date(2026, 3, 10))
    assert [(p.code, p.source) for p in result.problems] == [
        ("FF-INV-CUSTOMER-ADDRESS", f"order:{sources['order'].pk}")
    ]
    assert sorted(c.source for c in result.created) == ["contract", "subscription", "time"]
    assert SalesOrder.objects.get().status == OrderStatus.OPEN  # tried again next run


def test_run_is_recorded_with_an_audit_event(shop, sources, run) -> None:
    from fakturaflyt.ledger.models import AuditEvent

    result = run(date(2026, 3, 10))
    record = BillingRun.objects.get(pk=result.run_id)
    assert record.created_count == 4 and record.status == "done"
    assert AuditEvent.objects.filter(company=shop.company, action="billing.run").count() == 1


def test_daily_task_runs_every_company(shop, sources) -> None:
    from fakturaflyt.billing.tasks import billing_run_all

    summary = billing_run_all.delay("2026-03-10").get()
    assert summary["companies"][shop.company.orgnr]["created"] == 4
    assert billing_run_all("2026-03-10")["companies"][shop.company.orgnr] == {"created": 0, "skipped": 4, "problems": 0}


def test_made_invoices_are_sent_and_a_failed_send_is_a_problem(shop, sources, run, monkeypatch) -> None:
    from types import SimpleNamespace

    sent = []

    def send(invoice, actor=None):
        sent.append(invoice.source_key)
        ok = invoice.source != "order"
        return SimpleNamespace(status="sent" if ok else "failed", last_error="" if ok else "SMTP 550 mailbox unknown")

    monkeypatch.setattr(services, "_sender", lambda: send)
    result = services.run(shop.company, date(2026, 3, 10), None, send=True)
    assert sorted(sent) == sorted(c.source_key for c in result.created) and len(sent) == 4
    assert [(p.code, p.source) for p in result.problems] == [("FF-BILLING-SEND-FAILED", f"order:{sources['order'].pk}")]
    assert "SMTP 550" in result.problems[0].message
    # sending is not repeated by a second run (nothing new is made)
    services.run(shop.company, date(2026, 3, 10), None, send=True)
    assert len(sent) == 4
