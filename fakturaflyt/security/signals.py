"""A lock-out of a known user goes into their companies' audit logs (failed attempts stay in axes' tables)."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.dispatch import receiver

from fakturaflyt.security import events


@receiver(user_locked_out, dispatch_uid="fakturaflyt-security-locked-out")
def record_lockout(
    sender: Any, request: Any = None, username: str | None = None, ip_address: str | None = None, **kwargs: Any
) -> None:
    if not username:
        return
    model = get_user_model()
    user = model.objects.filter(**{f"{model.USERNAME_FIELD}__iexact": username}).first()
    if user is not None:
        events.record_for_user(user, None, events.LOCKED_OUT, ip_address=ip_address or "")
