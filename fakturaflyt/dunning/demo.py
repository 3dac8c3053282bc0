"""The demo company's reminders: overdue invoices at each dunning step.

:func:`load_dunning_demo` is called by the demo loader after the sales demo
(:func:`fakturaflyt.receivables.demo.load_sales_demo`), whose invoices fell due over the last
one to two months. It sets the company's dunning settings (a demo collection agency), marks one
overdue invoice as disputed (so the run shows a skipped invoice with its reason), and then runs
the dunning run on every past day a step fell due, up to today: each invoice ends at the step
its age gives it (courtesy notice, reminder, reminder with fee, inkassovarsel, ready for
collection), with the letters, fees and interest as a daily run would have made them. The
oldest case ready for collection is handed over, so the export can be downloaded. Idempotent:
a second call sends nothing new.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from fakturaflyt.companies.models import Company
from fakturaflyt.dunning import collection, services
from fakturaflyt.dunning.models import DunningNotice
from fakturaflyt.receivables.models import DocumentType, InvoiceStatus, SalesInvoice, Settlement


def _run_days(company: Company, today: date) -> list[date]:
    s = services.settings_for(company)
    offsets = [step.offset_days for step in services.schedule_of(s).steps]
    offsets.append((s.collection_notice_days or 28) + max(s.collection_deadline_days, 14) + 1)
    dues = (
        SalesInvoice.objects.filter(
            company=company,
            document_type=DocumentType.INVOICE,
            settlement__in=(Settlement.OPEN, Settlement.PARTLY_PAID),
            due_date__isnull=False,
        )
        .exclude(status=InvoiceStatus.DRAFT)
        .values_list("due_date", flat=True)
        .distinct()
    )
    days = {due + timedelta(days=off) for due in dues for off in offsets}
    return sorted(d for d in days | {today} if d <= today)


def load_dunning_demo(company: Company, actor: Any, *, today: date | None = None) -> dict[str, int]:
    """Put the demo company's overdue invoices at their dunning steps; returns counts for the loader's report."""
    today = today or timezone.localdate()
    if DunningNotice.objects.filter(invoice__company=company).exists():
        return {"notices": 0, "handed_over": 0}  # loaded before: a second load adds nothing, not even run events
    s = services.settings_for(company)
    if not s.agency_name:
        s.agency_name = "Nordlys Inkasso AS (demo)"
        s.agency_email = "oppdrag@inkasso.demo"
        s.save(update_fields=["agency_name", "agency_email"])
    overdue = (
        SalesInvoice.objects.filter(
            company=company,
            document_type=DocumentType.INVOICE,
            settlement=Settlement.OPEN,
            due_date__lt=today - timedelta(days=7),
        )
        .exclude(status__in=(InvoiceStatus.DRAFT, InvoiceStatus.SEND_FAILED))
        .order_by("-due_date", "-number")
    )
    if not SalesInvoice.objects.filter(company=company, disputed=True).exists():
        disputed = overdue.filter(dunning_notices__isnull=True).first()
        if disputed is not None:
            disputed.disputed = True
            disputed.dispute_note = "Kunden mener leveransen var mangelfull"
            disputed.save(update_fields=["disputed", "dispute_note"])
    sent = 0
    for day in _run_days(company, today):
        sent += len(services.run(company, day, actor).notices)
    handed = 0
    if not company.collection_cases.exists():
        ready = collection.ready_cases(company, today)
        if len(ready) > 1:  # keep one "ready" to show the Hand over button
            collection.hand_over(ready[0], actor, on=today)
            handed = 1
    return {"notices": sent, "handed_over": handed}
