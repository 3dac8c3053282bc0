"""Write fakturaflyt/ledger/data/exchange_rates_demo.csv: made-up daily rates in Norges Bank's EXR CSV layout.

Deterministic (seeded): a mean-reverting random walk per currency, kept inside a plausible band,
on Norwegian business days 2024-12-02..2027-12-31 (no weekends, public holidays, 24 and 31 Dec).
"""

from __future__ import annotations

import random
import sys
from datetime import date, timedelta
from decimal import Decimal

SEED = 9
START, END = date(2024, 12, 2), date(2027, 12, 31)
# code, label, decimals, unit_mult, unit label, low, high, start value
SERIES = [
    ("EUR", "Euro", 4, 0, "Units", 11.5, 11.8, 11.72),
    ("GBP", "Pound sterling", 4, 0, "Units", 13.3, 14.0, 13.62),
    ("SEK", "Swedish krona", 2, 2, "Hundreds", 96.0, 105.0, 101.5),
    ("USD", "US dollar", 4, 0, "Units", 10.0, 11.2, 10.95),
]


def easter(year: int) -> date:
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l = (32 + 2 * e + 2 * i - h - k) % 7  # noqa: E741
    m = (a + 11 * h + 22 * l) // 451
    month = (h + l - 7 * m + 114) // 31
    return date(year, month, (h + l - 7 * m + 114) % 31 + 1)


def holidays(year: int) -> set[date]:
    e = easter(year)
    fixed = {
        date(year, 1, 1),
        date(year, 5, 1),
        date(year, 5, 17),
        date(year, 12, 24),
        date(year, 12, 25),
        date(year, 12, 26),
        date(year, 12, 31),
    }
    return fixed | {
        e - timedelta(days=3),
        e - timedelta(days=2),
        e + timedelta(days=1),
        e + timedelta(days=39),
        e + timedelta(days=50),
    }


def business_days() -> list[date]:
    off = set().union(*(holidays(y) for y in range(START.year, END.year + 1)))
    days, d = [], START
    while d <= END:
        if d.weekday() < 5 and d not in off:
            days.append(d)
        d += timedelta(days=1)
    return days


def main() -> None:
    rng = random.Random(SEED)  # noqa: S311 - made-up demo values, not security
    days = business_days()
    out = [
        "# DEMO VALUES: made-up exchange rates for the demo company, NOT Norges Bank's rates. Layout of"
        " Norges Bank's EXR CSV (format=csv); SEK per 100 units (UNIT_MULT 2). Mean-reverting random walk, seed 9.",
        "FREQ;Frequency;BASE_CUR;Base Currency;QUOTE_CUR;Quote Currency;TENOR;Tenor;DECIMALS;CALCULATED;"
        "UNIT_MULT;Unit Multiplier;COLLECTION;Collection Indicator;TIME_PERIOD;OBS_VALUE",
    ]
    for code, label, decimals, mult, unit, low, high, value in SERIES:
        mid, width = (low + high) / 2, high - low
        drift = 0.0
        for d in days:
            drift = 0.8 * drift + rng.gauss(0, width * 0.006)  # smooth: correlated day-to-day steps
            value += drift + 0.01 * (mid - value)
            if not low <= value <= high:  # reflect at the band's edges
                value = 2 * low - value if value < low else 2 * high - value
                drift = -drift
            text = str(Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals)))
            out.append(
                f"B;Business;{code};{label};NOK;Norwegian krone;SP;Spot;{decimals};false;{mult};{unit};"
                f"C;Demo value;{d.isoformat()};{text}"
            )
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
