"""``fakturaflyt bank import``: the JSON contract, idempotency, exit codes."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from fakturaflyt.cli import app
from fakturaflyt.receivables.models import CustomerPayment

from .conftest import Bank, camt054, ntry

runner = CliRunner()
pytestmark = pytest.mark.django_db(transaction=False)
ORGNR = "924753811"


def test_import_prints_the_counts_and_a_second_import_skips_everything(bank: Bank, tmp_path) -> None:
    inv = bank.issue("1000")
    path = tmp_path / "innbetalinger.xml"
    path.write_bytes(camt054(ntry("R1", "1000.00", kid=inv.kid), ntry("R2", "55.00", name="Ukjent")))
    result = runner.invoke(
        app, ["bank", "import", str(path), "--company", ORGNR, "--user", "regnskap@testfirma.no", "--json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "file": "innbetalinger.xml",
        "format": "camt.054",
        "entries": 2,
        "matched_automatically": 1,
        "for_review": 1,
        "duplicates_skipped": 0,
        "outgoing": 0,
        "problems": [],
    }
    assert CustomerPayment.objects.get().created_by == bank.user
    again = runner.invoke(app, ["bank", "import", str(path), "--company", ORGNR, "--json"])
    assert again.exit_code == 0, again.output
    out = json.loads(again.stdout)
    assert (out["entries"], out["duplicates_skipped"], out["matched_automatically"], out["for_review"]) == (2, 2, 0, 0)
    assert CustomerPayment.objects.count() == 1
    text = runner.invoke(app, ["bank", "import", str(path), "--company", ORGNR])
    assert text.exit_code == 0 and "2 duplicates skipped" in text.stdout


def test_exit_codes(bank: Bank, tmp_path) -> None:
    bad = tmp_path / "bad.xml"
    bad.write_bytes(b"<Document><BkToCstmrStmt><Stmt><Ntry>")
    result = runner.invoke(app, ["bank", "import", str(bad), "--company", ORGNR, "--json"])
    assert result.exit_code == 1
    out = json.loads(result.stdout)
    assert out["ok"] is False and out["problems"]
    missing = runner.invoke(app, ["bank", "import", str(tmp_path / "none.xml"), "--company", ORGNR, "--json"])
    assert missing.exit_code == 2
    good = tmp_path / "ok.xml"
    good.write_bytes(camt054(ntry("R9", "1.00")))
    assert runner.invoke(app, ["bank", "import", str(good), "--company", "923609016"]).exit_code == 2
    assert runner.invoke(app, ["bank", "import", str(good), "--company", ORGNR, "--user", "x@y.no"]).exit_code == 2


def test_a_user_without_payment_rights_cannot_import(bank: Bank, tmp_path, user_factory) -> None:
    from fakturaflyt.companies.roles import Role
    from fakturaflyt.companies.services import add_member

    approver = user_factory("attestant@testfirma.no")
    add_member(None, bank.company, approver, Role.APPROVER)
    path = tmp_path / "innbetalinger.xml"
    path.write_bytes(camt054(ntry("R9", "10.00", name="Ukjent")))
    result = runner.invoke(
        app, ["bank", "import", str(path), "--company", ORGNR, "--user", "attestant@testfirma.no", "--json"]
    )
    assert result.exit_code == 1 and json.loads(result.stdout)["problems"][0]["location"] == "--user"
    unknown = runner.invoke(app, ["bank", "import", str(path), "--company", ORGNR, "--user", "nobody@x.no"])
    assert unknown.exit_code == 2
    from fakturaflyt.banking.models import BankEntry

    assert not BankEntry.objects.exists()
