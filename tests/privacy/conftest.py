"""Small fixtures for data protection: a private customer with an issued invoice, a received document."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone


@pytest.fixture
def consumer(world):
    from fakturaflyt.receivables.models import Customer

    return Customer.objects.create(
        company=world.a,
        number=101,
        name="Kari Nordmann",
        is_consumer=True,
        address_line="Storgata 1",
        postal_code="0155",
        city="Oslo",
        email="kari@example.no",
    )


@pytest.fixture
def issue_invoice():
    """``issue_invoice(customer, on)``: an issued customer invoice row dated ``on`` (no voucher, no PDF)."""
    from fakturaflyt.receivables.models import SalesInvoice

    def make(customer, on: date, number: int = 1):
        return SalesInvoice.objects.create(
            company=customer.company,
            customer=customer,
            number=number,
            status="issued",
            issue_date=on,
            due_date=on + timedelta(days=14),
            buyer_name=customer.name,
            total=Decimal("1250.00"),
            issued_at=timezone.make_aware(datetime.combine(on, datetime.min.time())),
        )

    return make


@pytest.fixture
def received_document(world, intake_dirs):
    """A received supplier document (stored bytes, receipt, document) arrived by e-mail from the supplier."""
    from fakturaflyt.payables import storage
    from fakturaflyt.payables.models import Receipt, SupplierDocument

    stored = storage.store(b"%PDF-1.4 test invoice", filename="faktura.pdf")
    receipt = Receipt.objects.create(
        company=world.a,
        file=stored,
        channel="email",
        sender="faktura@bergen.example",
        filename="faktura.pdf",
        received_at=timezone.now(),
    )
    return SupplierDocument.objects.create(
        company=world.a,
        receipt=receipt,
        file=stored,
        supplier=world.supplier,
        invoice_number="F-1",
        issue_date=timezone.localdate(),
        total=Decimal("500.00"),
    )
