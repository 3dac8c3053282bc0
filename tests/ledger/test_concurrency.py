"""Twenty posters at once get twenty distinct, gapless numbers, and the audit chain stays whole.

Runs on whichever database the suite uses: on PostgreSQL the counter row is locked with
SELECT ... FOR UPDATE; on SQLite the IMMEDIATE transactions (settings) serialise the
writers and the busy timeout makes the others wait their turn.
"""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from fakturaflyt.core.ledger import VoucherLine
from fakturaflyt.ledger.audit import verify
from fakturaflyt.ledger.models import AuditEvent, Voucher
from fakturaflyt.ledger.services import post_voucher

THREADS = 20


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_postings_get_numbers_1_to_20(make_company, settings) -> None:
    # given
    if connection.vendor == "sqlite":
        assert settings.DATABASES["default"]["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
        assert not connection.is_in_memory_db(), "SQLite tests need a file database to lock like production"
    company = make_company()
    start = threading.Barrier(THREADS)
    errors: list[BaseException] = []
    posted: list[int] = []

    def poster(i: int) -> None:
        try:
            start.wait(timeout=30)
            voucher = post_voucher(
                company,
                None,
                voucher_date=date(2026, 3, 1),
                description=f"Poster {i}",
                lines=[
                    VoucherLine("6300", debit=Decimal(f"{i + 1}.00")),
                    VoucherLine("1920", credit=Decimal(f"{i + 1}.00")),
                ],
            )
            posted.append(voucher.number)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()  # this thread's own connection

    # when
    threads = [threading.Thread(target=poster, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)

    # then
    assert errors == []
    assert sorted(posted) == list(range(1, THREADS + 1))
    stored = sorted(
        Voucher.objects.filter(company=company, series__code="GL", year=2026).values_list("number", flat=True)
    )
    assert stored == list(range(1, THREADS + 1))
    assert sorted(Voucher.objects.filter(company=company).values_list("description", flat=True)) == sorted(
        f"Poster {i}" for i in range(THREADS)
    )
    # and the audit chain took the twenty events one after the other
    seqs = list(AuditEvent.objects.filter(company=company).order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))
    assert AuditEvent.objects.filter(company=company, action="voucher.posted").count() == THREADS
    assert verify(company) == []


@pytest.mark.django_db(transaction=True)
def test_concurrent_reversals_of_one_voucher_give_one_reversal(make_company) -> None:
    # given a posted voucher, and ten users who all press "reverse" at once
    from fakturaflyt.ledger.error_codes import LedgerError
    from fakturaflyt.ledger.services import reverse_voucher

    company = make_company()
    original = post_voucher(
        company,
        None,
        voucher_date=date(2026, 3, 1),
        description="Original",
        lines=[VoucherLine("6300", debit=Decimal("10.00")), VoucherLine("1920", credit=Decimal("10.00"))],
    )
    start = threading.Barrier(10)
    refused: list[str] = []
    other: list[BaseException] = []

    def reverser() -> None:
        try:
            start.wait(timeout=30)
            reverse_voucher(Voucher.objects.get(pk=original.pk), None)
        except LedgerError as exc:
            refused.append(exc.code)
        except BaseException as exc:
            other.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=reverser) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)

    # then one reversal is posted, the nine others get the ledger's own error (not a database error)
    assert other == []
    assert refused == ["FF-LEDGER-ALREADY-REVERSED"] * 9
    assert Voucher.objects.filter(reverses=original).count() == 1
    assert sorted(Voucher.objects.filter(company=company).values_list("number", flat=True)) == [1, 2]
    assert verify(company) == []
