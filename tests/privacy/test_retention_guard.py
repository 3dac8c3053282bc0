"""Accounting documents cannot be deleted inside the 5-year period (bokføringsloven § 13)."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError

from fakturaflyt.ledger.maintenance import guard_open
from fakturaflyt.privacy.error_codes import RetentionError
from fakturaflyt.privacy.retention import TRIGGER_TABLES, retention_report, triggers_present


def test_deleting_a_received_document_is_refused(received_document) -> None:
    with pytest.raises(RetentionError) as err, transaction.atomic():
        received_document.delete()
    assert err.value.code == "FF-RETENTION-ACTIVE"
    # a receipt or file on its own: refused by the same rule (with a document, PROTECT refuses first)
    from fakturaflyt.payables.models import Receipt

    loose = Receipt.objects.create(
        company=received_document.company,
        file=received_document.file,
        channel="upload",
        received_at=received_document.receipt.received_at,
    )
    for obj in (loose, received_document.file):
        with pytest.raises((RetentionError, ProtectedError)), transaction.atomic():
            obj.delete()
    with pytest.raises(RetentionError), transaction.atomic():
        loose.delete()


def test_deleting_an_issued_customer_invoice_is_refused_but_a_draft_goes(consumer, issue_invoice) -> None:
    from fakturaflyt.receivables.models import SalesInvoice

    invoice = issue_invoice(consumer, date(2026, 1, 5))
    with pytest.raises(RetentionError), transaction.atomic():
        SalesInvoice.objects.filter(pk=invoice.pk).delete()
    draft = SalesInvoice.objects.create(company=consumer.company, customer=consumer)
    draft.delete()


def test_deleting_a_voucher_is_refused(company, post) -> None:
    voucher = post(company)
    with pytest.raises(Exception) as err, transaction.atomic():
        voucher.delete()
    assert "IMMUTABLE" in str(getattr(err.value, "code", err.value)) or "RETENTION" in str(err.value)


def test_the_triggers_refuse_raw_sql_deletes(received_document, consumer, issue_invoice) -> None:
    assert triggers_present() >= {f"{t}_retained" for t in TRIGGER_TABLES}
    invoice = issue_invoice(consumer, date(2026, 1, 5))
    for table, pk in (("payables_supplierdocument", received_document.pk), ("receivables_salesinvoice", invoice.pk)):
        with pytest.raises(IntegrityError) as err, transaction.atomic(), connection.cursor() as cur:
            cur.execute(f"DELETE FROM {table} WHERE id = %s", [pk])
        assert "FF-RETENTION-ACTIVE" in str(err.value)
    # the ledger's door lets the operator's purge through
    with guard_open("test: purge"), connection.cursor() as cur:
        cur.execute("DELETE FROM receivables_salesinvoice WHERE id = %s", [invoice.pk])


@pytest.mark.parametrize("model", ["ledger/voucher", "receivables/salesinvoice"])
def test_the_admin_offers_no_delete(admin_client, company, post, model) -> None:
    voucher = post(company)
    from fakturaflyt.receivables.models import Customer, SalesInvoice

    if model == "ledger/voucher":
        pk = voucher.pk
    else:
        customer = Customer.objects.create(company=company, number=1, name="Ola", is_consumer=True)
        pk = SalesInvoice.objects.create(company=company, customer=customer, number=1, issue_date=date(2026, 1, 1)).pk
    assert admin_client.get(f"/admin/{model}/{pk}/delete/").status_code == 403
    assert admin_client.post(f"/admin/{model}/{pk}/delete/", {"post": "yes"}).status_code == 403


def test_retention_report_lists_only_what_is_past_its_period(company, post) -> None:
    old = post(company, on=date(2020, 6, 1))
    post(company, on=date(2021, 3, 1))
    rows = list(retention_report(company, today=date(2026, 6, 1)))
    assert [r.object_id for r in rows] == [str(old.pk)]
    assert rows[0].retained_until == date(2025, 12, 31)
