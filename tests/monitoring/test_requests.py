"""Request ids, the access line and JSON log records."""

from __future__ import annotations

import io
import json
import logging

import pytest

from fakturaflyt.monitoring.context import request_id_var, sane_request_id
from fakturaflyt.monitoring.logs import RequestIdFilter, logging_config


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("3f2b8c1e-0d4a-4c7e-9a51-6f0e2b7d9c10", True),
        ("a" * 32, True),
        ("", False),
        ("x" * 129, False),
        ("abc\ndef", False),
        ('abc" injected', False),
        ("-starts-with-dash", False),
    ],
)
def test_sane_request_id(given, kept):
    assert (sane_request_id(given) == given) is kept


def test_incoming_id_is_echoed_and_a_bad_one_replaced(client):
    good = client.get("/healthz", HTTP_X_REQUEST_ID="proxy-123")
    assert good["X-Request-ID"] == "proxy-123"
    bad = client.get("/healthz", HTTP_X_REQUEST_ID="evil\r\nline")
    assert bad["X-Request-ID"] != "evil\r\nline"
    assert len(bad["X-Request-ID"]) == 32


@pytest.mark.django_db
def test_one_access_line_without_query_string_or_personal_data(client, caplog):
    with caplog.at_level(logging.INFO, logger="fakturaflyt.access"):
        response = client.get("/login/?next=/secret&token=abc123", HTTP_X_REQUEST_ID="req-1")
    lines = [r for r in caplog.records if r.name == "fakturaflyt.access"]
    assert len(lines) == 1
    record = lines[0]
    assert record.method == "GET"
    assert record.path == "/login/"
    assert record.status == response.status_code
    assert record.request_id == "req-1"
    assert record.route == "login"
    assert record.user_id is None and record.company_id is None
    assert isinstance(record.duration_ms, float)
    assert "abc123" not in record.getMessage()


@pytest.mark.django_db
def test_access_line_names_user_and_company(client, world, caplog):
    client.force_login(world.users["accountant"])
    with caplog.at_level(logging.INFO, logger="fakturaflyt.access"):
        client.get("/")
    record = next(r for r in caplog.records if r.name == "fakturaflyt.access")
    assert record.user_id == world.users["accountant"].pk
    assert record.company_id == world.a.pk


def test_successful_probe_is_not_logged_a_failed_one_is(client, caplog, monkeypatch):
    from fakturaflyt.monitoring import readiness

    monkeypatch.setitem(readiness.CHECKS, "database", lambda: "OperationalError")
    with caplog.at_level(logging.INFO, logger="fakturaflyt.access"):
        client.get("/healthz")
        client.get("/readyz")
    paths = [r.path for r in caplog.records if r.name == "fakturaflyt.access"]
    assert paths == ["/readyz"]


def test_json_record_carries_the_request_id():
    from pythonjsonlogger.json import JsonFormatter

    config = logging_config("json", "INFO")

    spec = config["formatters"]["json"]
    fmt = JsonFormatter(spec["fmt"], rename_fields=spec["rename_fields"], timestamp=spec["timestamp"])
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(fmt)
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("tests.monitoring.json")
    logger.addHandler(handler)
    logger.propagate = False
    token = request_id_var.set("rid-42")
    try:
        logger.warning("document %s quarantined", 7, extra={"company_id": 3})
    finally:
        request_id_var.reset(token)
        logger.removeHandler(handler)
    line = json.loads(stream.getvalue())
    assert line["request_id"] == "rid-42"
    assert line["level"] == "WARNING"
    assert line["logger"] == "tests.monitoring.json"
    assert line["message"] == "document 7 quarantined"
    assert line["company_id"] == 3
    assert "timestamp" in line


def test_outside_a_request_the_id_is_a_dash():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "m", (), None)
    RequestIdFilter().filter(record)
    assert record.request_id == "-"


def test_logging_config_is_valid_for_dictconfig():
    import logging.config

    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    try:
        logging.config.dictConfig(logging_config("json", "WARNING"))
        logging.config.dictConfig(logging_config("text", "WARNING"))
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])
