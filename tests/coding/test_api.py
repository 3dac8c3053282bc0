"""The coding API: the queue, one line with reasons, confirm (200 / 422), bulk accept, suggest, rules, settings,
who may do what, and never another company's lines."""

from __future__ import annotations

import pytest

from fakturaflyt.api.auth import issue_token
from fakturaflyt.coding import services
from fakturaflyt.coding.models import CodingLine, CodingRule, LineState
from tests.coding.conftest import purchase

pytestmark = pytest.mark.django_db

VIEWERS = {"admin", "accountant", "approver", "requester", "auditor"}
MANAGERS = {"admin", "accountant"}


def bearer(user) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token(user, 'test')}"}


def base(company) -> str:
    return f"/api/companies/{company.orgnr}/coding"


@pytest.fixture
def lines(world, add):
    """Two queued lines of company A (from its supplier) and one of company B."""
    a1 = add(world.a, purchase("Lisens Office 365", supplier=world.supplier), supplier=world.supplier)
    a2 = add(world.a, purchase("Papir A4, 5 pakker", supplier=world.supplier), supplier=world.supplier)
    b1 = add(world.b, purchase("Lisens Office 365"))
    return a1, a2, b1


def test_the_queue_with_suggestions_and_reasons(world, client, lines) -> None:
    a1, a2, _ = lines
    response = client.get(f"{base(world.a)}/lines?state=queued", headers=bearer(world.users["accountant"]))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == 2 and {x["id"] for x in body["lines"]} == {a1.pk, a2.pk}
    line = next(x for x in body["lines"] if x["id"] == a1.pk)
    assert line["state"] == "queued" and line["supplier"]["name"] == "Bergen Kontorutstyr AS"
    assert line["amount"] == "1200.00" and line["coding"]["account"] == "6553"
    account = line["suggestion"]["account"]
    assert account["value"] == "6553" and 0 <= account["confidence"] <= 1
    assert account["reasons"][0] == {
        "kind": "chart",
        "key": "lisens",
        "label": "6553",
        "count": 0,
        "total": 0,
        "weight": account["reasons"][0]["weight"],
        "last_date": None,
    }
    assert account["text"] == ["Kontoplanen: «lisens» → 6553 Programvare årlig vedlikehold"]


def test_confirm_and_correct(world, client, lines) -> None:
    a1, a2, _ = lines
    headers = bearer(world.users["accountant"])
    response = client.post(
        f"{base(world.a)}/lines/{a1.pk}/confirm", {}, content_type="application/json", headers=headers
    )
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "confirmed" and response.json()["coded_by"] == "accountant@alfa.test"
    response = client.post(
        f"{base(world.a)}/lines/{a2.pk}/confirm", {"account": "6551"}, content_type="application/json", headers=headers
    )
    assert response.status_code == 200 and response.json()["state"] == "corrected"
    assert response.json()["coding"] == {"account": "6551", "vat_code": "1", "department": "", "project": ""}


def test_a_refused_confirmation_answers_422_naming_the_field(world, client, lines) -> None:
    a1, _, _ = lines
    response = client.post(
        f"{base(world.a)}/lines/{a1.pk}/confirm",
        {"department": "999"},
        content_type="application/json",
        headers=bearer(world.users["accountant"]),
    )
    assert response.status_code == 422
    assert response.json() == {
        "code": "FF-CODING-UNKNOWN-DEPARTMENT",
        "message": "Department 999 does not exist.",
        "field": "department",
    }
    assert CodingLine.objects.get(pk=a1.pk).state == LineState.QUEUED


def test_bulk_accept(world, client, lines) -> None:
    a1, a2, b1 = lines
    response = client.post(
        f"{base(world.a)}/lines/accept",
        {"ids": [a1.pk, a2.pk, b1.pk]},
        content_type="application/json",
        headers=bearer(world.users["accountant"]),
    )
    assert response.status_code == 200 and response.json() == {"accepted": 2}
    assert CodingLine.objects.get(pk=b1.pk).state == LineState.QUEUED


def test_suggest_stores_nothing(world, client, lines) -> None:
    count = CodingLine.objects.count()
    response = client.post(
        f"{base(world.a)}/suggest",
        {
            "supplier_name": "Vestland Eiendom AS",
            "description": "Husleie januar",
            "amount": "18500.00",
            "vat_rate": "0",
        },
        content_type="application/json",
        headers=bearer(world.users["approver"]),
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["suggestions"]["account"]["value"] == "6300"
    assert body["suggestions"]["account"]["text"] == ["Kontoplanen: «husleie» → 6300 Leie lokale"]
    assert body["suggestions"]["vat_code"]["value"] == "0"
    assert CodingLine.objects.count() == count
    bad = client.post(
        f"{base(world.a)}/suggest",
        {"description": "x", "amount": "many"},
        content_type="application/json",
        headers=bearer(world.users["approver"]),
    )
    assert bad.status_code == 422 and bad.json()["field"] == "amount"


def test_rules_and_settings(world, client) -> None:
    headers = bearer(world.users["accountant"])
    response = client.post(
        f"{base(world.a)}/rules",
        {"kind": "supplier", "supplier": world.supplier.number, "account": "6540", "department": ""},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 201, response.content
    rule = response.json()
    assert rule["supplier"]["name"] == "Bergen Kontorutstyr AS" and rule["account"] == "6540"
    bad = client.post(
        f"{base(world.a)}/rules",
        {"kind": "keyword", "keyword": "husleie"},
        content_type="application/json",
        headers=headers,
    )
    assert bad.status_code == 422 and bad.json()["code"] == "FF-CODING-BAD-RULE"
    assert [r["id"] for r in client.get(f"{base(world.a)}/rules", headers=headers).json()] == [rule["id"]]
    assert client.delete(f"{base(world.a)}/rules/{rule['id']}", headers=headers).status_code == 204
    assert not CodingRule.objects.exists()

    settings = client.get(f"{base(world.a)}/settings", headers=headers).json()
    assert settings["mode"] == "measured" and settings["target_precision"] == "0.98"
    assert settings["thresholds"] == {"account": None, "vat_code": None, "department": None, "project": None}
    changed = client.put(
        f"{base(world.a)}/settings",
        {"mode": "fixed", "fixed_threshold": "0.95"},
        content_type="application/json",
        headers=headers,
    )
    assert changed.status_code == 200 and changed.json()["thresholds"]["account"] == 0.95
    refused = client.put(
        f"{base(world.a)}/settings", {"target_precision": "2"}, content_type="application/json", headers=headers
    )
    assert refused.status_code == 422 and refused.json()["field"] == "target_precision"


@pytest.mark.parametrize("role", ["admin", "accountant", "approver", "requester", "supplier", "auditor"])
def test_who_may_read_and_who_may_code(world, client, lines, role) -> None:
    a1, _, _ = lines
    headers = bearer(world.users[role])
    read = client.get(f"{base(world.a)}/lines/{a1.pk}", headers=headers)
    assert read.status_code == (200 if role in VIEWERS else 403)
    confirm = client.post(
        f"{base(world.a)}/lines/{a1.pk}/confirm", {}, content_type="application/json", headers=headers
    )
    assert confirm.status_code == (200 if role in MANAGERS else 403)
    rules = client.post(
        f"{base(world.a)}/rules",
        {"kind": "keyword", "keyword": "x", "account": "6800"},
        content_type="application/json",
        headers=headers,
    )
    assert rules.status_code == (201 if role in MANAGERS else 403)
    settings = client.put(
        f"{base(world.a)}/settings", {"mode": "off"}, content_type="application/json", headers=headers
    )
    assert settings.status_code == (200 if role in MANAGERS else 403)


def test_another_companys_lines_are_not_found(world, client, lines) -> None:
    _, _, b1 = lines
    headers = bearer(world.users["accountant"])
    # B's line through A's URL: 404, as if it did not exist
    assert client.get(f"{base(world.a)}/lines/{b1.pk}", headers=headers).status_code == 404
    confirm = client.post(
        f"{base(world.a)}/lines/{b1.pk}/confirm", {}, content_type="application/json", headers=headers
    )
    assert confirm.status_code == 404
    assert CodingLine.objects.get(pk=b1.pk).state == LineState.QUEUED
    # and B's URL for a user of A only: not a member
    response = client.get(f"{base(world.b)}/lines", headers=headers)
    assert response.status_code == 403 and response.json()["code"] == "FF-NOT-MEMBER"
    # B's accountant sees only B's line
    listed = client.get(f"{base(world.b)}/lines", headers=bearer(world.b_user)).json()
    assert [x["id"] for x in listed["lines"]] == [b1.pk]
    rule = services.add_rule(world.b, world.b_user, kind="keyword", keyword="lisens", account="6551")
    assert client.delete(f"{base(world.a)}/rules/{rule.pk}", headers=headers).status_code == 404
