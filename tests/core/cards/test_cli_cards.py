"""``fakturaflyt cards split`` on ``cards_app``: JSON shape, exact sums, exit codes; no database."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from typer.testing import CliRunner

from fakturaflyt.cli_cards import cards_app
from tests.core.cards.conftest import business_report, item

runner = CliRunner()
STATEMENT = (
    "date,time,merchant,amount,currency,amount_nok,card_holder,reference\n"
    "2026-03-03,10:00,AMZN MKTP DE*2X4AB12C3,347.83,EUR,4093.21,Kari,R1\n"
    "2026-03-03,11:00,AMAZON.DE,19.99,EUR,235.00,Kari,\n"
    "2026-03-04,11:00,AMAZON.DE,5.00,EUR,58.00,Ola,R3\n"
)


def test_split_json(tmp_path: Path, business_header: list[str]) -> None:
    rows = [
        item(
            "O1",
            "2X4AB12C3",
            "Headset",
            "200.00",
            "38.00",
            "7.83",
            **{"GL Code": "6550", "Cost Center": "IT", "Project Code": "P1"},
        ),
        item("O1", "2X4AB12C3", "Paper", "50.00", "9.50", "0.00"),
        item("O2", "2X4AB12C3", "Book", "40.00", "2.50", "0.00"),
        item("O3", "7QQ7QQ7QQ", "Cable", "15.99", "4.00", "0.00"),
    ]
    orders = tmp_path / "orders.csv"
    orders.write_bytes(business_report(business_header, rows))
    charges = tmp_path / "charges.csv"
    charges.write_text(STATEMENT)
    result = runner.invoke(cards_app, ["split", "--charges", str(charges), "--orders", str(orders), "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    first, second, third = doc["charges"]
    assert (first["id"], first["date"], first["amount"], first["currency"], first["status"]) == (
        "R1",
        "2026-03-03",
        "347.83",
        "EUR",
        "matched",
    )
    assert sum(Decimal(x["total"]) for x in first["lines"]) == Decimal("347.83")
    assert set(first["lines"][0]) == {
        "order_id",
        "title",
        "net",
        "vat",
        "shipping_share",
        "total",
        "account",
        "department",
        "project",
        "confidence",
    }
    assert (
        first["lines"][0]["account"],
        first["lines"][0]["department"],
        first["lines"][0]["project"],
        first["lines"][0]["confidence"],
    ) == ("6550", "IT", "P1", "1.00")
    assert (first["lines"][1]["account"], first["lines"][1]["confidence"]) == ("", "0.00")
    assert second["status"] == "matched" and second["id"].startswith("h") and second["lines"][0]["title"] == "Cable"
    assert third == {
        "id": "R3",
        "date": "2026-03-04",
        "amount": "5.00",
        "currency": "EUR",
        "status": "unmatched",
        "lines": [],
    }
    table = runner.invoke(cards_app, ["split", "--charges", str(charges), "--orders", str(orders)])
    assert table.exit_code == 0 and "3 charges, 2 matched" in table.stdout


def test_exit_codes(tmp_path: Path, corpus: Path) -> None:
    good = tmp_path / "c.csv"
    good.write_text(STATEMENT)
    consumer = corpus / "amazon" / "consumer_Retail.OrderHistory.1_karlmdavis_fixture.csv"
    assert (
        runner.invoke(cards_app, ["split", "--charges", str(good), "--orders", str(consumer), "--json"]).exit_code == 0
    )
    missing = runner.invoke(
        cards_app, ["split", "--charges", str(tmp_path / "nope"), "--orders", str(consumer), "--json"]
    )
    assert missing.exit_code == 2
    bad = tmp_path / "bad.csv"
    bad.write_text("x,y\n1,2\n")
    r = runner.invoke(cards_app, ["split", "--charges", str(bad), "--orders", str(consumer), "--json"])
    assert r.exit_code == 1 and json.loads(r.stdout)["problems"][0]["code"] == "FF-CARD-HEADER"
    r = runner.invoke(cards_app, ["split", "--charges", str(good), "--orders", str(bad), "--json"])
    assert r.exit_code == 1 and json.loads(r.stdout)["problems"][0]["code"] == "FF-CARD-ORDERS-FORMAT"
