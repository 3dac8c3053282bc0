"""The approval workflow in the demo company: rules, a substitute, settings and invoices waiting for approval.

Called by :func:`fakturaflyt.companies.demo.load_demo` (idempotent: nothing is created twice).

* Rules: (10) department 300 Lager og logistikk → Kari Attestant; (20) no purchase order → role approver.
  Kari's limit is 50 000, so an invoice above it is approved by the administrator as well.
* Ola Regnskapsfører substitutes for Kari in the first week of next month.
* Three coded invoices wait: two for Kari (one above her limit: Ingrid Admin approves after her),
  one ordered by Per Innkjøper (who therefore may not approve it).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from fakturaflyt.approvals import services
from fakturaflyt.approvals.models import ApprovalRule, Substitute
from fakturaflyt.companies.models import Company

# (supplier number, invoice number, [(net, account, vat code, department, project, text)], requested by)
INVOICES: tuple[tuple[int, str, list[tuple[str, str, str, str, str, str]], str], ...] = (
    (
        1,
        "BK-2026-0412",
        [("3840.00", "6540", "1", "300", "", "Kontorstoler, 4 stk"), ("560.00", "6560", "1", "300", "", "Rekvisita")],
        "",
    ),
    (4, "SKY-88231", [("62000.00", "6553", "1", "400", "P1002", "Lisenser nettbutikkplattform 2026")], ""),
    (2, "FN-100934", [("1499.00", "6900", "1", "100", "", "Mobilabonnement mars")], "innkjop@nordlys.demo"),
)


def _blank_pdf() -> bytes:
    import io

    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument.new()
    pdf.new_page(595, 842)
    buf = io.BytesIO()
    pdf.save(buf)
    return buf.getvalue()


def load_approval_demo(company: Company) -> None:
    from fakturaflyt.coding.models import CodingLine, LearnEvent
    from fakturaflyt.payables import storage
    from fakturaflyt.payables.models import Channel, DocumentFormat, DocumentState, Receipt, Supplier, SupplierDocument

    users = {u.username: u for u in get_user_model().objects.filter(username__endswith="@nordlys.demo")}
    kari, ola = users.get("attestant@nordlys.demo"), users.get("regnskap@nordlys.demo")
    services.settings_for(company)
    if not ApprovalRule.objects.filter(company=company).exists() and kari is not None:
        services.add_rule(
            company, None, name="Lager og logistikk", condition="department", value="300", approver=kari, position=10
        )
        services.add_rule(
            company, None, name="Uten innkjøpsordre", condition="no_po", approver_role="approver", position=20
        )
    if kari is not None and ola is not None and not Substitute.objects.filter(company=company).exists():
        first = (timezone.localdate().replace(day=1) + timedelta(days=32)).replace(day=1)
        services.add_substitute(
            company, None, absent=kari, substitute=ola, starts=first, ends=first + timedelta(days=6)
        )
    if SupplierDocument.objects.filter(company=company, invoice_number=INVOICES[0][1]).exists():
        return
    today = timezone.localdate()
    now = timezone.now()
    stored = storage.store(_blank_pdf(), filename="demo-attestering.pdf", content_type="application/pdf")
    for i, (number, invoice_number, lines, requested_by) in enumerate(INVOICES):
        supplier = Supplier.objects.filter(company=company, number=number).first()
        if supplier is None:
            continue
        net = sum((Decimal(n) for n, *_ in lines), Decimal(0))
        vat = sum(((Decimal(n) * Decimal("0.25")).quantize(Decimal("0.01")) for n, *_ in lines), Decimal(0))
        receipt = Receipt.objects.create(
            company=company,
            file=stored,
            channel=Channel.EMAIL,
            sender=f"faktura@{supplier.name.split()[0].lower()}.demo",
            filename=f"{invoice_number}.pdf",
            received_at=now - timedelta(days=3 - i),
            supplier=supplier,
        )
        doc = SupplierDocument.objects.create(
            company=company,
            receipt=receipt,
            file=stored,
            state=DocumentState.CODED,
            format=DocumentFormat.PDF,
            supplier=supplier,
            invoice_number=invoice_number,
            issue_date=today - timedelta(days=4),
            due_date=today + timedelta(days=10 + 5 * i),
            currency="NOK",
            net_total=net,
            vat_total=vat,
            total=net + vat,
            requested_by=users.get(requested_by) if requested_by else None,
            processed_at=now,
        )
        for n, (amount, account, code, dept, project, text) in enumerate(lines, start=1):
            row = CodingLine.objects.create(
                company=company,
                source="supplier_invoice",
                document=doc,
                line_no=n,
                line={"description": text, "amount": amount, "vat_rate": "25", "supplier_name": supplier.name},
                supplier=supplier,
                description=text,
                amount=Decimal(amount),
                currency="NOK",
                line_date=doc.issue_date,
                account=account,
                vat_code=code,
                department=dept,
                project=project,
                state="confirmed",
                coded_at=now,
            )
            LearnEvent.objects.create(company=company, line=row, coding=row.coding(), suggested={})
        services.submit(doc)
