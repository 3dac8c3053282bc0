"""``fakturaflyt invoices``: list (JSON and table), one invoice as EHF and as PDF, exit codes."""

# ruff: noqa: F811 - the `ar` fixture is imported from test_services and requested by name

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from fakturaflyt.cli import app
from fakturaflyt.core.ehf.read import read_invoice
from fakturaflyt.receivables import services
from fakturaflyt.receivables.services import DraftLine

from .test_services import AR, DAY, ar, issued  # noqa: F401 - the fixture and helpers

D = Decimal
runner = CliRunner()
pytestmark = pytest.mark.django_db
ORGNR = "924753811"


def _invoke(*args: str):
    return runner.invoke(app, list(args))


def test_list_as_json(ar: AR) -> None:
    invoice = issued(ar, [DraftLine("Stol", D("2"), D("1000"))])
    note = services.credit(invoice, ar.user, reason="Retur", lines=[DraftLine("Stol", D("1"), D("1000"))])
    services.create_draft(
        ar.company, ar.utland, [DraftLine("Consulting", D("1"), D("10"))], actor=None, exchange_rate=D("11.5")
    )
    result = _invoke("invoices", "list", "--company", ORGNR, "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r["number"] for r in rows] == [invoice.number, note.number, None]
    first = rows[0]
    assert set(first) >= {
        "number",
        "document_type",
        "customer",
        "issue_date",
        "due_date",
        "total",
        "kid",
        "status",
        "channel",
    }
    assert first == {
        "number": 10001,
        "document_type": "invoice",
        "customer": "Kunde AS",
        "issue_date": DAY.isoformat(),
        "due_date": (DAY + timedelta(days=10)).isoformat(),
        "total": "2500.00",
        "currency": "NOK",
        "kid": invoice.kid,
        "status": "overdue",  # due 2026-03-12, half credited, unpaid
        "channel": "ehf",
    }
    assert rows[1]["document_type"] == "credit_note" and rows[1]["total"] == "1250.00" and rows[1]["kid"] == ""
    assert rows[2]["status"] == "draft" and rows[2]["currency"] == "EUR" and rows[2]["issue_date"] is None


def test_list_as_table(ar: AR) -> None:
    issued(ar, [DraftLine("Stol", D("2"), D("1000"))])
    result = runner.invoke(app, ["invoices", "list", "--company", ORGNR], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "10001" in result.stdout and "Kunde AS" in result.stdout


def test_ehf_and_pdf_of_one_invoice(ar: AR, tmp_path, monkeypatch) -> None:
    from fakturaflyt.receivables import pdf

    monkeypatch.setattr(pdf, "render_pdf", lambda invoice: b"%PDF-1.4\n%%EOF\n", raising=False)
    invoice = issued(ar, [DraftLine("Stol", D("2"), D("1000"))])
    out = tmp_path / "f.xml"
    result = _invoke("invoices", "ehf", "10001", "--company", ORGNR, "-o", str(out))
    assert result.exit_code == 0, result.output
    model = read_invoice(out.read_bytes())
    assert model.id == "10001" and model.kid == invoice.kid and model.totals.payable == D("2500.00")
    pdf_out = tmp_path / "f.pdf"
    result = _invoke("invoices", "pdf", "10001", "--company", ORGNR, "-o", str(pdf_out))
    assert result.exit_code == 0, result.output
    assert pdf_out.read_bytes().startswith(b"%PDF")


def test_exit_codes(ar: AR, tmp_path) -> None:
    out = tmp_path / "x.xml"
    missing = _invoke("invoices", "ehf", "999", "--company", ORGNR, "-o", str(out))
    assert missing.exit_code == 1 and not out.exists()
    assert _invoke("invoices", "list", "--company", "923609016").exit_code == 2  # no such company
    assert _invoke("invoices", "ehf", "abc", "--company", ORGNR, "-o", str(out)).exit_code == 2  # usage
