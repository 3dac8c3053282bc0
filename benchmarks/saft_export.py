"""SAF-T Financial export: a generated year of 100,000 vouchers (300,000 lines), time, size and peak memory.

The year is stored directly (vouchers with ``bulk_create``, postings with plain INSERTs) (posting 100,000 vouchers through the service
would take the whole benchmark budget; the immutability triggers only refuse UPDATE and DELETE,
so inserting needs no ``guard_open``): supplier invoices (expense with input VAT, department,
sometimes a project or EUR; VAT line; payable with the supplier), customer invoices (receivable
with the customer; revenue with output VAT; VAT line) and payments, in series AP, AR and BANK,
numbered gaplessly per series.

**Peak memory** is measured in a fresh child process (``multiprocessing`` "spawn", so it inherits
none of the generator's memory): the child sets up Django, notes its resident set, runs
:func:`fakturaflyt.ledger.saft_export.export_saft` to a file and reports its peak resident set
(``resource.getrusage(RUSAGE_SELF).ru_maxrss``, whole process: interpreter, Django and the export),
next to its resident set just before the export (``VmRSS``): the difference is what the export
itself holds. Target: peak < 300 MB.

**Validation** against the official 1.30 XSD (when the corpus is present) streams too: lxml's
``iterparse(schema=...)`` runs libxml2's streaming schema validator while each transaction is
cleared after it is read, so the 100+ MB file is never held as a tree (``xmllint --stream`` is not
installed here).
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

N_VOUCHERS = int(os.environ.get("FF_SAFT_BENCH_VOUCHERS", "100000"))  # smaller for a quick try
YEAR = 2025
ORGNR = "912345637"
BATCH = 5_000
INSERT_POSTING = (
    "INSERT INTO ledger_posting (voucher_id, line, account_id, description, debit, credit, vat_code_id, vat_base,"
    " department_id, project_id, supplier_id, customer_id, currency, currency_amount, exchange_rate)"
    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
)


def _generate(company: Any, n: int) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from fakturaflyt.ledger.models import Account, Department, NumberCounter, NumberSeries, Project, VatCode, Voucher
    from fakturaflyt.payables.models import Supplier
    from fakturaflyt.receivables.models import Customer

    departments = Department.objects.bulk_create(
        [Department(company=company, code=str(100 * k), name=f"Avdeling {k}") for k in range(1, 6)]
    )
    projects = Project.objects.bulk_create(
        [Project(company=company, code=f"P{k:03d}", name=f"Prosjekt {k}") for k in range(1, 21)]
    )
    suppliers = Supplier.objects.bulk_create(
        [Supplier(company=company, number=k, name=f"Leverandør {k} AS") for k in range(1, 301)]
    )
    customers = Customer.objects.bulk_create(
        [Customer(company=company, number=10000 + k, name=f"Kunde {k} AS") for k in range(1, 501)]
    )
    acc = {a.number: a for a in Account.objects.filter(company=company)}
    vat = {v.code: v for v in VatCode.objects.filter(company=company)}
    series = {s.code: s for s in NumberSeries.objects.filter(company=company)}
    expenses = [acc[a] for a in ("4300", "6300", "6540", "6800", "6900", "7770") if a in acc] or [acc["6300"]]
    numbers = {"AP": 0, "AR": 0, "BANK": 0}
    posted_at = timezone.now()
    q = Decimal("0.01")
    zero = Decimal("0.00")
    for start in range(0, n, BATCH):
        with transaction.atomic():
            vouchers, plans = [], []
            for i in range(start, min(n, start + BATCH)):
                kind = ("AP", "AP", "AR", "BANK")[i % 4]
                numbers[kind] += 1
                day = date(YEAR, 1, 1) + timedelta(days=i * 365 // n)
                amount = (Decimal(500 + (i * 7919) % 49_500) + Decimal(i % 100) / 100).quantize(q)
                vouchers.append(
                    Voucher(
                        company=company,
                        series=series[kind],
                        year=YEAR,
                        number=numbers[kind],
                        date=day,
                        description=f"Bilag {kind} {numbers[kind]}",
                        source="bench",
                        source_ref=f"B{i}",
                        posted_at=posted_at,
                    )
                )
                plans.append((kind, i, amount))
            Voucher.objects.bulk_create(vouchers)
            rows = []
            for v, (kind, i, amount) in zip(vouchers, plans, strict=True):
                vat_amount = (amount * Decimal("0.25")).quantize(q)
                if kind == "AP":
                    eur = (amount / Decimal("11.5")).quantize(q) if i % 20 == 0 else None
                    project = projects[i % 20].pk if i % 3 == 0 else None
                    rows += [
                        (
                            v.pk,
                            1,
                            expenses[i % len(expenses)].pk,
                            "Kjøp",
                            amount,
                            zero,
                            vat["1"].pk,
                            amount,
                            departments[i % 5].pk,
                            project,
                            None,
                            None,
                            "EUR" if eur else "NOK",
                            eur,
                            Decimal("11.5") if eur else None,
                        ),
                        (
                            v.pk,
                            2,
                            acc["2710"].pk,
                            "",
                            vat_amount,
                            zero,
                            vat["1"].pk,
                            None,
                            None,
                            None,
                            None,
                            None,
                            "NOK",
                            None,
                            None,
                        ),
                        (
                            v.pk,
                            3,
                            acc["2400"].pk,
                            "",
                            zero,
                            amount + vat_amount,
                            None,
                            None,
                            None,
                            None,
                            suppliers[i % 300].pk,
                            None,
                            "NOK",
                            None,
                            None,
                        ),
                    ]
                elif kind == "AR":
                    rows += [
                        (
                            v.pk,
                            1,
                            acc["1500"].pk,
                            "",
                            amount + vat_amount,
                            zero,
                            None,
                            None,
                            None,
                            None,
                            None,
                            customers[i % 500].pk,
                            "NOK",
                            None,
                            None,
                        ),
                        (
                            v.pk,
                            2,
                            acc["3000"].pk,
                            "Salg",
                            zero,
                            amount,
                            vat["3"].pk,
                            amount,
                            departments[1].pk,
                            None,
                            None,
                            None,
                            "NOK",
                            None,
                            None,
                        ),
                        (
                            v.pk,
                            3,
                            acc["2700"].pk,
                            "",
                            zero,
                            vat_amount,
                            vat["3"].pk,
                            None,
                            None,
                            None,
                            None,
                            None,
                            "NOK",
                            None,
                            None,
                        ),
                    ]
                else:
                    rows += [
                        (
                            v.pk,
                            1,
                            acc["1920"].pk,
                            "",
                            amount,
                            zero,
                            None,
                            None,
                            None,
                            None,
                            None,
                            None,
                            "NOK",
                            None,
                            None,
                        ),
                        (
                            v.pk,
                            2,
                            acc["1500"].pk,
                            "",
                            zero,
                            amount,
                            None,
                            None,
                            None,
                            None,
                            None,
                            customers[i % 500].pk,
                            "NOK",
                            None,
                            None,
                        ),
                    ]
            # Plain INSERTs (executemany): model instances would triple the generation time.
            with connection.cursor() as cur:
                cur.executemany(INSERT_POSTING, rows)
    for code, last in numbers.items():
        NumberCounter.objects.update_or_create(series=series[code], year=YEAR, defaults={"last_number": last})


def _rss_kib() -> int:
    """The process's current resident set in KiB (Linux /proc; elsewhere the peak so far)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _child(path: str, queue: Any) -> None:
    """Run in a fresh process: export and report the peak resident set (KiB on Linux)."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fakturaflyt.settings")
    django.setup()
    from fakturaflyt.companies.models import Company
    from fakturaflyt.ledger.saft_export import export_saft

    company = Company.objects.get(orgnr=ORGNR)
    before = _rss_kib()
    t = time.perf_counter()
    with open(path, "wb") as out:
        summary = export_saft(company, out, year=YEAR)
    elapsed = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    queue.put((elapsed, before, peak, summary.transactions, summary.lines, summary.size, str(summary.total_debit)))


def _validate(path: Path) -> str:
    from lxml import etree

    from fakturaflyt.core.saft import NAMESPACE

    xsd = Path(os.environ.get("FAKTURAFLYT_CORPUS", Path(__file__).resolve().parents[1].parent / "shared" / "corpus"))
    xsd = xsd / "saft" / "xsd" / "Norwegian_SAF-T_Financial_Schema_v_1.30.xsd"
    if not xsd.is_file():
        return "skipped (no corpus)"
    schema = etree.XMLSchema(etree.parse(str(xsd)))
    t = time.perf_counter()
    tx_tag = f"{{{NAMESPACE}}}Transaction"
    try:
        for _, el in etree.iterparse(str(path), events=("end",), schema=schema, huge_tree=True):
            if el.tag == tx_tag:
                el.clear()
                while el.getprevious() is not None:
                    del el.getparent()[0]
    except etree.XMLSyntaxError as exc:
        return f"INVALID: {exc}"
    return f"valid against the 1.30 XSD (lxml iterparse, streaming) in {time.perf_counter() - t:.1f} s"


def run() -> list[tuple[str, str]]:
    from django.db import connection

    from fakturaflyt.companies.services import create_company

    figures: list[tuple[str, str]] = []
    company = create_company(None, orgnr=ORGNR, name="SAF-T Benchmark AS", address_line="Gata 1", city="Oslo")
    t = time.perf_counter()
    _generate(company, N_VOUCHERS)
    figures.append((f"generate {N_VOUCHERS:,} vouchers (bulk inserts)", f"{time.perf_counter() - t:.1f} s"))
    connection.close()

    with tempfile.TemporaryDirectory(prefix="ff-saft-") as tmp:
        path = Path(tmp) / "saft.xml"
        ctx = multiprocessing.get_context("spawn")
        queue = ctx.Queue()
        child = ctx.Process(target=_child, args=(str(path), queue))
        child.start()
        elapsed, before, peak, transactions, lines, size, total = queue.get()
        child.join()
        figures += [
            (f"export SAF-T 1.30, {transactions:,} vouchers / {lines:,} lines", f"{elapsed:.1f} s"),
            ("  throughput", f"{transactions / elapsed:,.0f} vouchers/s, {lines / elapsed:,.0f} lines/s"),
            ("  file size", f"{size / 1e6:,.1f} MB (total debit = credit = {total} NOK)"),
            ("  peak memory of the export process (RSS, target < 300 MB)", f"{peak / 1024:,.0f} MB"),
            ("  resident before the export (Python + Django)", f"{before / 1024:,.0f} MB"),
            (
                "  children's max RSS (getrusage RUSAGE_CHILDREN)",
                f"{resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:,.0f} MB",
            ),
            ("  validation", _validate(path)),
        ]
    return figures
