"""API tokens: created on the page (shown once), stored as a hash, used as Bearer, revoked at once."""

from __future__ import annotations

import json
import re

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import translation
from typer.testing import CliRunner

from fakturaflyt.cli import app
from fakturaflyt.companies.models import ApiToken
from fakturaflyt.companies.roles import Role
from fakturaflyt.companies.services import add_member
from fakturaflyt.ledger.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client):
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        yield


def create_on_page(client, name: str = "ERP import") -> str:
    r = client.post(reverse("security:tokens"), {"name": name})
    assert r.status_code == 200
    match = re.search(r'data-testid="new-token"[^>]*>(ff_[A-Za-z0-9_-]+)<', r.content.decode())
    assert match, r.content.decode()
    return match.group(1)


def bearer(client, key: str):
    return client.get("/api/companies", HTTP_AUTHORIZATION=f"Bearer {key}")


def test_token_is_shown_once_works_as_bearer_and_revoked_gets_401(client, world):
    user = world.users["accountant"]
    client.force_login(user)
    key = create_on_page(client)
    listing = client.get(reverse("security:tokens")).content.decode()
    assert key not in listing and key[:8] in listing and "ERP import" in listing
    assert AuditEvent.objects.filter(company=world.a, action="security.token_created").exists()

    api = client.__class__()
    r = bearer(api, key)
    assert r.status_code == 200 and [c["orgnr"] for c in r.json()] == [world.a.orgnr]

    token = ApiToken.objects.get(user=user)
    assert token.last_used_at is not None
    assert client.post(reverse("security:token_revoke", args=[token.pk])).status_code == 302
    assert bearer(api, key).status_code == 401
    assert AuditEvent.objects.filter(company=world.a, action="security.token_revoked").exists()


def test_stored_token_is_a_hash_not_the_token(client, world):
    client.force_login(world.users["accountant"])
    key = create_on_page(client)
    token = ApiToken.objects.get()
    assert token.key_hash == ApiToken.hash_key(key) and key not in token.key_hash
    with connection.cursor() as cur:
        cur.execute(f"SELECT * FROM {ApiToken._meta.db_table}")
        rows = cur.fetchall()
    assert rows and not any(key in str(value) for row in rows for value in row)


def test_admin_revokes_a_members_token_but_another_companys_admin_cannot(client, world):
    client.force_login(world.users["accountant"])
    key = create_on_page(client)
    token = ApiToken.objects.get()

    # Beta's administrator: not a member of Alfa's accountant's companies
    beta_admin = world.users["requester"].__class__.objects.create_user("admin@beta.test", "admin@beta.test", "x")
    add_member(None, world.b, beta_admin, Role.ADMIN)
    client.force_login(beta_admin)
    assert key[:8] not in client.get(reverse("security:tokens")).content.decode()
    r = client.post(reverse("security:token_revoke", args=[token.pk]), follow=True)
    assert "No such token" in r.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None and bearer(client.__class__(), key).status_code == 200

    # an approver of Alfa cannot revoke a colleague's token either
    client.force_login(world.users["approver"])
    client.post(reverse("security:token_revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is None

    # Alfa's administrator sees it and revokes it
    client.force_login(world.users["admin"])
    assert token.prefix in client.get(reverse("security:tokens")).content.decode()
    client.post(reverse("security:token_revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert bearer(client.__class__(), key).status_code == 401


def test_bearer_token_is_not_asked_for_a_second_factor(client, world, settings):
    settings.FAKTURAFLYT_REQUIRE_2FA = True
    result = CliRunner().invoke(app, ["token", "create", "--user", "accountant@alfa.test", "--name", "script"])
    key = result.stdout.strip()
    assert bearer(client, key).status_code == 200


def test_command_lists_and_revokes(world):
    runner = CliRunner()
    assert runner.invoke(app, ["token", "create", "--user", "admin@alfa.test"]).exit_code == 0
    token = ApiToken.objects.get()
    listed = json.loads(runner.invoke(app, ["token", "list", "--json"]).stdout)
    assert [(t["id"], t["prefix"], t["revoked_at"]) for t in listed] == [(token.pk, token.prefix, None)]
    assert runner.invoke(app, ["token", "revoke", str(token.pk)]).exit_code == 0
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEvent.objects.filter(action="security.token_revoked").exists()
    assert runner.invoke(app, ["token", "revoke", "999999"]).exit_code == 2
