"""``fakturaflyt reports monthly``: the PDF written, the JSON contract, and the exit codes.

The lead registers ``reports_app`` under ``fakturaflyt reports``; these tests call the sub-app itself.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fakturaflyt.cli_reports import reports_app

from .builders import at, coding_line, document

pytestmark = [pytest.mark.django_db]
runner = CliRunner()


@pytest.fixture
def books(world):
    d = document(
        world.a,
        received=at(date(2026, 11, 2)),
        channel="peppol",
        fmt="ehf",
        approved=at(date(2026, 11, 3)),
        posted=True,
    )
    coding_line(d)
    return world


def test_monthly_report_written_with_json(books, tmp_path: Path):
    result = runner.invoke(
        reports_app,
        ["monthly", "--company", "924753811", "--month", "2026-11", "-o", str(tmp_path), "--json", "--language", "en"],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    path = Path(data["path"])
    assert path == tmp_path / "manedsrapport-924753811-2026-11.pdf"
    assert path.read_bytes().startswith(b"%PDF") and data["bytes"] == path.stat().st_size
    assert (data["ok"], data["company"], data["month"]) == (True, "924753811", "2026-11")
    figures = {(f["section"], f["key"]): f for f in data["figures"]}
    assert figures[("ap", "received")]["value"] == "1"
    assert figures[("ap", "touchless")] | {"label": ""} == {
        "section": "ap",
        "key": "touchless",
        "label": "",
        "value": "100.0",
        "unit": "pct",
        "now": False,
        "part": False,
    }
    assert figures[("ar", "dso")]["value"] is None  # nothing sold: DSO undefined
    assert ("cards", "waiting") in figures


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--month", "2026-13"], "not a month"),
        (["--month", "november"], "not a month"),
        (["--month", "2999-01"], "not begun"),
        (["--month", "2026-11", "--company", "974760673"], "No company"),
        (["--month", "2026-11", "--language", "de"], "nb or en"),
    ],
)
def test_bad_arguments_exit_2(books, tmp_path: Path, args, message):
    base = ["monthly", "--company", "924753811", "-o", str(tmp_path / "r.pdf")]
    if "--company" in args:
        base = ["monthly", "-o", str(tmp_path / "r.pdf")]
    result = runner.invoke(reports_app, [*base, *args, "--json"])
    assert result.exit_code == 2, result.output
    assert message in result.output
