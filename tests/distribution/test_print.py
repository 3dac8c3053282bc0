"""Print and post: the day's batch collects the invoices; one merged PDF to print."""

from __future__ import annotations

import pypdfium2 as pdfium
import pytest

from fakturaflyt.distribution import services
from fakturaflyt.distribution.channels.printing import batch_pdf, mark_printed
from fakturaflyt.distribution.models import DispatchStatus, PrintBatch

pytestmark = pytest.mark.django_db


def test_two_printed_invoices_make_one_batch_pdf_with_their_pages(make_invoice, fake_documents, user_factory) -> None:
    first, second = make_invoice(channel="print", email=""), make_invoice(channel="print", email="")
    d1, d2 = services.send(first), services.send(second)
    assert d1.status == d2.status == DispatchStatus.SENT
    [batch] = PrintBatch.objects.all()
    assert [i.dispatch for i in batch.items.all()] == [d1, d2] and d1.message_id == f"print-batch-{batch.pk}"
    merged = pdfium.PdfDocument(batch_pdf(batch))
    try:
        assert len(merged) == 2
        # in the order they came: the stand-in PDFs have different page widths
        widths = [round(merged[i].get_width()) for i in range(2)]
        expected = [round(pdfium.PdfDocument(fake_documents[inv.pk])[0].get_width()) for inv in (first, second)]
        assert widths == expected
    finally:
        merged.close()
    first.refresh_from_db()
    assert first.status == "sent"
    # once printed, the next invoice starts a new batch
    mark_printed(batch, user_factory("anne@testfirma.no"))
    d3 = services.send(make_invoice(channel="print", email=""))
    assert d3.print_item.batch != batch and PrintBatch.objects.count() == 2


def test_an_empty_batch_has_no_pdf(company) -> None:
    with pytest.raises(ValueError):
        batch_pdf(PrintBatch.objects.create(company=company, day="2026-03-02"))
