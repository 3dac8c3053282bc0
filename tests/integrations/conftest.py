"""Fixtures of the export tests: recorded answers, a fake transport, a company with a few posted vouchers.

No test here reaches the network: :func:`fakturaflyt.integrations.transport.default` is replaced
by a transport that fails the test if it is ever asked to send.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from fakturaflyt.core.accounting_systems import Request, Response

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


@dataclass
class FakeTransport:
    """Answers by (method, URL regex) from a list of routes; records every request and its secret headers."""

    routes: list[tuple[str, str, Any]] = field(default_factory=list)
    calls: list[tuple[Request, dict[str, str]]] = field(default_factory=list)

    def on(self, method: str, pattern: str, answer: Any) -> FakeTransport:
        """``answer``: a Response, or a callable(request) -> Response; later routes win."""
        self.routes.insert(0, (method, pattern, answer))
        return self

    def send(self, request: Request, secret_headers: dict[str, str]) -> Response:
        self.calls.append((request, dict(secret_headers)))
        for method, pattern, answer in self.routes:
            if method == request.method and re.search(pattern, request.url):
                return answer(request) if callable(answer) else answer
        raise AssertionError(f"unexpected request {request.method} {request.url}")

    def posted(self, path: str) -> list[Request]:
        return [r for r, _ in self.calls if r.method == "POST" and path in r.url]


class NoNetwork:
    def send(self, request: Request, secret_headers: dict[str, str]) -> Response:
        raise AssertionError(f"a test tried to reach {request.url}")


@pytest.fixture(autouse=True)
def _no_network(monkeypatch):
    from fakturaflyt.integrations import transport

    monkeypatch.setattr(transport, "default", lambda: NoNetwork())


def tripletex_transport() -> FakeTransport:
    """Tripletex that knows every account, VAT type, department and supplier (ids from the lookup's key)."""
    t = FakeTransport()
    t.on("PUT", r"/token/session/:create", Response(200, fixture("tripletex_session.json")))
    ids = iter(range(1000, 100000))
    t.on("GET", r"tripletex\.no/v2/", lambda r: Response(200, {"values": [{"id": next(ids)}]}))
    numbers = iter(range(900001, 999999))
    t.on("POST", r"/ledger/voucher", lambda r: Response(201, {"value": {"id": next(numbers)}}))
    return t


@dataclass
class Books:
    company: Any
    admin: Any
    accountant: Any
    auditor: Any
    vouchers: list[Any]


@pytest.fixture
def books(make_company, user_factory) -> Books:
    """A company with three posted vouchers (one with VAT, department, project and supplier) and three users."""
    from fakturaflyt.companies.roles import Role
    from fakturaflyt.companies.services import add_member
    from fakturaflyt.core.ledger import VoucherLine
    from fakturaflyt.ledger.models import Department, Project
    from fakturaflyt.ledger.services import post_voucher
    from fakturaflyt.payables.models import Supplier

    company = make_company("924753811", "Alfa AS")
    users = {}
    for role in ("admin", "accountant", "auditor"):
        users[role] = user_factory(f"{role}@alfa.test")
        add_member(None, company, users[role], Role(role))
    Department.objects.create(company=company, code="100", name="Salg")
    Project.objects.create(company=company, code="P1", name="Flytting")
    supplier = Supplier.objects.create(company=company, number=7, name="Bergen Kontorutstyr AS", orgnr="987654325")

    def L(account: str, debit: str = "0", credit: str = "0", **kw: Any) -> VoucherLine:
        return VoucherLine(account, debit=Decimal(debit), credit=Decimal(credit), **kw)

    v1 = post_voucher(
        company,
        users["accountant"],
        voucher_date=date(2026, 3, 5),
        description="Kontorstoler",
        series="AP",
        lines=[
            L(
                "6540",
                "8000.00",
                vat_code="1",
                vat_base=Decimal("8000.00"),
                department="100",
                project="P1",
                description="Stoler",
            ),
            L("2710", "2000.00", vat_code="1", description="Inngående mva"),
            L("2400", credit="10000.00", supplier_id=supplier.pk, description="Bergen Kontorutstyr AS"),
        ],
    )
    v2 = post_voucher(
        company,
        None,
        voucher_date=date(2026, 3, 10),
        description="Husleie mars",
        lines=[L("6300", "15000.00"), L("1920", credit="15000.00")],
    )
    v3 = post_voucher(
        company,
        None,
        voucher_date=date(2026, 4, 2),
        description="Husleie april",
        lines=[L("6300", "15000.00"), L("1920", credit="15000.00")],
    )
    return Books(company, users["admin"], users["accountant"], users["auditor"], [v1, v2, v3])


@pytest.fixture
def tripletex_keys(books):
    from fakturaflyt.integrations import services

    services.save_credentials(
        books.company,
        "tripletex",
        {"consumer_token": "consumer-SECRET-1234", "employee_token": "employee-SECRET-5678"},
        books.admin,
    )
    return books
