"""``fakturaflyt pdf extract``: the JSON format of issue 4 and the exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from fakturaflyt.cli_pdf import pdf_app
from fakturaflyt.core.pdf.model import FIELD_NAMES

from .invoices import make_invoice

runner = CliRunner()


def test_json_format(tmp_path: Path) -> None:
    inv = make_invoice("no", 0, 3)
    path = tmp_path / "faktura.pdf"
    path.write_bytes(inv.pdf)
    result = runner.invoke(pdf_app, ["extract", str(path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"engine", "fields", "lines", "problems"}
    assert data["engine"] == "text"
    assert set(data["fields"]) <= set(FIELD_NAMES)
    for field in data["fields"].values():
        assert set(field) == {"value", "confidence"} and 0 <= field["confidence"] <= 1
    assert data["fields"]["total"]["value"] == inv.truth["total"]  # amounts as strings
    assert data["fields"]["issue_date"]["value"] == inv.truth["issue_date"]  # dates ISO
    assert data["fields"]["kid"]["value"] == inv.truth["kid"]
    assert data["lines"] and {"description", "quantity", "unit_price", "amount"} <= set(data["lines"][0])
    assert isinstance(data["problems"], list)


def test_table_output(tmp_path: Path) -> None:
    path = tmp_path / "invoice.pdf"
    path.write_bytes(make_invoice("en", 1, 1).pdf)
    result = runner.invoke(pdf_app, ["extract", str(path)])
    assert result.exit_code == 0
    assert "invoice_number" in result.stdout and "total" in result.stdout


def test_unreadable_input_exits_1_with_problems(tmp_path: Path) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.7 this is not a PDF")
    result = runner.invoke(pdf_app, ["extract", str(path), "--json"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["ok"] is False and data["problems"][0]["code"] == "FF-PDF-MALFORMED"


def test_missing_file_exits_2(tmp_path: Path) -> None:
    result = runner.invoke(pdf_app, ["extract", str(tmp_path / "nope.pdf"), "--json"])
    assert result.exit_code == 2


def test_unknown_engine_is_a_usage_error(tmp_path: Path) -> None:
    path = tmp_path / "invoice.pdf"
    path.write_bytes(make_invoice("en", 1, 1).pdf)
    result = runner.invoke(pdf_app, ["extract", str(path), "--engine", "abbyy"])
    assert result.exit_code == 2
