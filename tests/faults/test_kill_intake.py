"""Killing the intake in the middle: every received file is stored once and every document ends processed.

Three EHF files lie in a company's watched folder. A folder scan (the ``payables.scan_folders``
task, here in a subprocess, Celery eager as without a broker) receives and reads them one by
one; it is killed (exit 137, as by ``SIGKILL``) at the second file, either just after that
document was committed ``received`` (before its processing was queued) or in the middle of
reading it (its lease taken). Then the work is run again as a restarted worker would: the next
folder scan and, once the lease has run out, the sweeper ``payables.process_pending``.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.faults.conftest import killed
from tests.payables.factories import norwegian_ehf

pytestmark = pytest.mark.django_db(transaction=True)

FILES = 3


def _files(corpus) -> dict[str, bytes]:
    files = {}
    for i in range(1, FILES + 1):
        issue = date(2026, 1, 5) + timedelta(days=7 * i)  # a week apart: not "same amount, same date" duplicates
        files[f"f{i}.xml"] = norwegian_ehf(corpus, number=f"F-{i}", issue=issue, due=issue + timedelta(days=14))
    return files


@pytest.mark.parametrize(
    "point, left",
    [
        ("payables.intake.queue@2", {"processing_since": None, "attempts": 0}),
        ("payables.process.read@2", {"attempts": 1}),
    ],
    ids=["stored-not-queued", "mid-reading"],
)
def test_killed_intake_rerun_loses_and_doubles_nothing(sub, make_company, corpus, point, left) -> None:
    from fakturaflyt.ledger.models import AuditEvent
    from fakturaflyt.payables import folders, processing, storage, tasks
    from fakturaflyt.payables.models import DocumentState, Receipt, StoredFile, Supplier, SupplierDocument

    # given: five invoices in the watched folder
    company = make_company()
    files = _files(corpus)
    inbox = folders.ensure_folders(company)["inbox"]
    for name, data in files.items():
        (inbox / name).write_bytes(data)

    # when: the scan is killed at the second file
    out = sub.run("from fakturaflyt.payables.folders import scan_all\nscan_all(settle=0)", crash=point)
    assert killed(out), out.stderr

    # then: the first is done, the second is stored and left received, the rest untouched
    docs = list(SupplierDocument.objects.order_by("pk"))
    assert [d.state for d in docs] == [DocumentState.READY_FOR_CODING, DocumentState.RECEIVED]
    assert {k: getattr(docs[1], k) for k in left} == left
    assert sorted(p.name for p in inbox.iterdir()) == [f"f{i}.xml" for i in range(2, FILES + 1)]

    # when: the restarted worker scans again, and the sweeper runs once the lease has expired
    folders.scan_company(company, settle=0)
    past = docs[1].updated_at - processing.LEASE - timedelta(minutes=1)
    SupplierDocument.objects.filter(pk=docs[1].pk).update(
        updated_at=past, processing_since=past if docs[1].processing_since else None
    )
    assert tasks.process_pending.delay().get() == [docs[1].pk]

    # then: as one clean scan: five receipts, five documents, each file stored once, nothing doubled
    docs = list(SupplierDocument.objects.select_related("file").order_by("pk"))
    assert [d.state for d in docs] == [DocumentState.READY_FOR_CODING] * FILES
    assert sorted(d.invoice_number for d in docs) == [f"F-{i}" for i in range(1, FILES + 1)]
    assert Receipt.objects.count() == FILES
    assert sorted(Receipt.objects.values_list("filename", flat=True)) == sorted(files)
    hashes = {storage.digest(data) for data in files.values()}
    assert {d.file.sha256 for d in docs} == hashes
    assert StoredFile.objects.filter(sha256__in=hashes).count() == FILES
    assert all(storage.read(d.file) == files[d.receipt.filename] for d in docs)
    assert Supplier.objects.filter(company=company).count() == 1
    assert AuditEvent.objects.filter(action="document.received").count() == FILES
    assert AuditEvent.objects.filter(action="document.checked").count() == FILES
    assert list(inbox.iterdir()) == []
    assert sum(1 for _ in (folders.company_dir(company) / "processed").rglob("*.xml")) == FILES
