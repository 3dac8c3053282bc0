"""The purchasing API: create, list, get, CSV import, receipts; who may do what; another company's orders."""

from __future__ import annotations

import pytest

from fakturaflyt.api.auth import issue_token
from fakturaflyt.purchasing import services

pytestmark = pytest.mark.django_db


def bearer(user) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token(user, 'test')}"}


def base(company) -> str:
    return f"/api/companies/{company.orgnr}/purchasing"


ORDER = {
    "number": "PO-77",
    "supplier": "987654325",
    "order_date": "2026-03-01",
    "requester_email": "requester@alfa.test",
    "lines": [
        {
            "line_no": 1,
            "item_id": "A-100",
            "description": "Kontorstol",
            "quantity": "4",
            "unit_price": "1500.00",
            "account": "6540",
            "vat_code": "1",
        },
    ],
}


def test_create_get_list_and_receive(world, client) -> None:
    accountant = world.users["accountant"]
    response = client.post(
        f"{base(world.a)}/orders", ORDER, content_type="application/json", headers=bearer(accountant)
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"] == "PO-77" and body["requested_by"] == "requester@alfa.test" and body["total"] == "6000.00"
    response = client.post(
        f"{base(world.a)}/orders/PO-77/receipts",
        {"lines": {"1": "3"}, "received_on": "2026-03-05"},
        content_type="application/json",
        headers=bearer(accountant),
    )
    assert response.status_code == 201, response.content
    assert response.json()["lines"] == {"1": "3.0000"}
    detail = client.get(f"{base(world.a)}/orders/PO-77", headers=bearer(world.users["approver"])).json()
    assert detail["lines"][0]["quantity_received"] == "3.0000" and detail["lines"][0]["remaining"] == "4.0000"
    assert len(detail["receipts"]) == 1
    listing = client.get(f"{base(world.a)}/orders?status=open", headers=bearer(world.users["auditor"])).json()
    assert listing["count"] == 1 and listing["orders"][0]["supplier_name"] == "Bergen Kontorutstyr AS"


def test_refusals_are_422_with_problems(world, client) -> None:
    bad = {**ORDER, "lines": [{**ORDER["lines"][0], "quantity": "-1", "account": "9999"}]}
    response = client.post(
        f"{base(world.a)}/orders", bad, content_type="application/json", headers=bearer(world.users["admin"])
    )
    assert response.status_code == 422
    locations = {p["location"] for p in response.json()["problems"]}
    assert {"line 1, column quantity", "line 1, column account"} <= locations


def test_csv_import(world, client) -> None:
    csv = (
        "order_number;supplier_orgnr;order_date;line_no;description;quantity;unit_price\n"
        "PO-5;987654325;2026-03-01;1;Stol;2;100\n"
    )
    headers = bearer(world.users["accountant"])
    response = client.post(f"{base(world.a)}/orders/import", csv, content_type="text/csv", headers=headers)
    assert response.status_code == 201, response.content
    assert response.json() == {"orders": ["PO-5"]}
    response = client.post(f"{base(world.a)}/orders/import", csv, content_type="text/csv", headers=headers)
    assert response.status_code == 422 and response.json()["problems"][0]["location"] == "line 2, column order_number"


def test_permissions_and_tenancy(world, client) -> None:
    services.create_order(
        world.a,
        None,
        number="PO-1",
        supplier=world.supplier,
        order_date=__import__("datetime").date(2026, 3, 1),
        lines=[{"line_no": 1, "description": "Stol", "quantity": "1", "unit_price": "10"}],
    )
    for role in ("approver", "requester", "auditor"):
        response = client.post(
            f"{base(world.a)}/orders", ORDER, content_type="application/json", headers=bearer(world.users[role])
        )
        assert response.status_code == 403, role
    assert client.get(f"{base(world.a)}/orders", headers=bearer(world.users["supplier"])).status_code == 403
    assert client.get(f"{base(world.a)}/orders/PO-1", headers=bearer(world.b_user)).status_code == 403
    assert client.get(f"{base(world.b)}/orders/PO-1", headers=bearer(world.b_user)).status_code == 404
