"""The HTTP answers that hand out a received document: the original file, its page images, its attachments.

Shared by the inbox (accountants) and the supplier portal: the caller has already found the
document through ``scoped``, so every function here trusts the document it is given.

The browser gets the original bytes as a download (``Content-Disposition: attachment``),
never rendered inline on our origin, except photos in formats a browser shows as an image;
``Content-Security-Policy: sandbox`` and ``nosniff`` keep a hostile upload from running
script even then. Page images are rendered once per PDF and page (see :mod:`.preview`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import PurePath

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified

from fakturaflyt.core.filetypes import served_content_type, sniff
from fakturaflyt.payables import preview, storage
from fakturaflyt.payables.ehfview import read_ehf
from fakturaflyt.payables.models import StoredFile, SupplierDocument
from fakturaflyt.payables.presenters import IMAGE_TYPES

#: Page images never change for a given PDF: the browser may keep them a day.
PAGE_MAX_AGE = 24 * 3600


def stored_bytes(stored: StoredFile) -> bytes:
    """The received bytes of ``stored``, exactly as they came (checked against their SHA-256 by the storage)."""
    try:
        return storage.read(stored)
    except FileNotFoundError:
        raise Http404("the stored file is missing") from None
    except OSError:
        # Altered on disk: never hand out bytes that are not what was received.
        raise Http404("the stored file does not match its SHA-256") from None


def _safe_filename(name: str, fallback: str) -> str:
    base = PurePath(name.replace("\\", "/")).name.strip() or fallback
    return "".join(c for c in base if c.isprintable() and c not in '"\r\n;')[:150] or fallback


def _file_response(data: bytes, content_type: str, filename: str, *, inline: bool = False) -> HttpResponse:
    response = HttpResponse(data, content_type=served_content_type(content_type))
    disposition = "inline" if inline else "attachment"
    try:
        filename.encode("ascii")
        response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    except UnicodeEncodeError:
        from urllib.parse import quote

        response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(filename)}"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-cache"
    return response


def original_file(request: HttpRequest, document: SupplierDocument) -> HttpResponse:
    """The file as received; ``?inline=1`` shows a photo in the page instead of downloading it."""
    data = stored_bytes(document.file)
    content_type = (document.file.content_type or "").lower()
    inline = request.GET.get("inline") == "1" and content_type in IMAGE_TYPES
    name = _safe_filename(document.receipt.filename, f"document-{document.pk}")
    return _file_response(data, content_type, name, inline=inline)


def _not_modified(request: HttpRequest, etag: str) -> bool:
    return etag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]


def _page_response(request: HttpRequest, data: bytes, sha256: str | None, page: int) -> HttpResponse:
    etag = f'"{(sha256 or "")[:32]}-{page}-{preview.PAGE_WIDTH}"'
    if sha256 and _not_modified(request, etag):
        return HttpResponseNotModified()
    if not 1 <= page <= preview.MAX_PAGES:
        raise Http404("no such page")
    try:
        image = preview.cached_page(data, sha256, page)
    except preview.PreviewError:
        raise Http404("the page cannot be shown") from None
    response = HttpResponse(image, content_type="image/png")  # rendered by us from the PDF
    response["Content-Disposition"] = f'inline; filename="page-{page}.png"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = f"private, max-age={PAGE_MAX_AGE}"
    if sha256:
        response["ETag"] = etag
    return response


def page_image(request: HttpRequest, document: SupplierDocument, page: int) -> HttpResponse:
    """Page ``page`` of the document's PDF as PNG."""
    return _page_response(request, stored_bytes(document.file), document.file.sha256, page)


@dataclass(frozen=True)
class Embedded:
    """A file embedded in an EHF (BG-24): what the sender called it, and what its bytes are."""

    index: int
    filename: str
    content_type: str  # sniffed from the bytes: senders label CSV files "application/pdf"
    data: bytes
    sha256: str

    @property
    def is_pdf(self) -> bool:
        return self.content_type == "application/pdf"


def embedded_file(document: SupplierDocument, index: int) -> Embedded | None:
    """Embedded file number ``index`` of an EHF document: stored on its own by the intake, else read from the XML."""
    entry = next(
        (e for e in document.attachments or [] if isinstance(e, dict) and e.get("index") == index and e.get("sha256")),
        None,
    )
    if entry is not None:
        stored = StoredFile.objects.filter(sha256=entry["sha256"]).first()
        if stored is not None:
            name = str(entry.get("filename") or entry.get("id") or "")
            return Embedded(index, name, stored.content_type, stored_bytes(stored), stored.sha256)
    # Documents read before the intake stored embedded files: the XML still holds them.
    invoice = read_ehf(stored_bytes(document.file))
    found = getattr(invoice, "attachments", ()) or ()
    if not 0 <= index < len(found) or not found[index].content:
        return None
    att = found[index]
    data = att.content
    return Embedded(
        index, att.filename or att.id, sniff(data, att.filename or ""), data, hashlib.sha256(data).hexdigest()
    )


def _embedded(document: SupplierDocument, index: int) -> Embedded:
    found = embedded_file(document, index)
    if found is None:
        raise Http404("no such attachment")
    return found


def attachment_file(request: HttpRequest, document: SupplierDocument, index: int) -> HttpResponse:
    emb = _embedded(document, index)
    inline = request.GET.get("inline") == "1" and emb.content_type in IMAGE_TYPES
    name = _safe_filename(emb.filename, f"attachment-{index + 1}")
    return _file_response(emb.data, emb.content_type, name, inline=inline)


def attachment_page(request: HttpRequest, document: SupplierDocument, index: int, page: int) -> HttpResponse:
    emb = _embedded(document, index)
    if not emb.is_pdf:
        raise Http404("the attachment is not a PDF")
    return _page_response(request, emb.data, emb.sha256, page)


def pdf_sizes(data: bytes) -> tuple[list[tuple[float, float]], bool]:
    """(the size of each page in points, whether the PDF could be opened at all)."""
    try:
        return preview.page_sizes(data), True
    except preview.PreviewError:
        return [], False


__all__ = [
    "Embedded",
    "attachment_file",
    "attachment_page",
    "embedded_file",
    "original_file",
    "page_image",
    "pdf_sizes",
    "stored_bytes",
]
