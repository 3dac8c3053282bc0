"""Reference exchange rates (Norges Bank) in :class:`~fakturaflyt.ledger.models.ExchangeRate`.

The rates are global (Norges Bank's rates are public, the same for every company) and
stored as NOK per ONE unit of the currency (Norges Bank's per-100 quotes are normalised by
:mod:`fakturaflyt.core.exchange_rates`, which also documents the CSV format).
:func:`rate_on` values a foreign amount at the rate of the transaction date: the latest
rate on or before it, at most ``max_age_days`` old (no rates on weekends and public holidays).

Where the rates come from (``source``): ``norges-bank`` (the CSV from Norges Bank's open
data API, imported by ``fakturaflyt rates import`` or fetched by the task
``ledger.fetch_exchange_rates``), ``demo`` (made-up values for the demo company, see
``data/exchange_rates_demo.csv``) and ``manual``. An import never replaces a rate from a
more trusted source: manual over norges-bank over demo; so real rates replace demo values,
and demo values never overwrite real ones.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

from django.db import transaction

from fakturaflyt.core.errors import FakturaflytError, FormatError, Problem
from fakturaflyt.core.exchange_rates import HOME_CURRENCY, MAX_BYTES, read_norges_bank_csv
from fakturaflyt.ledger.models import ExchangeRate

logger = logging.getLogger(__name__)

DEMO_FILE = Path(__file__).resolve().parent / "data" / "exchange_rates_demo.csv"
NORGES_BANK_URL = "https://data.norges-bank.no/api/data/EXR/B.{key}.NOK.SP"
DEFAULT_CURRENCIES = ("EUR", "USD", "GBP", "SEK", "DKK", "CHF", "JPY", "PLN", "CNY")
FETCH_TIMEOUT = 30
RATE_PLACES = Decimal("0.000001")  # ExchangeRate.rate has 6 decimals
NORGES_BANK, DEMO, MANUAL = "norges-bank", "demo", "manual"  # ExchangeRate.source (RateSource)
_RANK = {DEMO: 0, NORGES_BANK: 1, MANUAL: 2}
_CURRENCY = re.compile(r"^[A-Z]{3}$")


class RatesFetchError(FakturaflytError):
    """Norges Bank could not be reached or answered with an error (``FF-RATES-FETCH``)."""

    def __init__(self, message: str, location: str = "") -> None:
        super().__init__([Problem("FF-RATES-FETCH", message, location)])


def rate_on(currency: str, day: date, *, max_age_days: int = 7) -> Decimal | None:
    """NOK per one unit of ``currency`` on ``day``: the latest stored rate on or before it, at most ``max_age_days`` old.

    ``NOK`` gives ``Decimal(1)``; no rate in the window gives ``None`` (the caller decides:
    the card posting then spreads the NOK charged, or refuses with ``FF-CARD-NO-RATE``).
    """
    code = (currency or "").strip().upper()
    if code == HOME_CURRENCY:
        return Decimal(1)
    row = stored_rate_on(code, day, max_age_days=max_age_days)
    return None if row is None else row.rate


def stored_rate_on(currency: str, day: date, *, max_age_days: int = 7) -> ExchangeRate | None:
    """The stored :class:`ExchangeRate` :func:`rate_on` uses (its day and source too); ``None`` for NOK or none."""
    row: ExchangeRate | None = (
        ExchangeRate.objects.filter(
            currency=(currency or "").strip().upper(), day__lte=day, day__gte=day - timedelta(days=max_age_days)
        )
        .order_by("-day")
        .first()
    )
    return row


def import_rates(data: bytes, *, source: str = NORGES_BANK) -> dict[str, int]:
    """Store the rates of a Norges Bank EXR CSV; idempotent.

    Returns ``{"read", "added", "updated", "kept"}``: rows read, new (currency, day) rates,
    rates changed, and rates left alone because a more trusted source set them (see the
    module doc). Bad input raises :class:`~fakturaflyt.core.errors.FormatError`
    (``FF-RATES-*``) before anything is stored.
    """
    if source not in _RANK:
        raise ValueError(f"unknown exchange-rate source {source!r}")
    rank = _RANK[source]
    rates: dict[tuple[str, date], Decimal] = {}
    for r in read_norges_bank_csv(data):
        value = r.rate.quantize(RATE_PLACES, rounding=ROUND_HALF_UP)
        if value <= 0:
            raise FormatError(
                "FF-RATES-VALUE",
                f"The {r.currency} rate of {r.day.isoformat()} rounds to 0 at 6 decimals",
                f"{r.currency} {r.day.isoformat()}",
            )
        rates[(r.currency, r.day)] = value
    counts = {"read": len(rates), "added": 0, "updated": 0, "kept": 0}
    if not rates:
        return counts
    days = [d for _, d in rates]
    with transaction.atomic():
        existing = {
            (e.currency, e.day): e
            for e in ExchangeRate.objects.select_for_update().filter(
                currency__in={c for c, _ in rates}, day__gte=min(days), day__lte=max(days)
            )
        }
        new: list[ExchangeRate] = []
        changed: list[ExchangeRate] = []
        for (currency, day), value in rates.items():
            row = existing.get((currency, day))
            if row is None:
                new.append(ExchangeRate(currency=currency, day=day, rate=value, source=source))
            elif row.rate == value and row.source == source:
                continue
            elif _RANK.get(row.source, 0) > rank:
                counts["kept"] += 1
            else:
                row.rate, row.source = value, source
                changed.append(row)
        ExchangeRate.objects.bulk_create(new, batch_size=1000)
        ExchangeRate.objects.bulk_update(changed, ["rate", "source"], batch_size=1000)
    counts["added"], counts["updated"] = len(new), len(changed)
    return counts


def load_demo_rates() -> dict[str, int]:
    """Import the demo rates (``data/exchange_rates_demo.csv``, made-up values, NOT Norges Bank's) as ``demo``."""
    return import_rates(DEMO_FILE.read_bytes(), source=DEMO)


def norges_bank_url(currencies: Iterable[str], start: date, end: date) -> str:
    """The open-data API address of the daily rates of ``currencies`` from ``start`` to ``end`` (CSV)."""
    codes = sorted({c.strip().upper() for c in currencies} - {HOME_CURRENCY})
    bad = [c for c in codes if not _CURRENCY.match(c)]
    if bad or not codes:
        raise ValueError(f"not currency codes: {', '.join(bad) or '(none)'}")
    if end < start:
        raise ValueError(f"the period ends ({end}) before it starts ({start})")
    query = urlencode({"format": "csv", "locale": "en", "startPeriod": start.isoformat(), "endPeriod": end.isoformat()})
    return NORGES_BANK_URL.format(key="+".join(codes)) + "?" + query


def fetch_from_norges_bank(currencies: Iterable[str], start: date, end: date) -> dict[str, Any]:
    """Download the daily rates of ``currencies`` for ``start``..``end`` from Norges Bank and import them.

    Returns the counts of :func:`import_rates` and the ``url``. Norges Bank answers 404 when
    the period has no rates (only a weekend or holiday): that is 0 read, not an error. Other
    HTTP errors and network failures raise :class:`RatesFetchError` (``FF-RATES-FETCH``).
    Only called on demand (the CLI, the scheduled task); never in tests.
    """
    url = norges_bank_url(currencies, start, end)
    request = Request(url, headers={"Accept": "text/csv", "User-Agent": "Fakturaflyt exchange rates"})  # noqa: S310
    try:
        with urlopen(request, timeout=FETCH_TIMEOUT) as response:  # noqa: S310 - fixed https address above
            data: bytes = response.read(MAX_BYTES + 1)
    except HTTPError as exc:
        if exc.code == 404:
            return {"read": 0, "added": 0, "updated": 0, "kept": 0, "url": url}
        raise RatesFetchError(f"Norges Bank answered HTTP {exc.code} {exc.reason}", url) from None
    except (URLError, TimeoutError, OSError) as exc:
        raise RatesFetchError(f"Norges Bank could not be reached: {exc}", url) from None
    result: dict[str, Any] = dict(import_rates(data, source=NORGES_BANK))
    result["url"] = url
    logger.info("exchange rates from Norges Bank %s..%s: %s", start, end, result)
    return result
