"""The bytes a channel sends: the invoice's EHF (Peppol BIS Billing 3.0 UBL) and its PDF.

Made by the receivables app (``receivables.ehf.ehf_bytes`` and ``receivables.pdf.render_pdf``),
imported here lazily so distribution loads without them. A document that cannot be made is a
:class:`~fakturaflyt.distribution.channels.PermanentFailure`: sending it again gives the same
error until someone fixes the invoice or the company's settings.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from fakturaflyt.core.errors import FakturaflytError
from fakturaflyt.distribution.channels import PermanentFailure
from fakturaflyt.distribution.error_codes import DistributionCode
from fakturaflyt.payables import storage

if TYPE_CHECKING:
    from fakturaflyt.receivables.models import SalesInvoice


def ehf_of(invoice: SalesInvoice) -> bytes:
    """The archived EHF of the invoice (archived now if it is the first send): what is sent is what is kept."""
    from fakturaflyt.payables.downloads import stored_bytes
    from fakturaflyt.receivables.ehf import archive

    try:
        return stored_bytes(archive(invoice))
    except FakturaflytError as exc:
        raise PermanentFailure(f"The EHF of {invoice} could not be made: {exc}", DistributionCode.DOCUMENT) from exc


def pdf_of(invoice: SalesInvoice) -> bytes:
    from fakturaflyt.receivables.pdf import render_pdf

    try:
        return render_pdf(invoice)
    except FakturaflytError as exc:
        raise PermanentFailure(f"The PDF of {invoice} could not be made: {exc}", DistributionCode.DOCUMENT) from exc


def pdf_filename(invoice: SalesInvoice, language: str = "nb") -> str:
    """``Faktura-10001.pdf`` / ``Kreditnota-10002.pdf`` (``Invoice-`` / ``Credit-note-`` in English)."""
    if language == "en":
        stem = "Credit-note" if invoice.is_credit_note else "Invoice"
    else:
        stem = "Kreditnota" if invoice.is_credit_note else "Faktura"
    return f"{stem}-{invoice.number}.pdf"


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so a reader sees no file or the whole file: a ``.tmp`` sibling, fsync, rename."""
    storage.write_atomically(path, data, mode=0o644)
