"""Rotating SECRET_KEY keeps the stored API keys readable while the old key is a fallback."""

from __future__ import annotations

import pytest

from fakturaflyt.integrations import crypto
from fakturaflyt.integrations.error_codes import ExportError


def test_a_secret_key_rotation_keeps_stored_keys_readable_through_the_fallbacks(settings, monkeypatch) -> None:
    monkeypatch.delenv(crypto.ENV, raising=False)
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "old-key-" + "x" * 50, []
    token = crypto.encrypt({"api_key": "abc123"})
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "new-key-" + "y" * 50, ["old-key-" + "x" * 50]
    assert crypto.decrypt(token) == {"api_key": "abc123"}
    settings.SECRET_KEY_FALLBACKS = []
    with pytest.raises(ExportError):
        crypto.decrypt(token)
