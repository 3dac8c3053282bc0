"""The demo's reminders: after ``load_dunning_demo`` the demo company has overdue invoices at several steps."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from fakturaflyt.dunning.demo import load_dunning_demo
from fakturaflyt.dunning.models import DunningNotice

pytestmark = pytest.mark.django_db


def test_demo_puts_invoices_at_their_steps_and_is_idempotent(sales_demo_company) -> None:
    """The whole demo (``load_demo``) runs the dunning demo; a second call sends and records nothing."""
    from django.contrib.auth import get_user_model

    from fakturaflyt.ledger.models import AuditEvent

    notices = DunningNotice.objects.filter(company=sales_demo_company, status="sent")
    sent = notices.count()
    assert sent > 0
    latest = {}
    for n in notices.order_by("sent_on", "pk"):
        latest[n.invoice_id] = n.step
    assert len(set(latest.values())) >= 3
    assert all(n.fee <= D("37.50") for n in notices)
    assert sales_demo_company.collection_cases.count() == 1
    events = AuditEvent.objects.filter(company=sales_demo_company).count()
    actor = get_user_model().objects.filter(memberships__company=sales_demo_company).first()
    again = load_dunning_demo(sales_demo_company, actor)
    assert again["notices"] == 0 and notices.count() == sent
    assert AuditEvent.objects.filter(company=sales_demo_company).count() == events
