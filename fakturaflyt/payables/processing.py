"""Processing a received supplier document: read it, check it, decide its state. Idempotent and crash-safe.

:func:`process_document` moves a document ``received`` → ``interpreted`` → one of
``ready_for_coding``, ``needs_review``, ``duplicate`` (or ``quarantined`` when the file cannot
be read), in three short transactions:

1. **claim**: lock the row (``SELECT ... FOR NO KEY UPDATE``), stop if it is no longer
   ``received`` / ``interpreted`` (already processed: calling again is a no-op) or if another
   worker holds the :data:`LEASE` on it (a redelivered task), else count the attempt and take
   the lease. A document that was started :data:`MAX_ATTEMPTS` times without finishing (a file
   that kills the worker) is quarantined instead of tried for ever;
2. **read** the bytes *outside* any transaction (OCR takes seconds; SQLite would hold its
   write lock that long), then lock the row again and store the result only if the document
   is still ``received``: of two workers racing on one document, the second finds it done
   and drops its result. A crash before this commit leaves the document ``received`` with
   its bytes, and once the lease has run out the sweeper (:func:`pending`, task
   ``payables.process_pending``) starts it again;
3. **check** (:func:`.review.run_checks`: supplier, bank account, duplicates, credit notes,
   confidence) under the company's row lock, so that two documents checked at once cannot both
   miss each other as duplicates or both register the same new supplier.

The accountant's actions (:func:`retry`, :func:`reject`, :func:`correct_field`,
:func:`dismiss_duplicate`) each run in one transaction and write one audit event.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from fakturaflyt.companies.models import Company
from fakturaflyt.core.errors import FakturaflytError
from fakturaflyt.faultpoints import crash_point
from fakturaflyt.ledger import audit
from fakturaflyt.payables import checks, storage, suppliers
from fakturaflyt.payables.error_codes import IntakeCode, PayablesError, problem
from fakturaflyt.payables.fields import clean_value, set_columns
from fakturaflyt.payables.interpret import Interpretation, interpret
from fakturaflyt.payables.models import DocumentFormat, DocumentState, StoredFile, SupplierDocument
from fakturaflyt.payables.review import PENDING, confidence_threshold, run_checks

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
#: How long a worker may read one file before another may take it over (OCR of a long scan takes minutes).


LEASE = timedelta(minutes=15)


RETRY_STATES = (DocumentState.QUARANTINED, DocumentState.NEEDS_REVIEW, *PENDING)


CORRECTABLE_STATES = (
    DocumentState.NEEDS_REVIEW,
    DocumentState.READY_FOR_CODING,
    DocumentState.QUARANTINED,
    DocumentState.DUPLICATE,
)


def _lock_company(company_id: int) -> None:
    """Serialise the checks of one company's documents (duplicates, new suppliers).

    ``FOR NO KEY UPDATE`` (PostgreSQL): it does not conflict with the key-share locks that inserting
    rows which refer to the company take, so it cannot deadlock with a concurrent audit event.
    """
    Company.objects.select_for_update(no_key=True).filter(pk=company_id).first()


def _locked(pk: int) -> SupplierDocument | None:
    return (
        SupplierDocument.objects.select_related("company", "receipt", "file")
        .select_for_update(no_key=True, of=("self",))
        .filter(pk=pk)
        .first()
    )


def _codes(problems: list[dict[str, str]]) -> list[str]:
    return sorted({p.get("code", "") for p in problems})


# ------------------------------------------------------------------------------ the pipeline


def process_document(document_id: int) -> SupplierDocument | None:
    """Read and check one document (see the module docstring). Safe to call any number of times."""
    doc = _claim(document_id)
    if doc is None or doc.state not in PENDING or getattr(doc, "busy", False):
        return doc
    if doc.state == DocumentState.RECEIVED:
        crash_point("payables.process.read")
        doc = _store_reading(doc.pk, _read(doc))
        if doc is None or doc.state != DocumentState.INTERPRETED:
            return doc
    return _check(doc.pk)


def _claim(document_id: int) -> SupplierDocument | None:
    """Lock, count the attempt and take the lease; a document another worker is reading is left alone."""
    with transaction.atomic():
        doc = _locked(document_id)
        if doc is None or doc.state not in PENDING:
            return doc
        now = timezone.now()
        if doc.state == DocumentState.RECEIVED and doc.processing_since and now - doc.processing_since < LEASE:
            doc.busy = True  # type: ignore[attr-defined]
            return doc
        doc.attempts += 1
        if doc.state == DocumentState.RECEIVED and doc.attempts > MAX_ATTEMPTS:
            doc.state = DocumentState.QUARANTINED
            doc.processed_at = now
            doc.processing_since = None
            doc.problems = [
                problem(
                    IntakeCode.TOO_MANY_ATTEMPTS,
                    f"{doc.receipt.filename or 'The file'}: reading it was started {MAX_ATTEMPTS} times without "
                    "finishing (the reader stopped each time). The file is kept; retry when the cause is found.",
                    "",
                    stage="read",
                )
            ]
            doc.save()
            audit.record(doc.company, None, "document.quarantined", doc, after={"state": doc.state}, reason="attempts")
            return doc
        doc.processing_since = now if doc.state == DocumentState.RECEIVED else doc.processing_since
        doc.save(update_fields=["attempts", "processing_since", "updated_at"])
        return doc


def _layout_lookup(doc: SupplierDocument) -> Any:
    fallback = doc.supplier_id or doc.receipt.supplier_id

    def layout_for(orgnr: str, vat_id: str) -> dict[str, Any] | None:
        found = suppliers.layout_of(doc.company, orgnr, vat_id)
        if found is None and fallback:
            from fakturaflyt.payables.models import SupplierLayout

            found = SupplierLayout.objects.filter(supplier_id=fallback).values_list("layout", flat=True).first()
        return found or None

    return layout_for


def _read(doc: SupplierDocument) -> Interpretation:
    name = doc.receipt.filename or f"document {doc.pk}"
    try:
        data = storage.read(doc.file)
    except OSError as exc:
        return Interpretation(
            doc.format,
            quarantine=True,
            problems=[
                problem(
                    IntakeCode.FILE_MISSING,
                    f"{name}: the stored file {doc.file.path} cannot be read ({exc}). Restore it from the backup.",
                    "",
                    stage="read",
                )
            ],
        )
    return interpret(data, name, layout_for=_layout_lookup(doc))


def _store_embedded(doc: SupplierDocument, result: Interpretation) -> None:
    doc.attachments = []
    doc.visual = None
    for emb in result.embedded:
        stored = storage.store(emb.data, filename=emb.filename)
        doc.attachments.append(
            {
                "index": emb.index,
                "id": emb.id,
                "filename": emb.filename,
                "mime": emb.mime or stored.content_type,
                "description": emb.description,
                "size": stored.size,
                "sha256": stored.sha256,
            }
        )
        if doc.visual is None and stored.content_type == "application/pdf":
            doc.visual = stored


def _store_reading(pk: int, result: Interpretation) -> SupplierDocument | None:
    with transaction.atomic():
        doc = _locked(pk)
        if doc is None or doc.state != DocumentState.RECEIVED:
            return doc  # another worker finished first; its result stands
        fields = dict(result.fields)
        for name, entry in (doc.fields or {}).items():
            if isinstance(entry, dict) and entry.get("source") == "user":
                fields[name] = entry  # a person's correction outlives a new reading
        doc.fields = fields
        doc.processing_since = None
        if result.format != DocumentFormat.UNKNOWN or doc.format == DocumentFormat.UNKNOWN:
            doc.format = result.format
        doc.extraction_engine = result.engine[:10]
        doc.ehf = result.ehf
        doc.is_credit_note = result.is_credit_note
        doc.credited_invoice_number = result.credited_invoice_number[:100]
        _store_embedded(doc, result)
        problems = list(result.problems) + set_columns(doc)
        doc.problems = problems
        if result.quarantine:
            doc.state = DocumentState.QUARANTINED
            doc.processed_at = timezone.now()
        else:
            doc.state = DocumentState.INTERPRETED
        doc.save()
        audit.record(
            doc.company,
            None,
            "document.quarantined" if result.quarantine else "document.interpreted",
            doc,
            after={"state": doc.state, "format": doc.format, "engine": doc.extraction_engine},
            problems=_codes(problems),
            attempt=doc.attempts,
        )
        return doc


def _check(pk: int) -> SupplierDocument | None:
    company_id = SupplierDocument.objects.filter(pk=pk).values_list("company_id", flat=True).first()
    if company_id is None:
        return None
    with transaction.atomic():
        _lock_company(company_id)
        doc = _locked(pk)
        if doc is None or doc.state != DocumentState.INTERPRETED:
            return doc
        run_checks(doc, None)
        audit.record(
            doc.company,
            None,
            "document.checked",
            doc,
            before={"state": DocumentState.INTERPRETED},
            after={"state": doc.state, "supplier": doc.supplier_id, "duplicate_of": doc.duplicate_of_id},
            problems=_codes(doc.problems),
        )
        return doc


# ------------------------------------------------------------------------- accountant actions


def _state_words(doc: SupplierDocument) -> str:
    return str(doc.state).replace("_", " ")


def _queue(pk: int) -> None:
    from fakturaflyt.payables.tasks import process_document_task

    process_document_task.delay(pk)


def retry(document: SupplierDocument, user: Any) -> SupplierDocument:
    """Read and check a quarantined or uncertain document again (after the cause was fixed)."""
    with transaction.atomic():
        doc = _locked(document.pk)
        if doc is None or doc.state not in RETRY_STATES:
            raise PayablesError(
                IntakeCode.WRONG_STATE,
                f"A document that is {_state_words(doc or document)} cannot be processed again.",
            )
        before = {"state": doc.state, "attempts": doc.attempts, "problems": _codes(doc.problems)}
        doc.attempts = 0
        if doc.state not in PENDING:
            doc.state = DocumentState.RECEIVED
            doc.processing_since = None
            doc.problems = []
            doc.duplicate_of = None
            doc.payment_blocked = False
            doc.processed_at = None
        doc.save()
        audit.record(doc.company, user, "document.retried", doc, before=before, after={"state": doc.state})
        transaction.on_commit(lambda: _queue(doc.pk), robust=True)
    return doc


def reject(document: SupplierDocument, user: Any, reason: str) -> SupplierDocument:
    """Reject the document with a reason: it will not be coded, paid or posted."""
    reason = (reason or "").strip()
    if not reason:
        raise PayablesError(IntakeCode.REASON_REQUIRED, "Write why the document is rejected.", "reason")
    with transaction.atomic():
        doc = _locked(document.pk)
        if doc is None or doc.state == DocumentState.REJECTED:
            raise PayablesError(IntakeCode.WRONG_STATE, "The document is already rejected.")
        before = {"state": doc.state}
        doc.state = DocumentState.REJECTED
        doc.rejected_reason = reason[:300]
        doc.save()
        audit.record(
            doc.company,
            user,
            "document.rejected",
            doc,
            before=before,
            after={"state": doc.state},
            reason=doc.rejected_reason,
        )
    return doc


def dismiss_duplicate(document: SupplierDocument, user: Any) -> SupplierDocument:
    """Confirm that a same-amount, same-date invoice is a separate invoice, and check it again."""
    with transaction.atomic():
        _lock_company(document.company_id)
        doc = _locked(document.pk)
        if (
            doc is None
            or doc.state != DocumentState.DUPLICATE
            or not any(p.get("code") == IntakeCode.DUPLICATE_AMOUNT for p in doc.problems)
        ):
            raise PayablesError(
                IntakeCode.NOT_A_DUPLICATE_RULE,
                "Only a document held as a duplicate because of the same amount and date can be marked as "
                "a separate invoice; the same file or the same invoice number is always a duplicate.",
            )
        before = {"state": doc.state, "duplicate_of": doc.duplicate_of_id}
        doc.duplicate_dismissed = True
        run_checks(doc, user)
        audit.record(
            doc.company,
            user,
            "document.duplicate_dismissed",
            doc,
            before=before,
            after={"state": doc.state, "duplicate_of": doc.duplicate_of_id},
        )
    return doc


def correct_field(document: SupplierDocument, user: Any, field: str, value: Any) -> SupplierDocument:
    """Set a field by hand (audit before/after), check the document again, and teach the supplier's layout."""
    if field not in checks.FIELD_NAMES:
        raise PayablesError(IntakeCode.UNKNOWN_FIELD, f"There is no field {field!r} to correct.", field)
    cleaned = clean_value(field, value)
    with transaction.atomic():
        _lock_company(document.company_id)
        doc = _locked(document.pk)
        if doc is None or doc.state not in CORRECTABLE_STATES:
            raise PayablesError(
                IntakeCode.WRONG_STATE,
                f"Fields of a document that is {_state_words(doc or document)} cannot be corrected.",
                field,
            )
        fields = dict(doc.fields or {})
        previous = fields.get(field) if isinstance(fields.get(field), dict) else {"value": fields.get(field)}
        fields[field] = {
            "value": cleaned,
            "confidence": 1.0,
            "source": "user",
            "corrected_by": audit.actor_label(user),
            "corrected_at": timezone.now().isoformat(),
            "previous": (previous or {}).get("value"),
        }
        doc.fields = fields
        doc.problems = [p for p in doc.problems if not (p.get("stage") == "read" and p.get("field") == field)]
        set_columns(doc)
        before_state = doc.state
        run_checks(doc, user)
        audit.record(
            doc.company,
            user,
            "document.field_corrected",
            doc,
            before={"field": field, "value": (previous or {}).get("value"), "state": before_state},
            after={"field": field, "value": cleaned, "state": doc.state},
        )
        if doc.format in (DocumentFormat.PDF, DocumentFormat.IMAGE) and doc.supplier_id and cleaned is not None:
            pk = doc.pk
            transaction.on_commit(lambda: _queue_learning(pk, field, cleaned), robust=True)
    return doc


def _queue_learning(pk: int, field: str, value: Any) -> None:
    from fakturaflyt.payables.tasks import learn_layout_task

    learn_layout_task.delay(pk, field, value)


def learn_layout(document_id: int, field: str, value: Any) -> bool:
    """Remember where the supplier's invoices put ``field`` (``core.pdf.layout.learn``), from the corrected document.

    The document is read again for its words (the stored fields keep no words); a value that is
    not on the document teaches nothing (``FF-LAYOUT-NOT-FOUND``) and the correction stays this
    document's alone. Returns whether the layout changed.
    """
    from fakturaflyt.core.pdf.layout import SupplierLayout as Layout
    from fakturaflyt.core.pdf.layout import learn
    from fakturaflyt.payables.interpret import extract_pdf
    from fakturaflyt.payables.models import SupplierLayout

    doc = SupplierDocument.objects.select_related("supplier", "file", "company").filter(pk=document_id).first()
    if doc is None or doc.supplier is None or doc.format not in (DocumentFormat.PDF, DocumentFormat.IMAGE):
        return False
    try:
        extraction = extract_pdf(storage.read(doc.file))
    except Exception:
        logger.exception("reading document %s again to learn its layout failed", doc.pk)
        return False
    with transaction.atomic():
        row = SupplierLayout.objects.select_for_update().filter(supplier=doc.supplier).first()
        try:
            current = Layout.from_dict(row.layout) if row is not None and row.layout else None
        except FakturaflytError:
            current = None  # an unreadable stored layout is replaced by what is learnt now
        try:
            learned = learn(current, extraction, field, str(value))
        except FakturaflytError as exc:
            logger.info("nothing learnt from document %s field %s: %s", doc.pk, field, exc)
            return False
        if row is None:
            row = SupplierLayout(company=doc.company, supplier=doc.supplier)
        row.layout = learned.to_dict()
        row.save()
        audit.record(
            doc.company, None, "supplier.layout_learned", doc.supplier, field=field, document=doc.pk, value=str(value)
        )
    return True


def pending(older_than: timedelta = timedelta(minutes=5)) -> list[int]:
    """Documents whose task was lost (a crash, a restart): still ``received``/``interpreted`` after ``older_than``
    and not being read under a live lease."""
    now = timezone.now()
    cutoff = now - older_than
    stale = SupplierDocument.objects.filter(state__in=PENDING, updated_at__lt=cutoff).filter(
        Q(processing_since__isnull=True) | Q(processing_since__lt=now - LEASE)
    )
    return list(stale.order_by("pk").values_list("pk", flat=True))


def attachment_bytes(document: SupplierDocument, index: int) -> bytes | None:
    """The bytes of the EHF's embedded file number ``index`` (stored on their own), or None."""
    for entry in document.attachments or []:
        if entry.get("index") == index and entry.get("sha256"):
            stored = StoredFile.objects.filter(sha256=entry["sha256"]).first()
            return storage.read(stored) if stored is not None else None
    return None


__all__ = [
    "attachment_bytes",
    "clean_value",
    "correct_field",
    "dismiss_duplicate",
    "learn_layout",
    "pending",
    "process_document",
    "reject",
    "retry",
    "run_checks",
]


__all__ = [
    "CORRECTABLE_STATES",
    "LEASE",
    "MAX_ATTEMPTS",
    "PENDING",
    "RETRY_STATES",
    "attachment_bytes",
    "clean_value",
    "confidence_threshold",
    "correct_field",
    "dismiss_duplicate",
    "learn_layout",
    "pending",
    "process_document",
    "reject",
    "retry",
    "run_checks",
]
