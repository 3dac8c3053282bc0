"""Two-factor authentication (TOTP, RFC 6238) for the roles that can move money or change the books.

Who must use it (when ``settings.FAKTURAFLYT_REQUIRE_2FA`` is on, the production default): the
administrator, the accountant, and anyone whose role grants ``manage_payments`` (payment runs,
bank files). A code from an authenticator app (Google Authenticator, Microsoft Authenticator,
FreeOTP, 1Password...) is asked for after the password; ten one-time recovery codes stand in for
a lost phone. Anyone else may set it up voluntarily, and is then asked for a code at every login.

The devices are django-otp's ``TOTPDevice`` (the secret) and ``StaticDevice`` (recovery codes).
"""

from __future__ import annotations

from typing import Any

import segno
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp import verify_token as otp_verify_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from fakturaflyt.companies.models import Membership
from fakturaflyt.companies.roles import Perm, Role, permissions_of
from fakturaflyt.security import events
from fakturaflyt.security.error_codes import SecurityCode, SecurityError

RECOVERY_CODE_COUNT = 10
# Set at password login for a user with a confirmed device: the session must still give a code.
PENDING_SESSION_KEY = "ff_2fa_pending"


def enforced() -> bool:
    return bool(getattr(settings, "FAKTURAFLYT_REQUIRE_2FA", True))


def role_requires(m: Membership | None) -> bool:
    """Admin, accountant, or any role with payment rights (``Perm.MANAGE_PAYMENTS``)."""
    if m is None:
        return False
    return m.role in (Role.ADMIN, Role.ACCOUNTANT) or Perm.MANAGE_PAYMENTS in permissions_of(m.role)


def required_for_user(user: Any) -> bool:
    """Whether any of the user's active memberships requires two factors (used to refuse removal)."""
    if not enforced():
        return False
    return any(role_requires(m) for m in Membership.objects.filter(user_id=user.pk, is_active=True))


def confirmed_totp(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).order_by("-pk").first()


def has_confirmed_device(user: Any) -> bool:
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).exists()


def recovery_codes_left(user: Any) -> int:
    return StaticToken.objects.filter(device__user_id=user.pk, device__confirmed=True).count()


def pending_device(user: Any) -> TOTPDevice:
    """The unconfirmed device of an enrolment in progress (one per user; a new secret if none)."""
    device = TOTPDevice.objects.filter(user_id=user.pk, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=gettext("Authenticator app"), confirmed=False)
    return device


def secret_text(device: TOTPDevice) -> str:
    """The secret in base32, grouped by four, for typing into an app by hand."""
    from base64 import b32encode

    raw = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The ``otpauth://`` URL as an inline SVG QR code (drawn here: the secret never leaves the server)."""
    return str(segno.make(device.config_url, error="m").svg_inline(scale=5, dark="#111", light="#fff", border=2))


def normalise_code(code: str) -> str:
    return "".join(ch for ch in (code or "") if ch.isalnum()).lower()


def _new_recovery_codes(user: Any) -> list[str]:
    StaticDevice.objects.filter(user_id=user.pk).delete()
    device = StaticDevice.objects.create(user=user, name=gettext("Recovery codes"), confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def confirm_enrolment(request: HttpRequest, code: str) -> list[str]:
    """Confirm the pending device with a code from the app; return the new recovery codes (to show once).

    The confirmed device replaces any earlier one, and the session counts as verified.
    """
    user = request.user
    device = TOTPDevice.objects.filter(user_id=user.pk, confirmed=False).order_by("-pk").first()
    token = normalise_code(code)
    if device is None or not token.isdecimal() or not device.verify_token(token):
        raise SecurityError(SecurityCode.BAD_CODE, gettext("The code was not accepted. Check the app and try again."))
    with transaction.atomic():
        TOTPDevice.objects.filter(user_id=user.pk).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _new_recovery_codes(user)
        events.record_for_user(user, user, events.ENROLLED, device)
    otp_login(request, device)
    request.session.pop(PENDING_SESSION_KEY, None)
    return codes


def renew_recovery_codes(request: HttpRequest) -> list[str]:
    with transaction.atomic():
        codes = _new_recovery_codes(request.user)
        events.record_for_user(request.user, request.user, events.RECOVERY_CODES)
    return codes


def verify(request: HttpRequest, code: str) -> bool:
    """Check a code from the app, or a recovery code (used up at once); mark the session verified.

    Six digits go to the authenticator app's device, anything else to the recovery codes, so a
    recovery code never counts as a failed app code. django-otp slows down repeated failures.
    """
    user = request.user
    token = normalise_code(code)
    if not token:
        return False
    model = TOTPDevice if token.isdecimal() else StaticDevice
    for device in model.objects.filter(user_id=user.pk, confirmed=True):
        verified = otp_verify_token(user, device.persistent_id, token)
        if verified is not None:
            otp_login(request, verified)
            request.session.pop(PENDING_SESSION_KEY, None)
            return True
    return False


def remove(request: HttpRequest) -> None:
    """Switch two-factor off for oneself: refused while a role requires it."""
    user = request.user
    if required_for_user(user):
        raise SecurityError(
            SecurityCode.TWO_FACTOR_STILL_REQUIRED,
            gettext("Your role requires two-factor authentication, so it cannot be switched off."),
        )
    with transaction.atomic():
        TOTPDevice.objects.filter(user_id=user.pk).delete()
        StaticDevice.objects.filter(user_id=user.pk).delete()
        events.record_for_user(user, user, events.REMOVED)
    request.session.pop(DEVICE_ID_SESSION_KEY, None)


def reset(actor: Any, company: Any, subject: Any) -> None:
    """An administrator clears a member's authenticator and recovery codes (a lost phone).

    The member sets it up again at the next login if the role requires it. Logged in the
    company's audit log and in the logs of the member's other companies.
    """
    with transaction.atomic():
        TOTPDevice.objects.filter(user_id=subject.pk).delete()
        StaticDevice.objects.filter(user_id=subject.pk).delete()
        events.record_for_user(subject, actor, events.RESET, company=company)
