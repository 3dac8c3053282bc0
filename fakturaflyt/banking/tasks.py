"""Background work of the bank import. Runs on a Celery worker when a broker is configured, in-process otherwise."""

from __future__ import annotations

import logging
from typing import Any

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(name="banking.import_bank_file")
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
