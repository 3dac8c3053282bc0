"""Scheduled dunning: the daily reminder run of every company (beat: once a day, after the billing run)."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from celery import shared_task

from fakturaflyt.tasks_base import TRANSIENT, IdempotentTask

log = logging.getLogger(__name__)


@shared_task(name="dunning.run_all", base=IdempotentTask)
def dunning_run_all(on: str | None = None) -> dict[str, Any]:
    """Run dunning for every company on ``on`` (ISO date; default: today in Oslo).

    One company's failure is logged and reported; the others still run. The run is idempotent
    (no step is sent twice), so a retried or doubled task sends nothing twice.
    """
    from django.utils import timezone

    from fakturaflyt.companies.models import Company
    from fakturaflyt.dunning import services

    day = date.fromisoformat(on) if on else timezone.localdate()
    summary: dict[str, Any] = {"date": day.isoformat(), "companies": {}}
    for company in Company.objects.order_by("pk"):
        try:
            result = services.run(company, day, None)
        except TRANSIENT:
            raise  # the database or broker is away: the whole run is retried with back-off (idempotent)
        except Exception as exc:  # one company must not stop the others
            log.exception("dunning run failed for %s", company.orgnr)
            summary["companies"][company.orgnr] = {"error": str(exc)}
            continue
        summary["companies"][company.orgnr] = {
            "sent": len(result.notices),
            "skipped": len(result.skipped),
            "ready_for_collection": len(result.ready_for_collection),
        }
    return summary
