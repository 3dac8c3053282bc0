"""Retries with back-off for background work: one base class for every task that touches the database or broker.

A database that restarts (PostgreSQL fail-over, a SQLite file locked a moment too long) or a
broker that is away for a while must not make a task fail silently or lose its work. A task
made with ``base=RetryingTask`` (or ``IdempotentTask``) is retried on those errors, with
exponential back-off and jitter, up to :data:`MAX_RETRIES` times:

| attempt | waits (before jitter) |
|---|---|
| 1st retry | 2 s |
| 2nd | 4 s |
| ... | doubling, at most ``FAKTURAFLYT_TASK_RETRY_BACKOFF_MAX`` (default 600 s) |

With full jitter (Celery's ``retry_jitter``) each wait is a random time up to that bound, so a
hundred tasks that failed together do not all come back in the same second. Each retry is
logged as a warning; when the last retry fails too the task is logged at error level with its
arguments ("gave up"), and Celery's ``task_failure`` signal fires (the monitoring counts it).

Errors of the work itself (an invalid file, a rule broken) are not retried: the services record
them on their rows. Only :data:`TRANSIENT` errors are.

``IdempotentTask`` adds ``acks_late`` and ``reject_on_worker_lost``: the broker keeps the message
until the task has finished, and a worker killed in the middle (``SIGKILL``, OOM) puts it back
for another worker. Use it only for tasks whose second run does nothing twice (claims, leases,
unique constraints, status checks): a redelivery runs the task again from the start.

The numbers come from settings (``FAKTURAFLYT_TASK_MAX_RETRIES``,
``FAKTURAFLYT_TASK_RETRY_BACKOFF``, ``FAKTURAFLYT_TASK_RETRY_BACKOFF_MAX``), read when the
task classes are made. Without a broker (eager mode) a retry runs again at once, in-process.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import Task
from django.conf import settings
from django.db import InterfaceError
from django.db import OperationalError as DatabaseOperationalError
from kombu.exceptions import OperationalError as BrokerOperationalError

__all__ = ["MAX_RETRIES", "TRANSIENT", "IdempotentTask", "RetryingTask", "ScheduledTask", "backoff_schedule"]

logger = logging.getLogger("fakturaflyt.tasks")


def _redis_errors() -> tuple[type[BaseException], ...]:
    try:
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError
    except ImportError:  # pragma: no cover - redis ships with the Celery extra
        return ()
    return (RedisConnectionError, RedisTimeoutError)


#: Errors that say "try again later": the database or the broker is away, not the work is wrong.
TRANSIENT: tuple[type[BaseException], ...] = (
    DatabaseOperationalError,
    InterfaceError,
    BrokerOperationalError,
    ConnectionError,
    TimeoutError,
    *_redis_errors(),
)

MAX_RETRIES: int = int(getattr(settings, "FAKTURAFLYT_TASK_MAX_RETRIES", 8))
BACKOFF: int = int(getattr(settings, "FAKTURAFLYT_TASK_RETRY_BACKOFF", 2))
BACKOFF_MAX: int = int(getattr(settings, "FAKTURAFLYT_TASK_RETRY_BACKOFF_MAX", 600))


def backoff_schedule(retries: int = MAX_RETRIES, *, factor: int = BACKOFF, maximum: int = BACKOFF_MAX) -> list[int]:
    """The upper bounds of the waits, in seconds, before retry 1, 2, ... (the jitter picks a time below each).

    >>> backoff_schedule(5, factor=2, maximum=20)
    [2, 4, 8, 16, 20]
    """
    from celery.utils.time import get_exponential_backoff_interval

    return [
        get_exponential_backoff_interval(factor=factor, retries=n, maximum=maximum, full_jitter=False)
        for n in range(retries)
    ]


class RetryingTask(Task):
    """Retries :data:`TRANSIENT` errors with exponential back-off and jitter; logs retries and the final failure."""

    autoretry_for = TRANSIENT
    retry_backoff = BACKOFF
    retry_backoff_max = BACKOFF_MAX
    retry_jitter = True
    max_retries = MAX_RETRIES

    def on_retry(self, exc: BaseException, task_id: str, args: Any, kwargs: Any, einfo: Any) -> None:
        logger.warning(
            "task %s[%s] failed (%s: %s); retry %d of %d with back-off",
            self.name,
            task_id,
            type(exc).__name__,
            exc,
            self.request.retries + 1,
            self.max_retries,
        )

    def on_failure(self, exc: BaseException, task_id: str, args: Any, kwargs: Any, einfo: Any) -> None:
        transient = isinstance(exc, TRANSIENT)
        logger.error(
            "task %s[%s] gave up%s: %s: %s (args %r, kwargs %r)",
            self.name,
            task_id,
            f" after {self.request.retries} retries" if transient else "",
            type(exc).__name__,
            exc,
            args,
            kwargs,
        )


class IdempotentTask(RetryingTask):
    """A :class:`RetryingTask` whose message is acknowledged only when it has finished (redelivered when lost)."""

    acks_late = True
    reject_on_worker_lost = True


class ScheduledTask(RetryingTask):
    """A task beat starts every few minutes (sweepers, folder scans): a few quick retries, the next run does the rest.

    Long back-off would only pile retries of one run on top of the next runs during an outage.
    """

    max_retries = 3
    retry_backoff_max = 60
