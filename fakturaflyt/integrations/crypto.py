"""Encryption at rest of the API keys a company enters (Fernet: AES-128-CBC + HMAC-SHA256).

The key comes from ``FAKTURAFLYT_SECRETS_KEY`` (a Fernet key: 32 bytes, url-safe base64, made
with ``python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"``).
Several keys separated by commas rotate: the first encrypts, all decrypt. Without the
variable the key is derived from Django's ``SECRET_KEY`` (SHA-256 of a fixed label and the
secret key), so a development install works out of the box; keys derived from the
``SECRET_KEY_FALLBACKS`` of a rotation still decrypt. In production set the variable all the
same: once the old ``SECRET_KEY`` leaves the fallbacks, the stored API keys become unreadable
(the company then enters them again: nothing else is lost).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

from fakturaflyt.integrations.error_codes import ExportCode, ExportError

ENV = "FAKTURAFLYT_SECRETS_KEY"


def _keys() -> list[bytes]:
    configured = [k.strip() for k in os.environ.get(ENV, "").split(",") if k.strip()]
    if configured:
        return [k.encode("ascii") for k in configured]
    # SECRET_KEY encrypts; the SECRET_KEY_FALLBACKS of a key rotation still decrypt.
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [
        base64.urlsafe_b64encode(hashlib.sha256(b"fakturaflyt-integrations-secrets:" + s.encode()).digest())
        for s in secrets
    ]


def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(k) for k in _keys()])


def encrypt(values: dict[str, str]) -> str:
    """The secrets as one Fernet token (text)."""
    return _fernet().encrypt(json.dumps(values, sort_keys=True).encode()).decode("ascii")


def decrypt(token: str) -> dict[str, str]:
    """The secrets back; :class:`ExportError` ``FF-EXPORT-SECRETS-KEY`` when this server's key cannot read them."""
    if not token:
        return {}
    try:
        data = json.loads(_fernet().decrypt(token.encode("ascii")))
    except (InvalidToken, ValueError):
        raise ExportError(
            ExportCode.SECRETS_KEY,
            "The stored API keys cannot be read with this server's secrets key; enter them again.",
        ) from None
    return {str(k): str(v) for k, v in data.items()}


def mask(value: str) -> str:
    """What the UI shows of a stored secret: its length class and last four characters at most."""
    if not value:
        return ""
    tail = value[-4:] if len(value) >= 12 else ""
    return "••••••••" + tail
