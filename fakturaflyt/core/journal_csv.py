"""The voucher journal (bilagsjournal) as CSV, in a documented and configurable layout.

One row per posting (voucher line), in voucher order. The columns are chosen and ordered
from :data:`COLUMNS`; delimiter, decimal separator, date format, encoding and the header row
are set per :class:`Layout`. The writer is a generator over an iterable of
:class:`JournalRow`, so a year with a million lines is written in bounded memory.

The journal is the "bilagsjournal" of bokføringsforskriften § 3-1 (1) nr. 1 and § 3-2: every
posted entry with voucher number, date, account, amount and text, in number order, so an
accountant can reconcile it against the trial balance. Amounts are written with exactly two
decimals and no thousands separator, so a spreadsheet sums them to the øre.

Presets:

* ``standard`` (the default): ``;`` between fields, ``,`` as decimal mark (Norwegian Excel
  reads it as a number), ISO dates, UTF-8 with BOM (Excel then shows æøå correctly), the
  column keys as header.
* ``excel-no``: as ``standard`` but dates ``dd.mm.yyyy`` and Norwegian column titles.

>>> from datetime import date
>>> row = JournalRow(series="GL", year=2026, number=7, date=date(2026, 3, 1), line=1, account="6300",
...                  account_name="Leie lokale", description="Husleie mars", debit=Decimal("1000.00"))
>>> layout = Layout(columns=("voucher", "date", "account", "debit", "credit", "amount"), encoding="utf-8")
>>> b"".join(write_journal([row], layout)).decode()
'voucher;date;account;debit;credit;amount\\r\\nGL-2026-7;2026-03-01;6300;1000,00;0,00;1000,00\\r\\n'
>>> preset("excel-no").date_format
'%d.%m.%Y'
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from fakturaflyt.core.errors import FormatError

__all__ = [
    "COLUMNS",
    "DEFAULT_COLUMNS",
    "ENCODINGS",
    "PRESETS",
    "JournalRow",
    "Layout",
    "layout_from_dict",
    "preset",
    "write_journal",
]

OSLO = ZoneInfo("Europe/Oslo")
ZERO = Decimal("0.00")
#: Rows buffered before a chunk of bytes is yielded.
CHUNK_ROWS = 500


@dataclass(frozen=True, slots=True)
class JournalRow:
    """One posted line with what the journal prints of its voucher. Amounts in NOK unless said."""

    series: str
    year: int
    number: int
    date: date
    line: int
    account: str
    account_name: str = ""
    description: str = ""  # the line's text; the voucher's when the line has none
    voucher_description: str = ""
    debit: Decimal = ZERO
    credit: Decimal = ZERO
    vat_code: str = ""
    standard_tax_code: str = ""  # SAF-T StandardTaxCode of the VAT code
    vat_rate: Decimal | None = None
    vat_base: Decimal | None = None
    department: str = ""
    project: str = ""
    supplier_no: str = ""
    supplier_name: str = ""
    supplier_orgnr: str = ""
    customer_no: str = ""
    customer_name: str = ""
    customer_orgnr: str = ""
    currency: str = "NOK"
    currency_amount: Decimal | None = None
    exchange_rate: Decimal | None = None
    source: str = ""
    source_ref: str = ""
    posted_at: datetime | None = None
    posted_by: str = ""

    @property
    def voucher(self) -> str:
        """``GL-2026-7``: series, year and number (unique per company)."""
        return f"{self.series}-{self.year}-{self.number}"

    @property
    def amount(self) -> Decimal:
        """Signed amount: debit positive, credit negative."""
        return self.debit - self.credit


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    title_nb: str
    kind: str  # text, amount, rate, date, datetime
    get: Callable[[JournalRow], object]
    help: str


def _c(key: str, title_nb: str, kind: str, get: Callable[[JournalRow], object], help: str) -> Column:
    return Column(key, title_nb, kind, get, help)


#: Every column a layout may use, in the documented default order (docs/accounting-export.md).
COLUMNS: dict[str, Column] = {
    c.key: c
    for c in (
        _c("voucher", "Bilag", "text", lambda r: r.voucher, "voucher number: series-year-number"),
        _c("series", "Serie", "text", lambda r: r.series, "voucher series (bilagsserie)"),
        _c("voucher_no", "Bilagsnr", "text", lambda r: str(r.number), "number within series and year"),
        _c("date", "Dato", "date", lambda r: r.date, "voucher date"),
        _c("line", "Linje", "text", lambda r: str(r.line), "line number within the voucher"),
        _c("account", "Konto", "text", lambda r: r.account, "account number (NS 4102)"),
        _c("account_name", "Kontonavn", "text", lambda r: r.account_name, "account name"),
        _c("description", "Tekst", "text", lambda r: r.description or r.voucher_description, "line text"),
        _c("voucher_description", "Bilagstekst", "text", lambda r: r.voucher_description, "voucher text"),
        _c("debit", "Debet", "amount", lambda r: r.debit, "debit in NOK"),
        _c("credit", "Kredit", "amount", lambda r: r.credit, "credit in NOK"),
        _c("amount", "Beløp", "amount", lambda r: r.amount, "signed NOK amount (debit +, credit -)"),
        _c("vat_code", "Mva-kode", "text", lambda r: r.vat_code, "the company's VAT code"),
        _c("standard_tax_code", "SAF-T mva-kode", "text", lambda r: r.standard_tax_code, "SAF-T StandardTaxCode"),
        _c("vat_rate", "Mva-sats", "rate", lambda r: r.vat_rate, "VAT rate in percent"),
        _c("vat_base", "Grunnlag", "amount", lambda r: r.vat_base, "VAT base in NOK (lines with a VAT code)"),
        _c("department", "Avdeling", "text", lambda r: r.department, "department code"),
        _c("project", "Prosjekt", "text", lambda r: r.project, "project code"),
        _c("supplier_id", "Leverandørnr", "text", lambda r: r.supplier_no, "supplier number (reskontro)"),
        _c("supplier_name", "Leverandør", "text", lambda r: r.supplier_name, "supplier name"),
        _c("supplier_orgnr", "Leverandør orgnr", "text", lambda r: r.supplier_orgnr, "supplier org.nr"),
        _c("customer_id", "Kundenr", "text", lambda r: r.customer_no, "customer number (reskontro)"),
        _c("customer_name", "Kunde", "text", lambda r: r.customer_name, "customer name"),
        _c("customer_orgnr", "Kunde orgnr", "text", lambda r: r.customer_orgnr, "customer org.nr"),
        _c("currency", "Valuta", "text", lambda r: r.currency, "ISO 4217 currency of the line"),
        _c("currency_amount", "Valutabeløp", "amount", lambda r: r.currency_amount, "signed amount in currency"),
        _c("exchange_rate", "Kurs", "rate", lambda r: r.exchange_rate, "NOK per unit of currency"),
        _c("source", "Kilde", "text", lambda r: r.source, "where the voucher came from"),
        _c("source_ref", "Kildereferanse", "text", lambda r: r.source_ref, "reference in the source"),
        _c("posted_at", "Bokført", "datetime", lambda r: r.posted_at, "when it was posted (Europe/Oslo)"),
        _c("posted_by", "Bokført av", "text", lambda r: r.posted_by, "who posted it"),
    )
}

DEFAULT_COLUMNS: tuple[str, ...] = (
    "voucher",
    "date",
    "account",
    "account_name",
    "description",
    "debit",
    "credit",
    "amount",
    "vat_code",
    "standard_tax_code",
    "vat_base",
    "department",
    "project",
    "supplier_id",
    "supplier_name",
    "customer_id",
    "customer_name",
    "currency",
    "currency_amount",
    "exchange_rate",
    "source",
    "source_ref",
    "posted_at",
    "posted_by",
)

#: Encodings a layout may name; "windows-1252" is an alias of "cp1252" (old Excel, many ERPs).
ENCODINGS = {"utf-8-sig": "utf-8-sig", "utf-8": "utf-8", "cp1252": "cp1252", "windows-1252": "cp1252"}


@dataclass(frozen=True, slots=True)
class Layout:
    """How the journal is written. The defaults are the ``standard`` preset."""

    name: str = "standard"
    columns: tuple[str, ...] = DEFAULT_COLUMNS
    delimiter: str = ";"
    decimal_separator: str = ","
    date_format: str = "%Y-%m-%d"
    encoding: str = "utf-8-sig"
    header: bool = True
    header_titles: str = "keys"  # "keys" (the column keys) or "nb" (Norwegian titles)
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def check(self) -> Layout:
        """Return the layout, or raise :class:`FormatError` ``FF-CSV-LAYOUT`` naming what is wrong."""
        unknown = [c for c in self.columns if c not in COLUMNS]
        if unknown:
            raise FormatError(
                "FF-CSV-LAYOUT", f"unknown column(s) {', '.join(unknown)}; known: {', '.join(COLUMNS)}", "columns"
            )
        if not self.columns:
            raise FormatError("FF-CSV-LAYOUT", "the layout has no columns", "columns")
        if len(set(self.columns)) != len(self.columns):
            raise FormatError("FF-CSV-LAYOUT", "a column is listed twice", "columns")
        if len(self.delimiter) != 1 or self.delimiter in '\r\n"':
            raise FormatError("FF-CSV-LAYOUT", f"delimiter {self.delimiter!r} must be one character", "delimiter")
        if self.decimal_separator not in {",", "."}:
            raise FormatError("FF-CSV-LAYOUT", "the decimal separator is ',' or '.'", "decimal_separator")
        if self.decimal_separator == self.delimiter:
            raise FormatError(
                "FF-CSV-LAYOUT", "the decimal separator cannot also be the delimiter", "decimal_separator"
            )
        if self.encoding.lower() not in ENCODINGS:
            raise FormatError(
                "FF-CSV-LAYOUT", f"encoding {self.encoding!r}; use one of {', '.join(ENCODINGS)}", "encoding"
            )
        if self.header_titles not in {"keys", "nb"}:
            raise FormatError("FF-CSV-LAYOUT", "header_titles is 'keys' or 'nb'", "header_titles")
        sample = date(2026, 12, 31).strftime(self.date_format) if "%" in self.date_format else ""
        if "31" not in sample or "12" not in sample or "26" not in sample:
            raise FormatError(
                "FF-CSV-LAYOUT",
                f"date format {self.date_format!r} must show day, month and year (e.g. %Y-%m-%d or %d.%m.%Y)",
                "date_format",
            )
        return self

    @property
    def codec(self) -> str:
        return ENCODINGS[self.encoding.lower()]

    def as_dict(self) -> dict[str, Any]:
        """The layout as stored (per company) or read from a ``--layout FILE.json``."""
        data = asdict(self)
        data.pop("extra")
        data["columns"] = list(self.columns)
        return data


PRESETS: dict[str, Layout] = {
    "standard": Layout(),
    "excel-no": Layout(name="excel-no", date_format="%d.%m.%Y", header_titles="nb"),
}


def preset(name: str) -> Layout:
    """A named preset; :class:`FormatError` ``FF-CSV-LAYOUT`` for an unknown name."""
    try:
        return PRESETS[name]
    except KeyError:
        raise FormatError(
            "FF-CSV-LAYOUT", f"no layout preset {name!r}; presets: {', '.join(PRESETS)}", "layout"
        ) from None


def layout_from_dict(data: Mapping[str, Any], *, base: Layout | None = None) -> Layout:
    """A layout from a mapping (JSON): missing keys come from ``base`` (or the ``preset`` key, or ``standard``).

    >>> layout_from_dict({"preset": "excel-no", "columns": ["voucher", "amount"]}).header_titles
    'nb'
    """
    if not isinstance(data, Mapping):
        raise FormatError("FF-CSV-LAYOUT", "a layout is a JSON object", "layout")
    known = {"name", "preset", "columns", "delimiter", "decimal_separator", "date_format", "encoding", "header"}
    known |= {"header_titles"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise FormatError("FF-CSV-LAYOUT", f"unknown layout setting(s): {', '.join(unknown)}", "layout")
    layout = base or preset(str(data.get("preset", "standard")))
    changes: dict[str, Any] = {}
    for key in ("name", "delimiter", "decimal_separator", "date_format", "encoding", "header_titles"):
        if key in data:
            if not isinstance(data[key], str):
                raise FormatError("FF-CSV-LAYOUT", f"{key} must be text", key)
            changes[key] = data[key]
    if "header" in data:
        if not isinstance(data["header"], bool):
            raise FormatError("FF-CSV-LAYOUT", "header must be true or false", "header")
        changes["header"] = data["header"]
    if "columns" in data:
        cols = data["columns"]
        if not isinstance(cols, list) or not all(isinstance(c, str) for c in cols):
            raise FormatError("FF-CSV-LAYOUT", "columns must be a list of column keys", "columns")
        changes["columns"] = tuple(cols)
    if "name" not in changes and changes:
        changes["name"] = "custom"
    return replace(layout, **changes).check()


def _number(value: Decimal, layout: Layout, places: str | None) -> str:
    text = f"{value.quantize(Decimal(places)):f}" if places else f"{value.normalize():f}"
    return text.replace(".", layout.decimal_separator) if layout.decimal_separator != "." else text


def _cell(column: Column, row: JournalRow, layout: Layout) -> str:
    value = column.get(row)
    if value is None or value == "":
        return ""
    if column.kind == "amount":
        assert isinstance(value, Decimal)
        return _number(value, layout, "0.01")
    if column.kind == "rate":
        assert isinstance(value, Decimal)
        return _number(value, layout, None)
    if column.kind == "datetime":
        assert isinstance(value, datetime)
        local = value.astimezone(OSLO) if value.tzinfo else value
        return local.strftime(f"{layout.date_format} %H:%M:%S")
    if column.kind == "date":
        assert isinstance(value, date)
        return value.strftime(layout.date_format)
    return str(value)


def write_journal(rows: Iterable[JournalRow], layout: Layout | None = None) -> Iterator[bytes]:
    """Yield the CSV file as bytes, a chunk at a time (header first, BOM first when the encoding has one).

    Characters the encoding cannot hold (Windows-1252 has no emoji) become ``?``.
    """
    layout = (layout or PRESETS["standard"]).check()
    columns = [COLUMNS[c] for c in layout.columns]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=layout.delimiter, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    codec = layout.codec
    first = True

    def flush() -> bytes:
        nonlocal first
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        if first:
            first = False
            return text.encode(codec, errors="replace")
        # the BOM only once, at the start of the file
        return text.encode("utf-8" if codec == "utf-8-sig" else codec, errors="replace")

    if layout.header:
        writer.writerow([c.key if layout.header_titles == "keys" else c.title_nb for c in columns])
    count = 0
    for row in rows:
        writer.writerow([_cell(c, row, layout) for c in columns])
        count += 1
        if count % CHUNK_ROWS == 0:
            yield flush()
    tail = flush()
    if tail:
        yield tail
