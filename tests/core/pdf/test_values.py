"""Numbers, dates and identifiers as invoices print them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from fakturaflyt.core.pdf.labels import label_hits
from fakturaflyt.core.pdf.parsers import parse_field
from fakturaflyt.core.pdf.values import find_amounts, parse_amount, parse_date
from fakturaflyt.core.pdf.words import Word, rows


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1 234,56", "1234.56"),
        ("1,234.56", "1234.56"),
        ("1.234,56", "1234.56"),
        ("1'234.56", "1234.56"),
        ("1\u00a0234,56", "1234.56"),
        ("12 345 678,90", "12345678.90"),
        ("€ 399,00", "399.00"),
        ("$4.11", "4.11"),
        ("NOK 7 465,63", "7465.63"),
        ("29.99 €", "29.99"),
        ("-9,32", "-9.32"),
        ("1939", "1939"),
        ("0,5", "0.5"),
        ("kr 1 250,-", "1250"),
        ("1.234,50-", "-1234.50"),
        ("(100.00)", "-100.00"),
    ],
)
def test_amount_formats(text: str, value: str) -> None:
    assert parse_amount(text) == Decimal(value)


@pytest.mark.parametrize("text", ["14.03.2024", "25 %", "21%", "tel. 22 33 44 55 66", "01.05.14-31.05.14"])
def test_not_amounts(text: str) -> None:
    assert parse_amount(text) is None


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("14.03.2024", date(2024, 3, 14)),
        ("2024-03-14", date(2024, 3, 14)),
        ("14/03/2024", date(2024, 3, 14)),
        ("12. mars 2026", date(2026, 3, 12)),
        ("12 MARS 2026", date(2026, 3, 12)),
        ("7. Mai 2014", date(2014, 5, 7)),
        ("3. März 2026", date(2026, 3, 3)),
        ("19 april 2014", date(2014, 4, 19)),
        ("1 mei 2020", date(2020, 5, 1)),
        ("02 Juillet 2015", date(2015, 7, 2)),
        ("1er février 2021", date(2021, 2, 1)),
        ("15 août 2021", date(2021, 8, 15)),
        ("Jan 1, 2022", date(2022, 1, 1)),
        ("August 3 , 2014", date(2014, 8, 3)),
        ("March 12th, 2026", date(2026, 3, 12)),
        ("12-Mar-2026", date(2026, 3, 12)),
        ("21.05.14", date(2014, 5, 21)),
        ("5. desember 2025", date(2025, 12, 5)),
        ("17. okt. 2025", date(2025, 10, 17)),
    ],
)
def test_date_formats(text: str, value: date) -> None:
    assert parse_date(text) == value


def test_us_dates_when_asked() -> None:
    assert parse_date("03/04/2024") == date(2024, 4, 3)
    assert parse_date("03/04/2024", month_first=True) == date(2024, 3, 4)
    assert parse_date("13/04/2024", month_first=True) == date(2024, 4, 13)


def test_several_amounts_in_a_row() -> None:
    assert [a.value for a in find_amounts("Total 24.99 5.00 29.99")] == [
        Decimal("24.99"),
        Decimal("5.00"),
        Decimal("29.99"),
    ]
    assert [a.value for a in find_amounts("1 2 450,00 2 450,00")] == [
        Decimal("1"),
        Decimal("2450.00"),
        Decimal("2450.00"),
    ]


@pytest.mark.parametrize(
    ("field", "text", "value"),
    [
        ("supplier_orgnr", "NO 987 654 325 MVA", "987654325"),
        ("supplier_orgnr", "987 654 326", None),  # wrong MOD11 check digit
        ("kid", "0010457208", "0010457208"),
        ("kid", "0010457209", None),
        ("bank_account", "8601.11.17947", "86011117947"),
        ("bank_account", "8601.11.17948", None),
        ("iban", "NO93 8601 1117 947", "NO9386011117947"),
        ("iban", "FR76 ****************", None),
        ("supplier_vat_id", "DE 232 446 240", "DE232446240"),
        ("supplier_vat_id", "NL810433941B01", "NL810433941B01"),
        ("invoice_number", "n°562044387 du 02 Juillet 2015", "562044387"),
        ("invoice_number", " Receipt", None),
    ],
)
def test_identifiers_are_checked(field: str, text: str, value: str | None) -> None:
    parsed = parse_field(field, text)
    assert (parsed[0] if parsed else None) == value


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("Fakturanr.", "invoice_number"),
        ("Invoice #", "invoice_number"),
        ("Rechnungsnummer", "invoice_number"),
        ("Factuurnummer", "invoice_number"),
        ("N° de facture", "invoice_number"),
        ("Forfallsdato", "due_date"),
        ("Fällig am", "due_date"),
        ("Vervaldatum", "due_date"),
        ("Date d'échéance", "due_date"),
        ("Å betale", "total"),
        ("Amount due", "total"),
        ("Gesamtbetrag", "total"),
        ("Te betalen", "total"),
        ("Total TTC", "total"),
        ("Sum eks. mva", "net_total"),
        ("Nettobetrag", "net_total"),
        ("Total HT", "net_total"),
        ("Excl. BTW", "net_total"),
        ("Merverdiavgift", "vat_total"),
        ("MwSt.", "vat_total"),
        ("Montant TVA", "vat_total"),
        ("KID", "kid"),
        ("Kontonummer", "bank_account"),
        ("Org.nr.", "supplier_orgnr"),
        ("USt-IdNr.", "supplier_vat_id"),
        ("Bestillingsnr.", "order_reference"),
        ("Beløp å betale", "total"),
        ("BELOP A BETALE", "total"),
    ],
)
def test_labels_in_five_languages(text: str, field: str) -> None:
    assert field in {h.field for h in label_hits(text)}


def test_rows_split_columns_not_words() -> None:
    words = [
        Word("Sum", 1, 50, 100, 70, 110),
        Word("eks.", 1, 73, 100, 90, 110),
        Word("mva:", 1, 93, 100, 115, 110),
        Word("5 972,50", 1, 400, 100, 446, 110),
        Word("Neste", 1, 50, 120, 80, 130),
    ]
    result = rows(words)
    assert [[s.text for s in r.segments] for r in result] == [["Sum eks. mva:", "5 972,50"], ["Neste"]]
