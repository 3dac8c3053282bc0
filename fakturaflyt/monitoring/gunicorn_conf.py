"""gunicorn settings for the web process: ``gunicorn -c python:fakturaflyt.monitoring.gunicorn_conf fakturaflyt.wsgi``.

Read from the environment (command-line options win over these):

| variable | default | meaning |
|---|---|---|
| ``GUNICORN_BIND`` | ``127.0.0.1:8000`` | where to listen (the reverse proxy connects here) |
| ``GUNICORN_WORKERS`` (or ``WEB_CONCURRENCY``) | number of cores | worker processes |
| ``GUNICORN_THREADS`` | ``1`` | threads per worker (more than 1 uses the gthread worker) |
| ``GUNICORN_TIMEOUT`` | ``120`` | seconds before a silent worker is killed (an upload of 50 scans) |
| ``GUNICORN_MAX_REQUESTS`` | ``2000`` | a worker is replaced after this many requests (+ jitter): bounds slow leaks |
| ``FORWARDED_ALLOW_IPS`` | ``127.0.0.1,::1`` | proxies whose ``X-Forwarded-*`` headers gunicorn trusts |
| ``PROMETHEUS_MULTIPROC_DIR`` | a temporary directory when unset | where the workers write their metrics |

gunicorn's own access log is off: the Django middleware writes one line per request, with the
request id, in the configured log format. gunicorn's error log (start, stop, worker timeouts)
goes to stderr.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS") or os.environ.get("WEB_CONCURRENCY") or os.cpu_count() or 1)
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
keepalive = 5
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
proc_name = "fakturaflyt-web"
# Heartbeat files on a RAM disk when there is one (containers: /tmp may be an overlay on disk).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108

# Several workers count requests each: prometheus-client's multiprocess mode adds them up. The
# variable must be set before the workers import prometheus_client; the config is read by the
# master before it forks them, so a directory made here reaches every worker.
_own_dir: str | None = None
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    _own_dir = tempfile.mkdtemp(prefix="fakturaflyt-prometheus-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = _own_dir


def on_starting(server: Any) -> None:
    """Start with empty metric files: values of an earlier run (other pids) would be added in."""
    directory = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    directory.mkdir(parents=True, exist_ok=True)
    for f in directory.glob("*.db"):
        f.unlink()


def child_exit(server: Any, worker: Any) -> None:
    """A worker ended: its live gauges no longer count (counters and histograms stay summed)."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server: Any) -> None:
    if _own_dir:
        shutil.rmtree(_own_dir, ignore_errors=True)
