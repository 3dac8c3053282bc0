"""``fakturaflyt ehf parse / write / validate`` on the real corpus (no database needed)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fakturaflyt.cli import app
from fakturaflyt.core.ehf.read import read_invoice

runner = CliRunner()
NORWEGIAN = "peppol-NO__Norwegian-example-1.xml"


def run(*args: str):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def examples(corpus: Path) -> Path:
    return corpus / "ehf" / "examples"


def test_parse_json_gives_the_model_with_string_amounts(examples: Path) -> None:
    result = run("ehf", "parse", examples / NORWEGIAN, "--json")
    assert result.exit_code == 0
    model = json.loads(result.stdout)
    assert model["kind"] == "Invoice" and model["id"] == "TOSL108"
    assert model["issue_date"] == "2013-06-30"
    assert model["seller"]["vat_id"] == "NO123456785MVA"
    assert model["totals"]["payable"] == "802.00"
    assert isinstance(model["lines"][0]["quantity"], str)


def test_parse_without_json_prints_a_summary(examples: Path) -> None:
    result = run("ehf", "parse", examples / NORWEGIAN)
    assert result.exit_code == 0
    assert "TOSL108" in result.stdout and "802.00" in result.stdout


@pytest.mark.parametrize(
    "name", [NORWEGIAN, "peppol__base-creditnote-correction.xml", "cen-testfiles__Invoice-Max_content.xml"]
)
def test_parse_then_write_round_trips(examples: Path, tmp_path: Path, name: str) -> None:
    # given the model as JSON
    parsed = run("ehf", "parse", examples / name, "--json")
    model_file = tmp_path / "model.json"
    model_file.write_text(parsed.stdout)
    # when it is written back as XML
    out = tmp_path / "out.xml"
    written = run("ehf", "write", model_file, "-o", out)
    # then reading the XML gives the same model
    assert written.exit_code == 0, written.output
    assert read_invoice(out.read_bytes()) == read_invoice((examples / name).read_bytes())


def test_validate_json_reports_each_file_and_exits_1_if_any_is_invalid(examples: Path) -> None:
    valid, invalid = examples / "peppol__base-example.xml", examples / "cen__guide-example1.xml"
    result = run("ehf", "validate", valid, invalid, "--json")
    assert result.exit_code == 1
    reports = json.loads(result.stdout)
    assert [r["file"] for r in reports] == [str(valid), str(invalid)]
    assert reports[0]["valid"] is True and reports[0]["problems"] == []
    assert reports[1]["valid"] is False
    assert reports[1]["document_type"] == "Invoice"
    assert reports[1]["customization_id"] == "urn:cen.eu:en16931:2017"
    assert {"PEPPOL-EN16931-R001", "PEPPOL-EN16931-R004"} <= {p["rule"] for p in reports[1]["problems"]}
    assert set(reports[1]["problems"][0]) == {"rule", "severity", "message", "location"}


def test_validate_official_agrees_with_the_index_on_a_norwegian_invoice(examples: Path) -> None:
    result = run("ehf", "validate", examples / NORWEGIAN, "--official", "--json")
    assert result.exit_code == 0, result.stdout
    assert json.loads(result.stdout)[0]["valid"] is True


def test_validate_all_valid_exits_0_and_prints_a_line_per_file(examples: Path) -> None:
    result = run("ehf", "validate", examples / "peppol__base-example.xml", examples / NORWEGIAN)
    assert result.exit_code == 0
    assert result.stdout.count("valid") == 2


def test_hostile_xml_is_invalid_not_a_crash(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.xml"
    bomb.write_text(
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><Invoice>&b;</Invoice>'
    )
    result = run("ehf", "validate", bomb, "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)[0]["problems"][0]["rule"] == "FF-XML-DTD"
    parsed = run("ehf", "parse", bomb, "--json")
    assert parsed.exit_code == 1 and json.loads(parsed.stdout)["problems"][0]["code"] == "FF-XML-DTD"


def test_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    assert run("ehf", "parse", tmp_path / "nope.xml").exit_code == 2


def test_write_refuses_a_model_with_floats(tmp_path: Path, examples: Path) -> None:
    model = json.loads(run("ehf", "parse", examples / NORWEGIAN, "--json").stdout)
    model["totals"]["payable"] = 802.0
    path = tmp_path / "m.json"
    path.write_text(json.dumps(model))
    result = run("ehf", "write", path, "-o", tmp_path / "x.xml")
    assert result.exit_code == 1
    assert "totals.payable" in result.output
