"""The purchase order pages: list, detail with receipts and matches, new order, goods received, CSV import."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from fakturaflyt.purchasing import services
from fakturaflyt.purchasing.models import PurchaseOrder

pytestmark = pytest.mark.django_db


def login(client, user, company) -> None:
    client.force_login(user)
    session = client.session
    session["active_company_id"] = company.pk
    session.save()


@pytest.fixture
def order(world):
    return services.create_order(
        world.a,
        None,
        number="PO-1",
        supplier=world.supplier,
        order_date=date(2026, 3, 1),
        lines=[{"line_no": 1, "item_id": "A-100", "description": "Kontorstol", "quantity": "4", "unit_price": "1500"}],
    )


def test_list_and_detail(world, client, order) -> None:
    login(client, world.users["approver"], world.a)
    page = client.get(reverse("purchasing:orders"))
    assert page.status_code == 200 and b"PO-1" in page.content
    detail = client.get(reverse("purchasing:order", args=[order.pk]))
    assert detail.status_code == 200 and b"Kontorstol" in detail.content
    assert b"qty-1" not in detail.content  # an approver cannot receive goods
    assert client.get(reverse("purchasing:order_new")).status_code == 403


def test_receive_goods_from_the_page(world, client, order) -> None:
    login(client, world.users["accountant"], world.a)
    response = client.post(reverse("purchasing:receive", args=[order.pk]), {"qty-1": "2", "note": "Pall 1"})
    assert response.status_code == 302
    assert order.lines.get().quantity_received == 2
    detail = client.get(reverse("purchasing:order", args=[order.pk]))
    assert b"Pall 1" in detail.content


def test_new_order_form(world, client) -> None:
    login(client, world.users["accountant"], world.a)
    assert client.get(reverse("purchasing:order_new")).status_code == 200
    data = {
        "number": "PO-9",
        "supplier": world.supplier.pk,
        "order_date": "2026-03-01",
        "requested_by": world.users["requester"].pk,
        "lines-TOTAL_FORMS": "2",
        "lines-INITIAL_FORMS": "0",
        "lines-0-description": "Stol",
        "lines-0-quantity": "2",
        "lines-0-unit_price": "100",
        "lines-0-account": "6540",
        "lines-1-description": "",
    }
    response = client.post(reverse("purchasing:order_new"), data)
    assert response.status_code == 302, response.content
    order = PurchaseOrder.objects.get(company=world.a, number="PO-9")
    assert order.requested_by == world.users["requester"] and order.lines.count() == 1
    bad = client.post(reverse("purchasing:order_new"), {**data, "number": "PO-10", "lines-0-account": "9999"})
    assert bad.status_code == 400 and b"line 1, column account" in bad.content


def test_csv_import_page(world, client) -> None:
    login(client, world.users["accountant"], world.a)
    good = b"order_number;supplier_orgnr;order_date;line_no;description;quantity;unit_price\nPO-3;987654325;2026-03-01;1;Stol;1;10\n"
    response = client.post(reverse("purchasing:import"), {"file": SimpleUploadedFile("po.csv", good)})
    assert response.status_code == 302 and PurchaseOrder.objects.filter(number="PO-3").exists()
    response = client.post(reverse("purchasing:import"), {"file": SimpleUploadedFile("po.csv", good)})
    assert response.status_code == 400 and b"line 2, column order_number" in response.content


def test_nav_shows_purchase_orders(world, client) -> None:
    login(client, world.users["accountant"], world.a)
    page = client.get(reverse("purchasing:orders"))
    assert reverse("purchasing:orders").encode() in page.content
