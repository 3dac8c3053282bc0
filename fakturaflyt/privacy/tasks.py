"""Background work of data protection: pruning the access log after its retention period."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings


@shared_task(name="privacy.prune_access_log")
def prune_access_log() -> int:
    """Delete access-log rows older than ``FAKTURAFLYT_ACCESS_LOG_RETENTION_DAYS`` (scheduled nightly)."""
    from fakturaflyt.privacy.report import prune_access_log as prune

    return prune(older_than_days=settings.FAKTURAFLYT_ACCESS_LOG_RETENTION_DAYS)
