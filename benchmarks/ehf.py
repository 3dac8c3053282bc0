"""EHF: parse + our own validation (XSD, rules) of 10 000 documents, and the official schematron.

The documents cycle through the real examples in ``../shared/corpus/ehf/examples``. Single
process, so the figure is per core. Target: at least 500 documents/s per core for parse +
our rules. Expect ±15 % between runs on a shared 2-core machine.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

N_DOCUMENTS = 10_000
N_OFFICIAL = 300


def _corpus() -> list[bytes]:
    root = Path(os.environ.get("FAKTURAFLYT_CORPUS", Path(__file__).resolve().parents[1].parent / "shared" / "corpus"))
    files = sorted((root / "ehf" / "examples").glob("*.xml")) + sorted((root / "ehf" / "examples").glob("*.XML"))
    return [f.read_bytes() for f in files]


def run() -> list[tuple[str, str]]:
    from fakturaflyt.core.ehf.read import read_invoice
    from fakturaflyt.core.ehf.rules import check
    from fakturaflyt.core.ehf.validate import validate

    docs = _corpus()
    if not docs:
        return [("corpus", "absent: set FAKTURAFLYT_CORPUS")]
    figures = []

    t = time.perf_counter()
    for i in range(N_DOCUMENTS):
        read_invoice(docs[i % len(docs)])
    elapsed = time.perf_counter() - t
    figures.append((f"parse (read_invoice) x {N_DOCUMENTS:,}", f"{N_DOCUMENTS / elapsed:,.0f} documents/s"))

    invoices = [read_invoice(d) for d in docs]
    t = time.perf_counter()
    for i in range(N_DOCUMENTS):
        check(invoices[i % len(invoices)])
    elapsed = time.perf_counter() - t
    figures.append((f"our rules (check) x {N_DOCUMENTS:,}", f"{N_DOCUMENTS / elapsed:,.0f} documents/s"))

    validate(docs[0])  # load the XSDs once
    t = time.perf_counter()
    for i in range(N_DOCUMENTS):
        validate(docs[i % len(docs)])
    elapsed = time.perf_counter() - t
    figures.append(
        (f"validate: XSD + parse + our rules x {N_DOCUMENTS:,}", f"{N_DOCUMENTS / elapsed:,.0f} documents/s")
    )

    t = time.perf_counter()
    validate(docs[0], official=True)
    figures.append(
        ("official schematron: one-time compile + first document", f"{(time.perf_counter() - t) * 1000:,.0f} ms")
    )
    t = time.perf_counter()
    for i in range(N_OFFICIAL):
        validate(docs[i % len(docs)], official=True)
    elapsed = time.perf_counter() - t
    figures.append(
        (f"validate --official (XSD + ours + CEN + Peppol) x {N_OFFICIAL}", f"{N_OFFICIAL / elapsed:,.0f} documents/s")
    )
    return figures
