"""Two payment proposals made at the same moment never pay one invoice twice (PostgreSQL, real connections)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection

from fakturaflyt.payments import services
from fakturaflyt.payments.error_codes import PaymentError
from fakturaflyt.payments.models import Payment, PaymentRun

from .conftest import TODAY

THREADS = 4


@pytest.mark.django_db(transaction=True)
def test_concurrent_proposals_never_take_one_invoice_twice(pay_company, suppliers, make_doc) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks under concurrency are proved on PostgreSQL (set DATABASE_URL=postgres://...)")
    # given ten approved, unpaid invoices
    docs = [make_doc(suppliers[1 + i % 2], f"{100 + i}.00") for i in range(10)]
    start = threading.Barrier(THREADS)
    runs: list[int] = []
    nothing: list[str] = []
    errors: list[BaseException] = []

    def proposer() -> None:
        try:
            start.wait(timeout=30)
            runs.append(services.propose(pay_company, TODAY + timedelta(days=30), None, today=TODAY).pk)
        except PaymentError as exc:
            nothing.append(exc.code)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()  # this thread's own connection

    # when several proposals are made at once, each on its own connection
    threads = [threading.Thread(target=proposer) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)

    # then every invoice is in exactly one run; the later proposals found nothing left
    assert errors == []
    assert len(runs) == 1 and nothing == ["FF-PAY-NOTHING-DUE"] * (THREADS - 1)
    paid = list(Payment.objects.filter(company=pay_company).values_list("document_id", flat=True))
    assert sorted(paid) == sorted(d.pk for d in docs)
    assert PaymentRun.objects.filter(company=pay_company).count() == 1


@pytest.mark.django_db(transaction=True)
def test_unique_constraint_holds_without_the_service_lock(pay_company, suppliers, make_doc) -> None:
    """Even code that bypasses the lock cannot store two live payments of one invoice on two connections."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent inserts on two connections are proved on PostgreSQL")
    from django.db import IntegrityError, transaction

    doc = make_doc(suppliers[1])
    run = services.propose(pay_company, TODAY + timedelta(days=30), None, today=TODAY)
    other = PaymentRun.objects.create(company=pay_company, number=99, until=TODAY, debtor_account=run.debtor_account)
    payment = run.payments.get()
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def insert(i: int) -> None:
        try:
            start.wait(timeout=30)
            with transaction.atomic():
                Payment.objects.create(
                    company=pay_company,
                    run=other,
                    document=doc,
                    supplier=doc.supplier,
                    amount=payment.amount,
                    due_date=payment.due_date,
                    requested_date=payment.requested_date,
                    end_to_end_id=f"RACE-{i}",
                )
            outcomes.append("stored")
        except IntegrityError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=insert, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert outcomes == ["refused", "refused"]
    assert Payment.objects.filter(document=doc).count() == 1
