"""Store what a bank file says: statements and entries, each entry once per company.

The file is read by :func:`fakturaflyt.core.bankfile.read_bank_file` (camt.053/054 of any
version, Nets OCR giro), then flattened to rows: a booked entry is one row, a batched entry
(an OCR settlement, one ``Ntry`` with many ``TxDtls``) is one row per transaction, with the
reference ``<entry ref>/<n>`` so that it is the same on every import.

An entry already seen (its entry reference is on a row of the company: the same file again, a
camt.053 after the camt.054 that announced it, an overlapping statement) is a *duplicate*: it
adds nothing, and none of its transactions are matched or posted again.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from fakturaflyt.banking.models import BankEntry, BankStatement, BankStatementImport, Direction, EntryState
from fakturaflyt.companies.models import Company, CompanyBankAccount

CHUNK = 2000  # refs per IN (...) query: well below SQLite's parameter limit


@dataclass
class Row:
    """One row to store, with what the reconciliation needs beside the model fields."""

    statement: BankStatement
    ref: str
    entry_ref: str
    booking_date: date | None
    value_date: date | None
    amount: Decimal
    currency: str
    direction: str
    kid: str = ""
    reference: str = ""
    text: str = ""
    counterparty_name: str = ""
    counterparty_account: str = ""
    end_to_end_ids: set[str] = field(default_factory=set)

    def model(self, company: Company) -> BankEntry:
        return BankEntry(
            company=company,
            statement=self.statement,
            ref=self.ref[:200],
            entry_ref=self.entry_ref[:200],
            booking_date=self.booking_date,
            value_date=self.value_date,
            amount=self.amount,
            currency=self.currency,
            direction=self.direction,
            kid=self.kid[:25],
            reference=self.reference[:200],
            text=self.text[:500],
            counterparty_name=self.counterparty_name[:200],
            counterparty_account=self.counterparty_account[:34],
            state=EntryState.OUTGOING if self.direction == Direction.DEBIT else EntryState.UNMATCHED,
        )


def _s(obj: Any, name: str) -> str:
    value = getattr(obj, name, "") or ""
    return str(value).strip()


def _digits(value: str) -> str:
    return "".join(ch for ch in value if ch.isalnum()).upper()


def bank_account_of(company: Company, account: str) -> CompanyBankAccount | None:
    """The company's bank account a statement is for (BBAN or IBAN, spaces and dots ignored)."""
    wanted = _digits(account)
    if not wanted:
        return None
    for acc in CompanyBankAccount.objects.filter(company=company):
        if wanted in {_digits(acc.account_number), _digits(acc.iban)} or (
            wanted.startswith("NO") and wanted[4:] == _digits(acc.account_number)
        ):
            return acc
    return None


def ledger_account_of(company: Company, statement: BankStatement) -> str:
    """The ledger account the statement's money is on: its bank account's, else the default account's, else 1920."""
    if statement.bank_account is not None:
        return statement.bank_account.ledger_account
    default = CompanyBankAccount.objects.filter(company=company).order_by("-is_default", "pk").first()
    return default.ledger_account if default else "1920"


def _rows(statement: BankStatement, entry: Any, currency: str) -> Iterator[Row]:
    """The entry's payments: each transaction of a batch whose amounts add up (the core's ``items()``), else itself."""
    txs = list(getattr(entry, "transactions", None) or [])
    items = entry.items()
    for n, item in enumerate(items):
        if len(items) > 1:
            e2e = {_s(txs[n], "end_to_end_id")} - {""}
        else:
            e2e = {_s(t, "end_to_end_id") for t in txs} - {""}
        fields = {
            name: _s(item, name) for name in ("kid", "reference", "text", "counterparty_name", "counterparty_account")
        }
        if len(items) == 1 and len(txs) == 1:  # the entry's own fields are empty where only the transaction has them
            fields = {k: v or _s(txs[0], k) for k, v in fields.items()}
        for name in ("counterparty_name", "counterparty_account"):
            fields[name] = fields[name] or _s(entry, name)
        yield Row(
            statement=statement,
            ref=_s(item, "ref"),
            entry_ref=_s(entry, "ref"),
            booking_date=item.booking_date,
            value_date=item.value_date,
            amount=Decimal(item.amount),
            currency=currency,
            direction=_s(item, "direction") or "credit",
            end_to_end_ids=e2e,
            **fields,
        )


def statements_and_rows(company: Company, imp: BankStatementImport, bank_file: Any) -> list[Row]:
    """Create the import's statements; every row the file holds (duplicates not yet removed)."""
    rows: list[Row] = []
    for st in getattr(bank_file, "statements", []):
        account = _s(st, "account")
        currency = _s(st, "currency") or "NOK"
        statement = BankStatement.objects.create(
            company=company,
            bank_import=imp,
            statement_id=_s(st, "id")[:200],
            account=account[:34],
            bank_account=bank_account_of(company, account),
            currency=currency[:3],
            opening_balance=getattr(st, "opening_balance", None),
            closing_balance=getattr(st, "closing_balance", None),
        )
        for entry in getattr(st, "entries", []):
            if getattr(entry, "booked", True):  # pending entries come again when booked: nothing to keep yet
                rows.extend(_rows(statement, entry, currency[:3]))
    return rows


def _chunks(items: list[str]) -> Iterable[list[str]]:
    for i in range(0, len(items), CHUNK):
        yield items[i : i + CHUNK]


def split_duplicates(company: Company, rows: list[Row]) -> tuple[list[Row], list[Row]]:
    """(new rows, duplicates): an entry is a duplicate when any row of the company has its entry ref or ref."""
    entry_refs = sorted({r.entry_ref for r in rows})
    refs = sorted({r.ref for r in rows})
    seen: set[str] = set()
    for chunk in _chunks(entry_refs):
        seen.update(BankEntry.objects.filter(company=company, entry_ref__in=chunk).values_list("entry_ref", flat=True))
        # an unsplit entry stored before (ref == entry ref) covers all its transactions
        seen.update(BankEntry.objects.filter(company=company, ref__in=chunk).values_list("ref", flat=True))
    taken: set[str] = set()
    for chunk in _chunks(refs):
        taken.update(BankEntry.objects.filter(company=company, ref__in=chunk).values_list("ref", flat=True))
    new: list[Row] = []
    duplicates: list[Row] = []
    in_file: set[str] = set()
    for row in rows:
        if row.entry_ref in seen or row.ref in taken or row.ref in in_file:
            duplicates.append(row)
        else:
            in_file.add(row.ref)
            new.append(row)
    return new, duplicates


def store_rows(company: Company, rows: list[Row]) -> list[tuple[BankEntry, Row]]:
    """Insert the new rows (in batches); each stored entry with its row."""
    objects = [r.model(company) for r in rows]
    BankEntry.objects.bulk_create(objects, batch_size=1000)
    if objects and objects[0].pk is None:  # a backend that returns no ids: read them back
        by_ref = dict(
            BankEntry.objects.filter(company=company, ref__in=[o.ref for o in objects]).values_list("ref", "pk")
        )
        for o in objects:
            o.pk = by_ref[o.ref]
    return list(zip(objects, rows, strict=True))
