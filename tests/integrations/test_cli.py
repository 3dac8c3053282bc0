"""``fakturaflyt export journal|systems|push``: JSON shapes and exit codes."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from fakturaflyt.cli import app
from fakturaflyt.integrations import transport

from .conftest import tripletex_transport

pytestmark = pytest.mark.django_db
runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, ["export", *args])


def test_journal(books, tmp_path) -> None:
    out = tmp_path / "journal.csv"
    result = run("journal", "--company", books.company.orgnr, "--to", "2026-03-31", "-o", str(out), "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert (doc["rows"], doc["vouchers"], doc["debit"], doc["credit"], doc["marked"]) == (
        5,
        2,
        "25000.00",
        "25000.00",
        0,
    )
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    layout = tmp_path / "layout.json"
    layout.write_text(
        json.dumps({"columns": ["voucher", "amount"], "decimal_separator": ".", "delimiter": ",", "encoding": "utf-8"})
    )
    assert run("journal", "--company", books.company.orgnr, "--layout", str(layout), "-o", str(out)).exit_code == 0
    assert out.read_text().splitlines()[:2] == ["voucher,amount", "AP-2026-1,8000.00"]
    marked = run(
        "journal",
        "--company",
        books.company.orgnr,
        "--new-only",
        "--mark",
        "--user",
        "accountant@alfa.test",
        "-o",
        str(out),
        "--json",
    )
    assert json.loads(marked.output)["marked"] == 3
    again = run("journal", "--company", books.company.orgnr, "--new-only", "-o", str(out), "--json")
    assert json.loads(again.output)["rows"] == 0
    bad = run("journal", "--company", books.company.orgnr, "--layout", "nope", "-o", str(out), "--json")
    assert bad.exit_code == 1 and json.loads(bad.output)["problems"][0]["code"] == "FF-CSV-LAYOUT"
    assert run("journal", "--company", "999999999", "-o", str(out)).exit_code == 2
    assert (
        run(
            "journal", "--company", books.company.orgnr, "--mark", "--user", "auditor@alfa.test", "-o", str(out)
        ).exit_code
        == 1
    )


def test_systems_and_push(books, monkeypatch) -> None:
    systems = json.loads(run("systems", "--company", books.company.orgnr, "--json").output)["systems"]
    assert [s["status"] for s in systems] == ["not configured"] * 3
    refused = run(
        "push", "--company", books.company.orgnr, "--system", "tripletex", "--user", "accountant@alfa.test", "--json"
    )
    assert refused.exit_code == 1 and json.loads(refused.output)["problems"][0]["code"] == "FF-EXPORT-NOT-CONFIGURED"
    from fakturaflyt.integrations import services

    services.save_credentials(
        books.company, "tripletex", {"consumer_token": "c-SECRET-0001", "employee_token": "e-SECRET-0002"}, None
    )
    dry = run(
        "push",
        "--company",
        books.company.orgnr,
        "--system",
        "tripletex",
        "--user",
        "accountant@alfa.test",
        "--dry-run",
        "--json",
    )
    assert dry.exit_code == 0 and len(json.loads(dry.output)["requests"]) == 3 and "SECRET" not in dry.output
    fake = tripletex_transport()
    monkeypatch.setattr(transport, "default", lambda: fake)
    sent = run(
        "push", "--company", books.company.orgnr, "--system", "tripletex", "--user", "accountant@alfa.test", "--json"
    )
    assert sent.exit_code == 0 and len(json.loads(sent.output)["sent"]) == 3
    again = json.loads(
        run(
            "push",
            "--company",
            books.company.orgnr,
            "--system",
            "tripletex",
            "--user",
            "accountant@alfa.test",
            "--json",
        ).output
    )
    assert again["sent"] == [] and again["already_sent"] == 3
    assert (
        run("push", "--company", books.company.orgnr, "--system", "visma", "--user", "accountant@alfa.test").exit_code
        == 2
    )
    assert (
        run("push", "--company", books.company.orgnr, "--system", "fiken", "--user", "auditor@alfa.test").exit_code == 1
    )
    table = run("systems", "--company", books.company.orgnr)
    assert table.exit_code == 0 and "configured" in table.output and "SECRET" not in table.output
