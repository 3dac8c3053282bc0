"""Small helpers for the security tests: TOTP codes computed from a device's key, the real login form."""

from __future__ import annotations

import time

from django.urls import reverse
from django_otp.oath import TOTP


def code_for(device, offset_steps: int = 0) -> str:
    """The code the phone would show now (or ``offset_steps`` periods later: a code is accepted once)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + offset_steps * device.step
    return f"{totp.token():0{device.digits}d}"


def form_login(client, username: str, password: str = "secret-pass-1"):
    return client.post(reverse("login"), {"username": username, "password": password})
