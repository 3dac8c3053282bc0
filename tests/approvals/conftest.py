"""Fixtures of the approval and posting tests: a company with approvers, suppliers and coded documents."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest


@dataclass
class Office:
    """Company A with an accountant, a requester, approvers by limit and an admin."""

    company: Any
    accountant: Any
    requester: Any
    budget: Any  # approver, limit 10 000
    leader: Any  # approver, limit 100 000
    admin: Any  # admin, no limit
    supplier: Any
    foreign: Any


@pytest.fixture
def office(make_company, user_factory, settings) -> Office:
    from fakturaflyt.companies.roles import Role
    from fakturaflyt.companies.services import add_member
    from fakturaflyt.ledger.models import Department, Project
    from fakturaflyt.payables.models import Supplier

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    company = make_company("924753811", "Alfa AS")
    users = {}
    for name, role, limit in (
        ("regnskap", Role.ACCOUNTANT, None),
        ("innkjop", Role.REQUESTER, None),
        ("budsjett", Role.APPROVER, Decimal("10000")),
        ("leder", Role.APPROVER, Decimal("100000")),
        ("admin", Role.ADMIN, None),
    ):
        users[name] = user_factory(f"{name}@alfa.test")
        add_member(None, company, users[name], role, approval_limit=limit)
    Department.objects.create(company=company, code="100", name="Administrasjon")
    Department.objects.create(company=company, code="200", name="Salg")
    Project.objects.create(company=company, code="P1", name="Nettbutikk")
    supplier = Supplier.objects.create(company=company, number=1, name="Bergen Kontorutstyr AS", orgnr="987654325")
    foreign = Supplier.objects.create(company=company, number=2, name="Cloudy Ltd", country="GB", vat_id="GB123456789")
    return Office(
        company,
        users["regnskap"],
        users["innkjop"],
        users["budsjett"],
        users["leder"],
        users["admin"],
        supplier,
        foreign,
    )


_counter = iter(range(1, 10_000_000))


@pytest.fixture
def coded(office, intake_dirs) -> Any:
    """``coded(lines=[(amount, account, vat_code, dept, project)], total=..., vat=..., **columns)``: a coded document.

    The document is left in state ``coded`` (not routed), with one confirmed coding line per entry.
    Amounts are net; the invoice's net, VAT and total are computed at the codes' rates unless given.
    """
    from django.utils import timezone

    from fakturaflyt.coding.models import CodingLine
    from fakturaflyt.core.vat import STANDARD_VAT_CODES
    from fakturaflyt.payables import storage
    from fakturaflyt.payables.models import DocumentState, Receipt, SupplierDocument

    def make(
        lines: list[tuple] | None = None,
        *,
        supplier: Any = None,
        total: str | None = None,
        vat: str | None = None,
        credit_note: bool = False,
        **columns: Any,
    ) -> Any:
        company = office.company
        n = next(_counter)
        lines = lines or [("1000.00", "6540", "1", "", "")]
        stored = storage.store(f"faktura {company.pk}-{n}".encode(), filename=f"f-{n}.txt", content_type="text/plain")
        receipt = Receipt.objects.create(
            company=company, file=stored, channel="upload", filename=f"f-{n}.xml", received_at=timezone.now()
        )
        net = sum(Decimal(a) for a, *_ in lines)
        charged = sum(
            (
                (Decimal(a) * STANDARD_VAT_CODES[c].rate / 100).quantize(Decimal("0.01"))
                for a, _acc, c, *_ in lines
                if c and STANDARD_VAT_CODES[c].direction == "input"
            ),
            Decimal(0),
        )
        vat_total = Decimal(vat) if vat is not None else charged
        values = {
            "state": DocumentState.CODED,
            "invoice_number": f"F-{n}",
            "issue_date": date(2026, 3, 2),
            "due_date": date.today() + timedelta(days=20),
            "currency": "NOK",
            "net_total": net,
            "vat_total": vat_total,
            "total": Decimal(total) if total is not None else net + vat_total,
            "is_credit_note": credit_note,
            **columns,
        }
        doc = SupplierDocument.objects.create(
            company=company, receipt=receipt, file=stored, supplier=supplier or office.supplier, **values
        )
        for i, (amount, account, code, dept, proj) in enumerate(lines, start=1):
            signed = -Decimal(amount) if credit_note else Decimal(amount)
            CodingLine.objects.create(
                company=company,
                source="supplier_invoice",
                document=doc,
                line_no=i,
                line={"vat_rate": str(STANDARD_VAT_CODES[code].rate) if code else None},
                supplier=doc.supplier,
                description=f"Linje {i}",
                amount=signed,
                currency="NOK",
                account=account,
                vat_code=code,
                department=dept,
                project=proj,
                state="confirmed",
            )
        return doc

    return make
