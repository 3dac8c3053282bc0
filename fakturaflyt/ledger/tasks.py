"""Background work of the ledger. Runs on a Celery worker when a broker is configured, in-process otherwise."""

from __future__ import annotations

import logging

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
