"""A real Celery worker over Redis, killed with SIGKILL in the middle of reading a supplier invoice.

The deployment path of issue 11, point 3: an upload is stored and queued on Redis (DB 12), a
``celery worker`` process takes the task and, at the crash point ``payables.process.read``
(lease taken, reading not yet stored), hangs (``FAKTURAFLYT_CRASH_MODE=hang`` writes the point's
name to ``FAKTURAFLYT_CRASH_FLAG``) until the test kills its whole process group with ``SIGKILL``,
as the OOM killer or ``kill -9`` would. The document must still be ``received`` with its bytes.
A new worker then runs the sweeper ``payables.process_pending`` (once the 15-minute lease has run
out, here moved back in the database) and the document is processed exactly once.
Skipped when Redis does not answer on 127.0.0.1:6379.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest

# ~12-20 s (two worker start-ups): deselect with -m "not slow"; it still runs in the default suite.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

REDIS = "redis://127.0.0.1:6379/12"


def _redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture
def redis_db():
    if not _redis_answers():
        pytest.skip("Redis does not answer on 127.0.0.1:6379")
    import redis

    client = redis.Redis.from_url(REDIS)
    client.flushdb()  # no task left over from an earlier run
    yield client
    client.flushdb()
    client.close()


def _start_worker(env: dict[str, str], name: str, log: Path) -> subprocess.Popen:
    """``celery worker`` in its own process group (so a SIGKILL reaches all of it), output to ``log``."""
    command = [
        str(Path(sys.executable).parent / "celery"),
        "-A",
        "fakturaflyt.celery",
        "worker",
        "--pool",
        "solo",
        "--loglevel",
        "WARNING",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "-n",
        f"{name}@%h",
    ]
    out = log.open("ab")
    return subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def _stop(worker: subprocess.Popen, sig: int = signal.SIGKILL) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, sig)
        worker.wait(timeout=20)


def _wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


def test_a_worker_killed_while_reading_loses_nothing_and_the_next_one_processes_once(
    sub, make_company, corpus, redis_db, tmp_path
) -> None:
    from fakturaflyt.ledger.models import AuditEvent
    from fakturaflyt.payables import processing, storage
    from fakturaflyt.payables.models import DocumentState, StoredFile, SupplierDocument
    from tests.payables.factories import norwegian_ehf

    make_company()  # the sub-processes find it by its org.nr
    data = norwegian_ehf(corpus)
    upload = tmp_path / "faktura.xml"
    upload.write_bytes(data)
    flag, log = tmp_path / "crashed-at", tmp_path / "worker.log"
    env = {**sub.env, "CELERY_BROKER_URL": REDIS, "CELERY_RESULT_BACKEND": REDIS}
    hanging = {
        **env,
        "FAKTURAFLYT_CRASH_AT": "payables.process.read",
        "FAKTURAFLYT_CRASH_MODE": "hang",
        "FAKTURAFLYT_CRASH_FLAG": str(flag),
    }

    # given: a worker, and an upload stored and queued on Redis (the web process's part)
    worker = _start_worker(hanging, "first", log)
    try:
        sub.env.update(env)
        out = sub.run(
            f"""
            from fakturaflyt.payables import intake
            doc = intake.receive(company, open({str(upload)!r}, "rb").read(), channel="upload", filename="f.xml")
            print(doc.pk, doc.state)
            """
        )
        assert out.returncode == 0, out.stderr
        # when: the worker is in the middle of reading it, it is killed with SIGKILL
        _wait_for(flag.exists, 25, f"the worker to reach the crash point ({log.read_text(errors='replace')[-2000:]})")
        assert flag.read_text() == "payables.process.read"
    finally:
        _stop(worker)
    assert worker.returncode == -signal.SIGKILL

    # then: the document is still there, received, with its bytes and its lease taken
    [doc] = SupplierDocument.objects.select_related("file").all()
    assert doc.state == DocumentState.RECEIVED and doc.attempts == 1 and doc.processing_since is not None
    assert storage.read(doc.file) == data

    # when: the lease has run out and a new worker runs the sweeper (beat would, every few minutes)
    past = doc.updated_at - processing.LEASE - timedelta(minutes=1)
    SupplierDocument.objects.filter(pk=doc.pk).update(updated_at=past, processing_since=past)
    worker = _start_worker(env, "second", log)
    try:
        out = sub.run(
            """
            import json
            from fakturaflyt.payables.tasks import process_pending
            print(json.dumps(process_pending.delay().get(timeout=30)))
            """
        )
        assert out.returncode == 0, out.stderr + log.read_text(errors="replace")[-2000:]
        assert out.stdout.strip() == f"[{doc.pk}]"

        def done() -> bool:
            return SupplierDocument.objects.get(pk=doc.pk).state != DocumentState.RECEIVED

        _wait_for(done, 30, "the second worker to process the document")
    finally:
        _stop(worker, signal.SIGTERM)

    # then: processed exactly once: one document, one stored file, one check, one reading
    [doc] = SupplierDocument.objects.all()
    assert doc.state == DocumentState.READY_FOR_CODING and doc.attempts == 2
    assert StoredFile.objects.filter(sha256=storage.digest(data)).count() == 1
    assert AuditEvent.objects.filter(action="document.received").count() == 1
    assert AuditEvent.objects.filter(action="document.checked").count() == 1
