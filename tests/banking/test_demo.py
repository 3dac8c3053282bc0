"""The demo's bank file (issue 8 point 5): yesterday's payments pay some of the demo's open invoices."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_the_demo_bank_file_pays_some_invoices_and_leaves_some_for_review(sales_demo_company) -> None:
    from django.contrib.auth import get_user_model

    from fakturaflyt.banking.demo import demo_camt054
    from fakturaflyt.banking.models import BankEntry
    from fakturaflyt.banking.services import import_bank_file
    from fakturaflyt.receivables.models import CustomerPayment, Settlement

    entries = BankEntry.objects.filter(company=sales_demo_company)
    posted = entries.filter(state="posted")
    assert posted.count() >= 4 and {e.match_method for e in posted} >= {"kid", "text_number"}
    assert entries.filter(state__in=["matched", "unmatched"]).count() >= 2  # waiting in the reconciliation screen
    paid = {
        a.invoice for p in CustomerPayment.objects.filter(source_ref__startswith="DEMO-") for a in p.allocations.all()
    }
    assert any(i.settlement == Settlement.PAID for i in paid) and any(
        i.settlement == Settlement.PARTLY_PAID for i in paid
    )
    assert CustomerPayment.objects.filter(source_ref__startswith="DEMO-", unallocated__gt=0).exists()  # overpaid
    # the same file again adds nothing
    first = entries.order_by("booking_date").first()
    actor = get_user_model().objects.get(username="regnskap@nordlys.demo")
    before = entries.count()
    result = import_bank_file(sales_demo_company, demo_camt054(sales_demo_company, first.booking_date), actor)
    assert result.matched_auto == 0 and entries.count() == before
