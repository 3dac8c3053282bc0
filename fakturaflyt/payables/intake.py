"""Receiving supplier documents, by every channel: store the bytes first, then queue the reading.

:func:`receive_all` is the one door every channel goes through (upload, supplier portal, API,
e-mail, watched folder, Peppol access point, command line). In this order:

1. the bytes are written to disk, content-addressed (:mod:`.storage`), before anything reads
   them;
2. in one transaction: the :class:`~.models.StoredFile` row, a :class:`~.models.Receipt` (how,
   from whom, when, as which file) and a :class:`~.models.SupplierDocument` in state
   ``received``, with an audit event ``document.received`` each;
3. after the commit, the document is queued for :func:`.processing.process_document`
   (Celery task ``payables.process_document``; in-process at once without a broker).

**Containers.** An e-mail (``.eml``, ``message/rfc822``) or a zip file is stored as a receipt
of its own, and each invoice file in it (EHF XML, PDF, a scan; see :mod:`fakturaflyt.core.mail`
for what is skipped: logos, signatures, business cards...) becomes a receipt with
``container`` pointing at it, and a document. The container itself gets a document only when
it yields none: ``rejected`` with the reason "e-mail without invoice attachment" (and the
skipped parts listed as its problems) or, when it cannot be opened at all, ``quarantined``.
Either way it stays visible in the inbox: nothing is dropped silently.

Refused outright (:class:`~.error_codes.PayablesError`, nothing stored): an empty file and a
file over :data:`MAX_BYTES`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from fakturaflyt.companies.models import Company
from fakturaflyt.core.errors import FakturaflytError
from fakturaflyt.core.filetypes import EML, ZIP, sniff
from fakturaflyt.core.mail import Limits, Part, Skipped, read_message, unpack_zip
from fakturaflyt.faultpoints import crash_point
from fakturaflyt.ledger import audit
from fakturaflyt.payables import storage
from fakturaflyt.payables.error_codes import IntakeCode, PayablesError, problem
from fakturaflyt.payables.interpret import format_of
from fakturaflyt.payables.models import Channel, DocumentFormat, DocumentState, Receipt, Supplier, SupplierDocument

MAX_BYTES = 60 * 1024 * 1024
LIMITS = Limits()


@dataclass
class _Opened:
    """What a container held: the parts taken and skipped, and the e-mail's own header data."""

    parts: list[Part] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    error: FakturaflytError | None = None
    sender: str = ""
    message_id: str = ""
    subject: str = ""


def _open(data: bytes, mime: str, filename: str) -> _Opened:
    opened = _Opened()
    try:
        if mime == EML:
            message = read_message(data, LIMITS)
            opened.parts = list(message.attachments)
            opened.skipped = list(message.skipped)
            opened.sender, opened.message_id, opened.subject = message.sender, message.message_id, message.subject
        else:
            opened.parts, opened.skipped = unpack_zip(data, filename or "archive.zip", LIMITS)
    except FakturaflytError as exc:
        opened.error = exc
    return opened


def _queue(pks: Sequence[int]) -> None:
    from fakturaflyt.payables.tasks import process_document_task

    crash_point("payables.intake.queue")

    for pk in pks:
        process_document_task.delay(pk)


def _clip(text: str, limit: int = 300) -> str:
    return " ".join((text or "").split())[:limit]


def _clip_name(name: str) -> str:
    """A file name as given, without control characters (a folder rescan compares it), at most 300 characters."""
    return "".join(ch for ch in (name or "") if ch.isprintable())[:300]


def receive_all(
    company: Company,
    data: bytes,
    *,
    channel: Channel | str,
    filename: str,
    sender: str = "",
    user: Any = None,
    supplier: Supplier | None = None,
    container: Receipt | None = None,
    message_id: str = "",
    subject: str = "",
    queue: bool = True,
) -> list[SupplierDocument]:
    """Receive one file (or container) for ``company``; the documents it became, in order (see the module doc).

    ``supplier`` is the sending supplier when the channel knows it (supplier portal, a supplier
    contact's API token): the documents are tied to it. ``container`` is the receipt of an
    e-mail or zip file this file came in, when the caller opened it. With ``queue=False`` the
    caller runs :func:`.processing.process_document` itself (the command line does).
    """
    channel = Channel(channel)
    if not data:
        raise PayablesError(IntakeCode.EMPTY, f"{filename or 'The file'} is empty; nothing was received.", "file")
    if len(data) > MAX_BYTES:
        raise PayablesError(
            IntakeCode.TOO_LARGE,
            f"{filename or 'The file'} is {len(data) // (1024 * 1024)} MB; at most {MAX_BYTES // (1024 * 1024)} MB "
            "is received.",
            "file",
        )
    if supplier is not None and supplier.company_id != company.pk:
        raise ValueError("the supplier belongs to another company")
    mime = sniff(data, filename)
    opened = _open(data, mime, filename) if mime in (EML, ZIP) else None
    # 1. every byte on disk before any row refers to it
    storage.write_bytes(data)
    for part in opened.parts if opened else ():
        storage.write_bytes(part.data)
    # 2. the rows, in one transaction
    with transaction.atomic():
        common = {
            "company": company,
            "channel": channel,
            "sender": _clip(sender or (opened.sender if opened else "")),
            "received_at": timezone.now(),
            "received_by": user if getattr(user, "is_authenticated", False) else None,
            "supplier": supplier,
            "message_id": _clip(message_id or (opened.message_id if opened else "")),
            "subject": _clip(subject or (opened.subject if opened else "")),
        }
        if opened is None:
            documents = [_document(common, data, filename, container, mime, user)]
        else:
            documents = _container(common, data, filename, container, mime, opened, user)
        pending = [d.pk for d in documents if d.state == DocumentState.RECEIVED]
        if queue and pending:
            transaction.on_commit(lambda: _queue(pending), robust=True)
    return documents


def receive(
    company: Company,
    data: bytes,
    *,
    channel: Channel | str,
    filename: str,
    sender: str = "",
    user: Any = None,
    supplier: Supplier | None = None,
    container: Receipt | None = None,
    message_id: str = "",
    subject: str = "",
) -> SupplierDocument:
    """Receive one file and return its document; for an e-mail or zip file, the first document it became.

    Use :func:`receive_all` to get every document of a container.
    """
    return receive_all(
        company,
        data,
        channel=channel,
        filename=filename,
        sender=sender,
        user=user,
        supplier=supplier,
        container=container,
        message_id=message_id,
        subject=subject,
    )[0]


def _receipt(common: dict[str, Any], data: bytes, filename: str, container: Receipt | None, mime: str) -> Receipt:
    stored = storage.store(data, filename=filename, content_type=mime)
    return Receipt.objects.create(file=stored, filename=_clip_name(filename), container=container, **common)


def _document(
    common: dict[str, Any], data: bytes, filename: str, container: Receipt | None, mime: str, user: Any
) -> SupplierDocument:
    receipt = _receipt(common, data, filename, container, mime)
    return _new_document(receipt, format_of(mime), user)


def _new_document(
    receipt: Receipt,
    fmt: str,
    user: Any,
    *,
    state: str = DocumentState.RECEIVED,
    problems: list[dict[str, str]] | None = None,
    reason: str = "",
) -> SupplierDocument:
    doc = SupplierDocument.objects.create(
        company=receipt.company,
        receipt=receipt,
        file=receipt.file,
        state=state,
        format=fmt,
        supplier=receipt.supplier,
        problems=problems or [],
        rejected_reason=reason,
        processed_at=timezone.now() if state != DocumentState.RECEIVED else None,
    )
    audit.record(
        receipt.company,
        user,
        "document.received",
        doc,
        after={"state": doc.state, "format": doc.format},
        channel=receipt.channel,
        filename=receipt.filename,
        sha256=receipt.file.sha256,
        sender=receipt.sender,
        container=receipt.container_id,
    )
    return doc


def _container(
    common: dict[str, Any],
    data: bytes,
    filename: str,
    container: Receipt | None,
    mime: str,
    opened: _Opened,
    user: Any,
) -> list[SupplierDocument]:
    what = "e-mail" if mime == EML else "zip file"
    outer = _receipt(common, data, filename, container, mime)
    outer.skipped = [s.as_dict() for s in opened.skipped]
    outer.save(update_fields=["skipped"])
    audit.record(
        outer.company,
        user,
        "receipt.container",
        outer,
        channel=outer.channel,
        filename=outer.filename,
        sha256=outer.file.sha256,
        parts=len(opened.parts),
        skipped=[f"{s.filename}: {s.code}" for s in opened.skipped][:50],
        error=str(opened.error) if opened.error else "",
    )
    name = filename or f"the {what}"
    if opened.error is not None:
        problems = [
            problem(
                IntakeCode.CONTAINER,
                f"{name}: the {what} cannot be opened: {p.message}. It is kept as received.",
                "",
                stage="read",
            )
            for p in opened.error.problems
        ]
        return [_new_document(outer, DocumentFormat.UNKNOWN, user, state=DocumentState.QUARANTINED, problems=problems)]
    if not opened.parts:
        problems = [
            problem(
                IntakeCode.NO_INVOICE,
                f"{name}: the {what} holds no invoice file (EHF XML, PDF or scanned image).",
                "",
                stage="read",
            )
        ] + [
            problem(s.code, f"{s.filename or 'a part'} was skipped: {s.reason}.", "", "info", stage="read")
            for s in opened.skipped
        ]
        reason = "e-mail without invoice attachment" if mime == EML else "zip file without invoice files"
        return [
            _new_document(
                outer, DocumentFormat.UNKNOWN, user, state=DocumentState.REJECTED, problems=problems, reason=reason
            )
        ]
    part_common = dict(common)
    return [_document(part_common, part.data, part.filename, outer, part.content_type, user) for part in opened.parts]
