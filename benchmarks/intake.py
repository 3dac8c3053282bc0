"""Supplier-invoice intake end to end: store, read, check (supplier, bank, duplicates), as documents per second.

1 000 distinct EHF invoices (the Norwegian example with other numbers, dates and five
suppliers) and 100 text PDFs (the corpus PDFs, each made distinct by a trailing comment) go
through ``intake.receive_all`` and ``processing.process_document`` in this process, as the
command line ``fakturaflyt import`` does. OCR speed is measured by the ``pdf_extract`` benchmark.
"""

from __future__ import annotations

import dataclasses
import tempfile
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

N_EHF = 1000
N_PDF = 100
SUPPLIERS = ("987654325", "998811228", "923609016", "123456785", "974760673")


def _ehf_invoices(corpus: Path) -> list[bytes]:
    from fakturaflyt.core.ehf import model as m
    from fakturaflyt.core.ehf.read import read_invoice
    from fakturaflyt.core.ehf.write import write_invoice
    from fakturaflyt.core.identifiers import make_kid

    base = read_invoice((corpus / "ehf/examples/ehf-NO__ehf-3-faktura-1.xml").read_bytes())
    out = []
    for i in range(N_EHF):
        orgnr = SUPPLIERS[i % len(SUPPLIERS)]
        seller = dataclasses.replace(
            base.seller,
            registration_name=f"Leverandør {orgnr} AS",
            endpoint=m.Identifier(orgnr, "0192"),
            legal_id=m.Identifier(orgnr, "0192"),
            vat_id=f"NO{orgnr}MVA",
        )
        issue = date(2024, 1, 1) + timedelta(days=i)  # one supplier every fifth day: outside the duplicate window
        means = tuple(dataclasses.replace(pm, payment_id=make_kid(f"{i + 1000}", "mod10")) for pm in base.payment_means)
        invoice = dataclasses.replace(
            base,
            id=f"B-{i:05d}",
            issue_date=issue,
            due_date=issue + timedelta(days=14),
            seller=seller,
            payment_means=means,
        )
        out.append(write_invoice(invoice))
    return out


def _pdfs(corpus: Path) -> list[tuple[str, bytes]]:
    sources = sorted(p for p in (corpus / "pdf").rglob("*.pdf") if ".scan" not in p.name)
    return [
        (sources[i % len(sources)].name, sources[i % len(sources)].read_bytes() + f"\n% {i}\n".encode())
        for i in range(N_PDF)
    ]


def _run(company, items: list[tuple[str, bytes]]) -> tuple[float, Counter[str]]:
    from fakturaflyt.payables import intake
    from fakturaflyt.payables.models import SupplierDocument
    from fakturaflyt.payables.processing import process_document

    start = time.perf_counter()
    ids = []
    for name, data in items:
        for doc in intake.receive_all(company, data, channel="cli", filename=name, queue=False):
            process_document(doc.pk)
            ids.append(doc.pk)
    seconds = time.perf_counter() - start
    return seconds, Counter(SupplierDocument.objects.filter(pk__in=ids).values_list("state", flat=True))


def run() -> list[tuple[str, str]]:
    from django.conf import settings

    from fakturaflyt.companies.services import create_company

    corpus = Path(settings.FAKTURAFLYT_CORPUS)
    settings.MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="ff-bench-media-"))
    company = create_company(None, orgnr="924753811", name="Intake Benchmark AS")
    figures: list[tuple[str, str]] = []

    ehf = [(f"b-{i:05d}.xml", data) for i, data in enumerate(_ehf_invoices(corpus))]
    seconds, states = _run(company, ehf)
    figures.append((f"EHF: receive + read + check {len(ehf)} invoices", f"{len(ehf) / seconds:,.1f} documents/s"))
    figures.append(("  states", ", ".join(f"{k} {v}" for k, v in sorted(states.items()))))

    pdfs = _pdfs(corpus)
    if pdfs:
        seconds, states = _run(company, pdfs)
        figures.append(
            (f"PDF (text layer): receive + extract + check {len(pdfs)}", f"{len(pdfs) / seconds:,.1f} documents/s")
        )
        figures.append(("  states", ", ".join(f"{k} {v}" for k, v in sorted(states.items()))))

    # the same EHF again: every one must be caught as a duplicate
    seconds, states = _run(company, ehf[:200])
    figures.append(("EHF received a second time (200): caught as duplicates", f"{states.get('duplicate', 0)} of 200"))
    return figures
