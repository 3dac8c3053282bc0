"""Two-factor authentication: enrolment, the code step, recovery codes, who is forced, the API, reset."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from fakturaflyt.companies.roles import Role
from fakturaflyt.companies.services import add_member
from fakturaflyt.ledger.models import AuditEvent
from fakturaflyt.security import twofactor

from .helpers import code_for, form_login

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def enforced(settings, client):
    settings.FAKTURAFLYT_REQUIRE_2FA = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # a wrong code does not slow the next one down in tests
    settings.OTP_STATIC_THROTTLE_FACTOR = 0
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        yield


def enrol(client, user) -> tuple[TOTPDevice, list[str]]:
    """Through the page: the QR code and the secret are shown, a code from the key confirms."""
    page = client.get(reverse("security:two_factor"))
    html = page.content.decode()
    assert page.status_code == 200 and "<svg" in html
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert twofactor.secret_text(device) in html
    r = client.post(reverse("security:two_factor"), {"action": "confirm", "code": code_for(device)})
    assert r.status_code == 200, r.content.decode()
    codes = re.findall(r"<li><code>([a-z0-9]+)</code></li>", r.content.decode())
    assert len(codes) == 10
    device.refresh_from_db()
    assert device.confirmed
    return device, codes


def test_accountant_is_sent_to_enrol_then_must_verify_at_the_next_login(client, world):
    user = world.users["accountant"]
    assert form_login(client, "accountant@alfa.test").status_code == 302
    r = client.get(reverse("ledger:vouchers"))
    assert r.status_code == 302 and r["Location"].startswith(reverse("security:two_factor"))
    device, _ = enrol(client, user)
    assert AuditEvent.objects.filter(company=world.a, action="security.2fa_enrolled").exists()
    assert client.get(reverse("ledger:vouchers")).status_code == 200  # the enrolling session counts as verified

    client.post(reverse("logout"))
    r = form_login(client, "accountant@alfa.test")
    assert r.status_code == 302 and r["Location"].startswith(reverse("security:verify"))
    assert client.get(reverse("ledger:vouchers"))["Location"].startswith(reverse("security:verify"))
    # a wrong code is refused
    r = client.post(reverse("security:verify"), {"code": "000000" if code_for(device, 1) != "000000" else "111111"})
    assert r.status_code == 400 and "not accepted" in r.content.decode()
    # the next period's code (the current one was used at enrolment, and a code counts once)
    r = client.post(reverse("security:verify"), {"code": code_for(device, 1), "next": reverse("ledger:vouchers")})
    assert r.status_code == 302 and r["Location"] == reverse("ledger:vouchers")
    assert client.get(reverse("ledger:vouchers")).status_code == 200


def test_recovery_code_works_once(client, world):
    user = world.users["admin"]
    client.force_login(user)
    _, codes = enrol(client, user)
    client.post(reverse("logout"))

    form_login(client, "admin@alfa.test")
    r = client.post(reverse("security:verify"), {"code": codes[0].upper()})
    assert r.status_code == 302
    assert StaticToken.objects.filter(device__user=user).count() == 9
    client.post(reverse("logout"))

    form_login(client, "admin@alfa.test")
    assert client.post(reverse("security:verify"), {"code": codes[0]}).status_code == 400
    assert client.get(reverse("home"))["Location"].startswith(reverse("security:verify"))


def test_approver_without_payment_rights_is_not_forced(client, world):
    client.force_login(world.users["approver"])
    assert client.get(reverse("home")).status_code == 200
    assert not twofactor.role_requires(world.memberships["approver"])
    assert twofactor.role_requires(world.memberships["admin"])
    assert twofactor.role_requires(world.memberships["accountant"])


def test_voluntary_enrolment_is_asked_for_at_login_even_without_enforcement(client, world, settings):
    settings.FAKTURAFLYT_REQUIRE_2FA = False
    user = world.users["approver"]
    client.force_login(user)
    enrol(client, user)
    client.post(reverse("logout"))
    form_login(client, "approver@alfa.test")
    assert client.get(reverse("home"))["Location"].startswith(reverse("security:verify"))


def test_api_with_an_unverified_session_is_refused(client, world):
    client.force_login(world.users["accountant"])
    r = client.get(f"/api/companies/{world.a.orgnr}/accounts")
    assert r.status_code == 403 and r.json()["code"] == "FF-2FA-REQUIRED"
    assert client.get("/api/companies").json()["code"] == "FF-2FA-REQUIRED"
    # a made-up bearer token does not let the unverified session through
    r = client.get("/api/companies", HTTP_AUTHORIZATION="Bearer ff_made_up")
    assert r.status_code == 403
    # an approver's session is not asked
    client.force_login(world.users["approver"])
    assert client.get("/api/companies").status_code == 200


def test_switching_to_a_company_where_the_role_requires_it(client, world):
    user = world.users["approver"]
    add_member(None, world.b, user, Role.ACCOUNTANT)
    client.force_login(user)
    assert client.get(reverse("home")).status_code == 200  # Alfa: approver
    client.post(reverse("switch_company"), {"company": world.b.pk})
    assert client.get(reverse("home"))["Location"].startswith(reverse("security:two_factor"))


def test_the_token_page_needs_a_verified_session(client, world):
    """Otherwise a token would be a way around the second factor."""
    client.force_login(world.users["accountant"])
    assert client.get(reverse("security:tokens"))["Location"].startswith(reverse("security:two_factor"))


def test_last_device_cannot_be_removed_while_required_but_admin_can_reset(client, world):
    user = world.users["accountant"]
    client.force_login(user)
    enrol(client, user)
    r = client.post(reverse("security:two_factor"), {"action": "remove"}, follow=True)
    assert "cannot be switched off" in r.content.decode()
    assert TOTPDevice.objects.filter(user=user, confirmed=True).exists()

    # the administrator (verified) resets it: the accountant must enrol again
    admin = world.users["admin"]
    admin_client = client.__class__()
    admin_client.force_login(admin)
    enrol(admin_client, admin)
    r = admin_client.post(reverse("security:member_reset", args=[world.memberships["accountant"].pk]))
    assert r.status_code == 302
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not StaticToken.objects.filter(device__user=user).exists()
    event = AuditEvent.objects.get(company=world.a, action="security.2fa_reset")
    assert event.actor == admin and event.data["user"] == "accountant@alfa.test"
    # the accountant's session verified with the deleted device no longer counts
    assert client.get(reverse("home"))["Location"].startswith(reverse("security:two_factor"))


def test_removal_allowed_where_no_role_requires_it(client, world):
    user = world.users["approver"]
    client.force_login(user)
    enrol(client, user)
    client.post(reverse("security:two_factor"), {"action": "remove"})
    assert not TOTPDevice.objects.filter(user=user).exists()


def test_exempt_paths_are_reachable_unverified(client, world):
    client.force_login(world.users["accountant"])
    assert client.get(reverse("security:two_factor")).status_code == 200
    assert client.get("/healthz").status_code != 302
    assert client.post(reverse("logout")).status_code == 302
