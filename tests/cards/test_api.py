"""The card API: import, the inbox with its split and coding, the actions; company isolation and roles."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from fakturaflyt.api.auth import issue_token

from . import builders

pytestmark = pytest.mark.django_db

VIEWERS = {"admin", "accountant", "approver", "requester", "auditor"}  # view_payables
MANAGERS = {"admin", "accountant"}  # manage_payables


def bearer(user: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token(user, 'test')}"}


def base(company: Any) -> str:
    return f"/api/companies/{company.orgnr}/cards"


def upload(client: Any, company: Any, user: Any, data: bytes, name: str, **form: str) -> Any:
    return client.post(
        f"{base(company)}/imports", {"file": SimpleUploadedFile(name, data), **form}, headers=bearer(user)
    )


@pytest.fixture
def loaded(world, client, intake_dirs) -> Any:
    """Company A of ``world`` with the small report and statement imported through the API."""
    from fakturaflyt.ledger.models import Department

    Department.objects.create(company=world.a, code="400", name="Utvikling")
    accountant = world.users["accountant"]
    assert upload(client, world.a, accountant, builders.report(), "orders.csv").status_code == 201
    response = upload(client, world.a, accountant, builders.statement(), "kort.csv")
    assert response.status_code == 201, response.content
    return world


def charges(client: Any, world: Any, user: Any = None, query: str = "") -> dict[str, dict[str, Any]]:
    response = client.get(f"{base(world.a)}/charges{query}", headers=bearer(user or world.users["accountant"]))
    assert response.status_code == 200, response.content
    return {c["external_id"]: c for c in response.json()["charges"]}


def post(client: Any, url: str, user: Any, payload: dict[str, Any] | None = None) -> Any:
    return client.post(url, payload or {}, content_type="application/json", headers=bearer(user))


def test_import_returns_the_result_and_is_idempotent(world, client, intake_dirs) -> None:
    accountant = world.users["accountant"]
    first = upload(client, world.a, accountant, builders.statement(), "kort.csv")
    assert first.status_code == 201, first.content
    body = first.json()
    assert (body["kind"], body["format"], body["rows"], body["added"], body["duplicates"]) == (
        "statement",
        "default",
        4,
        4,
        0,
    )
    again = upload(client, world.a, accountant, builders.statement(), "kort.csv", preset="default")
    assert again.status_code == 201 and (again.json()["added"], again.json()["duplicates"]) == (0, 4)
    refused = upload(client, world.a, accountant, b"hello,world\n1,2\n", "notes.csv")
    assert refused.status_code == 422
    assert refused.json()["code"].startswith("FF-CARD") and refused.json()["problems"]
    bad_preset = upload(client, world.a, accountant, builders.statement(), "kort.csv", preset="nope")
    assert bad_preset.status_code == 422 and bad_preset.json()["code"] == "FF-CARD-UNKNOWN-FILE"
    empty = client.post(f"{base(world.a)}/imports", {}, headers=bearer(accountant))
    assert empty.status_code == 422


def test_the_inbox_shows_each_charge_with_its_split_coding_and_reasons(loaded, client) -> None:
    found = charges(client, loaded)
    assert set(found) == {"T-1", "T-2", "T-3", "T-4"}
    t1 = found["T-1"]
    assert (t1["status"], t1["match_method"], t1["amount"], t1["currency"]) == ("matched", "reference", "125.00", "EUR")
    assert sum(Decimal(line["total"]) for line in t1["lines"]) == Decimal("125.00")
    assert [line["account"] or line["suggestion"].get("account", {}).get("value") for line in t1["lines"]] == [
        "6551",
        "6800",
    ]
    assert all(line["vat_rule"] for line in t1["lines"])
    detail = client.get(f"{base(loaded.a)}/charges/{t1['id']}", headers=bearer(loaded.users["auditor"]))
    assert detail.status_code == 200 and detail.json()["lines"] == t1["lines"]
    ambiguous = found["T-2"]
    assert ambiguous["status"] == "ambiguous" and [len(c["lines"]) for c in ambiguous["candidates"]] == [1, 1]
    assert {c["total"] for c in ambiguous["candidates"]} == {"50.00"}
    assert set(charges(client, loaded, query="?status=ambiguous")) == {"T-2"}
    assert set(charges(client, loaded, query="?holder=Per%20Hansen")) == {"T-3", "T-4"}
    assert client.get(f"{base(loaded.a)}/charges?status=paid", headers=bearer(loaded.b_user)).status_code in (403, 422)


def test_correct_choose_ignore_and_accept(loaded, client) -> None:
    accountant = loaded.users["accountant"]
    found = charges(client, loaded)
    t1, t2, t3 = found["T-1"], found["T-2"], found["T-3"]
    url = f"{base(loaded.a)}/charges/{t1['id']}"
    # a correction of one line's department is kept (and learnt)
    corrected = post(client, f"{url}/lines/1/coding", accountant, {"department": "400"})
    assert corrected.status_code == 200, corrected.content
    assert corrected.json()["lines"][0]["department"] == "400"
    assert post(client, f"{url}/lines/9/coding", accountant, {"department": "400"}).status_code == 404
    # the ambiguous charge: a person chooses one of the candidates
    chosen = post(client, f"{base(loaded.a)}/charges/{t2['id']}/choose", accountant, {"index": 1})
    assert chosen.status_code == 200, chosen.content
    assert chosen.json()["status"] == "matched" and len(chosen.json()["lines"]) == 1
    wrong = post(client, f"{base(loaded.a)}/charges/{t2['id']}/choose", accountant, {"index": 7})
    assert wrong.status_code == 422
    # ignoring needs a reason
    no_reason = post(client, f"{base(loaded.a)}/charges/{t3['id']}/ignore", accountant, {"reason": " "})
    assert no_reason.status_code == 422 and no_reason.json()["code"] == "FF-CARD-REASON"
    ignored = post(client, f"{base(loaded.a)}/charges/{t3['id']}/ignore", accountant, {"reason": "Private purchase"})
    assert ignored.status_code == 200 and ignored.json()["status"] == "ignored"
    # accept posts the voucher once
    accepted = post(client, f"{url}/accept", accountant)
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["status"] == "posted" and accepted.json()["voucher"].startswith("CARD")
    again = post(client, f"{url}/accept", accountant)
    assert again.status_code == 422 and again.json()["code"] == "FF-CARD-STATE"
    many = post(client, f"{base(loaded.a)}/charges/accept", accountant, {"ids": [t1["id"], t2["id"]]})
    assert many.status_code == 200 and many.json()["accepted"] in (0, 1)  # t1 is posted already


@pytest.mark.parametrize("role", ["admin", "accountant", "approver", "requester", "supplier", "auditor"])
def test_each_role_gets_what_its_permissions_allow(loaded, client, role: str) -> None:
    user = loaded.users[role]
    t4 = next(c for c in charges(client, loaded).values() if c["external_id"] == "T-4")
    listing = client.get(f"{base(loaded.a)}/charges", headers=bearer(user))
    assert listing.status_code == (200 if role in VIEWERS else 403)
    ignore = post(client, f"{base(loaded.a)}/charges/{t4['id']}/ignore", user, {"reason": "Duplicate on the statement"})
    if role in MANAGERS:
        assert ignore.status_code == 200
    else:
        assert ignore.status_code == 403 and ignore.json()["code"] == "FF-ROLE-FORBIDS"
        imported = upload(client, loaded.a, user, builders.statement(), "kort.csv")
        assert imported.status_code == 403


def test_another_company_sees_nothing(loaded, client) -> None:
    t1 = charges(client, loaded)["T-1"]
    outsider = loaded.b_user
    # A's org.nr: not a member
    for response in (
        client.get(f"{base(loaded.a)}/charges", headers=bearer(outsider)),
        client.get(f"{base(loaded.a)}/charges/{t1['id']}", headers=bearer(outsider)),
        post(client, f"{base(loaded.a)}/charges/{t1['id']}/accept", outsider),
        upload(client, loaded.a, outsider, builders.statement(), "kort.csv"),
    ):
        assert response.status_code == 403 and response.json()["code"] == "FF-NOT-MEMBER"
    # A's charge under B's own org.nr: not found
    assert client.get(f"{base(loaded.b)}/charges/{t1['id']}", headers=bearer(outsider)).status_code == 404
    assert post(client, f"{base(loaded.b)}/charges/{t1['id']}/accept", outsider).status_code == 404
    assert post(client, f"{base(loaded.b)}/charges/accept", outsider, {"ids": [t1["id"]]}).json() == {"accepted": 0}
    assert client.get(f"{base(loaded.b)}/charges", headers=bearer(outsider)).json() == {"count": 0, "charges": []}
    assert client.get(f"{base(loaded.a)}/charges", headers={}).status_code == 401
