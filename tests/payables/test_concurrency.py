"""Processing at once from several workers: one document gives one result; one supplier is registered once.

Runs on whichever database the suite uses (``DATABASE_URL``): on PostgreSQL the rows are locked
with SELECT ... FOR UPDATE, on SQLite the IMMEDIATE transactions serialise the writers.
"""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.db import connection

from fakturaflyt.ledger.audit import verify
from fakturaflyt.ledger.models import AuditEvent
from fakturaflyt.payables import intake, processing
from fakturaflyt.payables.models import DocumentState, Supplier, SupplierDocument
from tests.payables.factories import norwegian_ehf

WORKERS = 8


def _run_all(target, args_list) -> list[BaseException]:
    start = threading.Barrier(len(args_list))
    errors: list[BaseException] = []

    def run(*args) -> None:
        try:
            start.wait(timeout=30)
            target(*args)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=args) for args in args_list]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return errors


@pytest.mark.django_db(transaction=True)
def test_eight_workers_on_one_document_give_one_result(make_company, corpus) -> None:
    company = make_company()
    (doc,) = intake.receive_all(company, norwegian_ehf(corpus), channel="api", filename="f.xml", queue=False)
    # when eight workers get the same task (a redelivered message, a sweeper and the original)
    errors = _run_all(processing.process_document, [(doc.pk,)] * WORKERS)
    # then
    assert errors == []
    doc.refresh_from_db()
    assert doc.state == DocumentState.READY_FOR_CODING
    assert AuditEvent.objects.filter(object_id=str(doc.pk), action="document.interpreted").count() == 1
    assert AuditEvent.objects.filter(object_id=str(doc.pk), action="document.checked").count() == 1
    assert Supplier.objects.filter(company=company).count() == 1
    assert doc.attempts == 1  # the others found it being read and left it alone
    assert verify(company) == []


@pytest.mark.django_db(transaction=True)
def test_copies_processed_at_once_give_one_original_and_one_new_supplier(make_company, corpus) -> None:
    company = make_company()
    # given the same invoice received six times (other bytes: a different channel wrapped it differently)
    docs = [
        intake.receive_all(
            company,
            norwegian_ehf(corpus, issue=date(2026, 3, 2 + i % 2), kid=None if i % 3 else "12345674"),
            channel="api",
            filename=f"copy-{i}.xml",
            queue=False,
        )[0]
        for i in range(6)
    ]
    # when six workers process them at the same moment
    errors = _run_all(processing.process_document, [(d.pk,) for d in docs])
    # then one is the original, five are its duplicates, and the new supplier exists once
    assert errors == []
    states = sorted(SupplierDocument.objects.filter(company=company).values_list("state", flat=True))
    assert states.count(DocumentState.DUPLICATE) == 5, states
    original = SupplierDocument.objects.exclude(state=DocumentState.DUPLICATE).get(company=company)
    assert set(
        SupplierDocument.objects.filter(state=DocumentState.DUPLICATE).values_list("duplicate_of", flat=True)
    ) == {original.pk}
    assert Supplier.objects.filter(company=company).count() == 1
    assert AuditEvent.objects.filter(company=company, action="supplier.created").count() == 1
    assert verify(company) == []
