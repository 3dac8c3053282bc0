"""``fakturaflyt cards import | list | accept``: the JSON contract, idempotency, rights and exit codes."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from fakturaflyt.cli import app

from . import builders

runner = CliRunner()
pytestmark = pytest.mark.django_db
ORGNR = "924753811"
USER = "regnskap@testfirma.no"


@pytest.fixture
def cards(company, user_factory, intake_dirs, tmp_path) -> dict[str, Any]:
    from fakturaflyt.companies.roles import Role
    from fakturaflyt.companies.services import add_member

    add_member(None, company, user_factory(USER), Role.ACCOUNTANT)
    report = tmp_path / "amazon-orders.csv"
    report.write_bytes(builders.report())
    statement = tmp_path / "kort.csv"
    statement.write_bytes(builders.statement())
    return {"company": company, "report": report, "statement": statement}


def _import(path: Path, *extra: str) -> Any:
    return runner.invoke(app, ["cards", "import", str(path), "--company", ORGNR, "--user", USER, "--json", *extra])


def _list(*extra: str) -> list[dict[str, Any]]:
    result = runner.invoke(app, ["cards", "list", "--company", ORGNR, "--json", *extra])
    assert result.exit_code == 0, result.output
    charges: list[dict[str, Any]] = json.loads(result.stdout)["charges"]
    return charges


def test_import_prints_the_result_and_a_second_import_adds_nothing(cards) -> None:
    first = _import(cards["report"])
    assert first.exit_code == 0, first.output
    out = json.loads(first.stdout)
    assert set(out) == {
        "import_id",
        "filename",
        "kind",
        "format",
        "shop",
        "rows",
        "added",
        "duplicates",
        "matched",
        "ambiguous",
        "unmatched",
        "problems",
    }
    assert (out["filename"], out["kind"], out["shop"], out["rows"], out["added"]) == (
        "amazon-orders.csv",
        "orders",
        "amazon",
        4,
        4,
    )
    statement = json.loads(_import(cards["statement"]).stdout)
    assert (statement["kind"], statement["rows"], statement["added"], statement["duplicates"]) == ("statement", 4, 4, 0)
    assert statement["ambiguous"] == 1 and statement["unmatched"] >= 1
    again = _import(cards["statement"])
    assert again.exit_code == 0, again.output
    out = json.loads(again.stdout)
    assert (out["rows"], out["added"], out["duplicates"]) == (4, 0, 4)
    text = runner.invoke(app, ["cards", "import", str(cards["report"]), "--company", ORGNR, "--user", USER])
    assert text.exit_code == 0 and "4 already there" in text.stdout


def test_list_shows_the_split_with_its_coding_and_filters(cards) -> None:
    _import(cards["report"])
    _import(cards["statement"])
    charges = {c["external_id"]: c for c in _list()}
    assert set(charges) == {"T-1", "T-2", "T-3", "T-4"}
    t1 = charges["T-1"]
    assert (t1["status"], t1["match_method"], t1["amount"], t1["currency"]) == ("matched", "reference", "125.00", "EUR")
    assert [line["title"] for line in t1["lines"]] == ["Jabra Evolve2 65 headset", "A4 copy paper"]
    assert sum(Decimal(line["total"]) for line in t1["lines"]) == Decimal("125.00")
    assert {line["shipping_share"] for line in t1["lines"]} == {"4.17", "0.83"}  # 5.00 pro rata by net 100:20
    assert [line["account"] for line in t1["lines"]] == ["6551", "6800"]
    assert all(set(line) >= {"vat_code", "department", "project", "confidence", "suggestion"} for line in t1["lines"])
    assert charges["T-2"]["status"] == "ambiguous" and len(charges["T-2"]["candidates"]) == 2
    assert charges["T-3"]["status"] == "unmatched" and charges["T-3"]["lines"] == []
    assert [c["external_id"] for c in _list("--status", "ambiguous")] == ["T-2"]
    assert {c["external_id"] for c in _list("--holder", "Per Hansen")} == {"T-3", "T-4"}
    table = runner.invoke(app, ["cards", "list", "--company", ORGNR])
    assert table.exit_code == 0 and "4 card charges" in table.stdout


def test_accept_posts_the_voucher_once(cards) -> None:
    from fakturaflyt.cards.models import CardCharge

    _import(cards["report"])
    _import(cards["statement"])
    charge = CardCharge.objects.get(external_id="T-1")
    result = runner.invoke(app, ["cards", "accept", str(charge.pk), "--company", ORGNR, "--user", USER, "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["refused"] == [] and out["accepted"][0]["id"] == charge.pk
    assert out["accepted"][0]["voucher"].startswith("CARD")
    charge.refresh_from_db()
    assert charge.status == "posted" and charge.voucher is not None
    again = runner.invoke(
        app, ["cards", "accept", str(charge.pk), "999999", "--company", ORGNR, "--user", USER, "--json"]
    )
    assert again.exit_code == 1
    refused = {r["id"]: r["code"] for r in json.loads(again.stdout)["refused"]}
    assert refused == {charge.pk: "FF-CARD-STATE", 999999: "FF-CARD-WRONG-COMPANY"}


def test_exit_codes(cards, tmp_path) -> None:
    bad = tmp_path / "notes.csv"
    bad.write_bytes(b"hello,world\n1,2\n")
    refused = _import(bad)
    assert refused.exit_code == 1
    out = json.loads(refused.stdout)
    assert out["ok"] is False and out["problems"] and out["problems"][0]["code"].startswith("FF-CARD")
    assert _import(tmp_path / "missing.csv").exit_code == 2
    assert _import(cards["statement"], "--preset", "no-such-bank").exit_code == 2
    other = runner.invoke(app, ["cards", "import", str(cards["report"]), "--company", "923609016", "--user", USER])
    assert other.exit_code == 2
    nobody = runner.invoke(app, ["cards", "import", str(cards["report"]), "--company", ORGNR, "--user", "x@y.no"])
    assert nobody.exit_code == 2
    listing = runner.invoke(app, ["cards", "list", "--company", ORGNR, "--status", "paid"])
    assert listing.exit_code == 2


def test_a_user_without_payables_rights_cannot_import_or_accept(cards, user_factory) -> None:
    from fakturaflyt.cards.models import CardCharge, CardImport
    from fakturaflyt.companies.roles import Role
    from fakturaflyt.companies.services import add_member

    add_member(None, cards["company"], user_factory("attestant@testfirma.no"), Role.APPROVER)
    as_approver = ["--company", ORGNR, "--user", "attestant@testfirma.no", "--json"]
    result = runner.invoke(app, ["cards", "import", str(cards["report"]), *as_approver])
    assert result.exit_code == 1 and json.loads(result.stdout)["problems"][0]["location"] == "--user"
    assert not CardImport.objects.exists()
    _import(cards["report"])
    _import(cards["statement"])
    charge = CardCharge.objects.get(external_id="T-1")
    result = runner.invoke(app, ["cards", "accept", str(charge.pk), *as_approver])
    assert result.exit_code == 1
    charge.refresh_from_db()
    assert charge.status == "matched"
