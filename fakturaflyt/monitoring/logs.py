"""Log records with the request id, in JSON (production) or plain text (a laptop).

``LOG_FORMAT=json`` writes one JSON object per line (python-json-logger) with the fields
``timestamp``, ``level``, ``logger``, ``message``, ``request_id`` and whatever a caller passed
in ``extra`` (the access line adds method, path, route, status, duration_ms, user_id,
company_id). ``LOG_FORMAT=text`` writes the same as readable lines.
"""

from __future__ import annotations

import logging

from fakturaflyt.monitoring.context import request_id_var


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` (``-`` outside a request or task) to every record that passes a handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = request_id_var.get() or "-"
        return True


def logging_config(fmt: str, level: str, access_log: bool = True) -> dict:
    """The ``LOGGING`` dict: one stderr handler with the request-id filter, JSON or text.

    The access logger ``fakturaflyt.access`` logs at INFO even when the root level is WARNING,
    so one line per request is written unless ``ACCESS_LOG=0``.
    """
    json_format = fmt.strip().lower() == "json"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "fakturaflyt.monitoring.logs.RequestIdFilter"}},
        "formatters": {
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": "%(levelname)s %(name)s %(message)s %(request_id)s",
                "rename_fields": {"levelname": "level", "name": "logger"},
                "timestamp": True,  # ISO 8601, UTC
                "json_ensure_ascii": False,
            },
            "text": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "json" if json_format else "text",
                "filters": ["request_id"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "fakturaflyt.access": {"level": "INFO" if access_log else "WARNING"},
            # Celery's own worker and task messages at INFO, through the same handler.
            "celery": {"level": "INFO"},
        },
    }
