"""Customer invoicing: create drafts, issue them (number, KID, totals, posted voucher), render EHF, render PDF.

Each stage runs over the same invoices (3 lines each: 25 %, 15 % with a discount, 0 %; 50
customers), one connection, and reports invoices per second. PDF rendering (WeasyPrint) is timed
per invoice over a few invoices. ``FAKTURAFLYT_BENCH_INVOICES`` sets the number (default 10 000).
"""

from __future__ import annotations

import os
import statistics
import time
from datetime import date
from decimal import Decimal

N_INVOICES = int(os.environ.get("FAKTURAFLYT_BENCH_INVOICES", "10000"))
N_PDF = 20
N_CUSTOMERS = 50


def _rate(n: int, seconds: float, unit: str = "invoices/s") -> str:
    return f"{n / seconds:,.0f} {unit} ({seconds:.1f} s)"


def run() -> list[tuple[str, str]]:
    from django.db import connection

    from fakturaflyt.companies.models import CompanyBankAccount
    from fakturaflyt.companies.services import create_company
    from fakturaflyt.receivables import ehf, services
    from fakturaflyt.receivables.models import Customer, InvoiceSettings
    from fakturaflyt.receivables.services import DraftLine

    company = create_company(None, orgnr="923609016", name="Fakturabench AS", address_line="Gata 1", city="Oslo")
    CompanyBankAccount.objects.create(company=company, account_number="15064123456", is_default=True)
    InvoiceSettings.objects.create(company=company, attach_pdf_to_ehf=False)
    customers = [
        Customer.objects.create(
            company=company,
            number=i,
            name=f"Kunde {i} AS",
            orgnr="974760673",
            address_line=f"Vei {i}",
            postal_code="5020",
            city="Bergen",
        )
        for i in range(1, N_CUSTOMERS + 1)
    ]
    figures: list[tuple[str, str]] = []

    t = time.perf_counter()
    drafts = []
    for i in range(N_INVOICES):
        lines = [
            DraftLine("Konsulenttimer", Decimal("7.5"), Decimal(1000 + i % 500), unit_code="HUR"),
            DraftLine("Lunsj", Decimal("3"), Decimal("89.90"), vat_code="31", discount_percent=Decimal("10")),
            DraftLine("Avis", Decimal("1"), Decimal("250"), vat_code="5", revenue_account="3100"),
        ]
        drafts.append(services.create_draft(company, customers[i % N_CUSTOMERS], lines, actor=None))
    figures.append((f"create {N_INVOICES} drafts (3 lines)", _rate(N_INVOICES, time.perf_counter() - t)))

    t = time.perf_counter()
    invoices = [services.issue(d, None, issue_date=date(2026, 3, 2)) for d in drafts]
    figures.append((f"issue {N_INVOICES} (number, KID, totals, voucher)", _rate(N_INVOICES, time.perf_counter() - t)))

    t = time.perf_counter()
    size = 0
    for inv in invoices:
        size += len(ehf.ehf_bytes(inv, attach_pdf=False))
    elapsed = time.perf_counter() - t
    figures.append((f"render {N_INVOICES} EHF (build model + XML)", _rate(N_INVOICES, elapsed)))
    figures.append(("  EHF size, average", f"{size / len(invoices) / 1024:.1f} KiB"))

    try:
        from fakturaflyt.receivables.pdf import render_pdf
    except ImportError:
        figures.append(("PDF rendering", "skipped: fakturaflyt.receivables.pdf not installed"))
    else:
        durations = []
        try:
            render_pdf(invoices[0])  # fonts and template load once
            for inv in invoices[1 : N_PDF + 1]:
                t = time.perf_counter()
                render_pdf(inv)
                durations.append(time.perf_counter() - t)
        except Exception as exc:  # report, don't hide
            figures.append(("PDF rendering", f"failed: {exc!r}"[:120]))
        else:
            figures.append(
                (
                    f"render PDF, {len(durations)} invoices",
                    f"{statistics.median(durations) * 1000:.0f} ms per invoice (median)",
                )
            )
    connection.close()
    return figures
