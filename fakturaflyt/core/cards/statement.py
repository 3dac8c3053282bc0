"""Company-card statements as CSV: a configurable :class:`ColumnMapping` and presets.

The default layout, read with no mapping, has the header
``date,time,merchant,amount,currency,amount_nok,card_holder,reference`` (decimal point, ISO
dates, times in Europe/Oslo). A purchase is a positive amount, a refund negative.

Presets (:data:`PRESETS`) cover common Norwegian export shapes. They are *plausible layouts*
of the kind Norwegian banks and card issuers export (semicolon, decimal comma, ``dd.mm.yyyy``,
Norwegian column names), named generically because the exact bank formats could not be
verified; a file whose header fits none is read with an explicit :class:`ColumnMapping`:

* ``"default"``: the layout above.
* ``"no-bank-semicolon"`` (DNB-like account/card export): ``Dato;Tid;Forklaring;Beløp;Valuta;
  Beløp i NOK;Kortholder;Referanse``, purchases negative.
* ``"no-card-semicolon"`` (Eurocard/SEB-like card statement): ``Kjøpsdato;Spesifikasjon;
  Kortholder;Valuta;Beløp i valuta;Beløp``: the foreign amount only for foreign purchases,
  ``Beløp`` in NOK, purchases positive.

Each row becomes a :class:`CardTransaction`. Its ``id`` is the statement's reference, else a
stable hash of the row (with a counter for identical rows), so importing a file again yields
the same ids and adds nothing twice.

>>> txs = read_statement(b"date,time,merchant,amount,currency,amount_nok,card_holder,reference\\n"
...                      b"2026-03-02,14:05,AMZN MKTP DE*2X4AB12C3,347.83,EUR,4093.21,Kari,R1\\n")
>>> t = txs[0]
>>> t.id, str(t.booked_at), t.amount, t.merchant_payment_ref
('R1', '2026-03-02 14:05:00+01:00', Decimal('347.83'), '2X4AB12C3')
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time
from decimal import Decimal
from typing import Literal
from zoneinfo import ZoneInfo

from fakturaflyt.core.cards._csv import clean, decode, norm_header, parse_amount, parse_date, parse_time, rows
from fakturaflyt.core.errors import FormatError

_REF = re.compile(r"\*\s*([A-Z0-9][A-Z0-9-]{5,29})\b")
_CURRENCY = re.compile(r"^[A-Z]{3}$")


@dataclass(frozen=True, slots=True)
class ColumnMapping:
    """Which column holds what, and how values are written.

    Column names are compared case-insensitively; ``None`` means the file has no such column.
    ``date_format`` is a ``strptime`` format (``None``: ISO, ``dd.mm.yyyy`` or ISO date-time
    with offset). ``sign``: ``"purchase_positive"`` or ``"purchase_negative"`` (the bank shows
    purchases as withdrawals). ``timezone`` is the zone of times written without an offset.
    When ``amount`` is empty on a row, ``amount_nok`` is the amount and the currency is NOK.
    """

    date: str = "date"
    time: str | None = "time"
    merchant: str = "merchant"
    amount: str = "amount"
    currency: str | None = "currency"
    amount_nok: str | None = "amount_nok"
    card_holder: str | None = "card_holder"
    reference: str | None = "reference"
    date_format: str | None = "%Y-%m-%d"
    decimal_comma: bool = False
    delimiter: str | None = ","
    sign: Literal["purchase_positive", "purchase_negative"] = "purchase_positive"
    default_currency: str = "NOK"
    timezone: str = "Europe/Oslo"

    def required(self) -> tuple[str, ...]:
        return (self.date, self.merchant, self.amount)


DEFAULT = ColumnMapping()
PRESETS: dict[str, ColumnMapping] = {
    "default": DEFAULT,
    "no-bank-semicolon": ColumnMapping(
        date="Dato",
        time="Tid",
        merchant="Forklaring",
        amount="Beløp",
        currency="Valuta",
        amount_nok="Beløp i NOK",
        card_holder="Kortholder",
        reference="Referanse",
        date_format="%d.%m.%Y",
        decimal_comma=True,
        delimiter=";",
        sign="purchase_negative",
    ),
    "no-card-semicolon": ColumnMapping(
        date="Kjøpsdato",
        time=None,
        merchant="Spesifikasjon",
        amount="Beløp i valuta",
        currency="Valuta",
        amount_nok="Beløp",
        card_holder="Kortholder",
        reference=None,
        date_format="%d.%m.%Y",
        decimal_comma=True,
        delimiter=";",
    ),
}


@dataclass(frozen=True, slots=True)
class CardTransaction:
    """One card charge (positive) or refund (negative) from a statement."""

    id: str
    booked_at: datetime
    merchant: str
    amount: Decimal
    currency: str
    amount_nok: Decimal | None
    card_holder: str = ""
    reference: str = ""
    merchant_payment_ref: str = ""
    row: int = 0


def merchant_payment_ref(merchant: str) -> str:
    """The shop's payment reference in a merchant text (after ``*``), else ``""``.

    >>> merchant_payment_ref("AMZN MKTP DE*2X4AB12C3")
    '2X4AB12C3'
    >>> merchant_payment_ref("PAYPAL *NETFLIX")
    ''
    """
    m = _REF.search(merchant.upper())
    if m and any(c.isdigit() for c in m.group(1)):
        return m.group(1)
    return ""


def detect_mapping(header: Sequence[str]) -> ColumnMapping | None:
    """The first preset whose columns are all in ``header``, else ``None``."""
    names = {norm_header(h) for h in header}
    for preset in PRESETS.values():
        wanted = [preset.date, preset.merchant, preset.amount] + [
            c for c in (preset.time, preset.currency, preset.amount_nok, preset.card_holder) if c
        ]
        if all(norm_header(c) in names for c in wanted):
            return preset
    return None


def read_statement(data: bytes, mapping: ColumnMapping | str | None = None) -> list[CardTransaction]:
    """Every transaction of a card statement CSV (``mapping``: a ColumnMapping, preset name or None = detect)."""
    text = decode(data)
    if isinstance(mapping, str):
        if mapping not in PRESETS:
            raise FormatError("FF-CARD-MAPPING", f"Unknown column mapping {mapping!r}; presets: {', '.join(PRESETS)}")
        mapping = PRESETS[mapping]
    table = rows(text, mapping.delimiter if mapping else None)
    header = table[0]
    if mapping is None:
        mapping = detect_mapping(header)
        if mapping is None:
            raise FormatError(
                "FF-CARD-HEADER",
                "The header fits no known card-statement layout; expected "
                "date,time,merchant,amount,currency,amount_nok,card_holder,reference or a preset",
                "line 1",
            )
    index = {norm_header(h): i for i, h in reversed(list(enumerate(header)))}
    missing = [c for c in mapping.required() if norm_header(c) not in index]
    if missing:
        raise FormatError("FF-CARD-HEADER", f"Missing column(s): {', '.join(missing)}", "line 1")
    zone = ZoneInfo(mapping.timezone)
    seen: Counter[str] = Counter()
    out: list[CardTransaction] = []
    for n, row in enumerate(table[1:], start=2):

        def cell(column: str | None, row: list[str] = row) -> str:
            if column is None:
                return ""
            i = index.get(norm_header(column))
            return clean(row[i]) if i is not None and i < len(row) else ""

        def where(column: str | None, n: int = n) -> str:
            return f"line {n}, column {column}"

        day = parse_date(cell(mapping.date), location=where(mapping.date), fmt=mapping.date_format)
        clock = parse_time(cell(mapping.time), location=where(mapping.time)) if cell(mapping.time) else time(0)
        booked_at = datetime.combine(day, clock, tzinfo=zone).astimezone(ZoneInfo("Europe/Oslo"))
        merchant = cell(mapping.merchant)
        nok_text = cell(mapping.amount_nok)
        amount_nok = (
            parse_amount(nok_text, decimal_comma=mapping.decimal_comma, location=where(mapping.amount_nok))
            if nok_text
            else None
        )
        amount_text = cell(mapping.amount)
        currency = cell(mapping.currency).upper() or mapping.default_currency
        if amount_text:
            amount = parse_amount(amount_text, decimal_comma=mapping.decimal_comma, location=where(mapping.amount))
        elif amount_nok is not None:
            amount, currency = amount_nok, "NOK"
        else:
            raise FormatError("FF-CARD-AMOUNT", "The row has no amount", where(mapping.amount))
        if not _CURRENCY.match(currency):
            raise FormatError(
                "FF-CARD-CURRENCY", f"{currency!r} is not a currency code (ISO 4217)", where(mapping.currency)
            )
        if mapping.sign == "purchase_negative":
            amount = -amount
            amount_nok = -amount_nok if amount_nok is not None else None
        if currency == "NOK" and amount_nok is None:
            amount_nok = amount
        reference = cell(mapping.reference)
        holder = cell(mapping.card_holder)
        if reference:
            ident = reference
        else:
            basis = "|".join((booked_at.isoformat(), merchant, str(amount), currency, str(amount_nok), holder))
            seen[basis] += 1
            ident = "h" + hashlib.sha256(f"{basis}|{seen[basis]}".encode()).hexdigest()[:20]
        out.append(
            CardTransaction(
                id=ident,
                booked_at=booked_at,
                merchant=merchant,
                amount=amount,
                currency=currency,
                amount_nok=amount_nok,
                card_holder=holder,
                reference=reference,
                merchant_payment_ref=merchant_payment_ref(merchant),
                row=n,
            )
        )
    return out
