"""Personal API tokens: create (shown once), list, revoke.

A token (``ff_`` + 43 random characters) is stored only as its SHA-256 with the first eight
characters for recognition (``companies.models.ApiToken``); the API checks ``revoked_at`` on
every call, so a revoked token is refused at once. A token acts as its user with the user's
memberships, so it is meant for integrations (an ERP, a scanner, a script), and is not asked
for a second factor: treat it like a password and revoke it when it is no longer used.

Who may revoke: the owner, and an administrator (``manage_users``) of a company where the
owner is a member.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from fakturaflyt.api.auth import issue_token
from fakturaflyt.companies.models import ApiToken, Company, Membership
from fakturaflyt.companies.permissions import has_perm, membership
from fakturaflyt.companies.roles import Perm
from fakturaflyt.security import events
from fakturaflyt.security.error_codes import SecurityCode, SecurityError


def create(user: Any, name: str) -> tuple[ApiToken, str]:
    """A new token for ``user``; returns the row and the token text (the only time it exists in clear)."""
    name = (name or "").strip()[:100] or gettext("API token")
    with transaction.atomic():
        key = issue_token(user, name)
        token = ApiToken.objects.get(key_hash=ApiToken.hash_key(key))
        events.record_for_user(user, user, events.TOKEN_CREATED, token, name=name, prefix=token.prefix)
    return token, key


def own(user: Any) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user_id=user.pk).order_by("revoked_at", "-created_at")


def of_company_members(company: Company, exclude_user: Any = None) -> QuerySet[ApiToken]:
    """Tokens of the company's members (for its administrator), newest first."""
    users = Membership.objects.filter(company=company).values("user_id")
    qs = ApiToken.objects.filter(user_id__in=users).select_related("user")
    if exclude_user is not None:
        qs = qs.exclude(user_id=exclude_user.pk)
    return qs.order_by("revoked_at", "-created_at")


def may_revoke(actor: Any, token: ApiToken, company: Company | None) -> bool:
    if token.user_id == actor.pk:
        return True
    if company is None or not has_perm(membership(actor, company), Perm.MANAGE_USERS):
        return False
    return Membership.objects.filter(company=company, user_id=token.user_id).exists()


def revoke(actor: Any, token_id: int, company: Company | None = None) -> ApiToken:
    """Revoke a token the actor owns or administers; the same answer for "no such token" and "not yours"."""
    token = ApiToken.objects.select_related("user").filter(pk=token_id).first()
    if token is None or not may_revoke(actor, token, company):
        raise SecurityError(SecurityCode.TOKEN_NOT_FOUND, gettext("No such token."))
    if token.revoked_at is None:
        with transaction.atomic():
            ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
            token.refresh_from_db()
            events.record_for_user(
                token.user, actor, events.TOKEN_REVOKED, token, company=company, name=token.name, prefix=token.prefix
            )
    return token
