"""``fakturaflyt payments``: propose (and approve) on the demo company, export a valid pain.001, import the bank's answer."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone
from lxml import etree
from typer.testing import CliRunner

from fakturaflyt.cli import app

runner = CliRunner()
pytestmark = pytest.mark.django_db


def _invoke(*args: str):
    return runner.invoke(app, list(args))


def test_propose_approve_export_on_the_demo_company(demo_company, corpus, intake_dirs, tmp_path) -> None:
    until = (timezone.localdate() + timedelta(days=30)).isoformat()
    # a proposal without --user cannot be approved in one step
    assert _invoke("payments", "propose", "--company", "924753811", "--until", until, "--approve").exit_code == 2
    result = _invoke(
        "payments",
        "propose",
        "--company",
        "924753811",
        "--until",
        until,
        "--approve",
        "--user",
        "admin@nordlys.demo",
        "--json",
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {"id", "count", "total", "payments", "held"} <= set(data)
    assert data["count"] == 4 and data["status"] == "approved"
    assert isinstance(data["total"], str)
    p = data["payments"][0]
    assert set(p) >= {
        "document",
        "supplier",
        "invoice_number",
        "amount",
        "currency",
        "due_date",
        "requested_date",
        "kid",
        "message",
        "creditor_account",
    }
    assert sum(1 for p in data["payments"] if p["kid"]) == 2  # with KID and without
    assert [h["invoice_number"] for h in data["held"]] == ["RN-551"]  # the changed bank account is held
    # when the file is exported
    out = tmp_path / "p.xml"
    result = _invoke("payments", "export", str(data["number"]), "--company", "924753811", "-o", str(out))
    assert result.exit_code == 0, result.output
    schema = etree.XMLSchema(etree.parse(str(corpus / "bank" / "xsd" / "pain.001.001.09.xsd")))
    assert schema.validate(etree.parse(str(out))), schema.error_log
    # a second proposal finds nothing more due: exit 0, count 0
    result = _invoke("payments", "propose", "--company", "924753811", "--until", until, "--json")
    assert result.exit_code == 0 and json.loads(result.stdout)["count"] == 0


def test_export_of_an_unapproved_run_is_refused(demo_company, intake_dirs, tmp_path) -> None:
    until = (timezone.localdate() + timedelta(days=30)).isoformat()
    result = _invoke(
        "payments", "propose", "--company", "924753811", "--until", until, "--user", "regnskap@nordlys.demo"
    )
    assert result.exit_code == 0, result.output
    result = _invoke("payments", "export", "1", "--company", "924753811", "-o", str(tmp_path / "p.xml"))
    assert result.exit_code == 1
    assert "approved" in result.output
    assert not (tmp_path / "p.xml").exists()
    assert _invoke("payments", "export", "9", "--company", "924753811", "-o", str(tmp_path / "p.xml")).exit_code == 1
    assert (
        _invoke("payments", "export", "1", "--company", "924753811", "-o", "x", "--format", "pain.999").exit_code == 2
    )


def test_user_without_payment_rights_cannot_approve(demo_company) -> None:
    until = (timezone.localdate() + timedelta(days=30)).isoformat()
    result = _invoke(
        "payments",
        "propose",
        "--company",
        "924753811",
        "--until",
        until,
        "--approve",
        "--user",
        "attestant@nordlys.demo",
    )
    assert result.exit_code == 1


def test_import_a_status_report(demo_company, intake_dirs, tmp_path) -> None:
    from fakturaflyt.payments.models import PaymentRun
    from tests.payments.conftest import pain002

    until = (timezone.localdate() + timedelta(days=30)).isoformat()
    _invoke(
        "payments", "propose", "--company", "924753811", "--until", until, "--approve", "--user", "admin@nordlys.demo"
    )
    _invoke("payments", "export", "1", "--company", "924753811", "-o", str(tmp_path / "p.xml"))
    run = PaymentRun.objects.get(company=demo_company, number=1)
    first = run.payments.order_by("pk").first()
    status = tmp_path / "status.xml"
    status.write_bytes(pain002(run.message_id, [(first.end_to_end_id, "RJCT", "AC04")]))
    result = _invoke("payments", "import", str(status), "--company", "924753811", "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert (summary["kind"], summary["rejected"]) == ("pain.002", 1)
    bad = tmp_path / "bad.xml"
    bad.write_bytes(b"<x/>")
    assert _invoke("payments", "import", str(bad), "--company", "924753811").exit_code == 1
