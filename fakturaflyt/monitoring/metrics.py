"""Prometheus metrics: what each process counts, and what is read from Redis and the database at scrape time.

Counted in the process that does the work (prometheus-client):

* ``fakturaflyt_http_request_duration_seconds{route,method,status}``: latency of web requests by
  URL name (``payables:inbox``, not the raw path, so ids do not explode the series) and status
  class (``2xx`` ...).
* ``fakturaflyt_celery_tasks_total{task,state}`` (``SUCCESS``, ``FAILURE``, ``RETRY``, ...) and
  ``fakturaflyt_celery_task_duration_seconds{task}``.

gunicorn runs several worker processes and Celery forks its pool: with
``PROMETHEUS_MULTIPROC_DIR`` set (before the process starts) every process writes its values to
files there and a scrape adds them up (prometheus-client's multiprocess mode). Without it, each
process answers with its own values only, which is right for one process (tests, a laptop).

Read at scrape time (nothing kept in memory, so every web machine answers the same):

* ``fakturaflyt_celery_queue_length{queue}``: ``LLEN`` of each Celery queue in Redis.
* ``fakturaflyt_intake_received_total{channel}``, ``fakturaflyt_intake_documents{state}``,
  ``fakturaflyt_intake_oldest_waiting_seconds`` and ``fakturaflyt_intake_latency_seconds``
  (received → processed, documents processed in the last hour): from the payables tables in
  four aggregate queries.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Iterator
from datetime import timedelta

from prometheus_client import CollectorRegistry, Counter, Histogram, disable_created_metrics, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeHistogramMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import REGISTRY, Collector

log = logging.getLogger(__name__)
# No ``*_created`` series: they double the scrape and Prometheus does not need them.
disable_created_metrics()

REQUEST_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
TASK_BUCKETS = (0.05, 0.1, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 900.0)
#: Received → processed (read, checked, in the inbox): seconds for EHF, a minute or more for an OCR'd scan.
INTAKE_BUCKETS = (1.0, 5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0, 4 * 3600.0)
#: The intake latency histogram covers the documents processed in this window before the scrape.
INTAKE_WINDOW = timedelta(hours=1)

REQUEST_LATENCY = Histogram(
    "fakturaflyt_http_request_duration_seconds",
    "Time to answer a web request, by URL name and status class.",
    ["route", "method", "status"],
    buckets=REQUEST_BUCKETS,
)
TASKS = Counter(
    "fakturaflyt_celery_tasks",
    "Background tasks finished, by task name and end state (SUCCESS, FAILURE, RETRY, ...).",
    ["task", "state"],
)
TASK_DURATION = Histogram(
    "fakturaflyt_celery_task_duration_seconds",
    "Run time of background tasks, by task name.",
    ["task"],
    buckets=TASK_BUCKETS,
)


def multiprocess_dir() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


def process_registry() -> CollectorRegistry:
    """The values counted by the processes: all of them in multiprocess mode, else this one's."""
    if directory := multiprocess_dir():
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry, path=directory)
        return registry
    return REGISTRY


def queue_names() -> list[str]:
    """The Celery queues: the default one, the configured ones and the routes' destinations."""
    from django.conf import settings

    names = {getattr(settings, "CELERY_TASK_DEFAULT_QUEUE", "celery") or "celery"}
    for q in getattr(settings, "CELERY_TASK_QUEUES", None) or []:
        names.add(getattr(q, "name", None) or str(q))
    routes = getattr(settings, "CELERY_TASK_ROUTES", None)
    if isinstance(routes, dict):
        for route in routes.values():
            if isinstance(route, dict) and route.get("queue"):
                names.add(str(route["queue"]))
    extra = os.environ.get("FAKTURAFLYT_METRICS_QUEUES", "")
    names.update(q.strip() for q in extra.split(",") if q.strip())
    return sorted(names)


class QueueCollector(Collector):
    """``LLEN`` of each Celery queue in the Redis broker (one pipelined round trip), when there is one."""

    def collect(self) -> Iterator[Metric]:
        from django.conf import settings

        url = getattr(settings, "CELERY_BROKER_URL", "")
        if not url.startswith(("redis://", "rediss://", "unix://")):
            return
        import redis

        up = GaugeMetricFamily("fakturaflyt_celery_broker_up", "1 when the Redis broker answered the scrape.")
        lengths = GaugeMetricFamily(
            "fakturaflyt_celery_queue_length", "Tasks waiting in each Celery queue (Redis LLEN).", labels=["queue"]
        )
        names = queue_names()
        try:
            client = redis.Redis.from_url(url, socket_timeout=1.0, socket_connect_timeout=1.0)
            try:
                pipe = client.pipeline(transaction=False)
                for name in names:
                    pipe.llen(name)
                values = pipe.execute()
            finally:
                client.close()
        except redis.RedisError as exc:
            log.warning("metrics: Redis broker unreachable (%s)", type(exc).__name__)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        for name, value in zip(names, values, strict=True):
            lengths.add_metric([name], int(value))
        yield up
        yield lengths


class IntakeCollector(Collector):
    """Supplier-invoice intake from the database: received per channel, documents per state, waiting, latency."""

    def collect(self) -> Iterator[Metric]:
        try:
            yield from self._collect()
        except Exception as exc:  # a scrape must answer even when the database does not
            log.warning("metrics: intake figures unavailable (%s)", type(exc).__name__)
            up = GaugeMetricFamily("fakturaflyt_intake_metrics_up", "1 when the intake figures could be read.")
            up.add_metric([], 0)
            yield up

    def _collect(self) -> Iterator[Metric]:
        from django.db.models import Count, DurationField, ExpressionWrapper, F, Min, Q, Sum
        from django.utils import timezone

        from fakturaflyt.payables.models import DocumentState, Receipt, SupplierDocument

        now = timezone.now()
        received = CounterMetricFamily(
            "fakturaflyt_intake_received", "Files received into the intake, by channel (all time).", labels=["channel"]
        )
        for row in Receipt.objects.order_by().values("channel").annotate(n=Count("id")):
            received.add_metric([row["channel"]], row["n"])
        yield received

        states = GaugeMetricFamily(
            "fakturaflyt_intake_documents",
            "Supplier documents by state (received and interpreted are waiting; quarantined need a person).",
            labels=["state"],
        )
        counts = {
            row["state"]: row["n"]
            for row in SupplierDocument.objects.order_by().values("state").annotate(n=Count("id"))
        }
        for state in DocumentState.values:
            states.add_metric([state], counts.get(state, 0))
        yield states

        waiting = SupplierDocument.objects.filter(
            state__in=[DocumentState.RECEIVED, DocumentState.INTERPRETED]
        ).aggregate(oldest=Min("receipt__received_at"))
        oldest = GaugeMetricFamily(
            "fakturaflyt_intake_oldest_waiting_seconds",
            "Age of the oldest document still waiting to be read (0 when none waits).",
        )
        oldest.add_metric([], (now - waiting["oldest"]).total_seconds() if waiting["oldest"] else 0.0)
        yield oldest

        latency = ExpressionWrapper(F("processed_at") - F("receipt__received_at"), output_field=DurationField())
        recent = SupplierDocument.objects.filter(processed_at__gte=now - INTAKE_WINDOW).annotate(latency=latency)
        aggregates = {
            f"le{i}": Count("id", filter=Q(latency__lte=timedelta(seconds=b))) for i, b in enumerate(INTAKE_BUCKETS)
        }
        row = recent.aggregate(n=Count("id"), total=Sum("latency"), **aggregates)
        buckets = [(_bucket_label(b), row[f"le{i}"]) for i, b in enumerate(INTAKE_BUCKETS)]
        buckets.append(("+Inf", row["n"]))
        total = row["total"]
        yield GaugeHistogramMetricFamily(
            "fakturaflyt_intake_latency_seconds",
            "Received to processed, for the documents processed in the last hour.",
            buckets=buckets,
            gsum_value=total.total_seconds() if total else 0.0,
        )


def _bucket_label(value: float) -> str:
    return f"{value:g}" if value != int(value) else f"{value:.1f}"


class _Scrape(Collector):
    def __init__(self, collectors: Iterable[Collector]) -> None:
        self.collectors = list(collectors)

    def collect(self) -> Iterator[Metric]:
        for c in self.collectors:
            yield from c.collect()


def render() -> bytes:
    """The whole scrape in Prometheus text format: the processes' values, the queues, the intake."""
    scrape = CollectorRegistry(auto_describe=False)
    scrape.register(_Scrape([QueueCollector(), IntakeCollector()]))
    return generate_latest(process_registry()) + generate_latest(scrape)
