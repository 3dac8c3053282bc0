"""EHF to a Peppol outbox folder that an access point (Oxalis, phase4, a service provider's agent) sends from.

The outbox is ``settings.FAKTURAFLYT_PEPPOL_OUTBOX`` (default ``MEDIA_ROOT/peppol/outbox``).

**Outgoing.** Each dispatch writes two files under ``<outbox>/<sender org.nr>/``::

    20260302-10001-17.xml     the EHF (UBL Invoice or CreditNote), exactly as sent
    20260302-10001-17.json    the sidecar: who sends what to whom

named ``<yyyymmdd (day sent, Oslo)>-<invoice number>-<dispatch id>``. Both are written
atomically (a ``.tmp`` sibling, fsync, rename), the XML first: **an access point picks up a
document when its sidecar exists** and never sees half a file. The sidecar::

    {
      "dispatch": 17, "file": "924753811/20260302-10001-17.xml", "invoice_number": "10001",
      "sender": "0192:924753811", "receiver": "0192:923609016",
      "participant_scheme": "iso6523-actorid-upis",
      "document_type": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2::Invoice##"
                       "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0::2.1",
      "document_type_scheme": "busdox-docid-qns",
      "process": "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0", "process_scheme": "cenbii-procid-ubl",
      "sha256": "…", "size": 12345, "created_at": "2026-03-02T09:15:00+01:00"
    }

**Receipts.** The access point reports back by writing one JSON file per outcome into
``<outbox>/receipts/`` (atomically, e.g. ``<anything>.json``)::

    {"dispatch": 17, "status": "delivered", "detail": "AS4 receipt from POP000123", "message_id": "…"}
    {"file": "924753811/20260302-10001-17.xml", "status": "rejected", "detail": "Receiver unknown in SMP"}

``dispatch`` (our id) or ``file`` (the outbox path, or just its name) names the document;
``status`` is ``delivered`` or ``rejected``; ``detail`` and ``message_id`` (the AS4 message
id) are optional. :func:`fakturaflyt.distribution.services.read_peppol_receipts` applies them
and moves each file to ``receipts/processed/`` (or ``receipts/unreadable/``).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from fakturaflyt.core.identifiers import normalise_orgnr
from fakturaflyt.distribution import documents
from fakturaflyt.distribution.channels import PermanentFailure, SendResult, TemporaryFailure
from fakturaflyt.distribution.error_codes import DistributionCode

if TYPE_CHECKING:
    from fakturaflyt.companies.models import Company
    from fakturaflyt.distribution.models import Dispatch
    from fakturaflyt.receivables.models import SalesInvoice

PROCESS_ID = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
_CUSTOMIZATION = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0::2.1"
INVOICE_DOCTYPE = f"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2::Invoice##{_CUSTOMIZATION}"
CREDIT_NOTE_DOCTYPE = f"urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2::CreditNote##{_CUSTOMIZATION}"
_PARTICIPANT = re.compile(r"^\d{4}:[A-Za-z0-9.\-_]+$")


def outbox_dir() -> Path:
    configured = getattr(settings, "FAKTURAFLYT_PEPPOL_OUTBOX", None)
    return Path(configured) if configured else Path(settings.MEDIA_ROOT) / "peppol" / "outbox"


def receipts_dir() -> Path:
    return outbox_dir() / "receipts"


def participant_id(value: str) -> str:
    """A Peppol participant id ``<scheme>:<id>``; a bare Norwegian org.nr gets scheme 0192; ``""`` when unusable."""
    text = (value or "").strip().replace(" ", "")
    if text.lower().startswith("iso6523-actorid-upis::"):
        text = text.split("::", 1)[1]
    if re.fullmatch(r"\d{9}", text):
        text = f"0192:{text}"
    return text if _PARTICIPANT.match(text) else ""


class PeppolOutbox:
    """Writes the EHF and its sidecar into the outbox; the access point does the rest."""

    name = "ehf"

    def is_configured(self, company: Company) -> bool:
        return True

    def not_configured_message(self) -> str:
        return _("The Peppol outbox is not configured.")

    def send(self, dispatch: Dispatch, invoice: SalesInvoice) -> SendResult:
        receiver = participant_id(dispatch.recipient or invoice.customer.peppol_id)
        if not receiver:
            raise PermanentFailure(
                _("The customer's Peppol id %(id)r is not a valid participant id (e.g. 0192:923609016).")
                % {"id": invoice.customer.peppol_id},
                DistributionCode.NO_RECIPIENT,
            )
        xml = documents.ehf_of(invoice)
        company = invoice.company
        orgnr = normalise_orgnr(company.orgnr)
        stem = f"{timezone.localdate():%Y%m%d}-{invoice.number}-{dispatch.pk}"
        relative = f"{orgnr}/{stem}.xml"
        target = outbox_dir() / relative
        sidecar = {
            "dispatch": dispatch.pk,
            "file": relative,
            "invoice_number": str(invoice.number),
            "sender": f"0192:{orgnr}",
            "receiver": receiver,
            "participant_scheme": "iso6523-actorid-upis",
            "document_type": CREDIT_NOTE_DOCTYPE if invoice.is_credit_note else INVOICE_DOCTYPE,
            "document_type_scheme": "busdox-docid-qns",
            "process": PROCESS_ID,
            "process_scheme": "cenbii-procid-ubl",
            "sha256": hashlib.sha256(xml).hexdigest(),
            "size": len(xml),
            "created_at": timezone.localtime().isoformat(timespec="seconds"),
        }
        try:
            documents.write_atomically(target, xml)
            documents.write_atomically(
                target.with_suffix(".json"), json.dumps(sidecar, indent=2, ensure_ascii=False).encode()
            )
        except OSError as exc:
            raise TemporaryFailure(
                _("The Peppol outbox %(dir)s could not be written: %(err)s") % {"dir": outbox_dir(), "err": exc}
            ) from exc
        from fakturaflyt.payables.storage import store

        stored = store(xml, filename=f"{stem}.xml", content_type="application/xml")
        return SendResult(
            "sent",
            message_id=relative,
            detail=_("Placed in the Peppol outbox for %(receiver)s") % {"receiver": receiver},
            file_name=relative,
            document=stored,
        )


@dataclass(frozen=True, slots=True)
class Receipt:
    """One status receipt from the access point (see the module docstring)."""

    path: Path
    dispatch_id: int | None
    file: str
    status: str
    detail: str
    message_id: str


def parse_receipt(path: Path) -> Receipt:
    """Read one receipt file; ``ValueError`` when it is not one."""
    data: Any = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError("a receipt is a JSON object")
    status = str(data.get("status", "")).lower()
    if status not in ("delivered", "rejected"):
        raise ValueError(f"status must be delivered or rejected, not {status!r}")
    raw_id = data.get("dispatch")
    dispatch_id = int(raw_id) if raw_id not in (None, "") else None
    file = str(data.get("file") or "")
    if dispatch_id is None and not file:
        raise ValueError("a receipt names its document by 'dispatch' or 'file'")
    return Receipt(
        path=path,
        dispatch_id=dispatch_id,
        file=file,
        status=status,
        detail=str(data.get("detail") or "")[:500],
        message_id=str(data.get("message_id") or "")[:300],
    )


def pending_receipts() -> Iterator[Path]:
    folder = receipts_dir()
    if folder.is_dir():
        yield from sorted(p for p in folder.glob("*.json") if p.is_file() and not p.name.startswith("."))


def file_away(path: Path, folder: str) -> None:
    """Move a handled receipt to ``receipts/<folder>/`` so it is read once."""
    target_dir = path.parent / folder
    target_dir.mkdir(parents=True, exist_ok=True)
    path.replace(target_dir / path.name)
