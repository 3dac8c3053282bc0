"""Tasks run in-process without a broker, and on a real Celery worker over Redis with one."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from fakturaflyt.celery import app
from fakturaflyt.ledger.maintenance import guard_open
from fakturaflyt.ledger.tasks import verify_audit_chains


def _redis_answers() -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", 6379)) == 0


def test_without_a_broker_tasks_run_in_process(company) -> None:
    from django.conf import settings

    assert not settings.CELERY_BROKER_URL and app.conf.task_always_eager
    assert verify_audit_chains.delay().get() == {}


def test_the_task_reports_a_tampered_chain(company) -> None:
    with guard_open("test: tamper"), connection.cursor() as cur:
        cur.execute("UPDATE ledger_auditevent SET action = 'forged' WHERE company_id = %s", [company.pk])
    assert list(verify_audit_chains.delay().get()) == [company.orgnr]


def test_with_redis_a_worker_process_runs_the_task(tmp_path) -> None:
    """The deployment path: a real `celery worker` process, Redis as broker and result store, a SQLite file."""
    if not _redis_answers():
        pytest.skip("Redis does not answer on 127.0.0.1:6379")
    env = {
        **os.environ,
        "FAKTURAFLYT_VAR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/14",
        "DJANGO_SETTINGS_MODULE": "fakturaflyt.settings",
    }
    bin_dir = Path(sys.executable).parent
    # A migrated database with one company (the demo would add a minute of invoices and PDFs for nothing).
    subprocess.run([bin_dir / "fakturaflyt", "migrate"], env=env, check=True, capture_output=True, timeout=120)
    seed = (
        "import django; django.setup(); "
        "from fakturaflyt.companies.services import create_company; "
        "create_company(None, orgnr='924753811', name='Testfirma AS')"
    )
    subprocess.run([sys.executable, "-c", seed], env=env, check=True, capture_output=True, timeout=120)
    worker = subprocess.Popen(
        [bin_dir / "celery", "-A", "fakturaflyt.celery", "worker", "--pool", "solo", "--loglevel", "WARNING"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        call = (
            "import django, json; django.setup(); "
            "from fakturaflyt.ledger.tasks import verify_audit_chains; "
            "r = verify_audit_chains.delay(); print(json.dumps(r.get(timeout=60)))"
        )
        out = subprocess.run([sys.executable, "-c", call], env=env, capture_output=True, text=True, timeout=90)
        assert out.returncode == 0, out.stderr
        assert json.loads(out.stdout) == {}
    finally:
        worker.terminate()
        worker.wait(timeout=30)
