"""Recognise one field's value in a piece of text: ids, dates, amounts, org.nr, VAT ids, KID, accounts, IBAN.

Each parser takes the text that stands where a value is expected (after a label, to its
right, below it) and returns the value with its span in that text and a quality in
(0, 1]: 1 for an unambiguous reading, less for a guess (an amount without decimals). The
identifiers are checked: the org.nr and the Norwegian account number by MOD11, the KID by
MOD10 or MOD11, the IBAN by MOD97 (schwifty), EU VAT numbers by their national check
(python-stdnum); a number that fails its check is not returned.

>>> parse_field("invoice_number", " #: INV-2024/001 dated 3 May")
('INV-2024/001', 4, 16, 1.0)
>>> parse_field("supplier_orgnr", "987 654 325 MVA")
('987654325', 0, 15, 1.0)
>>> parse_field("supplier_vat_id", "FR 604 219 388 61")
('FR60421938861', 0, 17, 1.0)
>>> parse_field("iban", "NO9386011117947BIC:")[0]
'NO9386011117947'
>>> parse_field("total", "ON August 3 , 2014 $4.11")[0]
Decimal('4.11')
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal

from stdnum.eu import vat as eu_vat
from stdnum.exceptions import ValidationError
from stdnum.gb import vat as gb_vat

from fakturaflyt.core.errors import FormatError
from fakturaflyt.core.identifiers import kid_method, normalise_iban, normalise_kontonr, normalise_orgnr
from fakturaflyt.core.pdf.model import FieldValue
from fakturaflyt.core.pdf.values import find_amounts, find_dates

__all__ = ["Parsed", "find_ibans", "find_vat_ids", "parse_field"]

Parsed = tuple[FieldValue, int, int, float]

_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-/_.]*[A-Za-z0-9]|\d")
_ORGNR = re.compile(r"(?<![\d])(?:NO[ ]?)?(\d{3}[ .\u00a0]?\d{3}[ .\u00a0]?\d{3})(?![\d])(?:[ ]?MVA)?", re.IGNORECASE)
_KONTONR = re.compile(r"(?<![\d.])(\d{4})[ .]?(\d{2})[ .]?(\d{5})(?![\d])")
_KID = re.compile(r"(?<![\d])\d(?:[ ]?\d){1,24}(?![\d])")
_IBAN = re.compile(r"(?<![A-Z0-9])([A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]){8,30})")
_VAT = re.compile(
    r"(?:(?<![A-Z0-9])|(?<=BTW)|(?<=TVA)|(?<=VAT)|(?<=MWST)|(?<=UST)|(?<=USTID)|(?<=IDNR)|(?<=MVA)|(?<=MOMS))(AT|BE|BG|CY|CZ|DE|DK|EE|EL|GR|ES|FI|FR|HR|HU|IE|IT|LT|LU|LV|MT|NL|PL|PT|RO|SE|SI|SK|XI|GB|CH|NO)"
    r"[ ]?((?:[0-9A-Z][ .]?){7,14}[0-9A-Z])(?:[ ]?MVA)?(?![A-Z0-9])"
)
_WORD_NUMBERS = re.compile(r"\d")


def _id(text: str) -> Parsed | None:
    for n, m in enumerate(_ID.finditer(text)):
        if n > 1:
            return None
        token = m.group(0)
        if _WORD_NUMBERS.search(token):
            if find_dates(token) and not re.fullmatch(r"\d+", token):
                return None
            if len(token) > 30:
                return None
            glued = re.fullmatch(r"(\d{3,})[a-z]{2,3}", token)  # OCR glued the next word on: "562044387du"
            if glued:
                return (glued.group(1), m.start(), m.start() + len(glued.group(1)), 0.9)
            return (token, m.start(), m.end(), 1.0 if len(token) >= 3 else 0.6)
        if len(token) > 3 and not token.isupper():
            return None  # a word: the label stands before free text, not before a number
    return None


def _date(text: str, month_first: bool) -> Parsed | None:
    hits = find_dates(text, month_first=month_first)
    if not hits or hits[0].start > 30:
        return None
    h = hits[0]
    return (h.value, h.start, h.end, 1.0)


def _blank_dates(text: str) -> str:
    for h in find_dates(text):
        text = text[: h.start] + " " * (h.end - h.start) + text[h.end :]
    return text


def _amount(text: str) -> Parsed | None:
    if len(text) > 120:
        return None
    hits = find_amounts(_blank_dates(text))
    if not hits:
        return None
    with_decimals = [h for h in hits if h.decimals]
    h = with_decimals[-1] if with_decimals else hits[-1]
    quality = 1.0 if h.decimals else 0.6
    if not with_decimals and len(hits) > 1:
        quality = 0.4
    return (h.value, h.start, h.end, quality)


def _orgnr(text: str) -> Parsed | None:
    for m in _ORGNR.finditer(text):
        try:
            value = normalise_orgnr(m.group(1).replace(".", "").replace("\u00a0", ""))
        except FormatError:
            continue
        return (value, m.start(), m.end(), 1.0)
    return None


def find_vat_ids(text: str) -> list[tuple[str, int, int]]:
    """EU, Norwegian, British and Swiss VAT numbers in ``text`` whose check digits hold."""
    found = []
    upper = text.upper()
    for m in _VAT.finditer(upper):
        country, body = m.group(1), re.sub(r"[ .]", "", m.group(2))
        # try the longest reading first: a VAT number may be followed by other digits
        for cut in range(len(body), 7, -1):
            number = country + body[:cut]
            if country == "NO":  # NO + org.nr is a VAT number only with its MVA suffix
                if len(body[:cut]) == 9 and m.group(0).endswith("MVA") and _valid_orgnr(body[:cut]):
                    found.append((f"NO{body[:cut]}MVA", m.start(), m.end()))
                    break
                continue
            try:
                if gb_vat.is_valid(number) if country == "GB" else eu_vat.is_valid(number):
                    found.append((number, m.start(), m.end()))
                    break
            except ValidationError:
                continue
    return found


def _valid_orgnr(digits: str) -> bool:
    try:
        normalise_orgnr(digits)
    except FormatError:
        return False
    return True


def _vat_id(text: str) -> Parsed | None:
    hits = find_vat_ids(text)
    if hits and hits[0][1] <= 30:
        return (hits[0][0], hits[0][1], hits[0][2], 1.0)
    org = _orgnr(text)
    if org and re.search(r"MVA", text[org[1] : org[2] + 4], re.IGNORECASE):
        return (f"NO{org[0]}MVA", org[1], org[2], 1.0)
    return None


def _kid(text: str) -> Parsed | None:
    m = _KID.search(text)
    if not m or m.start() > 20:
        return None
    digits = m.group(0).replace(" ", "")
    if kid_method(digits) is None:
        return None
    return (digits, m.start(), m.end(), 1.0)


def _kontonr(text: str) -> Parsed | None:
    for m in _KONTONR.finditer(text):
        try:
            value = normalise_kontonr("".join(m.groups()))
        except FormatError:
            continue
        return (value, m.start(), m.end(), 1.0)
    return None


def find_ibans(text: str) -> list[tuple[str, int, int]]:
    """Valid IBANs in ``text`` (spaces inside allowed; glued trailing text cut off)."""
    found = []
    for m in _IBAN.finditer(text.upper()):
        raw = m.group(1)
        compact = raw.replace(" ", "")
        for cut in range(len(compact), 11, -1):
            try:
                value = normalise_iban(compact[:cut])
            except FormatError:
                continue
            # the span covers the characters used, spaces included
            used, end = 0, m.start(1)
            while used < cut and end < len(text):
                if text[end] != " ":
                    used += 1
                end += 1
            found.append((value, m.start(1), end))
            break
    return found


def _iban(text: str) -> Parsed | None:
    hits = find_ibans(text)
    return (hits[0][0], hits[0][1], hits[0][2], 1.0) if hits else None


def _name(text: str) -> Parsed | None:
    value = text.strip(" :-,")
    if not re.search(r"[^\W\d_]{2}", value) or len(value) > 80:
        return None
    start = text.find(value)
    return (value, start, start + len(value), 0.8)


_PARSERS: dict[str, Callable[[str], Parsed | None]] = {
    "invoice_number": _id,
    "order_reference": _id,
    "net_total": _amount,
    "vat_total": _amount,
    "total": _amount,
    "supplier_orgnr": _orgnr,
    "supplier_vat_id": _vat_id,
    "kid": _kid,
    "bank_account": _kontonr,
    "iban": _iban,
    "supplier_name": _name,
}


def parse_field(name: str, text: str, *, month_first: bool = False) -> Parsed | None:
    """The value of field ``name`` at the start of ``text``, with its span and quality."""
    if name in ("issue_date", "due_date"):
        return _date(text, month_first)
    parser = _PARSERS.get(name)
    return parser(text) if parser else None


def as_date(value: FieldValue) -> date | None:
    return value if isinstance(value, date) else None


def as_amount(value: FieldValue) -> Decimal | None:
    return value if isinstance(value, Decimal) else None
