"""Norges Bank's EXR CSV: the served layouts, UNIT_MULT, hostile input (FF-RATES-*), rate_on."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from fakturaflyt.core.errors import FormatError
from fakturaflyt.core.exchange_rates import Rate, rate_on, read_norges_bank_csv

HEADER = (
    "FREQ;Frequency;BASE_CUR;Base Currency;QUOTE_CUR;Quote Currency;TENOR;Tenor;DECIMALS;CALCULATED;"
    "UNIT_MULT;Unit Multiplier;COLLECTION;Collection Indicator;TIME_PERIOD;OBS_VALUE"
)


def row(cur: str, day: str, value: str, *, mult: str = "0", label: str = "Euro", decimals: str = "4") -> str:
    unit = "Hundreds" if mult == "2" else "Units"
    return (
        f"B;Business;{cur};{label};NOK;Norwegian krone;SP;Spot;{decimals};false;{mult};{unit};C;"
        f"ECB concertation time 14:15 CET;{day};{value}"
    )


def read(*lines: str, header: str = HEADER) -> list[Rate]:
    return read_norges_bank_csv(("\n".join((header, *lines)) + "\n").encode())


def error(data: bytes) -> FormatError:
    with pytest.raises(FormatError) as info:
        read_norges_bank_csv(data)
    return info.value


def test_english_locale_semicolons() -> None:
    rates = read(
        row("USD", "2026-10-09", "9.4515", label="US dollar"),
        row("EUR", "2026-10-09", "10.7155"),
        row("EUR", "2026-10-12", "10.7575"),
    )
    assert rates == [
        Rate("EUR", date(2026, 10, 9), Decimal("10.7155")),
        Rate("EUR", date(2026, 10, 12), Decimal("10.7575")),
        Rate("USD", date(2026, 10, 9), Decimal("9.4515")),
    ]


def test_unit_mult_two_is_per_hundred_units() -> None:
    rates = read(
        row("SEK", "2026-10-09", "95.95", mult="2", label="Swedish krona", decimals="2"),
        row("JPY", "2026-10-09", "6.0423", mult="2", label="Japanese yen"),
        row("DKK", "2026-10-09", "146.24", mult="2", label="Danish krone", decimals="2"),
    )
    assert {r.currency: r.rate for r in rates} == {
        "SEK": Decimal("0.9595"),
        "JPY": Decimal("0.060423"),
        "DKK": Decimal("1.4624"),
    }


def test_norwegian_locale_decimal_comma_bom_and_labels() -> None:
    header = HEADER.replace("Frequency", "Frekvens").replace("Base Currency", "Basisvaluta")
    text = "\n".join(
        (
            header,
            "B;Virkedag;EUR;Euro;NOK;Norske kroner;SP;Spot;4;false;0;Enheter;C;ECB 14:15;2025-01-03;11,7825",
            "B;Virkedag;SEK;Svenske kroner;NOK;Norske kroner;SP;Spot;2;false;2;Hundre;C;ECB 14:15;2025-01-03;102,51",
        )
    )
    rates = read_norges_bank_csv(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert {r.currency: r.rate for r in rates} == {"EUR": Decimal("11.7825"), "SEK": Decimal("1.0251")}
    # Windows-1252 (ø in a label) and CRLF read the same
    assert read_norges_bank_csv(text.replace("\n", "\r\n").replace("Norske", "Nørske").encode("cp1252")) == rates


def test_comma_separated_and_minimal_columns() -> None:
    data = b'TIME_PERIOD,BASE_CUR,OBS_VALUE,UNIT_MULT\n2025-01-02,USD,11.3578,0\n2025-01-02,SEK,"103,01",2\n'
    assert read_norges_bank_csv(data) == [
        Rate("SEK", date(2025, 1, 2), Decimal("1.0301")),
        Rate("USD", date(2025, 1, 2), Decimal("11.3578")),
    ]


def test_thousands_separators() -> None:
    rates = read(
        row("ISK", "2025-01-02", "1,145.56", mult="2", decimals="2"),
        row("HUF", "2025-01-03", "1 145,56", mult="2", decimals="2"),
        row("KRW", "2025-01-06", "1,145", mult="2", decimals="2"),
    )
    assert [r.rate for r in rates] == [Decimal("11.4556"), Decimal("11.4556"), Decimal("11.45")]


def test_comments_blank_lines_empty_values_and_indices_are_skipped() -> None:
    rates = read_norges_bank_csv(
        (
            "# demo values\n\n"
            + HEADER
            + "\n\n"
            + row("EUR", "2025-01-02", "")
            + "\n"
            + row("I44", "2025-01-02", "115.12")
            + "\n"
            + row("XDR", "2025-01-02", "14.8123")
            + "\n"
        ).encode()
    )
    assert [r.currency for r in rates] == ["XDR"]


def test_header_only_reads_nothing_and_the_same_row_twice_once() -> None:
    assert read() == []
    assert len(read(row("EUR", "2025-01-02", "11.5"), row("EUR", "2025-01-02", "11.5000"))) == 1


@pytest.mark.parametrize(
    ("data", "code", "location"),
    [
        (b"", "FF-RATES-EMPTY", "line 1"),
        (b"\n\n  \n", "FF-RATES-EMPTY", "line 1"),
        (b'<?xml version="1.0"?><message:Error/>', "FF-RATES-NOT-CSV", "line 1"),
        (b'{"data": {}}', "FF-RATES-NOT-CSV", "line 1"),
        (b"date;currency;rate\n2025-01-02;EUR;11.5\n", "FF-RATES-HEADER", "line 1"),
        (b"\x00\x01\x02\xff\xfe garbage", "FF-RATES-HEADER", "line 1"),
        ((HEADER + "\n" + row("EUR", "2025-01-02", "11.5")[:-8] + "\n").encode(), "FF-RATES-COLUMNS", "line 2"),
        # a decimal comma in a comma-separated file splits the value: refused, never read as 11
        (b"TIME_PERIOD,BASE_CUR,OBS_VALUE\n2025-01-02,EUR,11,5\n", "FF-RATES-COLUMNS", "line 2"),
        ((HEADER + "\n" + row("EURO", "2025-01-02", "11.5") + "\n").encode(), "FF-RATES-CURRENCY", "BASE_CUR"),
        ((HEADER + "\n" + row("EUR", "2025-01", "11.5") + "\n").encode(), "FF-RATES-DATE", "TIME_PERIOD"),
        ((HEADER + "\n" + row("EUR", "2025-02-30", "11.5") + "\n").encode(), "FF-RATES-DATE", "TIME_PERIOD"),
        ((HEADER + "\n" + row("EUR", "2025-01-02", "abc") + "\n").encode(), "FF-RATES-VALUE", "OBS_VALUE"),
        ((HEADER + "\n" + row("EUR", "2025-01-02", "-11.5") + "\n").encode(), "FF-RATES-VALUE", "OBS_VALUE"),
        ((HEADER + "\n" + row("EUR", "2025-01-02", "0") + "\n").encode(), "FF-RATES-VALUE", "OBS_VALUE"),
        ((HEADER + "\n" + row("EUR", "2025-01-02", "1e9") + "\n").encode(), "FF-RATES-VALUE", "OBS_VALUE"),
        ((HEADER + "\n" + row("EUR", "2025-01-02", "9" * 40) + "\n").encode(), "FF-RATES-VALUE", "OBS_VALUE"),
        ((HEADER + "\n" + row("EUR", "2025-01-02", "1.2.3") + "\n").encode(), "FF-RATES-VALUE", "OBS_VALUE"),
        ((HEADER + "\n" + row("EUR", "2025-01-02", "١١.٥") + "\n").encode(), "FF-RATES-VALUE", "OBS_VALUE"),
        ((HEADER + "\n" + row("EUR", "2025-01-02", "11.5", mult="-2") + "\n").encode(), "FF-RATES-UNIT-MULT", ""),
        ((HEADER + "\n" + row("EUR", "2025-01-02", "11.5", mult="²") + "\n").encode(), "FF-RATES-UNIT-MULT", ""),
        ((HEADER + "\n" + row("EUR", "2025-01-02", "11.5", mult="9") + "\n").encode(), "FF-RATES-UNIT-MULT", ""),
        (
            (HEADER + "\n" + row("EUR", "2025-01-02", "11.5").replace(";NOK;", ";SEK;") + "\n").encode(),
            "FF-RATES-QUOTE",
            "",
        ),
        (
            (HEADER + "\n" + row("EUR", "2025-01-02", "11.5").replace("B;Business", "M;Monthly") + "\n").encode(),
            "FF-RATES-FREQUENCY",
            "FREQ",
        ),
        (
            (
                HEADER + "\n" + row("EUR", "2025-01-02", "11.5") + "\n" + row("EUR", "2025-01-02", "11.6") + "\n"
            ).encode(),
            "FF-RATES-DUPLICATE",
            "line 3",
        ),
        ((HEADER + '\n"unterminated' + "x" * 200_000).encode(), "FF-RATES-CSV", "line"),
    ],
)
def test_hostile_or_wrong_input_names_code_line_and_column(data: bytes, code: str, location: str) -> None:
    exc = error(data)
    assert exc.code == code
    assert location in exc.problems[0].location
    if code not in {"FF-RATES-EMPTY", "FF-RATES-NOT-CSV", "FF-RATES-CSV"}:
        assert exc.problems[0].location.startswith("line ")


def test_values_are_quoted_back_briefly() -> None:
    exc = error((HEADER + "\n" + row("EUR", "2025-01-02", "x" * 10_000) + "\n").encode())
    assert len(exc.problems[0].message) < 200


def test_too_large(monkeypatch: pytest.MonkeyPatch) -> None:
    import fakturaflyt.core.exchange_rates as module

    monkeypatch.setattr(module, "MAX_BYTES", 100)
    assert error(b"x" * 101).code == "FF-RATES-TOO-LARGE"


RATES = [
    Rate("EUR", date(2025, 1, 2), Decimal("11.70")),
    Rate("EUR", date(2025, 1, 3), Decimal("11.75")),  # Friday
    Rate("EUR", date(2025, 1, 6), Decimal("11.80")),  # Monday
    Rate("USD", date(2025, 1, 3), Decimal("11.30")),
]


def test_rate_on_the_day_and_the_weekend_gap() -> None:
    assert rate_on(RATES, "EUR", date(2025, 1, 3)) == RATES[1]
    assert rate_on(RATES, "eur", date(2025, 1, 4)) == RATES[1]  # Saturday: Friday's rate
    assert rate_on(RATES, "EUR", date(2025, 1, 5)) == RATES[1]  # Sunday
    assert rate_on(RATES, "EUR", date(2025, 1, 6)) == RATES[2]
    assert rate_on(RATES, "USD", date(2025, 1, 6)) == RATES[3]
    assert rate_on(RATES, "EUR", date(2025, 1, 1)) is None  # before the first rate (never a later one)
    assert rate_on(RATES, "GBP", date(2025, 1, 3)) is None


def test_rate_on_max_age_and_nok() -> None:
    assert rate_on(RATES, "EUR", date(2025, 1, 13)) == RATES[2]  # 7 days old
    assert rate_on(RATES, "EUR", date(2025, 1, 14)) is None
    assert rate_on(RATES, "EUR", date(2025, 1, 14), max_age_days=8) == RATES[2]
    assert rate_on(RATES, "EUR", date(2025, 1, 4), max_age_days=0) is None
    assert rate_on([], "NOK", date(2025, 1, 4)) == Rate("NOK", date(2025, 1, 4), Decimal(1))
