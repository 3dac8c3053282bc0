"""Fault tests: run an operation in a subprocess against this test's database, kill it at a crash point.

The subprocess is the product as it runs in production (``django.setup()``, the real services,
Celery eager as without a broker), pointed at the test database (a file for SQLite, the test
database's name for PostgreSQL) and this test's stored files. Tests that use it need
``@pytest.mark.django_db(transaction=True)``: the rows must be committed for another process to
see them. ``FAKTURAFLYT_CRASH_AT`` arms :mod:`fakturaflyt.faultpoints` in the subprocess only.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

PROLOGUE = """
import django
django.setup()
from fakturaflyt.companies.models import Company
company = Company.objects.get(orgnr={orgnr!r})
"""


def database_url() -> str:
    from django.db import connection

    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@dataclass
class Sub:
    """Runs Python in a subprocess that shares this test's database, stored files and folders."""

    env: dict[str, str]
    var: Path

    def run(
        self, code: str, *, orgnr: str = "924753811", crash: str = "", timeout: float = 120
    ) -> subprocess.CompletedProcess:
        env = dict(self.env)
        if crash:
            env["FAKTURAFLYT_CRASH_AT"] = crash
        script = PROLOGUE.format(orgnr=orgnr) + textwrap.dedent(code)
        return subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=timeout)

    def cli(self, *args: str, crash: str = "", timeout: float = 120) -> subprocess.CompletedProcess:
        env = dict(self.env)
        if crash:
            env["FAKTURAFLYT_CRASH_AT"] = crash
        return subprocess.run(
            [sys.executable, "-m", "fakturaflyt", *args], env=env, capture_output=True, text=True, timeout=timeout
        )

    def mails(self) -> list[Path]:
        """Messages the subprocesses sent (the file e-mail backend of a process without EMAIL_HOST)."""
        folder = self.var / "mail"
        return sorted(folder.iterdir()) if folder.is_dir() else []


@pytest.fixture
def sub(settings, tmp_path: Path) -> Sub:
    """Settings of this test shared with its subprocesses: media, intake folders, mail folder, the database."""
    if database_url().startswith("sqlite") and "memory" in database_url():
        pytest.skip("an in-memory SQLite test database (--reuse-db) cannot be shared with a subprocess")
    var = tmp_path / "var"
    var.mkdir()
    settings.MEDIA_ROOT = var / "media"
    settings.FAKTURAFLYT_INTAKE_DIR = var / "intake"
    settings.FAKTURAFLYT_INTAKE_SETTLE_SECONDS = 0
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("CELERY_", "FAKTURAFLYT_CRASH", "EMAIL_", "PYTEST_")) and k != "DATABASE_URL"
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "fakturaflyt.settings",
            "DATABASE_URL": database_url(),
            "FAKTURAFLYT_VAR": str(var),
            "MEDIA_ROOT": str(var / "media"),
            "FAKTURAFLYT_INTAKE_DIR": str(var / "intake"),
            "FAKTURAFLYT_INTAKE_SETTLE_SECONDS": "0",
            "FAKTURAFLYT_PEPPOL_OUTBOX": str(var / "peppol"),
            "LOG_LEVEL": "ERROR",
        }
    )
    return Sub(env, var)


def killed(out: subprocess.CompletedProcess) -> bool:
    """The subprocess died at the crash point (exit 137, as after SIGKILL), not of an error of its own."""
    from fakturaflyt.faultpoints import EXIT_CODE

    return out.returncode == EXIT_CODE


def vouchers(company) -> dict[str, tuple[int, list[int], str]]:
    """Per series: (how many vouchers, their numbers, the sum of their debits): doubled or lost postings show here."""
    from decimal import Decimal

    from django.db.models import Sum

    from fakturaflyt.ledger.models import Voucher

    found: dict[str, tuple[int, list[int], str]] = {}
    for code in sorted(set(Voucher.objects.filter(company=company).values_list("series__code", flat=True))):
        rows = Voucher.objects.filter(company=company, series__code=code)
        numbers = sorted(rows.values_list("number", flat=True))
        total = rows.aggregate(s=Sum("postings__debit"))["s"] or Decimal("0")
        found[code] = (len(numbers), numbers, str(total))
    return found


def sent_mails(sub: Sub) -> list[str]:
    """Subjects of the e-mails the subprocesses wrote (one file per connection, possibly several messages)."""
    subjects = []
    for path in sub.mails():
        subjects += [line[9:] for line in path.read_text(errors="replace").splitlines() if line.startswith("Subject: ")]
    return subjects
