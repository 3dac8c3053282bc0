"""Background work of the ledger. Runs on a Celery worker when a broker is configured, in-process otherwise."""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(name="ledger.verify_audit_chains")
def verify_audit_chains() -> dict[str, list[str]]:
    """Recompute every company's audit hash chain (scheduled nightly); log and return the breaks per org.nr."""
    from fakturaflyt.companies.models import Company
    from fakturaflyt.ledger.audit import verify

    broken: dict[str, list[str]] = {}
    for company in Company.objects.order_by("pk"):
        problems = verify(company)
        if problems:
            broken[company.orgnr] = [str(p) for p in problems]
            logger.error("audit chain of %s is broken: %s", company.orgnr, "; ".join(broken[company.orgnr]))
    return broken


@shared_task(name="ledger.fetch_exchange_rates")
def fetch_exchange_rates(days: int = 10) -> dict[str, object]:
    """Fetch the last ``days`` days of Norges Bank's daily rates (scheduled on business days after ~16:00).

    Off unless the setting ``FAKTURAFLYT_FETCH_EXCHANGE_RATES`` is true (the server must be
    allowed to reach data.norges-bank.no); the currencies are ``FAKTURAFLYT_EXCHANGE_RATE_CURRENCIES``
    (default :data:`fakturaflyt.ledger.rates.DEFAULT_CURRENCIES`). Overlapping days make a missed
    run harmless: the import is idempotent.
    """
    from django.conf import settings
    from django.utils import timezone

    from fakturaflyt.ledger.rates import DEFAULT_CURRENCIES, fetch_from_norges_bank

    if not getattr(settings, "FAKTURAFLYT_FETCH_EXCHANGE_RATES", False):
        return {"skipped": "FAKTURAFLYT_FETCH_EXCHANGE_RATES is off"}
    currencies = getattr(settings, "FAKTURAFLYT_EXCHANGE_RATE_CURRENCIES", None) or DEFAULT_CURRENCIES
    end = timezone.localdate()
    return fetch_from_norges_bank(currencies, end - timedelta(days=days), end)
