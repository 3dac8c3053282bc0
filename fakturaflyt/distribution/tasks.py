"""Background work of the distribution. On a Celery worker with a broker; in-process, at once, without one.

| task | when |
|---|---|
| ``distribution.perform_dispatch`` | queued by ``services.send`` when the transaction commits (broker only) |
| ``distribution.retry_due`` | every 2 minutes: temporary failures whose back-off has passed |
| ``distribution.read_peppol_receipts`` | every 2 minutes: the access point's receipts in the outbox |

Every task is idempotent: a dispatch is claimed before it is sent, so running a task twice sends once.
A database or broker that is away makes them retry with back-off (:mod:`fakturaflyt.tasks_base`).
A receiver that is down (SMTP server, access point) is not a task error: the dispatch records a
temporary failure and ``retry_due`` tries it again after 1, 5, 15, 60 and 240 minutes.
"""

from __future__ import annotations

from celery import shared_task

from fakturaflyt.tasks_base import IdempotentTask, ScheduledTask


@shared_task(name="distribution.perform_dispatch", base=IdempotentTask)
def perform_dispatch(dispatch_id: int) -> str | None:
    from fakturaflyt.distribution.services import perform

    dispatch = perform(dispatch_id)
    return dispatch.status if dispatch is not None else None


@shared_task(name="distribution.retry_due", base=ScheduledTask)
def retry_due() -> int:
    from fakturaflyt.distribution import services

    return services.retry_due()


@shared_task(name="distribution.read_peppol_receipts", base=ScheduledTask)
def read_peppol_receipts() -> int:
    from fakturaflyt.distribution import services

    return services.read_peppol_receipts()
