"""Posting vouchers (numbering under a row lock, audit event), trial balance and audit-chain verification.

Figures are medians of repeated runs on this machine; expect ±20 % between runs on a
shared 2-core box. Targets: posting well above 50 vouchers/s on one connection, a trial
balance of 10 000 vouchers under a second, audit verification above 10 000 events/s.
"""

from __future__ import annotations

import statistics
import threading
import time
from datetime import date
from decimal import Decimal

N_VOUCHERS = 2000
N_THREADS = 4


def _lines(i: int) -> list:
    from fakturaflyt.core.ledger import VoucherLine

    amount = Decimal(100 + i % 900) + Decimal("0.50")
    vat = (amount * Decimal("0.25")).quantize(Decimal("0.01"))
    return [
        VoucherLine("6800", debit=amount, vat_code="1", department="100"),
        VoucherLine("2710", debit=vat, vat_code="1"),
        VoucherLine("2400", credit=amount + vat),
    ]


def run() -> list[tuple[str, str]]:
    from django.db import connection

    from fakturaflyt.companies.services import create_company
    from fakturaflyt.ledger import audit, reports
    from fakturaflyt.ledger.models import Department
    from fakturaflyt.ledger.services import post_voucher

    company = create_company(None, orgnr="924753811", name="Benchmark AS")
    Department.objects.create(company=company, code="100", name="Admin")
    figures: list[tuple[str, str]] = []

    # one poster
    durations = []
    for i in range(N_VOUCHERS):
        t = time.perf_counter()
        post_voucher(
            company,
            None,
            voucher_date=date(2026, 1 + i % 12, 1 + i % 28),
            description=f"Bench {i}",
            lines=_lines(i),
            series="AP",
        )
        durations.append(time.perf_counter() - t)
    total = sum(durations)
    figures.append((f"post {N_VOUCHERS} vouchers, one connection", f"{N_VOUCHERS / total:,.0f} vouchers/s"))
    figures.append(
        (
            "  latency per voucher, median / p95",
            f"{statistics.median(durations) * 1000:.1f} ms / {sorted(durations)[int(len(durations) * 0.95)] * 1000:.1f} ms",
        )
    )

    # concurrent posters on one series (contention on the number counter)
    per_thread = N_VOUCHERS // 4 // N_THREADS
    errors: list[BaseException] = []

    def worker(k: int) -> None:
        try:
            for i in range(per_thread):
                post_voucher(
                    company, None, voucher_date=date(2027, 1, 1), description=f"T{k}-{i}", lines=_lines(i), series="GL"
                )
        except BaseException as exc:  # report, don't hide
            errors.append(exc)
        finally:
            from django.db import connection as thread_connection

            thread_connection.close()

    t = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(k,)) for k in range(N_THREADS)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    elapsed = time.perf_counter() - t
    n = per_thread * N_THREADS
    figures.append(
        (
            f"post {n} vouchers from {N_THREADS} threads, one series",
            f"{n / elapsed:,.0f} vouchers/s" + (f" ({len(errors)} errors: {errors[0]!r})" if errors else ""),
        )
    )

    runs = []
    for _ in range(5):
        t = time.perf_counter()
        rows = reports.trial_balance(company, date(2026, 1, 1), date(2026, 12, 31))
        runs.append(time.perf_counter() - t)
    figures.append(
        (f"trial balance over {N_VOUCHERS} vouchers ({len(rows)} accounts)", f"{statistics.median(runs) * 1000:.0f} ms")
    )

    events = company.audit_events.count()
    runs = []
    for _ in range(3):
        t = time.perf_counter()
        problems = audit.verify(company)
        runs.append(time.perf_counter() - t)
    figures.append(
        (
            f"audit verify, {events} events",
            f"{events / statistics.median(runs):,.0f} events/s" + ("" if not problems else f" (BROKEN: {problems[0]})"),
        )
    )
    connection.close()
    return figures
