"""``fakturaflyt bank parse``: every corpus bank file, JSON shape, exit codes 0/1/2; no database."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fakturaflyt.cli import app

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, ["bank", "parse", *args], catch_exceptions=False)


def _files(corpus: Path) -> list[Path]:
    return sorted((corpus / "bank" / "samples").glob("camt05[34]/*.xml")) + sorted((corpus / "nets").glob("*.txt"))


def test_every_corpus_file_parses_or_is_refused_with_problems(corpus: Path) -> None:
    for path in _files(corpus):
        result = run(str(path), "--json")
        doc = json.loads(result.stdout)
        if path.name == "genkgo__camt053.v2.wrong.xml" or "avtalegiro" in path.name:
            assert result.exit_code == 1, path.name
            assert doc["ok"] is False and doc["problems"][0]["code"].startswith("FF-"), path.name
            continue
        assert result.exit_code == 0, (path.name, result.stdout)
        assert doc["format"] in ("camt.053", "camt.054", "ocr")
        for s in doc["statements"]:
            for e in s["entries"]:
                assert Decimal(e["amount"]) >= 0 and e["direction"] in ("credit", "debit")


def test_ocr_giro_json(corpus: Path) -> None:
    result = run(str(corpus / "nets" / "netsgiro__ocr_giro_transactions.txt"), "--json")
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    [s] = doc["statements"]
    assert (doc["format"], s["account"], s["currency"], len(s["entries"])) == ("ocr", "99991042764", "NOK", 20)
    assert sum(Decimal(e["amount"]) for e in s["entries"]) == Decimal("51449.00")
    assert s["entries"][0]["kid"] == "0000531" and s["entries"][0]["text"] == "Foo bar baz"


def test_the_invalid_sample_is_refused_with_a_clear_message(corpus: Path) -> None:
    result = run(str(corpus / "bank" / "samples" / "camt053" / "genkgo__camt053.v2.wrong.xml"))
    assert result.exit_code == 1
    assert "FF-CAMT-NO-STATEMENT" in result.output and "line 3" in result.output


def test_table_output(corpus: Path) -> None:
    result = run(str(corpus / "bank" / "samples" / "camt053" / "moov__FI_camt_053_sample.xml"))
    assert result.exit_code == 0
    assert "FI7433010001222090" in result.stdout and "closing 23644.83" in result.stdout


def test_balance_warnings_go_to_stderr_not_into_the_json(corpus: Path) -> None:
    result = run(str(corpus / "bank" / "samples" / "camt053" / "genkgo__camt053.v2.minimal.xml"), "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["format"] == "camt.053"
    assert "FF-CAMT-BALANCE" in result.stderr


@pytest.mark.parametrize("content", [b"garbage", b"<?xml version='1.0'?><a><b></a>"])
def test_garbage_exits_1(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bank.xml"
    path.write_bytes(content)
    result = run(str(path), "--json")
    assert result.exit_code == 1 and json.loads(result.stdout)["problems"]


def test_missing_file_exits_2(tmp_path: Path) -> None:
    result = run(str(tmp_path / "nope.xml"), "--json")
    assert result.exit_code == 2
    assert json.loads(result.stdout)["ok"] is False
