"""Login lock-out (django-axes) through the real login form, and the brake on guessed API tokens."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from fakturaflyt.ledger.models import AuditEvent

from .helpers import form_login

pytestmark = pytest.mark.django_db

LOCKED = "Too many failed login attempts"


@pytest.fixture(autouse=True)
def english(client):
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        yield


def fail(client, username: str, times: int):
    return [form_login(client, username, "wrong-password") for _ in range(times)]


def test_fifth_failure_locks_out_with_a_clear_message_even_the_right_password(client, user_factory):
    user_factory("ola@firma.test")
    responses = fail(client, "ola@firma.test", 5)
    assert [r.status_code for r in responses[:4]] == [200] * 4
    assert LOCKED not in responses[3].content.decode()
    assert responses[4].status_code == 429
    assert LOCKED in responses[4].content.decode() and "15 minutes" in responses[4].content.decode()
    # The right password does not get through while locked, and nobody is logged in.
    r = form_login(client, "ola@firma.test")
    assert r.status_code == 429 and LOCKED in r.content.decode()
    assert client.get(reverse("home")).status_code == 302


def test_unknown_user_gets_the_same_answer(client, user_factory):
    responses = fail(client, "nobody@firma.test", 5)
    assert responses[4].status_code == 429 and LOCKED in responses[4].content.decode()


def test_counting_ignores_case_of_the_user_name(client, user_factory):
    user_factory("kari@firma.test")
    fail(client, "Kari@Firma.test", 3)
    r = fail(client, " kari@firma.test", 2)[-1]
    assert r.status_code == 429


def test_cool_off_ends_the_lock(client, user_factory):
    user_factory("ola@firma.test")
    fail(client, "ola@firma.test", 5)
    # given: the attempts are 16 minutes old
    for attempt in AccessAttempt.objects.all():
        AccessAttempt.objects.filter(pk=attempt.pk).update(attempt_time=attempt.attempt_time - timedelta(minutes=16))
    r = form_login(client, "ola@firma.test")
    assert r.status_code == 302 and r["Location"] == reverse("home")


def test_success_resets_the_count(client, user_factory):
    user_factory("ola@firma.test")
    fail(client, "ola@firma.test", 4)
    assert form_login(client, "ola@firma.test").status_code == 302
    client.post(reverse("logout"))
    responses = fail(client, "ola@firma.test", 4)
    assert all(r.status_code == 200 for r in responses)


def test_lock_is_per_user_name_and_address(client, user_factory):
    user_factory("ola@firma.test")
    fail(client, "ola@firma.test", 5)
    # the same person from another address is not locked out by someone guessing elsewhere
    r = client.post(
        reverse("login"), {"username": "ola@firma.test", "password": "secret-pass-1"}, REMOTE_ADDR="10.0.0.7"
    )
    assert r.status_code == 302


def test_test_client_login_without_a_request_still_works(client, user_factory):
    user_factory("ola@firma.test")
    assert client.login(username="ola@firma.test", password="secret-pass-1")
    assert not client.login(username="ola@firma.test", password="wrong")


def test_lockout_of_a_member_is_audited_and_admin_unlocks(client, world):
    fail(client, "approver@alfa.test", 5)
    assert AuditEvent.objects.filter(company=world.a, action="security.locked_out").exists()
    admin = world.users["admin"]
    client.force_login(admin)
    page = client.get(reverse("security:members")).content.decode()
    assert "recent failures or locked" in page
    r = client.post(reverse("security:member_unlock", args=[world.memberships["approver"].pk]))
    assert r.status_code == 302
    assert not AccessAttempt.objects.filter(username="approver@alfa.test").exists()
    assert AuditEvent.objects.filter(company=world.a, action="security.unlocked").exists()
    client.post(reverse("logout"))
    assert form_login(client, "approver@alfa.test").status_code == 302


def test_members_page_is_for_administrators_only(client, world):
    client.force_login(world.users["accountant"])
    assert client.get(reverse("security:members")).status_code == 403
    # an admin of another company cannot unlock (or see) a member of this one
    client.force_login(world.b_user)
    r = client.post(reverse("security:member_unlock", args=[world.memberships["approver"].pk]))
    assert r.status_code in (403, 404)


def test_bad_bearer_tokens_are_answered_401_then_throttled(client, settings):
    cache.clear()
    settings.FAKTURAFLYT_API_TOKEN_FAILURES = 3
    codes = [client.get("/api/companies", HTTP_AUTHORIZATION=f"Bearer ff_guess{i}").status_code for i in range(4)]
    assert codes == [401, 401, 401, 429]
    r = client.get("/api/companies", HTTP_AUTHORIZATION="Bearer ff_guess9")
    assert r.json()["code"] == "FF-API-TOKEN-THROTTLED"
    cache.clear()
