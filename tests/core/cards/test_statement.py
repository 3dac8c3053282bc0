"""Card statement CSV: default layout, presets, hostile input, stable ids."""

from __future__ import annotations

from decimal import Decimal

import pytest

from fakturaflyt.core.cards.statement import ColumnMapping, merchant_payment_ref, read_statement
from fakturaflyt.core.errors import FormatError

HEADER = "date,time,merchant,amount,currency,amount_nok,card_holder,reference\n"


def test_default_layout_read_without_mapping() -> None:
    data = (
        HEADER + "2026-03-02,14:05:10,AMZN MKTP DE*2X4AB12C3,347.83,EUR,4093.21,Kari Nordmann,R-1\n"
        "2026-07-01,23:30,Rema 1000,-99.50,NOK,,Ola,\n"
    ).encode()
    a, b = read_statement(data)
    assert a.id == "R-1" and a.reference == "R-1" and a.merchant_payment_ref == "2X4AB12C3"
    assert a.amount == Decimal("347.83") and a.currency == "EUR" and a.amount_nok == Decimal("4093.21")
    assert a.booked_at.isoformat() == "2026-03-02T14:05:10+01:00" and a.card_holder == "Kari Nordmann"
    assert b.booked_at.utcoffset().total_seconds() == 7200  # summer time in Oslo
    assert b.amount == Decimal("-99.50") and b.amount_nok == Decimal("-99.50") and b.id.startswith("h")


def test_ids_are_stable_and_identical_rows_distinct() -> None:
    data = (HEADER + "2026-03-02,10:00,KIOSK,10.00,NOK,10.00,Kari,\n" * 2).encode()
    first = [t.id for t in read_statement(data)]
    again = [t.id for t in read_statement(data)]
    assert first == again and len(set(first)) == 2


def test_bank_semicolon_preset_detected_cp1252_decimal_comma() -> None:
    text = 'Dato;Tid;Forklaring;Beløp;Valuta;Beløp i NOK;Kortholder;Referanse\n02.03.2026;09:15;AMAZON.DE*AB12CD34E;-1 347,83;EUR;-15 930,12;Kari;="6674"\n'
    (t,) = read_statement(text.encode("cp1252"))
    assert t.amount == Decimal("1347.83") and t.amount_nok == Decimal("15930.12")  # purchases negative in the file
    assert t.reference == "6674" and t.id == "6674" and t.merchant_payment_ref == "AB12CD34E"


def test_card_semicolon_preset_nok_purchase_without_foreign_amount() -> None:
    text = "\ufeffKjøpsdato;Spesifikasjon;Kortholder;Valuta;Beløp i valuta;Beløp\n05.03.2026;NARVESEN OSLO S;Ola;;;129,00\n06.03.2026;AMZN Mktp DE*1Q2W3E4R5;Ola;EUR;25,10;296,18\n"
    a, b = read_statement(text.encode("utf-8"))
    assert (a.amount, a.currency, a.amount_nok) == (Decimal("129.00"), "NOK", Decimal("129.00"))
    assert (b.amount, b.currency, b.merchant_payment_ref) == (Decimal("25.10"), "EUR", "1Q2W3E4R5")


def test_explicit_mapping() -> None:
    mapping = ColumnMapping(
        date="When",
        time=None,
        merchant="Shop",
        amount="Sum",
        currency=None,
        amount_nok=None,
        card_holder=None,
        reference=None,
        date_format="%d/%m/%Y",
        delimiter="\t",
    )
    (t,) = read_statement(b"When\tShop\tSum\n31/12/2026\tX\t12.50\n", mapping)
    assert t.booked_at.date().isoformat() == "2026-12-31" and t.currency == "NOK"


@pytest.mark.parametrize(
    ("data", "code", "location"),
    [
        (b"", "FF-CARD-EMPTY", "line 1"),
        (b"foo,bar\n1,2\n", "FF-CARD-HEADER", "line 1"),
        ((HEADER + "2026-13-01,,X,1.00,NOK,,,\n").encode(), "FF-CARD-DATE", "line 2, column date"),
        ((HEADER + "2026-03-01,,X,12;4,NOK,,,\n").encode(), "FF-CARD-AMOUNT", "line 2, column amount"),
        ((HEADER + "2026-03-01,,X,1.00,EURO,,,\n").encode(), "FF-CARD-CURRENCY", "line 2, column currency"),
        ((HEADER + "2026-03-01,25:99,X,1.00,NOK,,,\n").encode(), "FF-CARD-TIME", "line 2, column time"),
        ((HEADER + "2026-03-01,,X,NaN,NOK,,,\n").encode(), "FF-CARD-AMOUNT", "line 2, column amount"),
    ],
)
def test_bad_input_has_stable_codes(data: bytes, code: str, location: str) -> None:
    with pytest.raises(FormatError) as err:
        read_statement(data)
    assert err.value.code == code and err.value.problems[0].location == location


def test_hostile_bytes_never_crash() -> None:
    for data in (b"\x00\xff\xfe\x81", b'"unterminated\n', HEADER.encode() + b"\x81\x8d\x00,\xff\n", b"\n\n\n"):
        try:
            read_statement(data)
        except FormatError:
            pass


def test_merchant_refs() -> None:
    assert merchant_payment_ref("AMZN MKTP DE*2X4AB12C3") == "2X4AB12C3"
    assert merchant_payment_ref("Amazon.de*MK4QZ1P90 AMAZON.DE") == "MK4QZ1P90"
    assert merchant_payment_ref("PAYPAL *SPOTIFY") == ""
    assert merchant_payment_ref("REMA 1000") == ""
