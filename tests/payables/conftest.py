"""Fixtures of the intake tests: a private MEDIA_ROOT, and receiving with the queued processing run at once.

``intake.receive`` queues processing with ``transaction.on_commit``; a test inside pytest-django's
transaction never commits, so :func:`receive_now` captures the callbacks and runs them, as a
commit would (eager Celery, no broker, exactly as in production without one).
"""

from __future__ import annotations

from pathlib import Path

import pytest

EHF_DIR = "ehf/examples"


@pytest.fixture(autouse=True)
def _media(intake_dirs: Path) -> Path:
    return intake_dirs


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """A context manager that runs what was queued on commit when it ends."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


@pytest.fixture
def ehf_examples(corpus: Path) -> list[Path]:
    return sorted(p for p in (corpus / EHF_DIR).iterdir() if p.suffix.lower() == ".xml")


@pytest.fixture
def ehf_bytes(corpus: Path):
    def read(name: str) -> bytes:
        return (corpus / EHF_DIR / name).read_bytes()

    return read
