"""Two billing runs at the same moment make each invoice once (company lock + re-check + unique keys)."""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from fakturaflyt.billing import services
from fakturaflyt.receivables.models import SalesInvoice


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_runs_make_each_invoice_once(shop, subscribe) -> None:
    for n in range(6):
        subscribe(date(2026, 3, 1), quantity=Decimal(n + 1))
    planned = len(services.preview(shop.company, date(2026, 3, 1)))
    results: list[services.RunResult] = []
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def go() -> None:
        try:
            start.wait()
            results.append(services.run(shop.company, date(2026, 3, 1), None, send=False))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=go) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert [p for r in results for p in r.problems] == []
    assert sum(len(r.created) for r in results) == planned == 6
    assert SalesInvoice.objects.filter(company=shop.company).count() == 6
    numbers = sorted(SalesInvoice.objects.values_list("number", flat=True))
    assert numbers == list(range(numbers[0], numbers[0] + 6))
