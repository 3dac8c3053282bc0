"""Nets OCR giro transaction files (OCR-fil): what Nets reports as paid to the company's KID agreement.

An OCR giro file is fixed-width text, 80 characters a line, ISO-8859-1, one *record* per line
(Nets, "OCR giro - System manual"). The records are read with the ``netsgiro`` library; this
module adds what a bookkeeping system needs on top:

* **line numbers** in every error (``FF-OCR-*``), and the whole file refused on the first
  broken record, so nothing is half-read;
* the **control figures** checked: each assignment end record (``NY0900 88``) and the
  transmission end record (``NY000089``) state the number of transactions, the number of
  records and the total amount in øre; all of them must agree with the records read
  (``FF-OCR-COUNT``, ``FF-OCR-RECORDS``, ``FF-OCR-SUM``; every disagreement is reported);
* amounts as ``Decimal`` exact to the øre; a record with sign ``-`` (a reversal,
  *tilbakeføring*, transaction types 18 and 20) is a **debit**;
* AvtaleGiro files (agreement lists and payment requests, service code 21) have the same
  wire format but report no payment: they are refused with ``FF-OCR-AVTALEGIRO``.

One :class:`OcrAssignment` (*oppdrag*) is one settlement to one account on one date; each
:class:`OcrTransaction` is one payment with its KID, the Nets archive reference, the payer's
account (when the payer paid from a bank account) and up to 40 characters of free text.

>>> lines = [
...     "NY000010000080800170031000102000000000000000000000000000000000000000000000000000",
...     "NY090020001008566000000299991042764000000000000000000000000000000000000000000000",
...     "NY09103000000012001921320101464000000000000102000                  0000531000000",
...     "NY091031000000197975960160975960161883206160192999910055240000000000000000000000",
...     "NY090088000000010000000400000000000102000200192200192200192000000000000000000000",
...     "NY000089000000010000000600000000000102000200192000000000000000000000000000000000",
... ]
>>> t = read_ocr_giro("\\n".join(lines).encode("latin-1"))
>>> a = t.assignments[0]
>>> (a.account, a.date.isoformat(), a.total)
('99991042764', '1992-01-20', Decimal('1020.00'))
>>> tx = a.transactions[0]
>>> (tx.amount, tx.direction, tx.kid, tx.payer_account, tx.line)
(Decimal('1020.00'), 'credit', '0000531', '99991005524', 3)
>>> read_ocr_giro(b"NY000010 not a record")
Traceback (most recent call last):
...
fakturaflyt.core.ocrgiro.OcrGiroError: FF-OCR-LINE-LENGTH: Line 1 of the OCR giro file has 21 characters; every record must have exactly 80 (at line 1)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from datetime import date as Day
from decimal import Decimal
from typing import Literal

from netsgiro.enums import RecordType, ServiceCode
from netsgiro.records import (
    AssignmentEnd,
    AssignmentStart,
    AvtaleGiroAgreement,
    Record,
    TransactionAmountItem1,
    TransactionAmountItem2,
    TransactionAmountItem3,
    TransactionSpecification,
    TransmissionEnd,
    TransmissionStart,
)

from fakturaflyt.core.errors import FakturaflytError, FormatError, Problem

Direction = Literal["credit", "debit"]

#: The OCR giro record classes of ``netsgiro``, by record type (positions 7-8 of each line).
_RECORDS: dict[int, type[Record]] = {
    RecordType.TRANSMISSION_START: TransmissionStart,
    RecordType.ASSIGNMENT_START: AssignmentStart,
    RecordType.TRANSACTION_AMOUNT_ITEM_1: TransactionAmountItem1,
    RecordType.TRANSACTION_AMOUNT_ITEM_2: TransactionAmountItem2,
    RecordType.TRANSACTION_AMOUNT_ITEM_3: TransactionAmountItem3,
    RecordType.TRANSACTION_SPECIFICATION: TransactionSpecification,
    RecordType.TRANSACTION_AGREEMENTS: AvtaleGiroAgreement,
    RecordType.ASSIGNMENT_END: AssignmentEnd,
    RecordType.TRANSMISSION_END: TransmissionEnd,
}
#: Files are small (a day's settlements); bounded anyway.
DEFAULT_MAX_BYTES = 64 * 1024 * 1024
_ORE = Decimal("0.01")

#: Nets' transaction types for OCR giro (the first two digits after the service code).
TRANSACTION_TYPES: dict[int, str] = {
    10: "giro debited account",
    11: "standing order",
    12: "direct remittance",
    13: "business terminal giro",
    14: "counter giro",
    15: "AvtaleGiro",
    16: "TeleGiro",
    17: "cash giro",
    18: "reversal with KID",
    19: "purchase with KID",
    20: "reversal with text",
    21: "purchase with text",
}


class OcrGiroError(FormatError):
    """An OCR giro file that cannot be read; carries every problem found (each naming its line)."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        FakturaflytError.__init__(self, problems)


@dataclass(frozen=True, slots=True)
class OcrTransaction:
    """One payment (records 30, 31 and, for types 20/21, 32) of an assignment.

    ``amount`` is positive; a reversal (sign ``-``) has ``direction == "debit"``. ``date`` is
    Nets' settlement date (*oppgjørsdato*), ``bank_date`` the day the payer's bank took the
    payment. ``payer_account`` is ``""`` when the payment did not come from an account.
    """

    number: int
    type: int
    date: date
    amount: Decimal
    direction: Direction
    kid: str
    archive_reference: str
    text: str
    payer_account: str
    form_number: str
    bank_date: Day | None
    centre_id: str
    day_code: int | None
    partial_settlement_number: int | None
    partial_settlement_serial_number: str
    line: int

    @property
    def type_name(self) -> str:
        return TRANSACTION_TYPES.get(self.type, str(self.type))


@dataclass(frozen=True, slots=True)
class OcrAssignment:
    """One assignment (*oppdrag*): the payments settled to ``account`` on ``date``."""

    number: str
    account: str
    agreement_id: str
    date: date | None
    earliest_date: Day | None
    latest_date: Day | None
    total: Decimal
    line: int
    transactions: list[OcrTransaction] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class OcrTransmission:
    """The whole file (*forsendelse*): one transmission from Nets with its assignments."""

    number: str
    data_transmitter: str
    data_recipient: str
    date: date | None
    assignments: list[OcrAssignment] = field(default_factory=list)


def _problem(code: str, message: str, line: int) -> Problem:
    return Problem(code, message, f"line {line}")


def _fail(code: str, message: str, line: int) -> OcrGiroError:
    return OcrGiroError([_problem(code, message, line)])


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b"\x00" in data[:4096]:
        raise OcrGiroError([Problem("FF-OCR-NOT-OCR", "The file is binary, not an OCR giro text file", "")])
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # Nets writes ISO-8859-1; Latin-1 maps every byte, so this never fails.
        return data.decode("latin-1")


def looks_like_ocr_giro(data: bytes) -> bool:
    """Whether ``data`` starts like a Nets file (a transmission start record ``NY000010``).

    >>> looks_like_ocr_giro(b"NY000010" + b"0" * 72)
    True
    >>> looks_like_ocr_giro(b"<Document/>")
    False
    """
    return data.lstrip(b"\xef\xbb\xbf \t\r\n")[:8] == b"NY000010"


def _records(text: str) -> list[tuple[int, Record]]:
    out: list[tuple[int, Record]] = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.rstrip("\r")
        if not line.strip():
            continue
        if len(line) != 80:
            raise _fail(
                "FF-OCR-LINE-LENGTH",
                f"Line {number} of the OCR giro file has {len(line)} characters; every record must have exactly 80",
                number,
            )
        if not line.startswith("NY"):
            raise _fail(
                "FF-OCR-RECORD",
                f"Line {number} does not start with the format code 'NY' of a Nets record (found {line[:2]!r})",
                number,
            )
        kind = line[6:8]
        cls = _RECORDS.get(int(kind)) if kind.isdecimal() else None  # isdigit() takes "²" (fuzzing)
        if cls is None:
            raise _fail("FF-OCR-RECORD", f"Line {number} has an unknown record type {kind!r}", number)
        try:
            record = cls.from_string(line)
        except (ValueError, TypeError, KeyError):
            # A malformed field (a date 32.13., letters in an amount) is a ValueError from
            # netsgiro's regex or converters; say which line, not the library's internals.
            raise _fail(
                "FF-OCR-RECORD",
                f"Line {number} is not a valid {cls.__name__} record (record type {kind}): "
                "a field has the wrong format or an impossible date",
                number,
            ) from None
        out.append((number, record))
    if not out:
        raise OcrGiroError([Problem("FF-OCR-EMPTY", "The OCR giro file is empty", "")])
    return out


def _from_ore(amount: int) -> Decimal:
    return (Decimal(amount) / 100).quantize(_ORE)


def _transaction(group: list[tuple[int, Record]]) -> OcrTransaction:
    (line, first), *rest = group
    if not isinstance(first, TransactionAmountItem1):
        raise _fail("FF-OCR-STRUCTURE", f"Line {line}: a transaction must start with amount record 30", line)
    if not rest or not isinstance(rest[0][1], TransactionAmountItem2):
        raise _fail(
            "FF-OCR-STRUCTURE",
            f"Line {line}: transaction {first.transaction_number} has no amount record 31 after record 30",
            line,
        )
    second = rest[0][1]
    assert isinstance(second, TransactionAmountItem2)
    text = ""
    for extra_line, extra in rest[1:]:
        if not isinstance(extra, TransactionAmountItem3):
            raise _fail(
                "FF-OCR-STRUCTURE",
                f"Line {extra_line}: unexpected {type(extra).__name__} record inside OCR giro transaction "
                f"{first.transaction_number}",
                extra_line,
            )
        text = " ".join(t for t in (text, extra.text or "") if t)
    debit_account = second.debit_account or ""
    return OcrTransaction(
        number=first.transaction_number,
        type=int(first.transaction_type),
        date=first.nets_date,
        amount=_from_ore(first.amount),
        direction="debit" if first.sign == "-" else "credit",
        kid=first.kid or "",
        archive_reference=second.reference or "",
        text=text,
        payer_account="" if set(debit_account) <= {"0"} else debit_account,
        form_number=second.form_number or "",
        bank_date=second.bank_date,
        centre_id=first.centre_id or "",
        day_code=first.day_code,
        partial_settlement_number=first.partial_settlement_number,
        partial_settlement_serial_number=first.partial_settlement_serial_number or "",
        line=line,
    )


def _signed(tx: OcrTransaction) -> Decimal:
    return tx.amount if tx.direction == "credit" else -tx.amount


def _sum_matches(stated_ore: int | None, transactions: list[OcrTransaction]) -> bool:
    """Nets states the total in øre; a file with reversals may give it net or gross: accept either."""
    stated = _from_ore(stated_ore or 0)
    net = sum((_signed(t) for t in transactions), Decimal(0))
    gross = sum((t.amount for t in transactions), Decimal(0))
    return stated in (net, gross)


def _assignment(records: list[tuple[int, Record]], problems: list[Problem]) -> OcrAssignment:
    (start_line, start), *body, (end_line, end) = records
    assert isinstance(start, AssignmentStart) and isinstance(end, AssignmentEnd)
    groups: dict[int, list[tuple[int, Record]]] = {}
    previous: int | None = None
    for line, record in body:
        if not isinstance(record, (TransactionAmountItem1, TransactionAmountItem2, TransactionAmountItem3)):
            raise _fail(
                "FF-OCR-STRUCTURE", f"Line {line}: a {type(record).__name__} record cannot stand in an assignment", line
            )
        if record.service_code != start.service_code:
            raise _fail("FF-OCR-STRUCTURE", f"Line {line}: the service code differs from its assignment's", line)
        number = record.transaction_number
        if number != previous and number in groups:
            raise _fail("FF-OCR-STRUCTURE", f"Line {line}: transaction number {number} is used twice", line)
        previous = number
        groups.setdefault(number, []).append((line, record))
    transactions = [_transaction(group) for group in groups.values()]
    where = f"assignment {start.assignment_number} (lines {start_line}-{end_line})"
    if end.num_transactions != len(transactions):
        problems.append(
            _problem(
                "FF-OCR-COUNT",
                f"The end record of {where} says {end.num_transactions} transactions, but the assignment holds "
                f"{len(transactions)}",
                end_line,
            )
        )
    if end.num_records != len(records):
        problems.append(
            _problem(
                "FF-OCR-RECORDS",
                f"The end record of {where} says {end.num_records} records, but the assignment has {len(records)}: "
                "the file is probably truncated or edited",
                end_line,
            )
        )
    if not _sum_matches(end.total_amount, transactions):
        total = sum((_signed(t) for t in transactions), Decimal(0))
        problems.append(
            _problem(
                "FF-OCR-SUM",
                f"The end record of {where} says the payments total {_from_ore(end.total_amount or 0)}, "
                f"but they total {total}",
                end_line,
            )
        )
    return OcrAssignment(
        number=start.assignment_number,
        account=start.assignment_account,
        agreement_id=start.agreement_id or "",
        date=end.nets_date,
        earliest_date=end.nets_date_earliest,
        latest_date=end.nets_date_latest,
        total=sum((_signed(t) for t in transactions), Decimal(0)),
        line=start_line,
        transactions=transactions,
    )


def read_ocr_giro(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> OcrTransmission:
    """Read a Nets OCR giro transaction file, or raise :class:`OcrGiroError` (a ``FormatError``).

    Codes: ``FF-OCR-TOO-LARGE``, ``FF-OCR-NOT-OCR`` (binary, or not starting with a transmission
    start record), ``FF-OCR-EMPTY``, ``FF-OCR-LINE-LENGTH``, ``FF-OCR-RECORD`` (a record that
    does not match its layout), ``FF-OCR-STRUCTURE`` (records out of order, a missing start or
    end record), ``FF-OCR-AVTALEGIRO`` (an AvtaleGiro file, which reports no payments), and
    the control figures ``FF-OCR-COUNT``, ``FF-OCR-RECORDS``, ``FF-OCR-SUM``.
    """
    if len(data) > max_bytes:
        raise OcrGiroError(
            [Problem("FF-OCR-TOO-LARGE", f"The OCR giro file is larger than {max_bytes // (1024 * 1024)} MiB", "")]
        )
    text = _decode(data)
    if not looks_like_ocr_giro(text.encode("latin-1", errors="replace")):
        raise OcrGiroError(
            [
                Problem(
                    "FF-OCR-NOT-OCR",
                    "The file is not a Nets OCR giro file: it does not begin with a transmission start record "
                    "(NY000010)",
                    "line 1",
                )
            ]
        )
    records = _records(text)
    _, first = records[0]
    last_line, last = records[-1]
    if not isinstance(last, TransmissionEnd):
        raise _fail(
            "FF-OCR-STRUCTURE",
            f"The file ends at line {last_line} without a transmission end record (NY000089): it is truncated",
            last_line,
        )
    assert isinstance(first, TransmissionStart)
    problems: list[Problem] = []
    assignments: list[OcrAssignment] = []
    current: list[tuple[int, Record]] | None = None
    for line, record in records[1:-1]:
        if isinstance(record, (TransmissionStart, TransmissionEnd)):
            raise _fail("FF-OCR-STRUCTURE", f"Line {line}: a second transmission start or end record", line)
        if isinstance(record, AssignmentStart):
            if current is not None:
                raise _fail("FF-OCR-STRUCTURE", f"Line {line}: a new assignment starts before the last one ended", line)
            if record.service_code == ServiceCode.AVTALEGIRO:
                raise _fail(
                    "FF-OCR-AVTALEGIRO",
                    "This is a Nets AvtaleGiro file (agreements or payment requests), not an OCR giro transaction "
                    "file: it reports no payments. Import the OCR giro file from Nets instead",
                    line,
                )
            current = [(line, record)]
            continue
        if current is None:
            raise _fail("FF-OCR-STRUCTURE", f"Line {line}: a record outside any assignment (no start record 20)", line)
        current.append((line, record))
        if isinstance(record, AssignmentEnd):
            assignments.append(_assignment(current, problems))
            current = None
    if current is not None:
        raise _fail(
            "FF-OCR-STRUCTURE",
            f"The assignment starting at line {current[0][0]} has no end record (88): the file is truncated",
            current[0][0],
        )
    transactions = [t for a in assignments for t in a.transactions]
    if last.num_transactions != len(transactions):
        problems.append(
            _problem(
                "FF-OCR-COUNT",
                f"The transmission end record says {last.num_transactions} transactions, but the file holds "
                f"{len(transactions)}",
                last_line,
            )
        )
    if last.num_records != len(records):
        problems.append(
            _problem(
                "FF-OCR-RECORDS",
                f"The transmission end record says {last.num_records} records, but the file has {len(records)}",
                last_line,
            )
        )
    if not _sum_matches(last.total_amount, transactions):
        problems.append(
            _problem(
                "FF-OCR-SUM",
                f"The transmission end record says the payments total {_from_ore(last.total_amount)}, but they total "
                f"{sum((_signed(t) for t in transactions), Decimal(0))}",
                last_line,
            )
        )
    if problems:
        raise OcrGiroError(problems)
    return OcrTransmission(
        number=first.transmission_number,
        data_transmitter=first.data_transmitter,
        data_recipient=first.data_recipient,
        date=last.nets_date,
        assignments=assignments,
    )
