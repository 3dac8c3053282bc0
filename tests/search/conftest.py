"""Search fixtures: company A (``world.a``, a user in every role) with one row of each kind, and the same
names and numbers in company B, which must never show up for A's users."""

from __future__ import annotations

import hashlib
import itertools
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

_seq = itertools.count(1)
OSLO = ZoneInfo("Europe/Oslo")


def stored_file() -> Any:
    from fakturaflyt.payables.models import StoredFile

    n = next(_seq)
    digest = hashlib.sha256(f"search-{n}".encode()).hexdigest()
    return StoredFile.objects.create(sha256=digest, size=1, content_type="application/pdf", path=f"x/{digest}")


def make_document(company: Any, supplier: Any, *, number: str, total: str, kid: str = "", **extra: Any) -> Any:
    from fakturaflyt.payables.models import DocumentState, Receipt, SupplierDocument

    stored = stored_file()
    receipt = Receipt.objects.create(
        company=company, file=stored, channel="upload", filename=f"{number}.pdf", received_at="2026-03-01T10:00Z"
    )
    return SupplierDocument.objects.create(
        company=company,
        receipt=receipt,
        file=stored,
        state=extra.pop("state", DocumentState.NEEDS_REVIEW),
        supplier=supplier,
        invoice_number=number,
        issue_date=extra.pop("issue_date", date(2026, 3, 1)),
        due_date=date(2026, 3, 15),
        currency="NOK",
        total=Decimal(total),
        net_total=(Decimal(total) / Decimal("1.25")).quantize(Decimal("0.01")),
        kid=kid,
        **extra,
    )


def make_customer(company: Any, *, number: int, name: str, orgnr: str = "", email: str = "") -> Any:
    from fakturaflyt.receivables.models import Customer

    return Customer.objects.create(company=company, number=number, name=name, orgnr=orgnr, email=email)


def make_invoice(company: Any, customer: Any, *, number: int, total: str, kid: str = "") -> Any:
    from fakturaflyt.receivables.models import SalesInvoice

    return SalesInvoice.objects.create(
        company=company,
        customer=customer,
        number=number,
        status="issued",
        buyer_name=customer.name,
        buyer_orgnr=customer.orgnr,
        issue_date=date(2026, 3, 2),
        due_date=date(2026, 3, 16),
        kid=kid,
        total=Decimal(total),
        total_nok=Decimal(total),
    )


def make_charge(company: Any, *, merchant: str, amount: str, holder: str, external_id: str) -> Any:
    from fakturaflyt.cards.models import CardCharge, CardImport

    card_import = CardImport.objects.create(company=company, file=stored_file(), filename="kort.csv", kind="statement")
    return CardCharge.objects.create(
        company=company,
        card_import=card_import,
        external_id=external_id,
        booked_at=datetime(2026, 3, 4, 12, 0, tzinfo=OSLO),
        merchant=merchant,
        amount=Decimal(amount),
        amount_nok=Decimal(amount),
        card_holder=holder,
    )


def make_order(company: Any, supplier: Any, *, number: str) -> Any:
    from fakturaflyt.purchasing.models import PurchaseOrder

    return PurchaseOrder.objects.create(company=company, number=number, supplier=supplier, order_date=date(2026, 2, 20))


def make_voucher(company: Any, *, amount: str, text: str, series: str = "AP", source_ref: str = "") -> Any:
    from fakturaflyt.core.ledger import VoucherLine
    from fakturaflyt.ledger.services import post_voucher

    lines = [VoucherLine("6300", debit=Decimal(amount)), VoucherLine("1920", credit=Decimal(amount))]
    return post_voucher(
        company,
        None,
        voucher_date=date(2026, 3, 5),
        description=text,
        lines=lines,
        series=series,
        source_ref=source_ref,
    )


@dataclass
class Books:
    world: Any
    document: Any
    other_document: Any
    voucher: Any
    customer: Any
    invoice: Any
    charge: Any
    order: Any
    b_document: Any

    def m(self, role: str) -> Any:
        return self.world.memberships[role]


@pytest.fixture
def books(world) -> Books:
    return build_books(world)


def build_books(world: Any) -> Books:
    """A: Bergen Kontorutstyr (the supplier contact's supplier) and Fjordnett with an invoice each, a voucher,
    a customer with an invoice, a card charge and a purchase order. B: the same invoice number and KID."""
    from fakturaflyt.payables.models import Supplier

    a, b = world.a, world.b
    Supplier.objects.filter(pk=world.supplier.pk).update(bank_account="15032080119", email="post@bergenkontor.no")
    world.supplier.refresh_from_db()
    document = make_document(a, world.supplier, number="INV-4711", total="1250.00", kid="00001000100238")
    other = make_document(a, world.other_supplier, number="FN-2026-88", total="399.00")
    voucher = make_voucher(a, amount="1250.00", text="Husleie mars", source_ref="INV-4711")
    customer = make_customer(a, number=10023, name="Ærøy Åsen Bygg AS", orgnr="910000004", email="faktura@aasen.no")
    invoice = make_invoice(a, customer, number=20017, total="8 750.00".replace(" ", ""), kid="0002001700003")
    charge = make_charge(
        a, merchant="CIRCLE K NORGE 0231 OSLO", amount="512.40", holder="Per Hansen", external_id="T-77"
    )
    order = make_order(a, world.other_supplier, number="PO-5501")
    b_supplier = Supplier.objects.create(company=b, number=1, name="Bergen Kontorutstyr AS", orgnr="987654325")
    b_document = make_document(b, b_supplier, number="INV-4711", total="1250.00", kid="00001000100238")
    make_voucher(b, amount="1250.00", text="Husleie mars")
    return Books(world, document, other, voucher, customer, invoice, charge, order, b_document)


@pytest.fixture(autouse=True)
def _english():
    """Titles are asserted in English (the default language is Norwegian)."""
    from django.utils import translation

    with translation.override("en"):
        yield
