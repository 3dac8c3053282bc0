"""Test documents: Norwegian EHF invoices and credit notes built from the EHF example in the corpus, tiny PDFs."""

from __future__ import annotations

import dataclasses
import io
from datetime import date
from pathlib import Path

from fakturaflyt.core.ehf import model as m
from fakturaflyt.core.ehf.read import read_invoice
from fakturaflyt.core.ehf.write import write_invoice
from fakturaflyt.core.identifiers import make_kid

BASE = "ehf/examples/ehf-NO__ehf-3-faktura-1.xml"
VALID_KID = make_kid("1234567", "mod10")


def blank_pdf() -> bytes:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument.new()
    pdf.new_page(595, 842)
    buf = io.BytesIO()
    pdf.save(buf)
    return buf.getvalue()


def norwegian_ehf(
    corpus: Path,
    *,
    number: str = "F-1001",
    seller_orgnr: str = "987654325",
    seller_name: str = "Bergen Kontorutstyr AS",
    account: str | None = "86011117947",
    kid: str | None = VALID_KID,
    issue: date = date(2026, 3, 2),
    due: date | None = date(2026, 3, 16),
    pdf: bytes | None = None,
    credits: str | None = None,
    kind: str = "Invoice",
) -> bytes:
    """The Norwegian EHF example with another seller, number, dates, account and KID."""
    base = read_invoice((corpus / BASE).read_bytes())
    seller = dataclasses.replace(
        base.seller,
        registration_name=seller_name,
        endpoint=m.Identifier(seller_orgnr, "0192"),
        legal_id=m.Identifier(seller_orgnr, "0192"),
        vat_id=f"NO{seller_orgnr}MVA",
    )
    means = tuple(dataclasses.replace(pm, account_id=account, payment_id=kid) for pm in base.payment_means)
    attachments = (
        (m.Attachment("visual", "Fakturaen som PDF", content=pdf, mime_code="application/pdf", filename="faktura.pdf"),)
        if pdf
        else ()
    )
    invoice = dataclasses.replace(
        base,
        kind=kind,
        type_code="381" if kind == "CreditNote" else "380",
        id=number,
        issue_date=issue,
        due_date=due,
        seller=seller,
        payment_means=means,
        attachments=attachments,
        preceding_invoices=(m.PrecedingInvoice(credits),) if credits else (),
    )
    return write_invoice(invoice)


XXE = b"""<?xml version="1.0"?>
<!DOCTYPE Invoice [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"><ID>&xxe;</ID></Invoice>
"""

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"><ID>&lol9;</ID></Invoice>
"""

MALFORMED_PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF garbage"
