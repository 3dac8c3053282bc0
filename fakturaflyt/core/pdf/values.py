"""Values as printed on invoices: amounts, dates, percentages, and text normalisation.

Amounts come in the European and Anglo-Saxon forms ``1 234,56``, ``1.234,56``,
``1,234.56``, ``1'234.56``, with a currency symbol or code on either side; dates as
``14.03.2024``, ``2024-03-14``, ``14/03/24``, ``12. mars 2026``, ``Jan 1, 2022``,
``7. Mai 2014``, ``19 april 2014``, ``02 Juillet 2015`` (month names in Norwegian,
English, German, Dutch and French, with or without accents, as OCR often drops them).

>>> [str(a.value) for a in find_amounts("Sum 1 234,56 og 1.234,56 og 1,234.56 og 1'234.56")]
['1234.56', '1234.56', '1234.56', '1234.56']
>>> [str(a.value) for a in find_amounts("Total facture 24.99 5.00 29.99")]
['24.99', '5.00', '29.99']
>>> find_amounts("€ -9,32")[0].value
Decimal('-9.32')
>>> parse_date("12. mars 2026"), parse_date("Jan 1, 2022"), parse_date("21.05.14")
(datetime.date(2026, 3, 12), datetime.date(2022, 1, 1), datetime.date(2014, 5, 21))
>>> parse_date("August 3 , 2014"), parse_date("02 Juillet 2015"), parse_date("2024-03-14")
(datetime.date(2014, 8, 3), datetime.date(2015, 7, 2), datetime.date(2024, 3, 14))
>>> fold("Å betale: Beløp")
'a betale: belop'
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache

__all__ = ["Amount", "DateHit", "find_amounts", "find_dates", "fold", "parse_amount", "parse_date", "percentages"]

_FOLD = str.maketrans({"ø": "o", "æ": "ae", "ß": "ss", "đ": "d", "ł": "l", "œ": "oe", "−": "-", "–": "-", "—": "-"})


def fold(text: str) -> str:
    """Lower case without accents (``ø`` to ``o``, ``æ`` to ``ae``), the form labels are matched in.

    Keeps the length of plain text except for ``æ``/``ß``/``œ``; callers that map positions
    back use :func:`fold_map`.
    """
    return fold_map(text)[0]


@lru_cache(maxsize=8192)
def fold_map(text: str) -> tuple[str, tuple[int, ...]]:
    """:func:`fold` and, for each folded character, the index of the original character."""
    if text.isascii():
        return text.lower(), tuple(range(len(text)))
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        low = ch.lower().translate(_FOLD)
        for piece in unicodedata.normalize("NFKD", low):
            if not unicodedata.combining(piece):
                out.append(piece)
                where.append(i)
    return "".join(out), tuple(where)


# --- amounts -----------------------------------------------------------------------------

CURRENCY_SYMBOLS = {"€": "EUR", "$": "USD", "£": "GBP", "₹": "INR", "¥": "JPY", "₣": "CHF"}
_SEP = r"[ .,'’\u00a0\u202f\u2009]"
_AMOUNT = re.compile(
    r"(?<![\w.,/:-])"
    r"(?P<sign>[-−–](?=\s?\d))?\s?"
    r"(?P<num>\d{1,3}(?:(?P<g>" + _SEP + r")\d{3}(?!\d))(?:(?P=g)\d{3}(?!\d))*(?:[.,]\d{1,2})?"
    r"|\d+(?:[.,]\d{1,2})?)"
    r"(?P<whole>[.,]-{1,2}(?!-))?"  # "1 234,-": whole kroner
    r"(?P<trail>-(?![\w-]))?"  # "1.234,50-": a credit, German style
    r"(?![\w]|[.,/]\d|-\d|%|\s?%)"
)


@dataclass(frozen=True, slots=True)
class Amount:
    """An amount found in a text: value, where (character offsets) and whether it had decimals."""

    value: Decimal
    start: int
    end: int
    decimals: bool


def _to_decimal(num: str) -> Decimal | None:
    text = num.replace("\u00a0", " ").replace("\u202f", " ").replace("\u2009", " ").replace("’", "'")
    last_dot, last_comma = text.rfind("."), text.rfind(",")
    dec_pos = max(last_dot, last_comma)
    if dec_pos >= 0 and len(text) - dec_pos - 1 in (1, 2):
        whole, frac = text[:dec_pos], text[dec_pos + 1 :]
    else:
        whole, frac = text, ""
    whole = re.sub(r"[ .,']", "", whole)
    if not whole.isdigit() or (frac and not frac.isdigit()):
        return None
    try:
        return Decimal(f"{whole}.{frac}" if frac else whole)
    except InvalidOperation:
        return None


def find_amounts(text: str) -> list[Amount]:
    """Every amount in ``text``, left to right (dates, percentages and parts of codes excluded)."""
    found: list[Amount] = []
    for m in _AMOUNT.finditer(text):
        num = m.group("num")
        value = _to_decimal(num)
        if value is None:
            continue
        if m.group("sign") or m.group("trail"):
            value = -value
        if text[m.end() :].lstrip().startswith(")") and text[: m.start()].rstrip().endswith("("):
            value = -value
        decimals = bool(re.search(r"[.,]\d{1,2}$", num) or m.group("whole"))
        found.append(Amount(value, m.start(), m.end(), decimals))
    return found


def parse_amount(text: str) -> Decimal | None:
    """The single amount in ``text`` (currency marks allowed around it), else None.

    >>> parse_amount("NOK 7 465,63"), parse_amount("$4.11"), parse_amount("7 465,63 kr")
    (Decimal('7465.63'), Decimal('4.11'), Decimal('7465.63'))
    """
    hits = find_amounts(text)
    if len(hits) != 1:
        return None
    rest = (text[: hits[0].start] + text[hits[0].end :]).strip(" :.-()")
    rest_ok = not rest or re.fullmatch(r"(?i)[€$£₹¥]|[a-z]{2,3}\.?|[a-z]{3}\s?[€$£]|[€$£]\s?[a-z]{3}", rest)
    return hits[0].value if rest_ok else None


_PERCENT = re.compile(r"(?<![\d.,])(\d{1,2}(?:[.,]\d{1,2})?)\s?%")


def percentages(text: str) -> list[Decimal]:
    """Percentages (``25 %``, ``21%``, ``11,11 %``) in ``text``."""
    return [Decimal(m.group(1).replace(",", ".")) for m in _PERCENT.finditer(text)]


# --- dates -------------------------------------------------------------------------------

_MONTHS: dict[str, int] = {}
for _n, _names in enumerate(
    (
        "januar january janvier januari jan janv janner jaenner",
        "februar february fevrier februari feb fev fevr",
        "mars march marz maerz maart mar mrz mrt",
        "april avril apr avr",
        "mai may mei",
        "juni june juin jun",
        "juli july juillet jul juil",
        "august aout augustus aug",
        "september septembre sep sept",
        "oktober october octobre okt oct",
        "november novembre nov",
        "desember december dezember decembre des dec dez",
    ),
    start=1,
):
    for _name in _names.split():
        _MONTHS[_name] = _n

_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))
_NUMERIC = re.compile(r"(?<![\d.,/-])(\d{1,4})([./-])(\d{1,2})\2(\d{2,4})(?![\d]|[.,/-]\d)")
_DAY_MONTH = re.compile(
    r"(?<![\d\w])(\d{1,2})(?:\.|er|st|nd|rd|th)?\s*(?:[.\-/ ]\s*)?(" + _MONTH_RE + r")\.?,?[\s\-/]*(\d{4})(?!\d)"
)
_MONTH_DAY = re.compile(r"(?<![\w])(" + _MONTH_RE + r")\.?\s*(\d{1,2})(?:st|nd|rd|th)?\s*,?\s*(\d{4})(?!\d)")


@dataclass(frozen=True, slots=True)
class DateHit:
    """A date found in a text with its character offsets (in the folded text)."""

    value: date
    start: int
    end: int


def _year(y: str) -> int:
    n = int(y)
    return n + 2000 if len(y) == 2 and n < 70 else n + 1900 if len(y) == 2 else n


def _make(y: int, m: int, d: int) -> date | None:
    if not 1970 <= y <= 2099:
        return None
    try:
        return date(y, m, d)
    except ValueError:
        return None


def find_dates(text: str, *, month_first: bool = False) -> list[DateHit]:
    """Every date in ``text`` (``month_first`` settles ``03/04/2024`` the US way)."""
    folded = fold(text)
    hits: list[DateHit] = []
    for m in _NUMERIC.finditer(folded):
        a, sep, b, c = m.group(1), m.group(2), m.group(3), m.group(4)
        if len(a) == 4:
            value = _make(int(a), int(b), int(c)) if len(c) <= 2 else None
        elif len(c) in (2, 4):
            d, mo = int(a), int(b)
            if sep == "/" and ((month_first and mo <= 31 and d <= 12) or mo > 12 >= d):
                d, mo = mo, d
            value = _make(_year(c), mo, d)
        else:
            value = None
        if value:
            hits.append(DateHit(value, m.start(), m.end()))
    for m in _DAY_MONTH.finditer(folded):
        value = _make(_year(m.group(3)), _MONTHS[m.group(2)], int(m.group(1)))
        if value:
            hits.append(DateHit(value, m.start(), m.end()))
    for m in _MONTH_DAY.finditer(folded):
        value = _make(int(m.group(3)), _MONTHS[m.group(1)], int(m.group(2)))
        if value:
            hits.append(DateHit(value, m.start(), m.end()))
    hits.sort(key=lambda h: h.start)
    kept: list[DateHit] = []
    for h in hits:  # overlapping readings: keep the first, longest
        if kept and h.start < kept[-1].end:
            if h.end - h.start > kept[-1].end - kept[-1].start and h.start == kept[-1].start:
                kept[-1] = h
            continue
        kept.append(h)
    return kept


def parse_date(text: str, *, month_first: bool = False) -> date | None:
    """The first date in ``text``, or None."""
    hits = find_dates(text, month_first=month_first)
    return hits[0].value if hits else None
