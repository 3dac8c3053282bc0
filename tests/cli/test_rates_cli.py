"""``fakturaflyt rates import|show|fetch`` on ``rates_app``: JSON shapes, exit codes."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fakturaflyt.cli_rates import rates_app
from fakturaflyt.ledger import rates

runner = CliRunner()
pytestmark = pytest.mark.django_db

CSV = (
    "FREQ;Frequency;BASE_CUR;Base Currency;QUOTE_CUR;Quote Currency;TENOR;Tenor;DECIMALS;CALCULATED;"
    "UNIT_MULT;Unit Multiplier;COLLECTION;Collection Indicator;TIME_PERIOD;OBS_VALUE\n"
    "B;Virkedag;EUR;Euro;NOK;Norske kroner;SP;Spot;4;false;0;Enheter;C;ECB;2025-01-03;11,7825\n"
    "B;Virkedag;SEK;Svenske kroner;NOK;Norske kroner;SP;Spot;2;false;2;Hundre;C;ECB;2025-01-03;102,51\n"
)


def _file(tmp_path: Path, text: str = CSV) -> str:
    path = tmp_path / "exr.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_import_json_and_idempotent(tmp_path: Path) -> None:
    path = _file(tmp_path)
    result = runner.invoke(rates_app, ["import", path, "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "file": path,
        "source": "norges-bank",
        "read": 2,
        "added": 2,
        "updated": 0,
        "kept": 0,
    }
    again = runner.invoke(rates_app, ["import", path])
    assert again.exit_code == 0 and "2 rates read, 0 added, 0 updated" in again.stdout


def test_import_bad_file_and_missing_file(tmp_path: Path) -> None:
    path = _file(tmp_path, CSV.replace("11,7825", "elleve"))
    result = runner.invoke(rates_app, ["import", path, "--json"])
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert doc["ok"] is False
    assert doc["problems"][0]["code"] == "FF-RATES-VALUE"
    assert doc["problems"][0]["location"] == "line 2, column OBS_VALUE"
    assert runner.invoke(rates_app, ["import", str(tmp_path / "nope.csv")]).exit_code == 2
    assert runner.invoke(rates_app, ["import", path, "--source", "guess"]).exit_code == 2


def test_show(tmp_path: Path) -> None:
    assert runner.invoke(rates_app, ["import", _file(tmp_path)]).exit_code == 0
    result = runner.invoke(rates_app, ["show", "sek", "--date", "2025-01-05", "--json"])  # a Sunday
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "currency": "SEK",
        "date": "2025-01-05",
        "rate": "1.025100",
        "rate_date": "2025-01-03",
        "source": "norges-bank",
        "max_age_days": 7,
    }
    text = runner.invoke(rates_app, ["show", "EUR", "--date", "2025-01-03"])
    assert text.exit_code == 0 and "EUR 2025-01-03: 11.782500 NOK" in text.stdout
    nok = json.loads(runner.invoke(rates_app, ["show", "NOK", "--date", "2025-01-05", "--json"]).stdout)
    assert nok["rate"] == "1"
    # too old, unknown: exit 1 with rate null
    old = runner.invoke(rates_app, ["show", "EUR", "--date", "2025-01-20", "--json"])
    assert old.exit_code == 1 and json.loads(old.stdout)["rate"] is None
    assert runner.invoke(rates_app, ["show", "EUR", "--date", "2025-01-20", "--max-age", "30"]).exit_code == 0
    assert runner.invoke(rates_app, ["show", "GBP", "--date", "2025-01-03"]).exit_code == 1
    assert runner.invoke(rates_app, ["show", "EUR", "--date", "03.01.2025"]).exit_code == 2
    assert runner.invoke(rates_app, ["show", "EURO", "--date", "2025-01-03"]).exit_code == 2


class _Response(io.BytesIO):
    def __enter__(self) -> _Response:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def test_fetch_with_a_monkeypatched_opener(monkeypatch) -> None:
    monkeypatch.setattr(rates, "urlopen", lambda request, timeout: _Response(CSV.encode()))
    result = runner.invoke(
        rates_app, ["fetch", "--from", "2025-01-01", "--to", "2025-01-07", "--currency", "EUR", "--json"]
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["added"] == 2 and doc["source"] == "norges-bank" and "/EXR/B.EUR.NOK.SP?" in doc["url"]
    bad = runner.invoke(rates_app, ["fetch", "--from", "2025-01-07", "--to", "2025-01-01"])
    assert bad.exit_code == 2
