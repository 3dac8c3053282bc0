"""Production settings: refusal without secrets, secure defaults, and `check --deploy` clean with env.example."""

from __future__ import annotations

import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = ROOT / "fakturaflyt" / "settings.py"
STRONG_KEY = "k" * 20 + "Q7x!pZ2#wLm9@vB4$nR6^tY8&uI0*oP3(aS5)dF1" + "z" * 10


def env_example() -> dict[str, str]:
    values = {}
    for line in (ROOT / "deploy" / "env.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#") and "=" in line:
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


def load_settings(monkeypatch, tmp_path, **env: str) -> dict:
    """Execute settings.py afresh with exactly this environment (plus a private FAKTURAFLYT_VAR)."""
    for name in list(os.environ):
        if name.startswith(("FAKTURAFLYT_", "SECURE_", "SECRET_KEY", "LOG_", "DEBUG", "ALLOWED_HOSTS", "TRUST_")):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("FAKTURAFLYT_VAR", str(tmp_path))
    monkeypatch.setenv("STATIC_ROOT", str(tmp_path / "static"))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS))


def test_local_demo_defaults_stay_plain_http(monkeypatch, tmp_path):
    s = load_settings(monkeypatch, tmp_path)
    assert s["FAKTURAFLYT_PRODUCTION"] is False
    assert s["SESSION_COOKIE_SECURE"] is False and s["CSRF_COOKIE_SECURE"] is False
    assert s["SECURE_HSTS_SECONDS"] == 0
    assert s["SECURE_SSL_REDIRECT"] is False
    assert "SECURE_PROXY_SSL_HEADER" not in s
    assert s["LOG_FORMAT"] == "text"
    assert s["SESSION_COOKIE_HTTPONLY"] and s["CSRF_COOKIE_HTTPONLY"]


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_production_refuses_to_start_without(monkeypatch, tmp_path, missing):
    env = {"FAKTURAFLYT_ENV": "production", "SECRET_KEY": STRONG_KEY, "ALLOWED_HOSTS": "faktura.example.no"}
    del env[missing]
    with pytest.raises(ImproperlyConfigured, match=missing):
        load_settings(monkeypatch, tmp_path, **env)


def test_production_refuses_debug(monkeypatch, tmp_path):
    with pytest.raises(ImproperlyConfigured, match="DEBUG"):
        load_settings(
            monkeypatch,
            tmp_path,
            FAKTURAFLYT_ENV="production",
            SECRET_KEY=STRONG_KEY,
            ALLOWED_HOSTS="faktura.example.no",
            DEBUG="1",
        )


def test_production_defaults(monkeypatch, tmp_path):
    s = load_settings(
        monkeypatch,
        tmp_path,
        FAKTURAFLYT_ENV="production",
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS="faktura.example.no",
        SECRET_KEY_FALLBACKS="old-one, older-one",
        TRUST_X_FORWARDED_PROTO="1",
    )
    assert s["SECRET_KEY"] == STRONG_KEY
    assert s["SECRET_KEY_FALLBACKS"] == ["old-one", "older-one"]
    assert s["ALLOWED_HOSTS"] == ["faktura.example.no"]
    assert s["SESSION_COOKIE_SECURE"] and s["CSRF_COOKIE_SECURE"]
    assert s["SESSION_COOKIE_SAMESITE"] == "Lax" == s["CSRF_COOKIE_SAMESITE"]
    assert s["SECURE_HSTS_SECONDS"] == 365 * 24 * 3600
    assert s["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert s["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")
    assert s["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert s["SECURE_REFERRER_POLICY"] == "same-origin"
    assert s["LOG_FORMAT"] == "json"
    assert s["LOGGING"]["handlers"]["console"]["formatter"] == "json"


def test_check_deploy_is_clean_with_the_documented_environment(tmp_path):
    """`django-admin check --deploy` as an operator runs it, with deploy/env.example's values.

    A subprocess (about 3 s of CPU): the settings module must be imported fresh with that environment.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FAKTURAFLYT_", "SECURE_", "DJANGO_"))}
    env.update(env_example())
    env.update(
        SECRET_KEY=STRONG_KEY,
        FAKTURAFLYT_VAR=str(tmp_path),
        STATIC_ROOT=str(tmp_path / "static"),
        MEDIA_ROOT=str(tmp_path / "media"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        CELERY_BROKER_URL="",
        CELERY_RESULT_BACKEND="",
        EMAIL_HOST="",
    )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
            "--settings=fakturaflyt.settings",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
