"""Stored exchange rates: idempotent import, source precedence, rate_on, demo rates, fetch, the task."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from urllib.error import HTTPError, URLError

import pytest

from fakturaflyt.core.errors import FormatError
from fakturaflyt.ledger import rates
from fakturaflyt.ledger.models import ExchangeRate
from fakturaflyt.ledger.tasks import fetch_exchange_rates

pytestmark = pytest.mark.django_db

HEADER = (
    "FREQ;Frequency;BASE_CUR;Base Currency;QUOTE_CUR;Quote Currency;TENOR;Tenor;DECIMALS;CALCULATED;"
    "UNIT_MULT;Unit Multiplier;COLLECTION;Collection Indicator;TIME_PERIOD;OBS_VALUE"
)


def csv(*rows: tuple[str, str, str, str]) -> bytes:
    lines = [HEADER]
    for cur, mult, day, value in rows:
        lines.append(f"B;Business;{cur};x;NOK;Norwegian krone;SP;Spot;4;false;{mult};x;C;x;{day};{value}")
    return ("\n".join(lines) + "\n").encode()


WEEK = csv(
    ("EUR", "0", "2025-01-02", "11.7000"),
    ("EUR", "0", "2025-01-03", "11.7500"),  # Friday
    ("EUR", "0", "2025-01-06", "11.8000"),  # Monday
    ("SEK", "2", "2025-01-03", "102.51"),
)


def test_import_is_idempotent_and_normalises_per_hundred() -> None:
    assert rates.import_rates(WEEK) == {"read": 4, "added": 4, "updated": 0, "kept": 0}
    assert rates.import_rates(WEEK) == {"read": 4, "added": 0, "updated": 0, "kept": 0}
    assert ExchangeRate.objects.count() == 4
    sek = ExchangeRate.objects.get(currency="SEK")
    assert sek.rate == Decimal("1.025100") and sek.source == "norges-bank" and sek.created_at is not None
    # a corrected rate replaces the stored one
    fixed = csv(("EUR", "0", "2025-01-03", "11.7600"), ("EUR", "0", "2025-01-07", "11.8100"))
    assert rates.import_rates(fixed) == {"read": 2, "added": 1, "updated": 1, "kept": 0}
    assert rates.rate_on("EUR", date(2025, 1, 3)) == Decimal("11.76")


def test_bad_file_stores_nothing() -> None:
    bad = WEEK + b"B;Business;EUR;x;NOK;x;SP;Spot;4;false;0;x;C;x;2025-01-08;eleven\n"
    with pytest.raises(FormatError) as info:
        rates.import_rates(bad)
    assert info.value.code == "FF-RATES-VALUE" and info.value.problems[0].location == "line 6, column OBS_VALUE"
    assert not ExchangeRate.objects.exists()
    with pytest.raises(ValueError, match="unknown"):
        rates.import_rates(WEEK, source="guess")


def test_rate_on_weekend_gap_and_max_age() -> None:
    rates.import_rates(WEEK)
    assert rates.rate_on("EUR", date(2025, 1, 3)) == Decimal("11.75")
    assert rates.rate_on("EUR", date(2025, 1, 4)) == Decimal("11.75")  # Saturday: Friday's rate
    assert rates.rate_on("eur", date(2025, 1, 5)) == Decimal("11.75")  # Sunday
    assert rates.rate_on("EUR", date(2025, 1, 6)) == Decimal("11.80")
    assert rates.rate_on("EUR", date(2025, 1, 1)) is None  # before the first: never a later rate
    assert rates.rate_on("EUR", date(2025, 1, 13)) == Decimal("11.80")  # 7 days old
    assert rates.rate_on("EUR", date(2025, 1, 14)) is None
    assert rates.rate_on("EUR", date(2025, 1, 14), max_age_days=8) == Decimal("11.80")
    assert rates.rate_on("SEK", date(2025, 1, 6)) == Decimal("1.0251")
    assert rates.rate_on("GBP", date(2025, 1, 6)) is None
    assert rates.rate_on("NOK", date(2025, 1, 6)) == Decimal(1)
    row = rates.stored_rate_on("EUR", date(2025, 1, 5))
    assert row is not None and row.day == date(2025, 1, 3)


def test_sources_precedence_manual_over_norges_bank_over_demo() -> None:
    demo = csv(("EUR", "0", "2025-01-03", "11.1111"), ("EUR", "0", "2025-01-06", "11.2222"))
    assert rates.import_rates(demo, source="demo")["added"] == 2
    # real rates replace demo values
    assert rates.import_rates(WEEK) == {"read": 4, "added": 2, "updated": 2, "kept": 0}
    # demo values never overwrite real ones
    assert rates.import_rates(demo, source="demo") == {"read": 2, "added": 0, "updated": 0, "kept": 2}
    assert rates.rate_on("EUR", date(2025, 1, 3)) == Decimal("11.75")
    manual = csv(("EUR", "0", "2025-01-03", "11.9999"))
    assert rates.import_rates(manual, source="manual")["updated"] == 1
    assert rates.import_rates(WEEK)["kept"] == 1
    assert ExchangeRate.objects.get(currency="EUR", day=date(2025, 1, 3)).source == "manual"


def test_demo_rates_load_fast_and_idempotent(django_assert_max_num_queries) -> None:
    with django_assert_max_num_queries(20):  # bulk insert, not a query per rate
        first = rates.load_demo_rates()
    assert first["added"] == first["read"] > 1900 and first["updated"] == 0
    assert rates.load_demo_rates() == {"read": first["read"], "added": 0, "updated": 0, "kept": 0}
    assert set(ExchangeRate.objects.values_list("source", flat=True)) == {"demo"}
    assert set(ExchangeRate.objects.values_list("currency", flat=True)) == {"EUR", "USD", "GBP", "SEK"}
    for cur, low, high in (
        ("EUR", "11.5", "11.8"),
        ("USD", "10.0", "11.2"),
        ("GBP", "13.3", "14.0"),
        ("SEK", "0.96", "1.05"),
    ):
        values = list(ExchangeRate.objects.filter(currency=cur).values_list("rate", flat=True))
        assert Decimal(low) <= min(values) and max(values) <= Decimal(high), cur
    # business days of 2025 and 2026 have a rate (a holiday or weekend falls back to the day before)
    for day in (date(2025, 1, 2), date(2025, 4, 18), date(2026, 5, 17), date(2026, 12, 31)):
        assert rates.rate_on("EUR", day) is not None
    assert not ExchangeRate.objects.filter(day=date(2025, 12, 25)).exists()  # Christmas Day: no rate
    assert not ExchangeRate.objects.filter(day=date(2026, 1, 3)).exists()  # a Saturday


class FakeResponse(io.BytesIO):
    def __enter__(self) -> FakeResponse:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def test_fetch_with_a_monkeypatched_opener(monkeypatch) -> None:
    calls = []

    def opener(request, timeout):
        calls.append((request.full_url, timeout))
        return FakeResponse(WEEK)

    monkeypatch.setattr(rates, "urlopen", opener)
    result = rates.fetch_from_norges_bank(["usd", "EUR", "SEK", "NOK"], date(2025, 1, 1), date(2025, 1, 7))
    assert result["added"] == 4 and result["read"] == 4
    url = calls[0][0]
    assert url == result["url"]
    assert url.startswith("https://data.norges-bank.no/api/data/EXR/B.EUR+SEK+USD.NOK.SP?")
    assert "format=csv" in url and "startPeriod=2025-01-01" in url and "endPeriod=2025-01-07" in url
    assert rates.fetch_from_norges_bank(["EUR"], date(2025, 1, 1), date(2025, 1, 7))["added"] == 0


def test_fetch_errors(monkeypatch) -> None:
    def not_found(request, timeout):
        raise HTTPError(request.full_url, 404, "Not Found", {}, None)  # type: ignore[arg-type]

    monkeypatch.setattr(rates, "urlopen", not_found)
    assert rates.fetch_from_norges_bank(["EUR"], date(2025, 1, 4), date(2025, 1, 5))["read"] == 0  # a weekend

    def down(request, timeout):
        raise URLError("Name or service not known")

    monkeypatch.setattr(rates, "urlopen", down)
    with pytest.raises(rates.RatesFetchError) as info:
        rates.fetch_from_norges_bank(["EUR"], date(2025, 1, 1), date(2025, 1, 5))
    assert info.value.code == "FF-RATES-FETCH"
    with pytest.raises(ValueError, match="not currency codes"):
        rates.norges_bank_url(["EUR", "X.Y"], date(2025, 1, 1), date(2025, 1, 5))
    with pytest.raises(ValueError, match="before it starts"):
        rates.norges_bank_url(["EUR"], date(2025, 1, 5), date(2025, 1, 1))


def test_task_is_off_by_default(monkeypatch, settings) -> None:
    def opener(request, timeout):
        raise AssertionError("no download while the setting is off")

    monkeypatch.setattr(rates, "urlopen", opener)
    assert not getattr(settings, "FAKTURAFLYT_FETCH_EXCHANGE_RATES", False)
    assert "skipped" in fetch_exchange_rates.delay().get()


def test_task_fetches_when_switched_on(monkeypatch, settings) -> None:
    settings.FAKTURAFLYT_FETCH_EXCHANGE_RATES = True
    settings.FAKTURAFLYT_EXCHANGE_RATE_CURRENCIES = ["EUR", "SEK"]
    urls = []

    def opener(request, timeout):
        urls.append(request.full_url)
        return FakeResponse(WEEK)

    monkeypatch.setattr(rates, "urlopen", opener)
    result = fetch_exchange_rates.delay().get()
    assert result["added"] == 4
    assert "/EXR/B.EUR+SEK.NOK.SP?" in urls[0]
