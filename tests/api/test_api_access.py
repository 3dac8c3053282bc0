"""API access per role with bearer tokens, across two companies; 401 without a valid token."""

from __future__ import annotations

import pytest
from django.utils import timezone

from fakturaflyt.api.auth import issue_token
from fakturaflyt.companies.models import ApiToken, Membership
from fakturaflyt.ledger.models import Voucher

pytestmark = pytest.mark.django_db

READERS = {"admin", "accountant", "auditor"}  # view_ledger / view_audit
POSTERS = {"admin", "accountant"}  # post_voucher

VOUCHER = {
    "date": "2026-03-01",
    "description": "Husleie mars",
    "series": "GL",
    "lines": [{"account": "6300", "debit": "18500.00"}, {"account": "1920", "credit": "18500.00"}],
}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def endpoints(orgnr: str) -> list[tuple[str, str, set[str]]]:
    """(method, url, roles allowed)."""
    base = f"/api/companies/{orgnr}"
    return [
        ("GET", f"{base}/vouchers", READERS),
        ("GET", f"{base}/accounts", READERS),
        ("GET", f"{base}/trial-balance?date_from=2026-01-01&date_to=2026-12-31", READERS),
        ("GET", f"{base}/audit/verify", READERS),
        ("POST", f"{base}/vouchers", POSTERS),
    ]


def call(client, method: str, url: str, token: str | None):
    headers = bearer(token) if token else {}
    if method == "POST":
        return client.post(url, VOUCHER, content_type="application/json", headers=headers)
    return client.get(url, headers=headers)


@pytest.mark.parametrize("role", ["admin", "accountant", "approver", "requester", "supplier", "auditor"])
def test_each_role_gets_what_its_permissions_allow(world, client, role: str) -> None:
    token = issue_token(world.users[role], "test")
    wrong = []
    for method, url, allowed in endpoints(world.a.orgnr):
        response = call(client, method, url, token)
        if role in allowed:
            expected = 201 if method == "POST" else 200
            if response.status_code != expected:
                wrong.append(f"{method} {url}: {response.status_code}, expected {expected}")
        elif response.status_code != 403 or response.json().get("code") != "FF-ROLE-FORBIDS":
            wrong.append(f"{method} {url}: {response.status_code} {response.content[:200]!r}, expected 403")
    assert wrong == []
    assert Voucher.objects.filter(company=world.a).count() == (1 if role in POSTERS else 0)


def test_a_member_of_b_is_refused_in_a(world, client, post) -> None:
    # given a voucher in A and a token for B's accountant
    voucher_a = post(world.a)
    token = issue_token(world.b_user, "test")
    # then every A URL is forbidden
    for method, url, _ in endpoints(world.a.orgnr):
        response = call(client, method, url, token)
        assert response.status_code == 403, url
        assert response.json()["code"] == "FF-NOT-MEMBER"
    detail_a = f"/api/companies/{world.a.orgnr}/vouchers/{voucher_a.pk}"
    assert client.get(detail_a, headers=bearer(token)).status_code == 403
    # and A's voucher id under B's own org.nr is not found
    detail_b = f"/api/companies/{world.b.orgnr}/vouchers/{voucher_a.pk}"
    assert client.get(detail_b, headers=bearer(token)).status_code == 404
    reverse_b = f"{detail_b}/reverse"
    assert client.post(reverse_b, {}, content_type="application/json", headers=bearer(token)).status_code == 404
    assert Voucher.objects.filter(company=world.a).count() == 1
    assert not Voucher.objects.filter(company=world.b).exists()
    # while B's own ledger works
    assert client.get(f"/api/companies/{world.b.orgnr}/vouchers", headers=bearer(token)).json() == []


def test_an_unknown_company_looks_the_same_as_a_foreign_one(world, client) -> None:
    # the answer must not tell an outsider which org numbers keep their books here
    token = issue_token(world.b_user, "test")
    foreign = client.get(f"/api/companies/{world.a.orgnr}/vouchers", headers=bearer(token))
    unknown = client.get("/api/companies/987654325/vouchers", headers=bearer(token))
    assert foreign.status_code == unknown.status_code == 403
    assert foreign.json() == unknown.json()


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer"},
        {"Authorization": "Bearer ff_not-a-real-token"},
        {"Authorization": "Bearer something-else"},
        {"Authorization": "Basic YWRtaW46c2VjcmV0"},
    ],
    ids=["none", "empty", "unknown", "foreign-format", "basic"],
)
def test_no_valid_token_is_401(world, client, headers) -> None:
    for method, url, _ in endpoints(world.a.orgnr):
        if method == "POST":
            response = client.post(url, VOUCHER, content_type="application/json", headers=headers)
        else:
            response = client.get(url, headers=headers)
        assert response.status_code == 401, url
    assert client.get("/api/me", headers=headers).status_code == 401
    assert not Voucher.objects.exists()


def test_a_revoked_token_is_401(world, client) -> None:
    token = issue_token(world.users["admin"], "test")
    url = f"/api/companies/{world.a.orgnr}/vouchers"
    assert client.get(url, headers=bearer(token)).status_code == 200
    ApiToken.objects.filter(user=world.users["admin"]).update(revoked_at=timezone.now())
    assert client.get(url, headers=bearer(token)).status_code == 401
    assert call(client, "POST", url, token).status_code == 401
    assert not Voucher.objects.exists()


def test_the_token_of_an_inactive_user_is_401(world, client) -> None:
    user = world.users["accountant"]
    token = issue_token(user, "test")
    user.is_active = False
    user.save()
    assert client.get(f"/api/companies/{world.a.orgnr}/vouchers", headers=bearer(token)).status_code == 401


def test_an_inactive_membership_is_403(world, client) -> None:
    token = issue_token(world.users["accountant"], "test")
    Membership.objects.filter(pk=world.memberships["accountant"].pk).update(is_active=False)
    response = client.get(f"/api/companies/{world.a.orgnr}/vouchers", headers=bearer(token))
    assert response.status_code == 403
    assert response.json()["code"] == "FF-NOT-MEMBER"
    assert client.get("/api/companies", headers=bearer(token)).json() == []


def test_only_the_hash_of_a_token_is_stored_and_its_use_is_noted(world, client) -> None:
    token = issue_token(world.users["auditor"], "ci")
    stored = ApiToken.objects.get(user=world.users["auditor"])
    assert token.startswith("ff_") and stored.prefix == token[:8]
    assert token not in (stored.key_hash, stored.name) and stored.key_hash == ApiToken.hash_key(token)
    assert stored.last_used_at is None
    client.get("/api/me", headers=bearer(token))
    stored.refresh_from_db()
    assert stored.last_used_at is not None


def test_me_and_companies_list_the_users_memberships(world, client) -> None:
    token = issue_token(world.users["approver"], "test")
    me = client.get("/api/me", headers=bearer(token)).json()
    assert me["username"] == "approver@alfa.test"
    assert [(c["orgnr"], c["role"]) for c in me["companies"]] == [(world.a.orgnr, "approver")]
    assert sorted(me["companies"][0]["permissions"]) == ["approve", "view_dashboard", "view_payables", "view_suppliers"]
    b = client.get("/api/companies", headers=bearer(issue_token(world.b_user, "t"))).json()
    assert [c["orgnr"] for c in b] == [world.b.orgnr]
