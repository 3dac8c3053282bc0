"""Scheduled billing: the daily billing run of every company (beat: once a day, early morning)."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from celery import shared_task

from fakturaflyt.tasks_base import TRANSIENT, IdempotentTask

log = logging.getLogger(__name__)


@shared_task(name="billing.run_all", base=IdempotentTask)
def billing_run_all(on: str | None = None) -> dict[str, Any]:
    """Run billing for every company on ``on`` (ISO date; default: today in Oslo).

    One company's failure is logged and reported; the others still run. The run is idempotent,
    so a retried or doubled task makes nothing twice.
    """
    from django.utils import timezone

    from fakturaflyt.billing import services
    from fakturaflyt.companies.models import Company

    day = date.fromisoformat(on) if on else timezone.localdate()
    summary: dict[str, Any] = {"date": day.isoformat(), "companies": {}}
    for company in Company.objects.order_by("pk"):
        try:
            result = services.run(company, day, None, send=True)
        except TRANSIENT:
            raise  # the database or broker is away: the whole run is retried with back-off (idempotent)
        except Exception as exc:  # one company must not stop the others
            log.exception("billing run failed for %s", company.orgnr)
            summary["companies"][company.orgnr] = {"error": str(exc)}
            continue
        summary["companies"][company.orgnr] = {
            "created": len(result.created),
            "skipped": result.skipped,
            "problems": len(result.problems),
        }
    return summary
