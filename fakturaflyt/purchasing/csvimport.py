"""Purchase orders from a CSV file: one row per order line, rows of one order together by its number.

Layout (UTF-8, with or without BOM; separator ``;`` or ``,``, detected from the header row;
decimals with ``.`` or ``,``; dates ``YYYY-MM-DD`` or ``DD.MM.YYYY``)::

    order_number;supplier_orgnr;order_date;requester_email;line_no;item_id;description;quantity;unit;unit_price;account;vat_code;department;project
    PO-1001;987654325;2026-03-01;kari@firma.no;1;A-100;Kontorstol Ergo;4;EA;1500.00;6540;1;200;
    PO-1001;987654325;2026-03-01;kari@firma.no;2;;Montering;2;HUR;650,00;6540;1;200;P1

| column | required | meaning |
|---|---|---|
| ``order_number`` | yes | the number the supplier quotes as the invoice's order reference; new in the company |
| ``supplier_orgnr`` | yes | the supplier's org.nr (or its supplier number in Fakturaflyt) |
| ``order_date`` | yes | the same on every row of the order |
| ``requester_email`` | no | the member who ordered (may not approve the invoice); the same on every row |
| ``line_no`` | yes | 1, 2, …: unique within the order; an invoice line's order line reference points to it |
| ``item_id`` | no | the item number (the seller's or ours), used to pair invoice lines first |
| ``description`` | yes | what is ordered |
| ``quantity`` / ``unit`` / ``unit_price`` | yes / no (EA) / yes | quantity above 0, a UN/ECE Rec 20 unit code, price excl. VAT |
| ``account`` / ``vat_code`` / ``department`` / ``project`` | no | the coding the invoice line takes |

The columns may come in any order; unknown columns are refused (a misspelt column would
otherwise be lost). Problems name the file's line (the header is line 1) and the column.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from fakturaflyt.companies.models import Company
from fakturaflyt.core.errors import Problem
from fakturaflyt.payables.models import Supplier
from fakturaflyt.purchasing.error_codes import PurchasingCode

COLUMNS = (
    "order_number",
    "supplier_orgnr",
    "order_date",
    "requester_email",
    "line_no",
    "item_id",
    "description",
    "quantity",
    "unit",
    "unit_price",
    "account",
    "vat_code",
    "department",
    "project",
)
REQUIRED = ("order_number", "supplier_orgnr", "order_date", "line_no", "description", "quantity", "unit_price")
MAX_ROWS = 50_000


def parse_date(text: str) -> date | None:
    """``2026-03-01`` or ``01.03.2026``; None when neither."""
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    return None


def _text(data: bytes | str) -> str:
    if isinstance(data, str):
        return data.lstrip("\ufeff")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")  # cp1252 leaves five bytes undefined; Latin-1 reads any byte (found by fuzzing)


def _rows(reader: csv.DictReader[str], problem: Any) -> Iterator[dict[str, Any]]:
    """The reader's rows; a line the csv module cannot read ends the file with a ``BAD_CSV`` problem."""
    try:
        yield from reader
    except csv.Error as exc:
        problem(PurchasingCode.BAD_CSV, f"The line is not readable CSV ({exc}).", f"line {reader.line_num}")


def parse_orders(company: Company, data: bytes | str) -> tuple[list[Any], list[Problem]]:
    """The orders of a CSV file as :class:`~.services.OrderSpec` (not yet checked) and the problems found reading it."""
    from fakturaflyt.purchasing.services import OrderSpec, requester_by_email

    text = _text(data)
    problems: list[Problem] = []

    def problem(code: PurchasingCode, message: str, where: str) -> None:
        problems.append(Problem(str(code), message, where))

    first = text.splitlines()[0] if text.strip() else ""
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    # newline="": a lone CR is a line end, as the csv module documents (found by fuzzing)
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [h.strip().lower() for h in (reader.fieldnames or [])]
    except csv.Error as exc:
        problem(PurchasingCode.BAD_CSV, f"The first line is not readable CSV ({exc}).", "line 1")
        return [], problems
    if not header or not any(header):
        problem(PurchasingCode.BAD_CSV, "The file is empty; the first line must name the columns.", "line 1")
        return [], problems
    reader.fieldnames = header
    unknown = [h for h in header if h not in COLUMNS]
    missing = [c for c in REQUIRED if c not in header]
    for name in unknown:
        problem(PurchasingCode.BAD_CSV, f"Unknown column {name!r}; the columns are: {', '.join(COLUMNS)}.", "line 1")
    for name in missing:
        problem(PurchasingCode.BAD_CSV, f"The column {name!r} is missing.", "line 1")
    if unknown or missing:
        return [], problems

    specs: dict[str, Any] = {}
    suppliers: dict[str, Supplier | None] = {}
    requesters: dict[str, Any] = {}
    for n, row in enumerate(_rows(reader, problem), start=2):
        if n - 1 > MAX_ROWS:
            problem(PurchasingCode.BAD_CSV, f"At most {MAX_ROWS} rows in one file.", f"line {n}")
            break
        row = {k: (v or "").strip() for k, v in row.items() if k}
        if not any(row.values()):
            continue
        where = f"line {n}"
        number = row["order_number"]
        if not number:
            problem(PurchasingCode.NUMBER_REQUIRED, "The order number is empty.", f"{where}, column order_number")
            continue
        orgnr = row["supplier_orgnr"].replace(" ", "")
        if orgnr not in suppliers:
            qs = Supplier.objects.filter(company=company)
            found = qs.filter(orgnr=orgnr).first() if orgnr else None
            if found is None and orgnr.isdecimal() and len(orgnr) < 9:  # isdigit() takes "²" (fuzzing)
                found = qs.filter(number=int(orgnr)).first()
            suppliers[orgnr] = found
        supplier = suppliers[orgnr]
        if supplier is None:
            problem(
                PurchasingCode.UNKNOWN_SUPPLIER,
                f"No supplier with org.nr {orgnr or '(empty)'}; add the supplier first.",
                f"{where}, column supplier_orgnr",
            )
        order_date = parse_date(row["order_date"])
        if order_date is None:
            problem(
                PurchasingCode.BAD_DATE,
                f"{row['order_date']!r} is not a date (YYYY-MM-DD or DD.MM.YYYY).",
                f"{where}, column order_date",
            )
        email = row.get("requester_email", "")
        requester = None
        if email:
            if email.lower() not in requesters:
                requesters[email.lower()] = requester_by_email(company, email)
            requester = requesters[email.lower()]
            if requester is None:
                problem(
                    PurchasingCode.UNKNOWN_REQUESTER,
                    f"No member of the company has the e-mail {email}.",
                    f"{where}, column requester_email",
                )
        line = {name: row.get(name, "") for name in COLUMNS[4:]}
        line["_where"] = where
        spec = specs.get(number)
        if spec is None:
            spec = specs[number] = OrderSpec(
                number=number,
                supplier=supplier,
                order_date=order_date,
                lines=[],
                requested_by=requester,
                where={
                    "number": f"{where}, column order_number",
                    "supplier": f"{where}, column supplier_orgnr",
                    "order_date": f"{where}, column order_date",
                },
            )
        else:
            for column, same in (
                ("supplier_orgnr", supplier == spec.supplier),
                ("order_date", order_date == spec.order_date),
                ("requester_email", requester == spec.requested_by),
            ):
                if not same:
                    problem(
                        PurchasingCode.INCONSISTENT_ORDER,
                        f"Order {number} has another {column} on an earlier line; every line of an order must agree.",
                        f"{where}, column {column}",
                    )
        spec.lines.append(line)
    if not specs and not problems:
        problem(PurchasingCode.NO_LINES, "The file has no order lines.", "line 2")
    # an order whose supplier or date was already reported: do not report it again as missing
    for spec in specs.values():
        if spec.supplier is None or spec.order_date is None:
            spec.where["supplier"] = spec.where["order_date"] = "(reported)"
    return list(specs.values()), problems


__all__ = ["COLUMNS", "REQUIRED", "parse_date", "parse_orders"]
