"""The intake's tasks: in-process without a broker, and on a real Celery worker over Redis with one."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from fakturaflyt.celery import app
from fakturaflyt.payables import folders, intake, tasks
from fakturaflyt.payables.models import DocumentState, SupplierDocument
from tests.payables.factories import norwegian_ehf

pytestmark = pytest.mark.django_db


def test_tasks_are_registered_under_their_names() -> None:
    app.loader.import_default_modules()
    assert {
        "payables.process_document",
        "payables.learn_layout",
        "payables.process_pending",
        "payables.scan_folders",
        "payables.poll_mail",
    } <= set(app.tasks)


def test_the_sweeper_requeues_lost_documents(company, corpus) -> None:
    doc = intake.receive(
        company, norwegian_ehf(corpus), channel="api", filename="f.xml"
    )  # its on-commit task never ran
    SupplierDocument.objects.filter(pk=doc.pk).update(updated_at=doc.updated_at - timedelta(hours=1))
    assert tasks.process_pending.delay().get() == [doc.pk]
    doc.refresh_from_db()
    assert doc.state == DocumentState.READY_FOR_CODING


def test_scheduled_folder_scan_and_mail_poll(company, corpus, settings, on_commit) -> None:
    settings.FAKTURAFLYT_MAILDIR = ""
    settings.FAKTURAFLYT_IMAP_URL = ""
    (folders.ensure_folders(company)["inbox"] / "f.xml").write_bytes(norwegian_ehf(corpus))
    with on_commit():
        (result,) = tasks.scan_folders.delay().get()
    assert result["states"] == ["received"] and result["company"] == company.orgnr
    assert SupplierDocument.objects.get().state == DocumentState.READY_FOR_CODING
    assert tasks.poll_mail.delay().get() == {"received": 0, "already": 0, "unrouted": 0, "failed": 0}


def _redis_answers() -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", 6379)) == 0


@pytest.mark.django_db(transaction=False)
def test_with_redis_a_worker_process_reads_the_document(tmp_path: Path, corpus) -> None:
    """The deployment path: the web process stores and queues, a separate `celery worker` reads and checks."""
    if not _redis_answers():
        pytest.skip("Redis does not answer on 127.0.0.1:6379")
    env = {
        **os.environ,
        "FAKTURAFLYT_VAR": str(tmp_path),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/13",
        "DJANGO_SETTINGS_MODULE": "fakturaflyt.settings",
    }
    bin_dir = Path(sys.executable).parent
    subprocess.run([bin_dir / "fakturaflyt", "migrate"], env=env, check=True, capture_output=True, timeout=120)
    (tmp_path / "f.xml").write_bytes(norwegian_ehf(corpus))
    worker = subprocess.Popen(
        [bin_dir / "celery", "-A", "fakturaflyt.celery", "worker", "--pool", "solo", "--loglevel", "WARNING"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        script = f"""
import django, json, time; django.setup()
from fakturaflyt.companies.services import create_company
from fakturaflyt.payables import intake
from fakturaflyt.payables.models import SupplierDocument
company = create_company(None, orgnr="924753811", name="Alfa AS")
doc = intake.receive(company, open({str(tmp_path / "f.xml")!r}, "rb").read(), channel="api", filename="f.xml")
first = doc.state
for _ in range(120):
    doc.refresh_from_db()
    if doc.state not in ("received", "interpreted"):
        break
    time.sleep(0.5)
print(json.dumps([first, doc.state, doc.invoice_number]))
"""
        out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)
        assert out.returncode == 0, out.stderr
        assert json.loads(out.stdout.strip().splitlines()[-1]) == ["received", "ready_for_coding", "F-1001"]
    finally:
        worker.terminate()
        worker.wait(timeout=30)
