"""Background work of the bank import. Runs on a Celery worker when a broker is configured, in-process otherwise.

| task | when |
|---|---|
| ``banking.import_bank_file`` | queued by the upload for a big file, after the received file is committed |
| ``banking.resume_queued`` | every 10 minutes: received files whose import never ran or never finished |

The import is one transaction and adds nothing twice (entries are unique per bank reference),
so a task killed in the middle leaves the file *queued* with nothing of it booked, and running
it again is safe: ``import_bank_file`` is acknowledged only when done (redelivered when the
worker is lost) and retried with back-off while the database is away (:mod:`fakturaflyt.tasks_base`).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from celery import shared_task

from fakturaflyt.tasks_base import IdempotentTask, ScheduledTask

logger = logging.getLogger(__name__)


@shared_task(name="banking.import_bank_file", base=IdempotentTask)
def import_bank_file(import_id: int, user_id: int | None = None) -> dict[str, Any]:
    """Read and reconcile a received (stored, queued) bank file; the import row records the outcome.

    A file that cannot be read is not an error of the task: the import is marked refused with
    its problems, and the task returns them.
    """
    from django.contrib.auth import get_user_model

    from fakturaflyt.banking import services
    from fakturaflyt.banking.models import BankStatementImport, ImportStatus
    from fakturaflyt.core.errors import FakturaflytError

    imp = BankStatementImport.objects.select_related("company", "file").get(pk=import_id)
    if imp.status != ImportStatus.QUEUED:
        return {"status": imp.status}  # a retried or duplicated task: done already
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    try:
        result = services.run_import(imp, user)
    except FakturaflytError as exc:
        logger.info("bank file %s refused: %s", imp.pk, exc)
        return {"status": ImportStatus.FAILED, "problems": [p.as_dict() for p in exc.problems]}
    return {"status": ImportStatus.IMPORTED, **result.as_cli()}


@shared_task(name="banking.resume_queued", base=ScheduledTask)
def resume_queued(older_than_minutes: float = 10) -> list[int]:
    """Queue the import of every bank file still *queued* after ``older_than_minutes``; their ids.

    A file stays queued when the process importing it died (a worker killed, a web request cut
    off) or its task was lost with the broker. Its import rolled back whole, so importing it now
    books it once; entries another import has booked since are skipped as duplicates.
    """
    from django.utils import timezone

    from fakturaflyt.banking.models import BankStatementImport, ImportStatus

    cutoff = timezone.now() - timedelta(minutes=older_than_minutes)
    found = list(
        BankStatementImport.objects.filter(status=ImportStatus.QUEUED, imported_at__lt=cutoff)
        .order_by("pk")
        .values_list("pk", flat=True)[:100]
    )
    for pk in found:
        import_bank_file.delay(pk)
    if found:
        logger.warning("re-queued %d bank file imports that never finished: %s", len(found), found)
    return found
