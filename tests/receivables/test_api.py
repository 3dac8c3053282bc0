"""The receivables API: shape (amounts as strings), filters, auth per role, company isolation, 422 refusals.

Until the lead mounts ``receivables.api.router`` in ``fakturaflyt/api/api.py``, the tests mount it
on a test API of their own (this module is then the URLconf); afterwards they use the real one.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import path

from fakturaflyt.api.auth import issue_token
from fakturaflyt.receivables.api import router
from fakturaflyt.receivables.models import Customer, Product

from .test_pdf import make_customer, make_invoice, pdf_text

pytestmark = pytest.mark.django_db

from fakturaflyt.api.api import api as _real_api  # noqa: E402

if not any(r is router for _prefix, r in _real_api._routers):  # not mounted yet: a test API like the real one
    from ninja import NinjaAPI

    from fakturaflyt.api.api import invalid, not_allowed
    from fakturaflyt.api.auth import AUTH
    from fakturaflyt.companies.permissions import NotAllowed
    from fakturaflyt.core.errors import FakturaflytError

    _api = NinjaAPI(auth=AUTH, urls_namespace="receivables-api-test")
    _api.add_router("/companies/{orgnr}", router)
    _api.add_exception_handler(NotAllowed, not_allowed)
    _api.add_exception_handler(FakturaflytError, invalid)
    urlpatterns = [path("api/", _api.urls)]
    MOUNTED = False
else:
    MOUNTED = True


@pytest.fixture
def api(world, settings):
    """Company A with two customers, a product and issued invoices; bearer headers per role."""
    from fakturaflyt.companies.models import CompanyBankAccount
    from fakturaflyt.receivables.models import InvoiceSettings

    if not MOUNTED:
        settings.ROOT_URLCONF = __name__
    CompanyBankAccount.objects.create(company=world.a, account_number="15064123456", is_default=True)
    InvoiceSettings.objects.create(company=world.a, first_number=20001)  # the series starts above the ORM-made ones
    world.fjord = make_customer(world.a, "Fjordkraft Bedrift AS")
    world.solvik = make_customer(world.a, "Solvik kommune", orgnr="964338531")
    Product.objects.create(
        company=world.a, code="KONS", name="Konsulenttime", unit_code="HUR", price=Decimal("1200"), vat_code="3"
    )
    today = date.today()
    world.sent = make_invoice(world.a, world.fjord, number=10001, due_date=today + timedelta(days=10))
    world.overdue = make_invoice(world.a, world.solvik, number=10002, due_date=today - timedelta(days=1))
    world.foreign = make_invoice(world.b, make_customer(world.b, "Hemmelig Kunde AS"), number=10001)
    world.h = {
        role: {"Authorization": f"Bearer {issue_token(world.users[role], 't')}"}
        for role in ("accountant", "auditor", "approver", "supplier")
    }
    world.h["b"] = {"Authorization": f"Bearer {issue_token(world.b_user, 't')}"}
    world.base = f"/api/companies/{world.a.orgnr}"
    return world


def test_list_shape_and_filters(client, api) -> None:
    rows = client.get(f"{api.base}/invoices", headers=api.h["auditor"]).json()
    assert {r["number"] for r in rows} == {10001, 10002}
    row = next(r for r in rows if r["number"] == 10001)
    assert row["total"] == "11595.00" and row["vat_total"] == "2295.00" and isinstance(row["total"], str)
    assert row["status"] == "sent" and row["document_type"] == "invoice" and row["kid"]
    assert row["customer"] == {"number": api.fjord.number, "name": "Fjordkraft Bedrift AS"}
    overdue = client.get(f"{api.base}/invoices", {"status": "overdue"}, headers=api.h["auditor"]).json()
    assert [r["number"] for r in overdue] == [10002]
    by_customer = client.get(f"{api.base}/invoices", {"customer": api.fjord.number}, headers=api.h["auditor"]).json()
    assert [r["number"] for r in by_customer] == [10001]
    bad = client.get(f"{api.base}/invoices", {"status": "nonsense"}, headers=api.h["auditor"])
    assert bad.status_code == 422 and bad.json()["code"] == "FF-AR-FILTER"


def test_one_invoice_with_lines_and_vat(client, api) -> None:
    data = client.get(f"{api.base}/invoices/10001", headers=api.h["auditor"]).json()
    assert [ln["description"] for ln in data["lines"]] == ["Konsulenttimer mars", "Kaffe og frukt"]
    assert data["lines"][0]["quantity"] == "7.5" and data["lines"][0]["net_amount"] == "9000.00"
    assert {(v["rate"], v["basis"], v["vat"]) for v in data["vat"]} == {
        ("25", "9000.00", "2250.00"),
        ("15", "300.00", "45.00"),
    }
    pdf = client.get(f"{api.base}/invoices/10001/pdf", headers=api.h["auditor"])
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and "10001" in pdf_text(pdf.content)
    assert client.get(f"{api.base}/invoices/99999", headers=api.h["auditor"]).status_code == 404


def test_auth_roles_and_company_isolation(client, api) -> None:
    assert client.get(f"{api.base}/invoices").status_code == 401
    for role in ("approver", "supplier"):
        response = client.get(f"{api.base}/invoices", headers=api.h[role])
        assert response.status_code == 403 and response.json()["permission"] == "view_receivables"
    # B's accountant is no member of A: the same answer for A's invoices, numbers and documents
    for url in (f"{api.base}/invoices", f"{api.base}/invoices/10001", f"{api.base}/invoices/10001/pdf"):
        assert client.get(url, headers=api.h["b"]).status_code == 403
    # A's invoice numbered like B's: each sees its own
    mine = client.get(f"{api.base}/invoices/10001", headers=api.h["accountant"]).json()
    assert mine["customer"]["name"] == "Fjordkraft Bedrift AS"
    # actions by id of another company's invoice are 404
    refused = client.post(
        f"{api.base}/invoices/{api.foreign.pk}/credit",
        {"reason": "x"},
        content_type="application/json",
        headers=api.h["accountant"],
    )
    assert refused.status_code == 404
    # the auditor reads but may not act
    denied = client.post(
        f"{api.base}/invoices/{api.sent.pk}/credit",
        {"reason": "x"},
        content_type="application/json",
        headers=api.h["auditor"],
    )
    assert denied.status_code == 403 and denied.json()["permission"] == "manage_receivables"


def test_draft_refusals_are_422_with_problems(client, api) -> None:
    response = client.post(
        f"{api.base}/invoices",
        {"customer": 999, "lines": [{"description": "x", "quantity": "1", "unit_price": "1"}]},
        content_type="application/json",
        headers=api.h["accountant"],
    )
    assert response.status_code == 422 and response.json()["code"] == "FF-AR-CUSTOMER"
    response = client.post(
        f"{api.base}/invoices",
        {"customer": api.fjord.number, "lines": [{"product": "NOPE"}, {"quantity": "1"}]},
        content_type="application/json",
        headers=api.h["accountant"],
    )
    body = response.json()
    assert response.status_code == 422 and {p["location"] for p in body["problems"]} >= {"lines[0].product", "lines[1]"}
    assert set(body) >= {"code", "message", "problems"}


def test_customers_and_products(client, api) -> None:
    customers = client.get(f"{api.base}/customers", headers=api.h["auditor"]).json()
    assert {c["name"] for c in customers} == {"Fjordkraft Bedrift AS", "Solvik kommune"}
    created = client.post(
        f"{api.base}/customers",
        {"name": "Nytt Firma AS", "orgnr": "923609016", "email": "post@nytt.test", "channel": "email"},
        content_type="application/json",
        headers=api.h["accountant"],
    )
    assert created.status_code == 201 and created.json()["number"] > 0
    assert Customer.objects.filter(company=api.a, name="Nytt Firma AS", orgnr="923609016").exists()
    bad = client.post(
        f"{api.base}/customers",
        {"name": "Feil AS", "orgnr": "123456789"},
        content_type="application/json",
        headers=api.h["accountant"],
    )
    assert bad.status_code == 422 and bad.json()["problems"][0]["location"] == "orgnr"
    assert (
        client.post(
            f"{api.base}/customers", {"name": "X"}, content_type="application/json", headers=api.h["auditor"]
        ).status_code
        == 403
    )
    products = client.get(f"{api.base}/products", headers=api.h["auditor"]).json()
    assert products == [
        {
            "code": "KONS",
            "name": "Konsulenttime",
            "unit_code": "HUR",
            "price": "1200",
            "revenue_account": "3000",
            "vat_code": "3",
            "is_active": True,
        }
    ]
    made = client.post(
        f"{api.base}/products",
        {"code": "SUPP", "name": "Support", "price": "499.50"},
        content_type="application/json",
        headers=api.h["accountant"],
    )
    assert made.status_code == 201 and made.json()["price"] == "499.5"


def test_draft_issue_send_credit_through_the_api(client, api, intake_dirs, mailoutbox, settings) -> None:
    settings.CELERY_TASK_ALWAYS_EAGER = True
    h = api.h["accountant"]
    draft = client.post(
        f"{api.base}/invoices",
        {
            "customer": api.fjord.number,
            "buyer_reference": "Kari",
            "lines": [
                {"product": "KONS", "quantity": "3"},
                {"description": "Reise", "quantity": "1", "unit_price": "450", "vat_code": "33"},
            ],
        },
        content_type="application/json",
        headers=h,
    )
    assert draft.status_code == 201, draft.content
    d = draft.json()
    assert d["number"] is None and d["status"] == "draft" and d["net_total"] == "4050.00"
    issued = client.post(f"{api.base}/invoices/{d['id']}/issue", headers=h)
    assert issued.status_code == 200, issued.content
    number = issued.json()["number"]
    assert number and issued.json()["kid"] and issued.json()["total"] == "5004.00"  # 3600 + 900 + 450 + 54
    again = client.post(f"{api.base}/invoices/{d['id']}/issue", headers=h)
    assert again.status_code == 422 and again.json()["code"] == "FF-AR-NOT-DRAFT"
    sent = client.post(f"{api.base}/invoices/{d['id']}/send", headers=h)
    assert sent.status_code == 200, sent.content
    assert sent.json()["channel"] == "email" and sent.json()["status"] in {"sent", "delivered", "queued"}
    note = client.post(
        f"{api.base}/invoices/{d['id']}/credit",
        {"reason": "Én time for mye", "lines": [{"line_no": 1, "quantity": "1"}]},
        content_type="application/json",
        headers=h,
    )
    assert note.status_code == 201, note.content
    n = note.json()
    assert n["document_type"] == "credit_note" and n["credits"] == number and n["credit_reason"] == "Én time for mye"
    assert n["net_total"] in {"1200.00", "-1200.00"}
    too_much = client.post(
        f"{api.base}/invoices/{d['id']}/credit",
        {"reason": "x", "lines": [{"line_no": 1, "quantity": "4"}]},
        content_type="application/json",
        headers=h,
    )
    assert too_much.status_code == 422 and too_much.json()["code"] == "FF-AR-CREDIT-LINE"
    ehf = client.get(f"{api.base}/invoices/{number}/ehf", headers=h)
    assert ehf.status_code == 200 and b"<cbc:ID>" + str(number).encode() in ehf.content
