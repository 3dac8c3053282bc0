"""The voucher journal CSV: layouts round-trip through the csv module to the øre, presets, encodings, checks."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from fakturaflyt.core.errors import FormatError
from fakturaflyt.core.journal_csv import (
    COLUMNS,
    DEFAULT_COLUMNS,
    JournalRow,
    Layout,
    layout_from_dict,
    preset,
    write_journal,
)


def rows() -> list[JournalRow]:
    common = dict(
        series="AP",
        year=2026,
        number=3,
        date=date(2026, 2, 28),
        voucher_description="Kjøp av stoler",
        posted_at=datetime(2026, 2, 28, 23, 30, tzinfo=UTC),
        posted_by="kari@firma.no",
        source="ap",
    )
    return [
        JournalRow(
            line=1,
            account="6540",
            account_name="Inventar",
            description='Stol; «Ærlig» "Ø"',
            debit=Decimal("1234.50"),
            vat_code="1",
            standard_tax_code="1",
            vat_base=Decimal("1234.50"),
            department="100",
            project="P1",
            **common,
        ),
        JournalRow(
            line=2,
            account="2710",
            account_name="Inngående mva",
            debit=Decimal("308.63"),
            vat_code="1",
            standard_tax_code="1",
            **common,
        ),
        JournalRow(
            line=3,
            account="2400",
            account_name="Leverandørgjeld",
            credit=Decimal("1543.13"),
            supplier_no="7",
            supplier_name="Åsane Møbler AS",
            currency="EUR",
            currency_amount=Decimal("-130.00"),
            exchange_rate=Decimal("11.870231"),
            **common,
        ),
    ]


def read(data: bytes, layout: Layout) -> list[dict[str, str]]:
    text = data.decode(layout.codec)
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=layout.delimiter))


def amount(text: str, layout: Layout) -> Decimal:
    return Decimal(text.replace(layout.decimal_separator, ".")) if text else Decimal(0)


@pytest.mark.parametrize("name", ["standard", "excel-no"])
def test_presets_round_trip_and_sum_to_the_ore(name: str) -> None:
    layout = preset(name)
    data = b"".join(write_journal(rows(), layout))
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: Excel shows æøå
    parsed = read(data, layout)
    assert len(parsed) == 3
    debit, credit = ("debit", "credit") if name == "standard" else ("Debet", "Kredit")
    assert sum(amount(r[debit], layout) for r in parsed) == Decimal("1543.13")
    assert sum(amount(r[credit], layout) for r in parsed) == Decimal("1543.13")
    signed = "amount" if name == "standard" else "Beløp"
    assert sum(amount(r[signed], layout) for r in parsed) == 0
    text = "Tekst" if name == "excel-no" else "description"
    assert parsed[0][text] == 'Stol; «Ærlig» "Ø"'  # quoting keeps the delimiter and quotes inside text


def test_standard_values() -> None:
    parsed = read(b"".join(write_journal(rows(), preset("standard"))), preset("standard"))
    first, last = parsed[0], parsed[2]
    assert list(first) == list(DEFAULT_COLUMNS)
    assert (first["voucher"], first["date"], first["debit"], first["credit"], first["vat_base"]) == (
        "AP-2026-3",
        "2026-02-28",
        "1234,50",
        "0,00",
        "1234,50",
    )
    assert first["posted_at"] == "2026-03-01 00:30:00"  # Europe/Oslo
    assert (last["currency"], last["currency_amount"], last["exchange_rate"], last["amount"]) == (
        "EUR",
        "-130,00",
        "11,870231",
        "-1543,13",
    )
    assert last["supplier_name"] == "Åsane Møbler AS" and last["vat_base"] == ""


def test_excel_no_has_norwegian_titles_and_dates() -> None:
    parsed = read(b"".join(write_journal(rows(), preset("excel-no"))), preset("excel-no"))
    assert parsed[0]["Bilag"] == "AP-2026-3" and parsed[0]["Dato"] == "28.02.2026"


def test_a_custom_layout_chooses_orders_and_formats_columns() -> None:
    layout = layout_from_dict(
        {
            "columns": ["account", "amount", "voucher"],
            "delimiter": ",",
            "decimal_separator": ".",
            "encoding": "utf-8",
            "header": False,
        }
    )
    data = b"".join(write_journal(rows(), layout))
    assert data.decode() == "6540,1234.50,AP-2026-3\r\n2710,308.63,AP-2026-3\r\n2400,-1543.13,AP-2026-3\r\n"
    assert layout.name == "custom"
    assert layout_from_dict(layout.as_dict()) == layout


def test_windows_1252() -> None:
    layout = layout_from_dict({"encoding": "windows-1252", "columns": ["supplier_name", "description"]})
    data = b"".join(write_journal(rows(), layout))
    assert not data.startswith(b"\xef\xbb\xbf")
    assert "Åsane Møbler AS".encode("cp1252") in data
    assert read(data, layout)[2]["supplier_name"] == "Åsane Møbler AS"
    emoji = [
        JournalRow(
            series="GL", year=2026, number=1, date=date(2026, 1, 1), line=1, account="1920", description="Kaffe ☕"
        )
    ]
    assert b"Kaffe ?" in b"".join(write_journal(emoji, layout))


def test_many_rows_are_written_in_chunks() -> None:
    many = (rows()[i % 3] for i in range(1200))
    chunks = list(write_journal(many, preset("standard")))
    assert len(chunks) >= 3
    assert b"".join(chunks).count(b"\r\n") == 1201
    assert b"".join(chunks).count(b"\xef\xbb\xbf") == 1


@pytest.mark.parametrize(
    "data",
    [
        {"columns": ["voucher", "nope"]},
        {"columns": []},
        {"columns": ["voucher", "voucher"]},
        {"delimiter": ";;"},
        {"decimal_separator": ";"},
        {"delimiter": ",", "decimal_separator": ","},
        {"encoding": "latin-9"},
        {"date_format": "%Y"},
        {"header": "yes"},
        {"colour": "red"},
        {"preset": "sie4"},
    ],
)
def test_bad_layouts_are_refused_with_a_code(data: dict) -> None:
    with pytest.raises(FormatError) as err:
        layout_from_dict(data)
    assert err.value.code == "FF-CSV-LAYOUT"


def test_every_column_is_documented() -> None:
    assert all(c.help and c.title_nb for c in COLUMNS.values())
    assert set(DEFAULT_COLUMNS) <= set(COLUMNS)
