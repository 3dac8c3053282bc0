"""Tasks retry with back-off when the database or broker is away, and say so when they give up."""

from __future__ import annotations

import logging

import pytest
from django.db import OperationalError

from fakturaflyt.celery import app
from fakturaflyt.tasks_base import TRANSIENT, IdempotentTask, RetryingTask, ScheduledTask, backoff_schedule

IDEMPOTENT = {
    "payables.process_document",
    "banking.import_bank_file",
    "billing.run_all",
    "dunning.run_all",
    "distribution.perform_dispatch",
}
SCHEDULED = {
    "payables.process_pending",
    "payables.scan_folders",
    "payables.poll_mail",
    "banking.resume_queued",
    "distribution.retry_due",
    "distribution.read_peppol_receipts",
}


def test_the_tasks_retry_transient_errors_with_backoff_and_jitter() -> None:
    app.loader.import_default_modules()
    for name in IDEMPOTENT | SCHEDULED | {"payables.learn_layout"}:
        task = app.tasks[name]
        assert isinstance(task, RetryingTask), name
        assert OperationalError in task.autoretry_for and task.retry_backoff and task.retry_jitter, name
        assert 0 < task.max_retries <= 10, name
    for name in IDEMPOTENT:
        assert isinstance(app.tasks[name], IdempotentTask) and app.tasks[name].acks_late, name
        assert app.tasks[name].reject_on_worker_lost, name
    for name in SCHEDULED:
        assert isinstance(app.tasks[name], ScheduledTask) and app.tasks[name].max_retries == 3, name


def test_the_waits_double_up_to_the_maximum() -> None:
    assert backoff_schedule(8, factor=2, maximum=600) == [2, 4, 8, 16, 32, 64, 128, 256]
    assert backoff_schedule(12, factor=2, maximum=600)[-3:] == [600, 600, 600]


def test_redis_and_broker_errors_are_transient() -> None:
    from kombu.exceptions import OperationalError as BrokerDown
    from redis.exceptions import ConnectionError as RedisDown

    assert issubclass(BrokerDown, TRANSIENT) and issubclass(RedisDown, TRANSIENT)
    assert not issubclass(ValueError, TRANSIENT)


@app.task(name="tests.faults.flaky", base=RetryingTask, bind=True, retry_jitter=False, max_retries=4)
def flaky(self, failures: int) -> int:
    """Raises OperationalError ``failures`` times (a database restarting), then succeeds."""
    if self.request.retries < failures:
        ATTEMPTS.append("failed")
        raise OperationalError("server closed the connection unexpectedly")
    ATTEMPTS.append("done")
    return self.request.retries


ATTEMPTS: list[str] = []


@pytest.fixture
def worker_retry(monkeypatch):
    """``task.retry`` as a worker does it: record the countdown and end the attempt (no eager re-run inside it)."""
    from celery.exceptions import Retry

    countdowns: list[float] = []
    original = flaky.retry

    def retry(*args, **kwargs):
        if flaky.request.retries >= flaky.max_retries:
            return original(*args, **kwargs)  # out of retries: Celery raises the error
        countdowns.append(kwargs["countdown"])
        raise Retry(exc=kwargs.get("exc"), when=kwargs["countdown"])

    monkeypatch.setattr(flaky, "retry", retry)
    return countdowns


def test_a_task_whose_database_is_away_twice_is_retried_with_growing_waits(worker_retry, caplog) -> None:
    ATTEMPTS.clear()
    with caplog.at_level(logging.WARNING, logger="fakturaflyt.tasks"):
        states = [flaky.apply(args=(2,), retries=n, throw=False).state for n in range(3)]
    assert states == ["RETRY", "RETRY", "SUCCESS"] and ATTEMPTS == ["failed", "failed", "done"]
    assert worker_retry == [2, 4]  # a worker waits up to these seconds (full jitter picks a time below)
    warnings = [r for r in caplog.records if "tests.faults.flaky" in r.getMessage()]
    assert [r.levelname for r in warnings] == ["WARNING", "WARNING"]


def test_after_the_last_retry_the_failure_is_logged_as_an_error(worker_retry, caplog) -> None:
    with caplog.at_level(logging.WARNING, logger="fakturaflyt.tasks"):
        result = flaky.apply(args=(99,), retries=flaky.max_retries, throw=False)
    assert result.state == "FAILURE" and isinstance(result.result, OperationalError)
    errors = [r for r in caplog.records if r.levelname == "ERROR" and r.name == "fakturaflyt.tasks"]
    assert len(errors) == 1 and "gave up after 4 retries" in errors[0].getMessage()


def test_publishing_retries_briefly_and_a_sweeper_resumes_bank_files() -> None:
    from django.conf import settings

    assert settings.CELERY_TASK_PUBLISH_RETRY and settings.CELERY_TASK_PUBLISH_RETRY_POLICY["max_retries"] == 3
    assert settings.CELERY_BEAT_SCHEDULE["banking-resume-queued"]["task"] == "banking.resume_queued"


@pytest.mark.django_db(transaction=True)
def test_a_dead_broker_leaves_the_upload_received_and_logged(sub, make_company, corpus) -> None:
    """The web process stores an upload and queues it on commit; with the broker down the queueing fails.

    The request must not fail (the upload is stored) and the failure must be in the log; the sweeper
    ``payables.process_pending`` queues the document later.
    """
    from fakturaflyt.payables.models import DocumentState, SupplierDocument
    from tests.payables.factories import norwegian_ehf

    make_company()
    path = sub.var / "f.xml"
    path.write_bytes(norwegian_ehf(corpus))
    sub.env["CELERY_BROKER_URL"] = "redis://127.0.0.1:1/0"
    sub.env["CELERY_RESULT_BACKEND"] = "redis://127.0.0.1:1/0"
    sub.env["LOG_LEVEL"] = "WARNING"
    out = sub.run(
        f"""
        from fakturaflyt.payables import intake
        doc = intake.receive(company, open({str(path)!r}, "rb").read(), channel="upload", filename="f.xml")
        print("stored", doc.pk, doc.state)
        """
    )
    assert out.returncode == 0, out.stderr
    assert "stored" in out.stdout and "received" in out.stdout
    assert "on_commit" in out.stderr and ("Error 111" in out.stderr or "Connection refused" in out.stderr)
    assert SupplierDocument.objects.get().state == DocumentState.RECEIVED
