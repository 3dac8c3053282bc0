"""Fixtures of the purchasing tests: a supplier, a requester, dimensions, orders and supplier documents."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _media(intake_dirs: Path) -> Path:
    return intake_dirs


@pytest.fixture
def supplier(company):
    from fakturaflyt.payables.models import Supplier

    return Supplier.objects.create(company=company, number=1, name="Bergen Kontorutstyr AS", orgnr="987654325")


@pytest.fixture
def accountant(company, user_factory):
    from fakturaflyt.companies.roles import Role
    from fakturaflyt.companies.services import add_member

    user = user_factory("regnskap@testfirma.test")
    add_member(None, company, user, Role.ACCOUNTANT)
    return user


@pytest.fixture
def requester(company, user_factory):
    from fakturaflyt.companies.roles import Role
    from fakturaflyt.companies.services import add_member

    user = user_factory("kari@testfirma.test")
    add_member(None, company, user, Role.REQUESTER)
    return user


@pytest.fixture
def dimensions(company) -> None:
    from fakturaflyt.ledger.models import Department, Project

    Department.objects.create(company=company, code="200", name="Salg")
    Project.objects.create(company=company, code="P1", name="Nettbutikk")


def line(no: int, item: str, text: str, qty: str, price: str, **coding: str) -> dict[str, Any]:
    return {
        "line_no": no,
        "item_id": item,
        "description": text,
        "quantity": qty,
        "unit_price": price,
        "account": "6540",
        "vat_code": "1",
        **coding,
    }


@pytest.fixture
def make_order(accountant) -> Callable[..., Any]:
    """``make_order(company, supplier, number, lines=[line(...)], requested_by=...)`` through the service."""
    from fakturaflyt.purchasing import services

    def make(company: Any, supplier: Any, number: str = "PO-1", lines: list[dict[str, Any]] | None = None, **kw: Any):
        return services.create_order(
            company,
            accountant,
            number=number,
            supplier=supplier,
            order_date=kw.pop("order_date", date(2026, 3, 1)),
            lines=lines or [line(1, "A-100", "Kontorstol Ergo", "4", "1500.00")],
            **kw,
        )

    return make


@pytest.fixture
def make_document() -> Callable[..., Any]:
    """``make_document(company, supplier, lines=[(item, text, qty, price)], order_reference=..., **columns)``:
    a supplier document ready for coding with EHF lines."""
    from django.utils import timezone

    from fakturaflyt.payables.models import DocumentState, Receipt, StoredFile, SupplierDocument

    counter = iter(range(1, 1_000_000))

    def make(company: Any, supplier: Any, lines: list[tuple[str, str, str, str]], **columns: Any) -> Any:
        n = next(counter)
        stored = StoredFile.objects.create(
            sha256=hashlib.sha256(f"po-doc-{company.pk}-{n}".encode()).hexdigest(),
            size=10,
            content_type="application/xml",
            path=f"received/po{n}",
        )
        receipt = Receipt.objects.create(
            company=company, file=stored, channel="upload", filename=f"f-{n}.xml", received_at=timezone.now()
        )
        ehf_lines = []
        net = Decimal(0)
        for i, (item, text, qty, price) in enumerate(lines, start=1):
            amount = (Decimal(qty) * Decimal(price)).quantize(Decimal("0.01"))
            net += amount
            ehf_lines.append(
                {
                    "id": str(i),
                    "quantity": qty,
                    "unit_code": "EA",
                    "net_amount": str(amount),
                    "item": {"name": text, "vat_category": "S", "vat_rate": "25", "sellers_id": item},
                    "price": {"amount": price},
                }
            )
        values = {
            "state": DocumentState.READY_FOR_CODING,
            "invoice_number": f"F-{n}",
            "issue_date": date(2026, 3, 10),
            "currency": "NOK",
            "order_reference": "PO-1",
            "net_total": net,
            "total": (net * Decimal("1.25")).quantize(Decimal("0.01")),
            "ehf": {"lines": ehf_lines},
            **columns,
        }
        return SupplierDocument.objects.create(
            company=company, receipt=receipt, file=stored, supplier=supplier, **values
        )

    return make
