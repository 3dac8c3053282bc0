"""Suppliers, customers and the areas still to be built: permission per role and company scoping."""

from __future__ import annotations

import pytest
from django.urls import reverse

from fakturaflyt.companies.roles import Perm, Role, permissions_of
from fakturaflyt.payables.models import Supplier
from fakturaflyt.receivables.models import Customer

from .helpers import OTHER_ORGNR, demo_user

pytestmark = pytest.mark.django_db

ALL_ROLES = [Role.ADMIN, Role.ACCOUNTANT, Role.APPROVER, Role.REQUESTER, Role.SUPPLIER, Role.AUDITOR]
PAGES = [
    ("payables:suppliers", Perm.VIEW_SUPPLIERS),
    ("receivables:customers", Perm.VIEW_CUSTOMERS),
    ("payables:inbox", Perm.VIEW_PAYABLES),
    ("approvals:pending", Perm.APPROVE),
    ("payments:runs", Perm.MANAGE_PAYMENTS),
    ("receivables:invoices", Perm.VIEW_RECEIVABLES),
    ("banking:index", Perm.VIEW_BANK),
    ("cards:inbox", Perm.VIEW_PAYABLES),
]


@pytest.mark.parametrize(("url_name", "perm"), PAGES)
def test_each_area_answers_per_role(client, demo_company, url_name, perm):
    for role in ALL_ROLES:
        client.force_login(demo_user(role))
        response = client.get(reverse(url_name))
        expected = 200 if perm in permissions_of(role) else 403
        assert response.status_code == expected, (url_name, role)


def test_approver_may_open_approvals_but_not_payments(client, demo_company):
    client.force_login(demo_user(Role.APPROVER))
    assert client.get(reverse("approvals:pending")).status_code == 200
    assert client.get(reverse("payments:runs")).status_code == 403
    assert client.get(reverse("banking:index")).status_code == 403


def test_supplier_list_shows_only_the_active_company(client, demo_company, make_company):
    other = make_company(orgnr=OTHER_ORGNR, name="Annet Selskap AS")
    Supplier.objects.create(company=other, number=1, name="Hemmelig Leverandør AS")
    Customer.objects.create(company=other, number=1, name="Hemmelig Kunde AS")
    client.force_login(demo_user(Role.ACCOUNTANT))
    suppliers = client.get(reverse("payables:suppliers")).content.decode()
    assert "Bergen Kontorutstyr AS" in suppliers and "Fjordnett Telekom AS" in suppliers
    assert "Hemmelig Leverandør AS" not in suppliers
    assert "987\xa0654\xa0325" in suppliers or "987 654 325" in suppliers
    customers = client.get(reverse("receivables:customers")).content.decode()
    assert "Solvik kommune" in customers and "Hemmelig Kunde AS" not in customers


def test_supplier_search(client, demo_company):
    client.force_login(demo_user(Role.APPROVER))
    html = client.get(reverse("payables:suppliers"), {"q": "Bergen"}).content.decode()
    assert "Bergen Kontorutstyr AS" in html and "Fjordnett Telekom AS" not in html


def test_supplier_contact_sees_only_its_own_supplier(client, demo_company):
    user = demo_user(Role.SUPPLIER)
    client.force_login(user)
    html = client.get(reverse("home")).content.decode()
    assert "Bergen Kontorutstyr AS" in html
    for other in Supplier.objects.filter(company=demo_company).exclude(number=1):
        assert other.name not in html
    # Every list that could reveal other suppliers or the books is closed to a supplier contact.
    for name in ("payables:suppliers", "receivables:customers", "ledger:vouchers", "payables:inbox"):
        assert client.get(reverse(name)).status_code == 403, name


def test_supplier_scoping_narrows_to_own_supplier(demo_company):
    from fakturaflyt.companies.permissions import membership, scoped

    m = membership(demo_user(Role.SUPPLIER), demo_company)
    assert list(scoped(Supplier.objects.all(), m).values_list("name", flat=True)) == ["Bergen Kontorutstyr AS"]


@pytest.mark.parametrize("language", ["nb", "en"])
def test_area_pages_render_in_both_languages(login, demo_company, language):
    client = login(demo_user(Role.ADMIN), language)
    html = "".join(client.get(reverse(name)).content.decode() for name, _ in PAGES)
    words = {
        "nb": ["Leverandører", "Kunder", "Innboks", "Attestering", "Betalinger", "Fakturaer", "Bank", "Kort"],
        "en": ["Suppliers", "Customers", "Inbox", "Approvals", "Payments", "Invoices", "Bank", "Cards"],
    }[language]
    for word in words:
        assert word in html, word
