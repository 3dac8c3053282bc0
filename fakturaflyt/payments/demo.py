"""Demo: approved and posted supplier invoices due within the next 30 days, ready for a payment run.

After ``fakturaflyt demo``::

    fakturaflyt payments propose --company 924753811 --until <today+30> --approve --user admin@nordlys.demo
    fakturaflyt payments export 1 --company 924753811 -o /tmp/p.xml

gives a real, XSD-valid pain.001: two invoices with a KID (MOD10 and MOD11), two paid with
the invoice number as message, and one held because the invoice names another bank account
than the supplier's known one. Created once (idempotent); the due dates count from the day
the demo is loaded.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from fakturaflyt.companies.models import Company
from fakturaflyt.core.identifiers import make_kid
from fakturaflyt.core.ledger import VoucherLine
from fakturaflyt.ledger.services import post_voucher
from fakturaflyt.payables import storage
from fakturaflyt.payables.models import Channel, DocumentFormat, DocumentState, Receipt, Supplier, SupplierDocument

# supplier number, invoice number, net, VAT, VAT code, KID base and method (or None), days to due, account on invoice
INVOICES: tuple[tuple[int, str, str, str, str, tuple[str, str] | None, int, str | None], ...] = (
    (1, "BK-2026-311", "12500.00", "3125.00", "1", ("2026031100", "mod10"), 7, None),
    (2, "FT-88213", "2396.00", "599.00", "1", ("88213004", "mod11"), 12, None),
    (3, "VE-2026-04", "18500.00", "0.00", "0", None, 20, None),
    (4, "SP-1042", "4800.00", "1200.00", "1", None, 25, None),
    (5, "RN-551", "7500.00", "1875.00", "1", None, 18, "86011117947"),
)


def _blank_pdf() -> bytes:
    import io

    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument.new()
    pdf.new_page(595, 842)
    buf = io.BytesIO()
    pdf.save(buf)
    return buf.getvalue()


def _kid(spec: tuple[str, str] | None) -> str:
    if spec is None:
        return ""
    base, method = spec
    try:
        return make_kid(base, method)  # type: ignore[arg-type]
    except ValueError:  # MOD11 gave '-': take the next base number, as Nets recommends
        return make_kid(str(int(base) + 1), method)  # type: ignore[arg-type]


def load_payments_demo(company: Company, suppliers: dict[int, Supplier], actor: Any) -> None:
    """Create the approved, unpaid demo invoices (once)."""
    if SupplierDocument.objects.filter(company=company, invoice_number=INVOICES[0][1]).exists():
        return
    today = timezone.localdate()
    now = timezone.now()
    stored = storage.store(_blank_pdf(), filename="demo-faktura.pdf", content_type="application/pdf")
    for number, invoice_number, net, vat, vat_code, kid_spec, days, other_account in INVOICES:
        supplier = suppliers[number]
        net_d, vat_d = Decimal(net), Decimal(vat)
        total = net_d + vat_d
        issue = today - timedelta(days=max(0, 30 - days))
        lines = [
            VoucherLine(
                supplier.default_account or "6800",
                debit=net_d,
                vat_code=vat_code,
                vat_base=net_d if vat_d else None,
                description=invoice_number,
            )
        ]
        if vat_d:
            lines.append(VoucherLine("2710", debit=vat_d, vat_code=vat_code, description=invoice_number))
        lines.append(VoucherLine("2400", credit=total, supplier_id=supplier.pk, description=invoice_number))
        voucher = post_voucher(
            company,
            actor,
            voucher_date=issue,
            description=f"Faktura {invoice_number} – {supplier.name}",
            lines=lines,
            series="AP",
            source="demo",
            source_ref=invoice_number,
        )
        receipt = Receipt.objects.create(
            company=company,
            file=stored,
            channel=Channel.EMAIL,
            sender=f"faktura@{supplier.name.split()[0].lower()}.demo",
            filename=f"{invoice_number}.pdf",
            received_at=now - timedelta(days=max(0, 30 - days)),
            supplier=supplier,
        )
        SupplierDocument.objects.create(
            company=company,
            receipt=receipt,
            file=stored,
            state=DocumentState.APPROVED,
            format=DocumentFormat.PDF,
            supplier=supplier,
            invoice_number=invoice_number,
            issue_date=issue,
            due_date=today + timedelta(days=days),
            currency="NOK",
            net_total=net_d,
            vat_total=vat_d,
            total=total,
            kid=_kid(kid_spec),
            bank_account=other_account or supplier.bank_account,
            payment_blocked=other_account is not None,
            voucher=voucher,
            approved_at=now,
            processed_at=now,
        )
