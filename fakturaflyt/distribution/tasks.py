"""Background work of the distribution. On a Celery worker with a broker; in-process, at once, without one.

| task | when |
|---|---|
| ``distribution.perform_dispatch`` | queued by ``services.send`` when the transaction commits (broker only) |
| ``distribution.retry_due`` | every 2 minutes: temporary failures whose back-off has passed |
| ``distribution.read_peppol_receipts`` | every 2 minutes: the access point's receipts in the outbox |

Every task is idempotent: a dispatch is claimed before it is sent, so running a task twice sends once.
"""

from __future__ import annotations

from celery import shared_task


@shared_task(name="distribution.perform_dispatch", acks_late=True)
def perform_dispatch(dispatch_id: int) -> str | None:
    from fakturaflyt.distribution.services import perform

    dispatch = perform(dispatch_id)
    return dispatch.status if dispatch is not None else None


@shared_task(name="distribution.retry_due")
def retry_due() -> int:
    from fakturaflyt.distribution import services

    return services.retry_due()


@shared_task(name="distribution.read_peppol_receipts")
def read_peppol_receipts() -> int:
    from fakturaflyt.distribution import services

    return services.read_peppol_receipts()
