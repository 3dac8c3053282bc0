"""Cheap books for the authorization tests: one of every object an API path or web URL names, per company.

Everything is made through services where that is cheap, else straight in the database the way the
app tests of each area do it. Every text carries the company's marker (``ALFA-...`` / ``BETA-...``),
so a response body can be searched for data that crossed a company or a supplier.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

HOSTILE_NAME = '<script>alert(1)</script> & "Bergen" AS'


@dataclass
class Books:
    """One company's objects, by the path parameter that names them."""

    company: Any
    marker: str  # unique text in every row of this company
    own_supplier: Any  # the supplier contact's supplier (company A)
    other_supplier: Any
    voucher: Any = None
    own_doc: Any = None  # a supplier invoice of own_supplier
    other_doc: Any = None  # a supplier invoice of other_supplier
    own_line: Any = None  # coding line of own_supplier
    other_line: Any = None
    rule: Any = None
    customer: Any = None
    invoice: Any = None
    payment_run: Any = None
    order: Any = None  # purchase order of other_supplier
    charge: Any = None
    saft_import: Any = None
    extra: dict[str, Any] = field(default_factory=dict)

    def params(self, *, supplier_view: bool = False) -> dict[str, Any]:
        """Path parameter values naming this company's objects (the other supplier's for ``supplier_view``)."""
        doc = self.other_doc if supplier_view else self.own_doc
        line = self.other_line if supplier_view else self.own_line
        return {
            "orgnr": self.company.orgnr,
            "voucher_id": self.voucher.pk,
            "document_id": doc.pk,
            "line_id": line.pk,
            "rule_id": self.rule.pk,
            "invoice_id": self.invoice.pk,
            "charge_id": self.charge.pk,
            "line_no": 1,
            "import_id": self.saft_import.pk,
            "system": "tripletex",
            "supplier_id": (self.other_supplier if supplier_view else self.own_supplier).pk,
            "change_id": 999_999,  # no change is pending: an allowed caller gets 404, a refused one 403
        }

    def number_for(self, path: str) -> Any:
        """``{number}`` means an invoice, a payment run or a purchase order, by the path."""
        if "/payments/" in path:
            return self.payment_run.number
        if "/purchasing/" in path:
            return self.order.number
        return self.invoice.number


def _stored(company: Any, name: str, text: str, content_type: str = "application/xml") -> Any:
    from fakturaflyt.payables import storage

    return storage.store(text.encode(), filename=name, content_type=content_type)


def _document(company: Any, supplier: Any, n: int, marker: str) -> Any:
    from fakturaflyt.payables.models import DocumentState, Receipt, SupplierDocument

    stored = _stored(company, f"{marker}-{n}.xml", f"<Invoice>{marker} {supplier.name} {n}</Invoice>")
    receipt = Receipt.objects.create(
        company=company, file=stored, channel="upload", filename=f"{marker}-{n}.xml", received_at=timezone.now()
    )
    return SupplierDocument.objects.create(
        company=company,
        receipt=receipt,
        file=stored,
        state=DocumentState.APPROVED,
        supplier=supplier,
        invoice_number=f"{marker}-F{n}",
        issue_date=date(2026, 3, 2),
        due_date=timezone.localdate() + timedelta(days=5),
        currency="NOK",
        net_total=Decimal("800.00"),
        vat_total=Decimal("200.00"),
        total=Decimal("1000.00"),
        bank_account=supplier.bank_account,
    )


def build_books(company: Any, marker: str, own_supplier: Any, other_supplier: Any) -> Books:
    """Every object the API and the web UI name by id, in ``company``."""
    from fakturaflyt.cards.services import import_card_file
    from fakturaflyt.coding import services as coding
    from fakturaflyt.coding.models import RuleKind
    from fakturaflyt.companies.models import CompanyBankAccount
    from fakturaflyt.core.coding.features import PurchaseLine
    from fakturaflyt.core.ledger import VoucherLine
    from fakturaflyt.ledger.models import SaftImport
    from fakturaflyt.ledger.services import post_voucher
    from fakturaflyt.payments.models import PaymentRun
    from fakturaflyt.purchasing.services import create_order
    from fakturaflyt.receivables.models import InvoiceSettings
    from tests.cards.builders import statement
    from tests.receivables.test_pdf import make_customer, make_invoice

    b = Books(company, marker, own_supplier, other_supplier)
    account = CompanyBankAccount.objects.create(
        company=company, account_number="15064123456", iban="NO1415064123456", bic="DNBANOKK", is_default=True
    )
    b.voucher = post_voucher(
        company,
        None,
        voucher_date=date(2026, 3, 1),
        description=f"{marker} husleie",
        lines=[VoucherLine("6300", debit=Decimal("100.00")), VoucherLine("1920", credit=Decimal("100.00"))],
    )
    b.own_doc = _document(company, own_supplier, 1, marker)
    b.other_doc = _document(company, other_supplier, 2, marker)
    lines = {}
    for key, sup in (("own", own_supplier), ("other", other_supplier)):
        pl = PurchaseLine(
            date=date(2026, 3, 2),
            supplier_id=sup.orgnr,
            supplier_name=sup.name,
            description=f"{marker} {key} kontorrekvisita",
            amount=Decimal("1200.00"),
            currency="NOK",
            buyer="",
            vat_rate=Decimal("25"),
        )
        lines[key] = coding.add_line(company, pl, source="api", source_ref=f"{marker}-{key}", supplier=sup)
    b.own_line, b.other_line = lines["own"], lines["other"]
    b.rule = coding.add_rule(company, None, kind=RuleKind.KEYWORD, keyword=f"{marker.lower()}husleie", account="6300")
    # The service's invoice series starts above the ORM-made invoice's number (as in the receivables tests).
    InvoiceSettings.objects.create(company=company, first_number=20001)
    b.customer = make_customer(company, f"{marker} Kunde AS")
    b.invoice = make_invoice(
        company, b.customer, number=10001, lines=[(f"{marker} konsulenttimer", "1", "1000", "3", "25")]
    )
    b.payment_run = PaymentRun.objects.create(
        company=company, number=1, until=timezone.localdate() + timedelta(days=10), debtor_account=account
    )
    b.order = create_order(
        company,
        None,
        number=f"{marker}-PO1",
        supplier=other_supplier,
        order_date=date(2026, 3, 1),
        lines=[{"line_no": 1, "description": f"{marker} toner", "quantity": "2", "unit_price": "100"}],
    )
    import_card_file(company, statement(), None, filename="kort.csv")
    b.charge = company.card_charges.order_by("pk").first()
    stored = _stored(company, "saft.xml", f"<AuditFile>{marker}</AuditFile>")
    b.saft_import = SaftImport.objects.create(company=company, file=stored, filename=f"{marker}-saft.xml")
    return b
