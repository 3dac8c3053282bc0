"""``fakturaflyt privacy ...`` (the sub-app, run in-process)."""

from __future__ import annotations

import json
from datetime import date

from typer.testing import CliRunner

from fakturaflyt.cli_privacy import privacy_app

runner = CliRunner()


def test_export_erase_refusal_and_reports(world, consumer, issue_invoice, tmp_path) -> None:
    issue_invoice(consumer, date.today().replace(month=1, day=15))
    out = tmp_path / "kari.json"
    done = runner.invoke(
        privacy_app, ["export", "--company", world.a.orgnr, "--email", "kari@example.no", "-o", str(out)]
    )
    assert done.exit_code == 0, done.output
    assert json.loads(out.read_text())["customers"][0]["name"] == "Kari Nordmann"
    assert out.with_suffix(".txt").exists()

    refused = runner.invoke(privacy_app, ["erase", "--company", world.a.orgnr, "--customer", "101", "--json"])
    assert refused.exit_code == 1
    body = json.loads(refused.output)
    assert body["problems"][0]["code"] == "FF-RETENTION-ACTIVE"
    assert body["possible_from"] == f"{date.today().year + 6}-01-01"

    report = runner.invoke(privacy_app, ["retention-report", "--company", world.a.orgnr, "--json"])
    assert json.loads(report.output)["may_delete"] == []

    csv_path = tmp_path / "audit.csv"
    audit = runner.invoke(privacy_app, ["audit-report", "--company", world.a.orgnr, "--csv", str(csv_path), "--json"])
    assert audit.exit_code == 0, audit.output
    assert csv_path.read_text().startswith("at,kind,actor")
