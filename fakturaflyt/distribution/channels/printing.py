"""Print and post: each invoice PDF goes into the company's print batch of the day.

The batch stays open until someone prints it (:func:`mark_printed`); :func:`batch_pdf` merges
its PDFs, in the order they came, into one document for the printer (pypdfium2, which
imports whole pages without re-rendering). A dispatch is ``sent`` once its PDF is in the
batch: from there on it is paper in the office's hands.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fakturaflyt.distribution import documents
from fakturaflyt.distribution.channels import SendResult
from fakturaflyt.distribution.models import PrintBatch, PrintBatchItem

if TYPE_CHECKING:
    from fakturaflyt.companies.models import Company
    from fakturaflyt.distribution.models import Dispatch
    from fakturaflyt.receivables.models import SalesInvoice


def open_batch(company: Company) -> PrintBatch:
    """Today's (Oslo) open batch of ``company``, made when missing."""
    day = timezone.localdate()
    batch = PrintBatch.objects.filter(company=company, day=day, printed_at__isnull=True).first()
    if batch is not None:
        return batch
    try:
        with transaction.atomic():
            return PrintBatch.objects.create(company=company, day=day)
    except IntegrityError:  # made at the same moment by another worker
        return PrintBatch.objects.get(company=company, day=day, printed_at__isnull=True)


def batch_pdf(batch: PrintBatch) -> bytes:
    """The batch's invoices as one PDF, in the order they came (empty batch: ``ValueError``)."""
    import pypdfium2 as pdfium

    from fakturaflyt.payables.storage import read

    items = list(batch.items.select_related("pdf").order_by("id"))
    if not items:
        raise ValueError(_("The print batch is empty."))
    merged = pdfium.PdfDocument.new()
    try:
        for item in items:
            source = pdfium.PdfDocument(read(item.pdf))
            try:
                merged.import_pages(source)
            finally:
                source.close()
        out = io.BytesIO()
        merged.save(out)
        return out.getvalue()
    finally:
        merged.close()


def mark_printed(batch: PrintBatch, actor: Any) -> PrintBatch:
    """Close the batch (printed and posted); later prints go into a new one."""
    from fakturaflyt.ledger import audit

    with transaction.atomic():
        batch = PrintBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.printed_at is None:
            batch.printed_at = timezone.now()
            batch.printed_by = actor if getattr(actor, "is_authenticated", False) else None
            batch.save(update_fields=["printed_at", "printed_by"])
            audit.record(batch.company, actor, "print_batch.printed", batch, invoices=batch.items.count())
    return batch


class PrintChannel:
    name = "print"

    def is_configured(self, company: Company) -> bool:
        return True

    def not_configured_message(self) -> str:
        return _("Printing is not configured.")

    def send(self, dispatch: Dispatch, invoice: SalesInvoice) -> SendResult:
        from fakturaflyt.payables.storage import store

        pdf = documents.pdf_of(invoice)
        stored = store(pdf, filename=documents.pdf_filename(invoice), content_type="application/pdf")
        with transaction.atomic():
            batch = open_batch(invoice.company)
            PrintBatchItem.objects.update_or_create(dispatch=dispatch, defaults={"batch": batch, "pdf": stored})
        return SendResult(
            "sent",
            message_id=f"print-batch-{batch.pk}",
            detail=_("Added to the print batch of %(day)s") % {"day": batch.day.strftime("%d.%m.%Y")},
            document=stored,
        )
