"""Celery: the request id follows a task into the worker, and each task is counted and timed.

* ``before_task_publish`` (in the web process) puts the current request id into the message
  header ``fakturaflyt_request_id``.
* ``task_prerun`` (in the worker) sets the context variable from that header, or a fresh id for a
  task that no request caused (beat's scheduled runs); ``task_postrun`` restores it and counts the
  task by its end state with its run time.
* ``celeryd_init``: the worker empties its ``PROMETHEUS_MULTIPROC_DIR`` (values of an earlier run).
* ``worker_ready``: with ``FAKTURAFLYT_WORKER_METRICS_PORT`` set, the worker's main process serves
  the workers' metrics (multiprocess mode, ``PROMETHEUS_MULTIPROC_DIR``) on that port, behind
  the same bearer token as the web's ``/metrics``.

Eager mode (no broker): the task runs inside the request, which already has its id; that is kept.
"""

from __future__ import annotations

import hmac
import logging
import os
import threading
import time
from typing import Any

from celery import signals

from fakturaflyt.monitoring.context import new_request_id, request_id_var, sane_request_id
from fakturaflyt.monitoring.metrics import TASK_DURATION, TASKS

HEADER = "fakturaflyt_request_id"
log = logging.getLogger(__name__)

#: Attribute on the task's request context holding (context token, start time). The context is
#: dropped after the task, so nothing accumulates when a signal does not come (see task_finished).
_STATE = "_fakturaflyt_monitoring"


@signals.before_task_publish.connect(weak=False)
def add_request_id(headers: dict[str, Any] | None = None, **_: Any) -> None:
    rid = request_id_var.get()
    if rid and headers is not None:
        headers.setdefault(HEADER, rid)


@signals.task_prerun.connect(weak=False)
def task_started(task_id: str = "", task: Any = None, **_: Any) -> None:
    request = getattr(task, "request", None)
    token = None
    if not getattr(request, "is_eager", False) or request_id_var.get() is None:
        rid = sane_request_id(getattr(request, HEADER, None)) or new_request_id()
        token = request_id_var.set(rid)
    if request is not None:
        setattr(request, _STATE, (token, time.perf_counter()))


@signals.task_postrun.connect(weak=False)
def task_finished(task_id: str = "", task: Any = None, state: str | None = None, **_: Any) -> None:
    """Counts the task by its end state. Not sent for an eager task that raises (no broker, exceptions
    propagate): that failure reaches the web request, which is counted as a 5xx instead."""
    request = getattr(task, "request", None)
    token, started = getattr(request, _STATE, None) or (None, None)
    name = getattr(task, "name", None) or "unknown"
    try:
        TASKS.labels(name, state or "UNKNOWN").inc()
        if started is not None:
            TASK_DURATION.labels(name).observe(time.perf_counter() - started)
    finally:
        if token is not None:
            request_id_var.reset(token)


@signals.celeryd_init.connect(weak=False)
def empty_metrics_dir(**_: Any) -> None:
    """A starting worker begins with an empty multiprocess directory (its own, never the web's)."""
    from pathlib import Path

    from fakturaflyt.monitoring.metrics import multiprocess_dir

    if directory := multiprocess_dir():
        path = Path(directory)
        path.mkdir(parents=True, exist_ok=True)
        for f in path.glob("*.db"):
            f.unlink()


@signals.worker_ready.connect(weak=False)
def serve_worker_metrics(**_: Any) -> None:
    port = os.environ.get("FAKTURAFLYT_WORKER_METRICS_PORT")
    if port:
        start_worker_metrics_server(int(port), os.environ.get("FAKTURAFLYT_WORKER_METRICS_ADDR", "127.0.0.1"))


def metrics_app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    """A tiny WSGI app: the workers' counters in Prometheus text format, behind the bearer token."""
    from django.conf import settings
    from prometheus_client import generate_latest

    from fakturaflyt.monitoring.metrics import process_registry

    token = getattr(settings, "FAKTURAFLYT_METRICS_TOKEN", "")
    header = environ.get("HTTP_AUTHORIZATION", "")
    given = header[7:].strip() if header[:7].lower() == "bearer " else ""
    if token and not (given and hmac.compare_digest(given.encode(), token.encode())):
        start_response("401 Unauthorized", [("WWW-Authenticate", 'Bearer realm="metrics"')])
        return [b"metrics need the bearer token\n"]
    if not token and getattr(settings, "FAKTURAFLYT_PRODUCTION", False):
        start_response("403 Forbidden", [])
        return [b"set FAKTURAFLYT_METRICS_TOKEN\n"]
    body = generate_latest(process_registry())
    start_response("200 OK", [("Content-Type", "text/plain; version=0.0.4; charset=utf-8")])
    return [body]


def start_worker_metrics_server(port: int, addr: str = "127.0.0.1") -> Any:
    """Serve :func:`metrics_app` from a daemon thread of the worker's main process; returns the server."""
    from wsgiref.simple_server import WSGIRequestHandler, make_server

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = make_server(addr, port, metrics_app, handler_class=QuietHandler)
    threading.Thread(target=server.serve_forever, name="fakturaflyt-metrics", daemon=True).start()
    log.info("worker metrics on http://%s:%s/metrics", addr, server.server_port)
    return server
