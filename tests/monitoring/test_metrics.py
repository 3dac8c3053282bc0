"""/metrics: protected, request latency by route name, task counts, queue lengths, intake from the database."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

TOKEN = "test-metrics-token"


@pytest.fixture
def token(settings):
    settings.FAKTURAFLYT_METRICS_TOKEN = TOKEN
    return {"HTTP_AUTHORIZATION": f"Bearer {TOKEN}"}


@pytest.mark.django_db
def test_bearer_token_required_when_set(client, token):
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    response = client.get("/metrics", **token)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")


def test_closed_in_production_without_token(client, settings):
    settings.FAKTURAFLYT_METRICS_TOKEN = ""
    settings.FAKTURAFLYT_PRODUCTION = True
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 403


@pytest.mark.django_db
def test_open_to_loopback_only_outside_production(client, settings):
    settings.FAKTURAFLYT_METRICS_TOKEN = ""
    settings.FAKTURAFLYT_PRODUCTION = False
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 403
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 200


@pytest.mark.django_db
def test_request_latency_by_route_name_not_raw_path(client, token):
    client.get("/login/")
    client.get("/no-such-page/12345/")
    text = client.get("/metrics", **token).content.decode()
    assert 'fakturaflyt_http_request_duration_seconds_count{method="GET",route="login",status="2xx"}' in text
    assert 'route="unmatched",status="4xx"' in text
    assert "12345" not in text


@pytest.mark.django_db
def test_made_up_methods_share_one_label(client, token):
    client.generic("FROBNICATE", "/login/")
    text = client.get("/metrics", **token).content.decode()
    assert 'method="other"' in text and "FROBNICATE" not in text


@pytest.mark.django_db
def test_eager_task_counted_and_keeps_the_request_id():
    from celery import shared_task

    from fakturaflyt.monitoring.context import request_id_var
    from fakturaflyt.monitoring.metrics import TASKS

    seen = []

    @shared_task(name="tests.monitoring.probe")
    def probe(fail: bool = False):
        seen.append(request_id_var.get())
        if fail:
            raise ValueError("boom")

    before_ok = TASKS.labels("tests.monitoring.probe", "SUCCESS")._value.get()
    token = request_id_var.set("req-in-web")
    try:
        probe.delay()
        with pytest.raises(ValueError):
            probe.delay(fail=True)
    finally:
        request_id_var.reset(token)
    assert seen == ["req-in-web", "req-in-web"]
    assert TASKS.labels("tests.monitoring.probe", "SUCCESS")._value.get() == before_ok + 1
    # an eager task that raises sends no task_postrun: the error reaches the request (a 5xx there)
    assert request_id_var.get() is None


def test_request_id_travels_in_the_task_headers():
    from types import SimpleNamespace

    from fakturaflyt.monitoring import tasks_signals
    from fakturaflyt.monitoring.context import request_id_var
    from fakturaflyt.monitoring.metrics import TASK_DURATION, TASKS

    headers: dict = {}
    token = request_id_var.set("req-7")
    try:
        tasks_signals.add_request_id(headers=headers)
    finally:
        request_id_var.reset(token)
    assert headers == {"fakturaflyt_request_id": "req-7"}

    # in the worker: the header becomes the context's id while the task runs, then it is gone
    task = SimpleNamespace(name="x", request=SimpleNamespace(is_eager=False, fakturaflyt_request_id="req-7"))
    before = TASKS.labels("x", "FAILURE")._value.get()
    tasks_signals.task_started(task_id="t1", task=task)
    assert request_id_var.get() == "req-7"
    tasks_signals.task_finished(task_id="t1", task=task, state="FAILURE")
    assert request_id_var.get() is None
    assert TASKS.labels("x", "FAILURE")._value.get() == before + 1
    assert TASK_DURATION.labels("x")._sum.get() > 0

    # a scheduled task (no header) gets its own id
    task.request = SimpleNamespace(is_eager=False)
    tasks_signals.task_started(task_id="t2", task=task)
    assert len(request_id_var.get()) == 32
    tasks_signals.task_finished(task_id="t2", task=task, state="SUCCESS")


@pytest.mark.django_db
def test_queue_lengths_from_redis(client, token, settings):
    import redis

    url = "redis://127.0.0.1:6379/13"
    r = redis.Redis.from_url(url, socket_timeout=0.5)
    try:
        r.delete("celery")
    except redis.RedisError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    r.rpush("celery", "a", "b", "c")
    settings.CELERY_BROKER_URL = url
    try:
        text = client.get("/metrics", **token).content.decode()
    finally:
        r.delete("celery")
    assert 'fakturaflyt_celery_queue_length{queue="celery"} 3.0' in text
    assert "fakturaflyt_celery_broker_up 1.0" in text


@pytest.mark.django_db
def test_queue_metrics_say_when_redis_is_down(client, token, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get("/metrics", **token)
    assert response.status_code == 200
    assert "fakturaflyt_celery_broker_up 0.0" in response.content.decode()


def _document(company, sha: str, channel: str, state: str, received_ago: timedelta, processed_ago: timedelta | None):
    from fakturaflyt.payables.models import Receipt, StoredFile, SupplierDocument

    now = timezone.now()
    f = StoredFile.objects.create(sha256=sha * 64, size=1, content_type="application/pdf", path="x")
    receipt = Receipt.objects.create(company=company, file=f, channel=channel, received_at=now - received_ago)
    return SupplierDocument.objects.create(
        company=company,
        receipt=receipt,
        file=f,
        state=state,
        processed_at=now - processed_ago if processed_ago is not None else None,
    )


@pytest.mark.django_db
def test_intake_counts_and_latency_from_the_database(client, token, company, django_assert_max_num_queries):
    # given: two e-mails read in 10 s and 100 s, one upload quarantined, one upload waiting 5 minutes
    _document(
        company, "a", "email", "needs_review", timedelta(minutes=10), timedelta(minutes=10) - timedelta(seconds=10)
    )
    _document(
        company, "b", "email", "ready_for_coding", timedelta(minutes=5), timedelta(minutes=5) - timedelta(seconds=100)
    )
    _document(company, "c", "upload", "quarantined", timedelta(days=1), timedelta(days=1))
    _document(company, "d", "upload", "received", timedelta(minutes=5), None)
    # when
    from fakturaflyt.monitoring.metrics import IntakeCollector

    with django_assert_max_num_queries(4):
        list(IntakeCollector().collect())
    text = client.get("/metrics", **token).content.decode()
    # then
    assert 'fakturaflyt_intake_received_total{channel="email"} 2.0' in text
    assert 'fakturaflyt_intake_received_total{channel="upload"} 2.0' in text
    assert 'fakturaflyt_intake_documents{state="quarantined"} 1.0' in text
    assert 'fakturaflyt_intake_documents{state="received"} 1.0' in text
    oldest = next(line for line in text.splitlines() if line.startswith("fakturaflyt_intake_oldest_waiting_seconds "))
    assert 295 < float(oldest.split()[1]) < 400
    # the day-old quarantined one is outside the hour window
    assert 'fakturaflyt_intake_latency_seconds_bucket{le="15.0"} 1.0' in text
    assert 'fakturaflyt_intake_latency_seconds_bucket{le="120.0"} 2.0' in text
    assert 'fakturaflyt_intake_latency_seconds_bucket{le="+Inf"} 2.0' in text
    assert "fakturaflyt_intake_latency_seconds_gsum 110.0" in text


def test_worker_metrics_server_needs_the_token(settings):
    import urllib.error
    import urllib.request

    from fakturaflyt.monitoring.tasks_signals import start_worker_metrics_server

    settings.FAKTURAFLYT_METRICS_TOKEN = TOKEN
    server = start_worker_metrics_server(0)
    try:
        url = f"http://127.0.0.1:{server.server_port}/metrics"
        with pytest.raises(urllib.error.HTTPError) as denied:
            urllib.request.urlopen(url, timeout=5)
        assert denied.value.code == 401
        request = urllib.request.Request(url, headers={"Authorization": f"Bearer {TOKEN}"})
        with urllib.request.urlopen(request, timeout=5) as response:
            assert b"fakturaflyt_celery_tasks_total" in response.read()
    finally:
        server.shutdown()
        server.server_close()
