"""Background work of the intake. On a Celery worker with a broker; in-process, at once, without one.

| task | when |
|---|---|
| ``payables.process_document`` | queued by the intake after each received document is committed |
| ``payables.learn_layout`` | queued after a correction on a PDF, to teach the supplier's layout |
| ``payables.process_pending`` | every 5 minutes: re-queue documents whose task was lost (crash, restart) |
| ``payables.scan_folders`` | every minute: the watched folders and Peppol access-point folders |
| ``payables.poll_mail`` | every minute: the intake Maildir and IMAP mailbox, when configured |

Every task is idempotent: running one twice, or two at once, gives the same result as once.
A database or broker that is away makes them retry with back-off (:mod:`fakturaflyt.tasks_base`);
``process_document`` is acknowledged only when done, so a killed worker's document is redelivered
(and, while its lease runs, left to the sweeper).
"""

from __future__ import annotations

import logging
from typing import Any

from celery import shared_task

from fakturaflyt.tasks_base import IdempotentTask, RetryingTask, ScheduledTask

logger = logging.getLogger(__name__)


@shared_task(name="payables.process_document", base=IdempotentTask)
def process_document_task(document_id: int) -> str | None:
    """Read and check one document; returns its state (None when it no longer exists)."""
    from fakturaflyt.payables.processing import process_document

    doc = process_document(document_id)
    return doc.state if doc is not None else None


@shared_task(name="payables.learn_layout", base=RetryingTask)
def learn_layout_task(document_id: int, field: str, value: Any) -> bool:
    from fakturaflyt.payables.processing import learn_layout

    return learn_layout(document_id, field, value)


@shared_task(name="payables.process_pending", base=ScheduledTask)
def process_pending() -> list[int]:
    """Queue every document left ``received``/``interpreted`` for more than five minutes."""
    from fakturaflyt.payables.processing import pending

    found = pending()
    for pk in found:
        process_document_task.delay(pk)
    if found:
        logger.warning("re-queued %d supplier documents whose processing was lost: %s", len(found), found[:20])
    return found


@shared_task(name="payables.scan_folders", base=ScheduledTask)
def scan_folders() -> list[dict[str, Any]]:
    from fakturaflyt.payables.folders import scan_all

    return [r.as_dict() for r in scan_all()]


@shared_task(name="payables.poll_mail", base=ScheduledTask)
def poll_mail() -> dict[str, int]:
    from fakturaflyt.payables.mailbox import poll_configured

    return poll_configured()
