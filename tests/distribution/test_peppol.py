"""EHF into the Peppol outbox (named, atomic, with a sidecar for the access point) and receipts read back."""

from __future__ import annotations

import hashlib
import json
import os

import pytest
from django.core import mail
from django.utils import timezone

from fakturaflyt.distribution import services
from fakturaflyt.distribution.channels import peppol
from fakturaflyt.distribution.models import DispatchStatus
from fakturaflyt.ledger.models import AuditEvent
from fakturaflyt.payables import storage
from tests.distribution.conftest import FAKE_EHF

pytestmark = pytest.mark.django_db


def test_the_ehf_and_its_sidecar_are_written_atomically_under_a_clear_name(
    make_invoice, fake_documents, dirs, monkeypatch
) -> None:
    renames: list[tuple[str, str]] = []
    real_replace = os.replace
    monkeypatch.setattr(storage.os, "replace", lambda a, b: (renames.append((str(a), str(b))), real_replace(a, b)))
    invoice = make_invoice(channel="ehf", peppol_id="0192:923609016")
    dispatch = services.send(invoice)
    assert dispatch.status == DispatchStatus.SENT and mail.outbox == []
    stem = f"{timezone.localdate():%Y%m%d}-{invoice.number}-{dispatch.pk}"
    assert dispatch.file_name == f"924753811/{stem}.xml" == dispatch.message_id
    xml = dirs / "924753811" / f"{stem}.xml"
    assert xml.read_bytes() == FAKE_EHF
    # written through a .tmp sibling, then renamed: the XML first, the sidecar (the access point's signal) last
    renames = [(a, b) for a, b in renames if b.startswith(str(dirs))]  # not the archive's own
    assert [os.path.basename(b) for _a, b in renames] == [f"{stem}.xml", f"{stem}.json"]
    assert all(a.endswith(".tmp") and os.path.dirname(a) == os.path.dirname(b) for a, b in renames)
    assert sorted(p.name for p in xml.parent.iterdir()) == [f"{stem}.json", f"{stem}.xml"]
    sidecar = json.loads((dirs / "924753811" / f"{stem}.json").read_text())
    assert sidecar["dispatch"] == dispatch.pk and sidecar["file"] == dispatch.file_name
    assert sidecar["sender"] == "0192:924753811" and sidecar["receiver"] == "0192:923609016"
    assert sidecar["document_type"] == peppol.INVOICE_DOCTYPE
    assert sidecar["process"] == "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
    assert sidecar["sha256"] == hashlib.sha256(FAKE_EHF).hexdigest() and sidecar["size"] == len(FAKE_EHF)
    invoice.refresh_from_db()
    assert invoice.status == "sent" and invoice.channel == "ehf"


def test_a_credit_note_carries_the_credit_note_document_type(make_invoice, fake_documents, dirs) -> None:
    invoice = make_invoice(channel="ehf", peppol_id="923609016", document_type="credit_note")
    dispatch = services.send(invoice)
    sidecar = json.loads((dirs / dispatch.file_name).with_suffix(".json").read_text())
    assert sidecar["document_type"] == peppol.CREDIT_NOTE_DOCTYPE and sidecar["receiver"] == "0192:923609016"


def test_a_delivered_receipt_marks_the_dispatch_and_invoice_delivered(make_invoice, fake_documents, dirs) -> None:
    invoice = make_invoice(channel="ehf", peppol_id="0192:923609016")
    dispatch = services.send(invoice)
    receipts = dirs / "receipts"
    receipts.mkdir()
    (receipts / "r1.json").write_text(
        json.dumps({"file": dispatch.file_name.split("/")[-1], "status": "delivered", "detail": "AS4 receipt"})
    )
    (receipts / "junk.json").write_text("not json")
    assert services.read_peppol_receipts() == 1
    dispatch.refresh_from_db()
    invoice.refresh_from_db()
    assert dispatch.status == DispatchStatus.DELIVERED and dispatch.delivered_at and invoice.status == "delivered"
    assert AuditEvent.objects.filter(action="invoice.delivered", object_id=str(invoice.pk)).count() == 1
    # each receipt is read once; the unreadable one is put aside
    assert (receipts / "processed" / "r1.json").is_file() and (receipts / "unreadable" / "junk.json").is_file()
    assert services.read_peppol_receipts() == 0


def test_a_rejected_receipt_is_a_hard_failure(make_invoice, fake_documents, dirs, accountants) -> None:
    invoice = make_invoice(channel="ehf", peppol_id="0192:923609016")
    dispatch = services.send(invoice)
    (dirs / "receipts").mkdir()
    (dirs / "receipts" / "r2.json").write_text(
        json.dumps({"dispatch": dispatch.pk, "status": "rejected", "detail": "Receiver not found in SMP"})
    )
    # another company's run leaves it alone
    other = type(invoice.company).objects.create(orgnr="923609016", name="Beta AS")
    assert services.read_peppol_receipts(other) == 0 and (dirs / "receipts" / "r2.json").exists()
    assert services.read_peppol_receipts(invoice.company) == 1
    dispatch.refresh_from_db()
    invoice.refresh_from_db()
    assert dispatch.status == DispatchStatus.REJECTED and "Receiver not found in SMP" in dispatch.last_error
    assert invoice.status == "send_failed" and list(services.failures(invoice.company)) == [dispatch]
    assert len(mail.outbox) == 1 and "Receiver not found" in mail.outbox[0].body


def test_an_unusable_peppol_id_is_a_hard_failure(make_invoice, fake_documents, dirs) -> None:
    dispatch = services.send(make_invoice(channel="ehf", peppol_id="not an id"))
    assert dispatch.status == DispatchStatus.FAILED and dispatch.error_code == "FF-DIST-NO-RECIPIENT"
    assert not (dirs / "924753811").exists()


def test_an_outbox_that_cannot_be_written_is_a_temporary_failure(make_invoice, fake_documents, settings, tmp_path):
    blocker = tmp_path / "file-not-dir"
    blocker.write_text("x")
    settings.FAKTURAFLYT_PEPPOL_OUTBOX = blocker
    dispatch = services.send(make_invoice(channel="ehf", peppol_id="0192:923609016"))
    assert dispatch.status == DispatchStatus.TEMPORARY_FAILURE and "outbox" in dispatch.last_error


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("0192:923609016", "0192:923609016"),
        ("923609016", "0192:923609016"),
        ("iso6523-actorid-upis::0088:5790000435944", "0088:5790000435944"),
        ("hello", ""),
    ],
)
def test_participant_ids(given: str, expected: str) -> None:
    assert peppol.participant_id(given) == expected
