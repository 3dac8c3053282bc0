"""The left-hand side of a document's page: the document itself, as the browser can show it.

A PDF as its pages (rendered on the server, :mod:`.preview`) with a box wherever a field was
read; a photo as it is; an EHF laid out as an invoice (:mod:`.ehfview`) with the files embedded
in it, an embedded PDF again as its pages. Shared by the inbox and the supplier portal.
"""

from __future__ import annotations

from typing import Any

from fakturaflyt.payables import downloads, ehfview, extracted, presenters
from fakturaflyt.payables.models import SupplierDocument
from fakturaflyt.payables.preview import MAX_PAGES


def viewer_context(document: SupplierDocument, fields: list[extracted.FieldRow] | None = None) -> dict[str, Any]:
    """What the left-hand side shows: PDF pages (with boxes where ``fields`` were read), the image, or the EHF."""
    kind = presenters.viewer_kind(document)
    context: dict[str, Any] = {"viewer": kind, "max_pages": MAX_PAGES}
    if kind == "pdf":
        sizes, readable = downloads.pdf_sizes(downloads.stored_bytes(document.file))
        pages = extracted.page_views(sizes, fields or [], MAX_PAGES)
        context.update(page_count=len(sizes), pages=pages, pdf_readable=readable)
    elif kind == "ehf":
        # The stored model first; the received XML is read again only when there is none.
        invoice = ehfview.invoice_model(document) or ehfview.read_ehf(downloads.stored_bytes(document.file))
        view = ehfview.ehf_view(invoice) if invoice is not None else None
        attachments = []
        for att in view.attachments if view is not None else ():
            embedded = downloads.embedded_file(document, att.index)
            entry: dict[str, Any] = {"att": att, "embedded": embedded, "pages": []}
            if embedded is not None and embedded.is_pdf:
                sizes, _ok = downloads.pdf_sizes(embedded.data)
                entry["pages"] = presenters.pages(len(sizes), MAX_PAGES)
            attachments.append(entry)
        context.update(ehf=view, attachments=attachments)
    return context
