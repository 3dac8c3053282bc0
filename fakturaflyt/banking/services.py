"""Bank operations: import a bank file and reconcile it, confirm or ignore an entry on the screen.

:func:`import_bank_file` stores the received bytes first (DESIGN.md 3, nothing is lost), then
in **one transaction** reads the file, stores its statements and new entries, books our own
outgoing payments (debit entries, by the issue-6 code in :mod:`fakturaflyt.payments.bankfiles`)
and matches every new incoming entry against the open invoices: at or above the company's
threshold it is posted as a customer payment (:func:`fakturaflyt.receivables.payments.record_payment`),
else it waits on the reconciliation screen with its ranked candidates. A file that cannot be
read stores nothing but the received file and the import marked *refused* with the problems.

Importing the same file again, or another file holding an entry already imported, adds nothing
(see :mod:`.importer`): the second import reports every entry as a duplicate and posts nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from fakturaflyt.banking import importer, reconcile
from fakturaflyt.banking.error_codes import BankCode, BankError
from fakturaflyt.banking.models import (
    OPEN_STATES,
    BankEntry,
    BankStatementImport,
    Direction,
    EntryState,
    ImportStatus,
    ReconciliationSettings,
)
from fakturaflyt.companies.models import Company
from fakturaflyt.core.errors import FakturaflytError, Problem
from fakturaflyt.faultpoints import crash_point
from fakturaflyt.ledger import audit
from fakturaflyt.payables import storage
from fakturaflyt.receivables.models import Customer, SalesInvoice
from fakturaflyt.receivables.payments import record_payment

__all__ = [
    "ImportResult",
    "confirm",
    "confirm_candidate",
    "ignore",
    "import_bank_file",
    "receive_bank_file",
    "reconcile_entries",
    "run_import",
    "threshold_of",
]


@dataclass
class ImportResult:
    """What one import did. ``total`` counts every entry (and batched transaction) of the file."""

    import_id: int
    filename: str
    format: str
    total: int = 0
    matched_auto: int = 0
    for_review: int = 0
    duplicates: int = 0
    outgoing: int = 0
    problems: list[dict[str, str]] = field(default_factory=list)

    def as_cli(self) -> dict[str, Any]:
        """The ``bank import --json`` contract (issue 8 point 5)."""
        return {
            "file": self.filename,
            "format": self.format,
            "entries": self.total,
            "matched_automatically": self.matched_auto,
            "for_review": self.for_review,
            "duplicates_skipped": self.duplicates,
            "outgoing": self.outgoing,
            "problems": self.problems,
        }


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def threshold_of(company: Company) -> Decimal:
    """The company's confidence threshold for automatic posting (default 0.9)."""
    settings, _ = ReconciliationSettings.objects.get_or_create(company=company)
    return settings.auto_threshold


def receive_bank_file(company: Company, data: bytes, actor: Any, *, filename: str = "") -> BankStatementImport:
    """Store the received bytes and a queued import row (committed: kept whatever the reading says)."""
    stored = storage.store(
        data, filename=filename or "bankfil", content_type=storage.sniff_content_type(data, filename)
    )
    return BankStatementImport.objects.create(
        company=company, file=stored, filename=filename[:255], imported_by=_user(actor)
    )


def import_bank_file(company: Company, data: bytes, actor: Any, *, filename: str = "") -> ImportResult:
    """Store, read, de-duplicate, book outgoing, match and post incoming; see the module docstring.

    Raises :class:`~fakturaflyt.core.errors.FakturaflytError` (a ``FormatError`` naming the line
    or element, or ``FF-BANK-UNKNOWN-FILE``) when the file cannot be read; the received file and
    the refused import are kept, nothing else.
    """
    imp = receive_bank_file(company, data, actor, filename=filename)
    return run_import(imp, actor, data=data)


def _read(data: bytes, filename: str) -> Any:
    from fakturaflyt.core import bankfile

    if not bankfile.detect(data):
        raise BankError(
            BankCode.UNKNOWN_FILE,
            "This is not a bank file we read: camt.053 (statement), camt.054 (notification) or a Nets OCR giro file.",
            filename,
        )
    return bankfile.read_bank_file(data)


def run_import(imp: BankStatementImport, actor: Any, *, data: bytes | None = None) -> ImportResult:
    """Read and reconcile a received file (the task runs this for big files)."""
    company = imp.company
    if data is None:
        data = storage.read(imp.file)
    try:
        with transaction.atomic():
            result = _import(imp, data, actor)
    except FakturaflytError as exc:
        imp.status = ImportStatus.FAILED
        imp.problems = [p.as_dict() for p in exc.problems]
        imp.save(update_fields=["status", "problems"])
        audit.record(company, actor, "bank.import_refused", imp, file=imp.filename, problems=imp.problems)
        raise
    return result


def _import(imp: BankStatementImport, data: bytes, actor: Any) -> ImportResult:
    company = imp.company
    bank_file = _read(data, imp.filename)
    fmt = str(getattr(bank_file, "format", "") or "")
    rows = importer.statements_and_rows(company, imp, bank_file)
    new, duplicates = importer.split_duplicates(company, rows)
    stored = importer.store_rows(company, new)
    result = ImportResult(imp.pk, imp.filename, fmt, total=len(rows), duplicates=len(duplicates))
    result.problems = [p.as_dict() for p in getattr(bank_file, "warnings", [])]
    outgoing = [(e, r) for e, r in stored if e.direction == Direction.DEBIT]
    result.outgoing = len(outgoing)
    if outgoing:
        result.problems += _book_outgoing(company, data, actor, imp.filename, outgoing)
    incoming = [e for e, _ in stored if e.direction == Direction.CREDIT]
    counts = reconcile_entries(company, incoming, actor)
    result.matched_auto, result.for_review = counts["posted"], counts["review"]
    imp.format = fmt[:20]
    imp.status = ImportStatus.IMPORTED
    imp.entries, imp.duplicates, imp.outgoing = result.total, result.duplicates, result.outgoing
    imp.matched_auto, imp.for_review = result.matched_auto, result.for_review
    imp.problems = result.problems
    imp.save()
    audit.record(
        company,
        actor,
        "bank.imported",
        imp,
        file=imp.filename,
        sha256=imp.file.sha256,
        **{k: v for k, v in asdict(result).items() if k not in ("import_id", "filename", "problems")},
    )
    return result


def _book_outgoing(
    company: Company, data: bytes, actor: Any, filename: str, outgoing: list[tuple[BankEntry, importer.Row]]
) -> list[dict[str, str]]:
    """Our own payment runs paid from the account: book them (issue 6), note which entry was which."""
    if not any(r.end_to_end_ids for _, r in outgoing):
        return []
    from fakturaflyt.payments.bankfiles import import_bank_file as book_payments
    from fakturaflyt.payments.error_codes import PaymentError

    try:
        summary = book_payments(company, data, actor, filename=filename)
    except PaymentError as exc:  # e.g. an OCR giro file: it has no payments of ours
        return [Problem(exc.code, exc.message, filename, "warning").as_dict()]
    ours = {row["end_to_end_id"]: row for row in summary.get("payments", []) if row.get("payment")}
    for entry, row in outgoing:
        found = [ours[e2e] for e2e in sorted(row.end_to_end_ids) if e2e in ours]
        if found:
            entry.match_method = "payment_run"
            entry.note = ("Betaling " + ", ".join(str(f["invoice_number"] or f["end_to_end_id"]) for f in found))[:300]
            entry.save(update_fields=["match_method", "note"])
    return []


def reconcile_entries(company: Company, entries: Sequence[BankEntry], actor: Any) -> dict[str, int]:
    """Match incoming entries; post those at or above the threshold, keep candidates for the rest."""
    entries = [e for e in entries if e.direction == Direction.CREDIT and e.state in OPEN_STATES]
    if not entries:
        return {"posted": 0, "review": 0}
    threshold = threshold_of(company)
    book = reconcile.load_book(company)
    ledger_accounts: dict[int, str] = {}
    posted = review = 0
    for entry, matches in zip(entries, reconcile.match(book, entries, threshold), strict=True):
        crash_point("banking.import.matching")
        decision = reconcile.decide(book, entry, matches, threshold)
        entry.candidates = decision.candidates
        entry.match_method, entry.confidence, entry.note = decision.method[:20], decision.confidence, decision.note
        if decision.post is not None:
            allocations = reconcile.allocations_of(decision.post)
            if entry.statement_id not in ledger_accounts:
                ledger_accounts[entry.statement_id] = importer.ledger_account_of(company, entry.statement)
            try:
                with transaction.atomic():
                    _post(
                        entry,
                        [(book.invoices[pk], amount) for pk, amount in allocations],
                        actor,
                        customer=book.invoices[allocations[0][0]].customer,
                        method=decision.method,
                        ledger_account=ledger_accounts[entry.statement_id],
                    )
            except BankError as exc:
                entry.note = exc.message[:300]
            else:
                reconcile.allocated(book, allocations)
                posted += 1
                continue
        entry.state = EntryState.MATCHED if entry.candidates else EntryState.UNMATCHED
        entry.save(update_fields=["candidates", "match_method", "confidence", "note", "state"])
        review += 1
    return {"posted": posted, "review": review}


def _post(
    entry: BankEntry,
    allocations: Sequence[tuple[SalesInvoice, Decimal]],
    actor: Any,
    *,
    customer: Customer | None,
    method: str,
    ledger_account: str,
) -> None:
    payment = record_payment(
        entry.company,
        customer=customer,
        amount=entry.amount,
        paid_on=entry.date or timezone.localdate(),
        allocations=allocations,
        actor=actor,
        bank_ledger_account=ledger_account,
        source="bank",
        source_ref=entry.ref,
        payer_name=entry.counterparty_name,
        payer_account=entry.counterparty_account,
        kid=entry.kid,
        text=" ".join(x for x in (entry.reference, entry.text) if x),
        match_method=method,
    )
    entry.payment = payment
    entry.state = EntryState.POSTED
    entry.match_method = method[:20]
    entry.save(update_fields=["payment", "state", "match_method", "candidates", "confidence", "note"])


def _open_entry(entry: BankEntry) -> BankEntry:
    # lock the entry row only (of=self): the bank account is an outer join PostgreSQL cannot lock
    locked = (
        BankEntry.objects.select_for_update(of=("self",))
        .select_related("statement__bank_account", "company")
        .get(pk=entry.pk)
    )
    if locked.state not in OPEN_STATES:
        raise BankError(BankCode.ENTRY_STATE, f"The entry is {locked.get_state_display().lower()} already.")
    return locked


def confirm(
    entry: BankEntry,
    allocations: Sequence[tuple[SalesInvoice, Decimal]],
    actor: Any,
    *,
    customer: Customer | None = None,
    method: str = "manual",
) -> BankEntry:
    """Post an entry left for review as a customer payment, allocated as the accountant chose.

    What is not allocated is a credit on the customer (or, with no customer, on 2900 until placed).
    """
    with transaction.atomic():
        locked = _open_entry(entry)
        _post(
            locked,
            allocations,
            actor,
            customer=customer,
            method=method,
            ledger_account=importer.ledger_account_of(locked.company, locked.statement),
        )
        locked.handled_by, locked.handled_at = _user(actor), timezone.now()
        locked.save(update_fields=["handled_by", "handled_at"])
        audit.record(
            locked.company,
            actor,
            "bank.entry_confirmed",
            locked,
            ref=locked.ref,
            method=method,
            payment=locked.payment_id,
            allocations=[{"invoice": inv.number, "amount": str(a)} for inv, a in allocations],
        )
    return locked


def confirm_candidate(entry: BankEntry, index: int, actor: Any) -> BankEntry:
    """Confirm the entry's candidate number ``index`` (0 = the best)."""
    try:
        cand = entry.candidates[index]
    except (IndexError, TypeError):
        raise BankError(BankCode.ENTRY_STATE, f"The entry has no candidate {index + 1}.") from None
    ids = [a["invoice_id"] for a in cand["allocations"]]
    invoices = SalesInvoice.objects.filter(company=entry.company, pk__in=ids).select_related("customer").in_bulk()
    allocations = [
        (invoices[a["invoice_id"]], Decimal(a["amount"])) for a in cand["allocations"] if a["invoice_id"] in invoices
    ]
    customer = Customer.objects.filter(company=entry.company, pk=cand.get("customer_id")).first()
    return confirm(entry, allocations, actor, customer=customer, method=cand.get("method") or "manual")


def ignore(entry: BankEntry, reason: str, actor: Any) -> BankEntry:
    """Leave an entry out of the reconciliation for good (not a customer payment), with the reason."""
    if not reason.strip():
        raise BankError(BankCode.REASON, "Say why the entry is ignored.", "reason")
    with transaction.atomic():
        locked = _open_entry(entry)
        locked.state = EntryState.IGNORED
        locked.note = reason.strip()[:300]
        locked.handled_by, locked.handled_at = _user(actor), timezone.now()
        locked.save(update_fields=["state", "note", "handled_by", "handled_at"])
        audit.record(locked.company, actor, "bank.entry_ignored", locked, ref=locked.ref, reason=locked.note)
    return locked
