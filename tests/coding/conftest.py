"""Fixtures of the coding tests: a fresh engine cache per test, purchase lines, supplier documents, history."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from fakturaflyt.core.coding.features import PurchaseLine


@pytest.fixture(autouse=True)
def _media(intake_dirs: Path) -> Path:
    return intake_dirs


@pytest.fixture
def accountant(company, user_factory):
    from fakturaflyt.companies.roles import Role
    from fakturaflyt.companies.services import add_member

    user = user_factory("regnskap@testfirma.test")
    add_member(None, company, user, Role.ACCOUNTANT)
    return user


@pytest.fixture
def dimensions(company) -> None:
    from fakturaflyt.ledger.models import Department, Project

    for code, name in (("100", "Administrasjon"), ("200", "Salg"), ("300", "Lager")):
        Department.objects.create(company=company, code=code, name=name)
    Project.objects.create(company=company, code="P1", name="Nettbutikk")


@pytest.fixture
def supplier_of() -> Callable[..., Any]:
    """``supplier_of(company, name, orgnr)``: the company's supplier (created once)."""
    from fakturaflyt.payables.models import Supplier

    def make(company: Any, name: str = "Elkjøp Norge AS", orgnr: str = "911111111") -> Any:
        found = Supplier.objects.filter(company=company, orgnr=orgnr).first()
        if found is not None:
            return found
        number = Supplier.objects.filter(company=company).count() + 1
        return Supplier.objects.create(company=company, number=number, name=name, orgnr=orgnr)

    return make


def purchase(
    description: str = "Lisens Office 365",
    *,
    supplier: Any = None,
    day: date | None = None,
    amount: str = "1200.00",
    buyer: str = "",
    vat_rate: str | None = "25",
) -> PurchaseLine:
    """A purchase line from ``supplier`` (default Elkjøp Norge AS, 911111111)."""
    return PurchaseLine(
        date=day or date.today() - timedelta(days=1),
        supplier_id=supplier.orgnr if supplier is not None else "911111111",
        supplier_name=supplier.name if supplier is not None else "Elkjøp Norge AS",
        description=description,
        amount=Decimal(amount),
        currency="NOK",
        buyer=buyer,
        vat_rate=Decimal(vat_rate) if vat_rate is not None else None,
    )


@pytest.fixture
def add() -> Callable[..., Any]:
    """``add(company, purchase_line, ref=...)``: add a line through the service (source ``api``)."""
    from fakturaflyt.coding import services

    counter = iter(range(1, 1_000_000))

    def make(company: Any, line: PurchaseLine, *, ref: str | None = None, supplier: Any = None) -> Any:
        return services.add_line(company, line, source="api", source_ref=ref or f"t-{next(counter)}", supplier=supplier)

    return make


@pytest.fixture
def history(add) -> Callable[..., list[Any]]:
    """``history(company, user, n, coding, description=..., supplier=...)``: n lines confirmed with ``coding``,
    one a day ending yesterday."""
    from fakturaflyt.coding import services

    def make(
        company: Any,
        user: Any,
        n: int,
        coding: dict[str, str],
        *,
        description: str = "Lisens Office 365",
        supplier: Any = None,
        amount: str = "1200.00",
    ) -> list[Any]:
        done = []
        for i in range(n):
            day = date.today() - timedelta(days=n - i)
            row = add(company, purchase(description, supplier=supplier, day=day, amount=amount), supplier=supplier)
            done.append(services.confirm_line(row, user, coding))
        return done

    return make


@pytest.fixture
def make_document() -> Callable[..., Any]:
    """``make_document(company, supplier, ehf=..., fields=..., **columns)``: a supplier document ready for coding."""
    from django.utils import timezone

    from fakturaflyt.payables.models import DocumentState, Receipt, StoredFile, SupplierDocument

    counter = iter(range(1, 1_000_000))

    def make(company: Any, supplier: Any = None, **columns: Any) -> Any:
        n = next(counter)
        stored = StoredFile.objects.create(
            sha256=hashlib.sha256(f"doc-{company.pk}-{n}".encode()).hexdigest(),
            size=10,
            content_type="application/xml",
            path=f"received/x{n}",
        )
        receipt = Receipt.objects.create(
            company=company, file=stored, channel="upload", filename=f"faktura-{n}.xml", received_at=timezone.now()
        )
        values = {
            "state": DocumentState.READY_FOR_CODING,
            "invoice_number": f"F-{n}",
            "issue_date": date.today() - timedelta(days=2),
            "currency": "NOK",
            **columns,
        }
        return SupplierDocument.objects.create(
            company=company, receipt=receipt, file=stored, supplier=supplier, **values
        )

    return make
