"""/healthz and /readyz: no login, no personal data, 503 naming the failed check."""

from __future__ import annotations

import pytest

from fakturaflyt.monitoring import readiness


@pytest.fixture(autouse=True)
def _fresh_migration_check():
    readiness._reset_for_tests()
    yield
    readiness._reset_for_tests()


def test_healthz_answers_without_database(client):
    # given no database access allowed (no django_db mark) / when
    response = client.get("/healthz")
    # then
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"


def test_probes_ignore_the_host_header_and_the_session(client, settings):
    settings.ALLOWED_HOSTS = ["faktura.example.no"]
    response = client.get("/healthz", HTTP_HOST="10.0.0.5:8000")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers


@pytest.mark.django_db
def test_readyz_all_ok(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"] == {"database": "ok", "migrations": "ok", "media": "ok", "broker": "ok"}


@pytest.mark.django_db
def test_readyz_names_pending_migrations(client, monkeypatch):
    from django.db.migrations.executor import MigrationExecutor

    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: [("x", False)] * 3)
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["migrations"]
    assert "3 migrations not applied" in body["checks"]["migrations"]


def test_readyz_database_down_skips_migrations(client, monkeypatch):
    monkeypatch.setitem(readiness.CHECKS, "database", lambda: "OperationalError")
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["database"]
    assert body["checks"]["migrations"].startswith("skipped")


@pytest.mark.django_db
def test_readyz_media_missing(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "not-mounted"
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["media"]


@pytest.mark.django_db
def test_readyz_media_read_only(client, settings, tmp_path):
    import os
    from pathlib import Path

    if os.geteuid() != 0:
        tmp_path.chmod(0o500)
        settings.MEDIA_ROOT = tmp_path
    else:  # root writes into a mode-0500 directory; sysfs refuses new files even to root
        assert Path("/sys/kernel").is_dir(), "a directory that refuses root's writes is needed here"
        settings.MEDIA_ROOT = "/sys/kernel"
    try:
        response = client.get("/readyz")
    finally:
        tmp_path.chmod(0o700)
    assert response.status_code == 503
    assert "not writable" in response.json()["checks"]["media"]


@pytest.mark.django_db
def test_readyz_broker_unreachable_names_no_url(client, settings):
    settings.CELERY_BROKER_URL = "redis://:secret-password@127.0.0.1:1/0"
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["broker"]
    assert b"secret-password" not in response.content


@pytest.mark.django_db
def test_readyz_broker_reachable(client, settings):
    import redis

    url = "redis://127.0.0.1:6379/12"
    try:
        redis.Redis.from_url(url, socket_timeout=0.5).ping()
    except redis.RedisError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    settings.CELERY_BROKER_URL = url
    assert client.get("/readyz").json()["checks"]["broker"] == "ok"


def test_readycheck_module_prints_json_and_exits(monkeypatch, capsys):
    from fakturaflyt.monitoring import readycheck

    monkeypatch.setattr(readiness, "run_checks", lambda: {"database": "OperationalError", "migrations": "skipped"})
    assert readycheck.main() == 1
    assert '"failed": ["database"]' in capsys.readouterr().out
