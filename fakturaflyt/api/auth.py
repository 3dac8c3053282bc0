"""API authentication: a personal bearer token (``Authorization: Bearer ff_...``) or the browser session."""

from __future__ import annotations

import secrets
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from fakturaflyt.companies.models import ApiToken

TOKEN_PREFIX = "ff_"


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        if not token.startswith(TOKEN_PREFIX):
            return None
        found = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=ApiToken.hash_key(token), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if found is None:
            return None
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        request.user = found.user
        return found.user


def issue_token(user: Any, name: str) -> str:
    """Create a token for ``user`` and return it; only its hash is stored, so show it once."""
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, name=name, prefix=key[:8], key_hash=ApiToken.hash_key(key))
    return key


AUTH = [TokenAuth(), SessionAuth()]
