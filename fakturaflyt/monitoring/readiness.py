"""Readiness checks: can this process serve real work now?

Each check returns None when fine, else a short reason without secrets (no URLs, no passwords):
the class of the error or what is missing. ``/readyz`` answers 503 naming the failed checks.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

#: Set once the migrations were found applied: the code cannot change without a restart.
_migrated = False


def check_database() -> str | None:
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return type(exc).__name__
    return None


def check_migrations() -> str | None:
    """Every migration of this code is applied (checked in full until it first holds, then remembered)."""
    global _migrated
    if _migrated:
        return None
    from django.db.migrations.executor import MigrationExecutor

    try:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as exc:
        return type(exc).__name__
    if pending:
        return f"{len(pending)} migrations not applied: run `fakturaflyt migrate`"
    _migrated = True
    return None


def check_media() -> str | None:
    """MEDIA_ROOT exists and takes a file (received documents are stored there before anything else)."""
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return "MEDIA_ROOT does not exist"
    try:
        with tempfile.NamedTemporaryFile(dir=root, prefix=".readyz-", delete=True) as f:
            f.write(b"ok")
            f.flush()
    except OSError as exc:
        return f"MEDIA_ROOT not writable ({exc.strerror or type(exc).__name__})"
    return None


def check_broker() -> str | None:
    """The Celery broker answers (only when one is configured; eager mode needs none)."""
    url = getattr(settings, "CELERY_BROKER_URL", "")
    if not url:
        return None
    try:
        if url.startswith(("redis://", "rediss://", "unix://")):
            import redis

            client = redis.Redis.from_url(url, socket_timeout=1.0, socket_connect_timeout=1.0)
            try:
                client.ping()
            finally:
                client.close()
        else:
            from kombu import Connection

            with Connection(url, connect_timeout=1.0) as conn:
                conn.ensure_connection(max_retries=1)
    except Exception as exc:
        return type(exc).__name__
    return None


CHECKS: dict[str, Callable[[], str | None]] = {
    "database": check_database,
    "migrations": check_migrations,
    "media": check_media,
    "broker": check_broker,
}


def run_checks() -> dict[str, str]:
    """``{check: "ok" | reason}``; migrations are only checked when the database answers."""
    results: dict[str, str] = {}
    for name, check in CHECKS.items():
        if name == "migrations" and results.get("database") != "ok":
            results[name] = "skipped: no database"
            continue
        results[name] = check() or "ok"
    return results


def _reset_for_tests() -> None:
    global _migrated
    _migrated = False
