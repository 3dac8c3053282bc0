"""Norges Bank's reference exchange rates (valutakurser) read from its open-data CSV.

Foreign-currency amounts are valued in NOK at the rate of the transaction date; the
difference to what a bank or card issuer actually charged is a currency gain or loss
(agio/disagio, NS 4102 accounts 8060/8160). Norges Bank's daily rates are middle rates,
published about 16:00 on Norwegian business days, none on weekends and public holidays,
so :func:`rate_on` takes the latest rate on or before a day, within ``max_age_days``.

The format (Norges Bank, "API for open data", https://www.norges-bank.no/en/topics/Statistics/open-data/
and ".../tilgjengelige-data/"; SDMX REST ``GET https://data.norges-bank.no/api/data/EXR/{key}``
with ``format=csv``): dataflow ``EXR``, key ``FREQ.BASE_CUR.QUOTE_CUR.TENOR``, e.g.
``B.EUR+USD.NOK.SP`` (``B`` business day, quote currency always ``NOK``, tenor always ``SP``
spot), ``startPeriod``/``endPeriod`` as ``YYYY-MM-DD``, ``locale=en|no``, ``bom=include``.
The answer is one observation per row, ``;``-separated, with each dimension/attribute code
followed by its label, as seen in responses quoted by several independent clients::

    FREQ;Frequency;BASE_CUR;Base Currency;QUOTE_CUR;Quote Currency;TENOR;Tenor;DECIMALS;CALCULATED;UNIT_MULT;Unit Multiplier;COLLECTION;Collection Indicator;TIME_PERIOD;OBS_VALUE
    B;Business;EUR;Euro;NOK;Norwegian krone;SP;Spot;4;false;0;Units;C;ECB concertation time 14:15 CET;2026-10-09;10.7155
    B;Business;SEK;Swedish krona;NOK;Norwegian krone;SP;Spot;2;false;2;Hundreds;C;ECB concertation time 14:15 CET;2026-10-09;95.95

``locale=no`` gives Norwegian labels and a decimal comma (``11,4567``); the codes in the
header stay the same. Lines starting with ``#`` before the header are comments. ``UNIT_MULT`` is the SDMX unit multiplier: the observation times
``10**UNIT_MULT`` units of the currency, so SEK, DKK, JPY ... (``2``, "Hundreds") are quoted
per 100 units and are divided by 100 here. ``DECIMALS`` is the number of decimals quoted.
``CALCULATED`` is ``true`` for the synthetic series; the indices ``I44`` (import-weighted)
and ``TWI`` are not exchange rates and are skipped, ``XDR`` (IMF SDR) is kept.

This reader finds columns by their SDMX code (so the label columns, their language and
their order do not matter), accepts ``;``, ``,`` or tab as delimiter, a decimal point or
comma, a BOM and Windows-1252 (the decoder of :mod:`fakturaflyt.core.cards._csv`). Only
daily series (``FREQ`` ``B`` or ``D``) are accepted: a monthly or annual average is not the
rate of a transaction date. Anything else raises :class:`FormatError` with a stable
``FF-RATES-*`` code naming the line and the column.

>>> data = (
...     "FREQ;BASE_CUR;QUOTE_CUR;UNIT_MULT;TIME_PERIOD;OBS_VALUE\\n"
...     "B;EUR;NOK;0;2025-01-03;11,7825\\n"
...     "B;SEK;NOK;2;2025-01-03;102,51\\n"
... ).encode()
>>> [(r.currency, r.day.isoformat(), r.rate) for r in read_norges_bank_csv(data)]
[('EUR', '2025-01-03', Decimal('11.7825')), ('SEK', '2025-01-03', Decimal('1.0251'))]
>>> rate_on(read_norges_bank_csv(data), "SEK", date(2025, 1, 5)).rate   # a Sunday: Friday's rate
Decimal('1.0251')
>>> rate_on(read_norges_bank_csv(data), "SEK", date(2025, 1, 20)) is None   # older than 7 days
True
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from fakturaflyt.core.cards._csv import decode, sniff_delimiter
from fakturaflyt.core.errors import FormatError

HOME_CURRENCY = "NOK"
MAX_BYTES = 64 * 1024 * 1024  # every daily rate of every currency since 1990 is about 40 MiB
MAX_UNIT_MULT = 6
INDICES = frozenset({"I44", "TWI"})  # Norges Bank's synthetic krone indices: not exchange rates
DAILY = frozenset({"B", "D"})
REQUIRED = ("BASE_CUR", "TIME_PERIOD", "OBS_VALUE")
OPTIONAL = ("FREQ", "QUOTE_CUR", "UNIT_MULT", "DECIMALS")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_NUMBER = re.compile(r"^[0-9]+(?:[.,][0-9]+)*$")
_ISO_DAY = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_SPACES = re.compile(r"[\s\u00a0\u202f']")
_MAX_RATE = Decimal(10) ** 9
_COMMENTS = re.compile(r"\A(?:[ \t]*(?:#[^\n]*)?\r?\n)+")


@dataclass(frozen=True)
class Rate:
    """A reference rate: NOK per ONE unit of ``currency`` on ``day`` (Norges Bank's per-100 quotes normalised)."""

    currency: str
    day: date
    rate: Decimal


def read_norges_bank_csv(data: bytes) -> list[Rate]:
    """The daily rates in a Norges Bank EXR CSV, sorted by currency and day (see the module doc).

    Rows without a value (a day without a quote) are skipped; the same currency and day twice
    with different values is an error (``FF-RATES-DUPLICATE``), twice with one value is read once.
    """
    if len(data) > MAX_BYTES:
        raise FormatError("FF-RATES-TOO-LARGE", f"The file is larger than {MAX_BYTES // 1_048_576} MiB", "line 1")
    text = decode(data)
    head = text.lstrip("\ufeff \t\r\n")[:200].lower()
    if head.startswith("<") or head.startswith("{"):
        raise FormatError(
            "FF-RATES-NOT-CSV",
            "The file is XML or JSON, not CSV: download the rates with format=csv from Norges Bank",
            "line 1",
        )
    body = _COMMENTS.sub("", text.lstrip("\ufeff"))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(body))
    try:
        header: list[str] | None = None
        cols: dict[str, int] = {}
        seen: dict[tuple[str, date], Rate] = {}
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            line = reader.line_num
            if header is None and cells[0].lstrip("\ufeff \t").startswith("#"):
                continue  # a comment line before the header (our demo file says what it is)
            if header is None:
                header = cells
                cols = _columns(header, line)
                continue
            if len(cells) < len(header) or any(c.strip() for c in cells[len(header) :]):
                raise FormatError(
                    "FF-RATES-COLUMNS",
                    f"The row has {len(cells)} fields, the header {len(header)}: is the delimiter or "
                    "the decimal comma mixed up?",
                    f"line {line}",
                )
            rate = _row(cells, cols, line)
            if rate is None:
                continue
            key = (rate.currency, rate.day)
            earlier = seen.get(key)
            if earlier is not None and earlier.rate != rate.rate:
                raise FormatError(
                    "FF-RATES-DUPLICATE",
                    f"{rate.currency} {rate.day.isoformat()} is given twice with different rates "
                    f"({earlier.rate} and {rate.rate})",
                    f"line {line}, column OBS_VALUE",
                )
            seen[key] = rate
    except csv.Error as exc:
        raise FormatError("FF-RATES-CSV", f"The file is not readable CSV: {exc}", f"line {reader.line_num}") from None
    if header is None:
        raise FormatError("FF-RATES-EMPTY", "The file is empty", "line 1")
    return sorted(seen.values(), key=lambda r: (r.currency, r.day))


def rate_on(rates: Sequence[Rate], currency: str, day: date, max_age_days: int = 7) -> Rate | None:
    """The latest rate of ``currency`` on or before ``day``, at most ``max_age_days`` old; else ``None``.

    Weekends and Norwegian public holidays have no rate, so the last business day's rate
    applies; a gap longer than ``max_age_days`` means the rates are missing, not a holiday.
    NOK is always ``Rate("NOK", day, Decimal(1))``.
    """
    code = currency.strip().upper()
    if code == HOME_CURRENCY:
        return Rate(HOME_CURRENCY, day, Decimal(1))
    oldest = day - timedelta(days=max_age_days)
    best: Rate | None = None
    for r in rates:
        if r.currency == code and oldest <= r.day <= day and (best is None or r.day > best.day):
            best = r
    return best


def _columns(header: list[str], line: int) -> dict[str, int]:
    """Where each SDMX code is: the exact code first (``TENOR`` before its label ``Tenor``), then any case."""
    names = [cell.strip().strip("\ufeff").strip('"').strip() for cell in header]
    cols: dict[str, int] = {}
    for code in (*REQUIRED, *OPTIONAL):
        for i, name in enumerate(names):
            if name == code:
                cols[code] = i
                break
        else:
            for i, name in enumerate(names):
                if name.upper() == code:
                    cols[code] = i
                    break
    missing = [code for code in REQUIRED if code not in cols]
    if missing:
        raise FormatError(
            "FF-RATES-HEADER",
            f"The header lacks the column(s) {', '.join(missing)}: this is not a Norges Bank exchange-rate CSV "
            "(download it with format=csv)",
            f"line {line}",
        )
    return cols


def _cell(cells: list[str], cols: dict[str, int], code: str) -> str:
    i = cols.get(code)
    return "" if i is None else cells[i].strip()


def _row(cells: list[str], cols: dict[str, int], line: int) -> Rate | None:
    """One observation as a :class:`Rate`; ``None`` for a row without a value or for an index."""

    def at(code: str) -> str:
        return f"line {line}, column {code}"

    currency = _cell(cells, cols, "BASE_CUR").upper()
    if currency in INDICES:
        return None
    if not _CURRENCY.fullmatch(currency):
        raise FormatError("FF-RATES-CURRENCY", f"{currency[:20]!r} is not a currency code", at("BASE_CUR"))
    quote = _cell(cells, cols, "QUOTE_CUR").upper()
    if quote and quote != HOME_CURRENCY:
        raise FormatError(
            "FF-RATES-QUOTE",
            f"The rate is quoted in {quote[:20]!r}, not in NOK (Norges Bank quotes NOK)",
            at("QUOTE_CUR"),
        )
    freq = _cell(cells, cols, "FREQ").upper()
    if freq and freq not in DAILY:
        raise FormatError(
            "FF-RATES-FREQUENCY",
            f"Frequency {freq[:20]!r} is not daily: monthly or annual averages are not the rate of a day "
            "(download the B series)",
            at("FREQ"),
        )
    raw_day = _cell(cells, cols, "TIME_PERIOD")
    try:
        if not _ISO_DAY.fullmatch(raw_day):
            raise ValueError(raw_day)
        day = date.fromisoformat(raw_day)
    except ValueError:
        raise FormatError("FF-RATES-DATE", f"{raw_day[:40]!r} is not a date (YYYY-MM-DD)", at("TIME_PERIOD")) from None
    raw_value = _cell(cells, cols, "OBS_VALUE")
    if raw_value in ("", "NaN", "NA"):
        return None
    raw_mult = _cell(cells, cols, "UNIT_MULT") or "0"
    if not re.fullmatch("[0-9]", raw_mult) or int(raw_mult) > MAX_UNIT_MULT:
        raise FormatError("FF-RATES-UNIT-MULT", f"{raw_mult[:20]!r} is not a unit multiplier (0-6)", at("UNIT_MULT"))
    raw_decimals = _cell(cells, cols, "DECIMALS")
    decimals = int(raw_decimals) if re.fullmatch("[0-9]{1,2}", raw_decimals) else None
    value = _number(raw_value, decimals, at("OBS_VALUE"))
    return Rate(currency, day, value.scaleb(-int(raw_mult)))


def _number(raw: str, decimals: int | None, location: str) -> Decimal:
    """A positive rate with a decimal point or comma (``locale=no``) and optional thousands separators.

    Both marks: the last is the decimal mark. One ``,`` only: a decimal comma, unless exactly
    three digits follow and ``DECIMALS`` says fewer (then it separates thousands).
    """
    text = _SPACES.sub("", raw)
    if not _NUMBER.fullmatch(text):
        raise FormatError("FF-RATES-VALUE", f"{raw[:40]!r} is not a rate", location)
    comma, point = text.rfind(","), text.rfind(".")
    if comma >= 0 and point >= 0:
        mark = "," if comma > point else "."
    elif comma >= 0:
        tail = len(text) - comma - 1
        thousands = text.count(",") > 1 or (tail == 3 and decimals is not None and decimals < 3)
        mark = "." if thousands else ","
    else:
        mark = "."
    if text.count(mark) > 1:
        raise FormatError("FF-RATES-VALUE", f"{raw[:40]!r} is not a rate", location)
    other = "," if mark == "." else "."
    text = text.replace(other, "").replace(mark, ".")
    try:
        value = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern above admits only digits and marks
        raise FormatError("FF-RATES-VALUE", f"{raw[:40]!r} is not a rate", location) from None
    if not value.is_finite() or value <= 0 or value >= _MAX_RATE:
        raise FormatError("FF-RATES-VALUE", f"{raw[:40]!r} is not a plausible rate (must be above 0)", location)
    return value
