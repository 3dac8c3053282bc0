"""Hardened CSV reading shared by the card-statement and shop-export readers.

Files from banks and shops arrive in any encoding (UTF-8 with or without BOM, Windows-1252,
Latin-1), with ``;``, ``,`` or tab as delimiter, with decimal commas, currency symbols and
Excel-formula-wrapped values such as ``="6674"``. Nothing here crashes on hostile input: a
file that cannot be read raises :class:`~fakturaflyt.core.errors.FormatError` with a stable
``FF-CARD-*`` code and the line/column.

>>> text = decode("Dato;Beløp\\n".encode("cp1252"))
>>> text.startswith("Dato;Bel\\u00f8p")
True
>>> sniff_delimiter("a;b;c\\n1;2;3")
';'
>>> clean('="6674"')
'6674'
>>> parse_amount("1 234,50", decimal_comma=True, location="x")
Decimal('1234.50')
>>> parse_amount("$17.80", location="x")
Decimal('17.80')
>>> parse_amount("(12.00)", location="x")
Decimal('-12.00')
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from fakturaflyt.core.errors import FormatError

OSLO = ZoneInfo("Europe/Oslo")
MAX_BYTES = 200 * 1024 * 1024
_NOT_AVAILABLE = {"not available", "not applicable", "n/a", "-", "--"}
_FORMULA = re.compile(r'^=\s*"(.*)"$', re.S)
_AMOUNT_JUNK = re.compile(r"[^\W\d_]|[\s$€£¥'’]")


def decode(data: bytes) -> str:
    """Text of ``data``: UTF-8 (BOM stripped), else Windows-1252, else Latin-1 (never fails)."""
    if len(data) > MAX_BYTES:
        raise FormatError("FF-CARD-TOO-LARGE", f"The file is larger than {MAX_BYTES // 1_048_576} MiB")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        text = data.decode("latin-1")
    return text.replace("\x00", "")


def sniff_delimiter(text: str) -> str:
    """The delimiter of the header line: the most frequent of ``;``, ``,``, tab outside quotes."""
    first = text.lstrip("\r\n").split("\n", 1)[0]
    unquoted = re.sub(r'"[^"]*"', "", first)
    counts = {d: unquoted.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def rows(text: str, delimiter: str | None = None) -> list[list[str]]:
    """All rows of ``text`` (blank rows dropped); ``csv.Error`` becomes ``FF-CARD-CSV``."""
    delim = delimiter or sniff_delimiter(text)
    out: list[list[str]] = []
    reader = csv.reader(text.splitlines(), delimiter=delim)
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                out.append(row)
    except csv.Error as exc:
        raise FormatError("FF-CARD-CSV", f"The file is not readable CSV: {exc}", f"line {reader.line_num}") from None
    if not out:
        raise FormatError("FF-CARD-EMPTY", "The file is empty", "line 1")
    return out


def clean(cell: str | None) -> str:
    """A cell without surrounding space, Excel ``="..."`` wrapping and "Not Available" markers."""
    if cell is None:
        return ""
    text = cell.strip().strip("\ufeff")
    m = _FORMULA.match(text)
    if m:
        text = m.group(1).strip()
    if text.startswith("'") and text[1:2].isdigit():
        text = text[1:]
    return "" if text.lower() in _NOT_AVAILABLE else text


def norm_header(name: str) -> str:
    """A header name compared case- and space-insensitively."""
    return " ".join(clean(name).lower().split())


def parse_amount(cell: str, *, decimal_comma: bool | None = None, location: str) -> Decimal:
    """An amount: currency symbols/codes, spaces and thousands separators dropped.

    ``decimal_comma`` True: ``,`` is the decimal mark; False: ``.`` is; None: decided per
    value (the last of ``,``/``.`` when both occur; a lone ``,`` followed by 1-2 digits).
    Parentheses or a trailing minus mean negative.
    """
    raw = clean(cell)
    text = _AMOUNT_JUNK.sub("", raw)
    negative = False
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1]
    if text.endswith("-"):
        negative, text = True, text[:-1]
    if text.startswith("+"):
        text = text[1:]
    if text.startswith("-"):
        negative, text = not negative, text[1:]
    if decimal_comma is None:
        if "," in text and "." in text:
            decimal_comma = text.rfind(",") > text.rfind(".")
        else:
            decimal_comma = bool(re.search(r",\d{1,2}$", text)) and text.count(",") == 1
    if decimal_comma:
        text = text.replace(".", "").replace(",", ".")
    else:
        text = text.replace(",", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise FormatError("FF-CARD-AMOUNT", f"{raw!r} is not an amount", location) from None
    if not value.is_finite() or abs(value) >= Decimal(10) ** 12:
        raise FormatError("FF-CARD-AMOUNT", f"{raw!r} is not a plausible amount", location)
    return -value if negative else value


_DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y", "%Y%m%d", "%d-%m-%Y")


def parse_date(cell: str, *, location: str, fmt: str | None = None, slash: str = "mdy") -> date:
    """A date in ``fmt`` or, without one, ISO / ``dd.mm.yyyy`` / slashed (``slash`` order)."""
    text = clean(cell)
    if fmt:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            raise FormatError("FF-CARD-DATE", f"{text!r} is not a date in the format {fmt}", location) from None
    stamp = parse_timestamp(text, location=location, required=False)
    if stamp is not None:
        return stamp.date()
    if "/" in text:
        formats: Sequence[str] = ("%m/%d/%Y", "%m/%d/%y") if slash == "mdy" else ("%d/%m/%Y", "%d/%m/%y")
    else:
        formats = _DATE_FORMATS
    for f in formats:
        try:
            return datetime.strptime(text, f).date()
        except ValueError:
            continue
    raise FormatError("FF-CARD-DATE", f"{text!r} is not a date", location)


def parse_timestamp(text: str, *, location: str, required: bool = True) -> datetime | None:
    """An ISO 8601 date-time with a ``Z`` or offset, converted to Europe/Oslo; naive = Oslo."""
    value = clean(text)
    if "T" not in value and ":" not in value:
        if required:
            raise FormatError("FF-CARD-DATE", f"{value!r} is not a date and time", location)
        return None
    try:
        stamp = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        if required:
            raise FormatError("FF-CARD-DATE", f"{value!r} is not a date and time", location) from None
        return None
    if stamp.tzinfo is None:
        return stamp.replace(tzinfo=OSLO)
    return stamp.astimezone(OSLO)


def parse_time(cell: str, *, location: str) -> time:
    """A clock time ``HH:MM[:SS]`` (also ``HH.MM``)."""
    text = clean(cell).replace(".", ":")
    for fmt in ("%H:%M:%S", "%H:%M"):
        try:
            return datetime.strptime(text, fmt).time()
        except ValueError:
            continue
    raise FormatError("FF-CARD-TIME", f"{text!r} is not a time of day", location)


def slash_order(values: Sequence[str]) -> str:
    """``"dmy"`` when some slashed date has a first part above 12, else ``"mdy"`` (Amazon US)."""
    for v in values:
        parts = clean(v).split("/")
        if len(parts) == 3 and parts[0].isdecimal() and int(parts[0]) > 12:  # isdigit() takes "¹" (fuzzing)
            return "dmy"
    return "mdy"
