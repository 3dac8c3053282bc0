"""The bank's answers to our payment files: pain.002 status reports and camt.054/053 debit entries.

- **pain.002**: per payment (by end-to-end id) ``RJCT`` → rejected with the bank's reason, and
  the invoice (and the credit notes set off in it) back to unpaid, so the next proposal takes
  it; ``ACCP``/``ACSC``/``ACSP``/``ACWC`` → accepted. A group status ``RJCT`` without
  transactions rejects every payment of the original message.
- **camt.054 / camt.053**: a debit entry whose transactions carry our end-to-end ids books the
  payment: the payment voucher is posted (series BANK: debit 2400 with the supplier as
  partner, credit the ledger account of the account paid from, dated the booking date) and
  the invoice is marked paid on that date.

Every change is decided from the payment's current state, so importing the same file twice
changes nothing the second time (a booked payment stays booked, with one voucher).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction

from fakturaflyt.companies.models import Company
from fakturaflyt.core.errors import FakturaflytError
from fakturaflyt.core.ledger import VoucherLine
from fakturaflyt.ledger import audit
from fakturaflyt.ledger.services import post_voucher
from fakturaflyt.payables import storage
from fakturaflyt.payables.models import PaymentStatus, SupplierDocument
from fakturaflyt.payments.error_codes import PaymentCode, PaymentError
from fakturaflyt.payments.models import BankFileImport, Payment, PaymentRun, PaymentState, RunStatus

ACCEPTED_CODES = {"ACCP", "ACSC", "ACSP", "ACWC", "ACTC"}
PAYABLES_ACCOUNT = "2400"


def detect(data: bytes) -> str:
    """``pain.002``, ``camt.054`` or ``camt.053`` from the document's namespace; else ``""``."""
    head = data[:4000]
    for kind in ("pain.002", "camt.054", "camt.053"):
        if f"xsd:{kind}".encode() in head or f"<{kind}".encode() in head:
            return kind
    for marker, kind in (
        (b"CstmrPmtStsRpt", "pain.002"),
        (b"BkToCstmrDbtCdtNtfctn", "camt.054"),
        (b"BkToCstmrStmt", "camt.053"),
    ):
        if marker in data:
            return kind
    return ""


def _payments(company: Company, ids: set[str]) -> dict[str, Payment]:
    if not ids:
        return {}
    qs = Payment.objects.select_for_update().filter(company=company, end_to_end_id__in=ids)
    return {p.end_to_end_id: p for p in qs.select_related("supplier", "document", "run__debtor_account")}


def _row(payment: Payment | None, e2e: str, outcome: str, changed: bool, reason: str = "") -> dict[str, Any]:
    return {
        "end_to_end_id": e2e,
        "payment": payment.pk if payment else None,
        "document": payment.document_id if payment else None,
        "invoice_number": payment.document.invoice_number if payment else "",
        "status": payment.status if payment else outcome,
        "changed": changed,
        "reason": reason,
    }


def _reject(payment: Payment, user: Any, reason: str) -> bool:
    if payment.status not in (PaymentState.EXPORTED, PaymentState.ACCEPTED, PaymentState.PROPOSED):
        return False
    before = {"status": payment.status}
    payment.status = PaymentState.REJECTED
    payment.status_reason = reason[:300]
    payment.save(update_fields=["status", "status_reason"])
    ids = [payment.document_id, *(int(s["document"]) for s in payment.set_off)]
    SupplierDocument.objects.filter(pk__in=ids).update(payment_status=PaymentStatus.UNPAID)
    audit.record(
        payment.company,
        user,
        "payments.payment.rejected",
        payment,
        before=before,
        after={"status": payment.status, "reason": payment.status_reason},
    )
    return True


def _accept(payment: Payment, user: Any) -> bool:
    if payment.status != PaymentState.EXPORTED:
        return False
    payment.status = PaymentState.ACCEPTED
    payment.save(update_fields=["status"])
    audit.record(
        payment.company,
        user,
        "payments.payment.accepted",
        payment,
        before={"status": "exported"},
        after={"status": "accepted"},
    )
    return True


def _book(payment: Payment, user: Any, booked_on: date, bank_amount: Decimal | None) -> tuple[bool, str]:
    if payment.status not in (PaymentState.EXPORTED, PaymentState.ACCEPTED):
        return False, "" if payment.status == PaymentState.BOOKED else f"payment is {payment.status}"
    doc = payment.document
    note = ""
    if bank_amount is not None and payment.currency == "NOK" and bank_amount != payment.amount:
        note = f"the bank booked {bank_amount}, the payment was {payment.amount}"
    amount = payment.amount
    voucher = post_voucher(
        payment.company,
        user,
        voucher_date=booked_on,
        description=f"Betaling {payment.supplier.name} faktura {doc.invoice_number}"[:300],
        lines=[
            VoucherLine(
                PAYABLES_ACCOUNT, debit=amount, supplier_id=payment.supplier_id, description=payment.end_to_end_id
            ),
            VoucherLine(payment.run.debtor_account.ledger_account, credit=amount, description=payment.end_to_end_id),
        ],
        series="BANK",
        source="payments",
        source_ref=payment.end_to_end_id,
    )
    payment.status = PaymentState.BOOKED
    payment.voucher = voucher
    payment.booked_on = booked_on
    if note:
        payment.status_reason = note[:300]
    payment.save(update_fields=["status", "voucher", "booked_on", "status_reason"])
    SupplierDocument.objects.filter(pk=doc.pk).update(payment_status=PaymentStatus.PAID, paid_at=booked_on)
    audit.record(
        payment.company,
        user,
        "payments.payment.booked",
        payment,
        before={"status": "exported"},
        after={"status": "booked", "voucher": voucher.label, "booked_on": booked_on.isoformat()},
    )
    return True, note


def _read_pain002(company: Company, data: bytes, user: Any) -> list[dict[str, Any]]:
    from fakturaflyt.core.iso20022.pain002 import read_pain002

    report = read_pain002(data)
    rows: list[dict[str, Any]] = []
    transactions = list(report.transactions)
    if not transactions and report.group_status == "RJCT":
        run = PaymentRun.objects.filter(company=company, message_id=report.original_message_id).first()
        payments = list(run.payments.select_for_update().select_related("document")) if run else []
        for p in payments:
            changed = _reject(p, user, f"RJCT: the bank rejected the whole file ({report.original_message_id})")
            rows.append(_row(p, p.end_to_end_id, "rejected", changed, p.status_reason))
        return rows
    found = _payments(company, {t.end_to_end_id or t.instruction_id for t in transactions})
    for t in transactions:
        payment = found.get(t.end_to_end_id or t.instruction_id)
        reason = ": ".join(x for x in (t.reason_code, t.reason) if x)
        if payment is None:
            rows.append(
                _row(None, t.end_to_end_id or t.instruction_id, "unknown", False, "not a payment of this company")
            )
            continue
        if t.status == "RJCT":
            changed = _reject(payment, user, reason or "RJCT")
        elif t.status in ACCEPTED_CODES:
            changed = _accept(payment, user)
        else:
            changed = False
        rows.append(_row(payment, t.end_to_end_id, payment.status, changed, reason))
    return rows


def _read_camt(company: Company, data: bytes, user: Any) -> list[dict[str, Any]]:
    from fakturaflyt.core.iso20022.camt import read_camt

    rows: list[dict[str, Any]] = []
    for statement in read_camt(data):
        for entry in statement.entries:
            if entry.direction != "debit" or (entry.status and entry.status.upper() not in ("BOOK", "BOOKED")):
                continue
            txs = [t for t in entry.transactions if t.end_to_end_id]
            found = _payments(company, {t.end_to_end_id for t in txs})
            for t in txs:
                payment = found.get(t.end_to_end_id)
                if payment is None:
                    continue  # someone else's payment, or one made outside Fakturaflyt
                amount = t.amount if t.amount is not None else (entry.amount if len(txs) == 1 else None)
                changed, note = _book(payment, user, entry.booking_date or entry.value_date, amount)
                rows.append(_row(payment, t.end_to_end_id, payment.status, changed, note))
    return rows


def _close_finished_runs(run_ids: set[int]) -> None:
    for run in PaymentRun.objects.select_for_update().filter(pk__in=run_ids, status=RunStatus.EXPORTED):
        if not run.payments.filter(status__in=[PaymentState.EXPORTED, PaymentState.ACCEPTED]).exists():
            run.status = RunStatus.CLOSED
            run.save(update_fields=["status"])
            audit.record(run.company, None, "payments.run.closed", run, after={"status": "closed"})


@transaction.atomic
def import_bank_file(company: Company, data: bytes, user: Any, *, filename: str = "") -> dict[str, Any]:
    """Apply a pain.002 or camt.054/053 file to the company's payments; return a summary.

    ``{"kind", "accepted", "rejected", "booked", "unchanged", "unknown", "payments": [...]}``
    """
    kind = detect(data)
    if not kind:
        raise PaymentError(
            PaymentCode.UNKNOWN_BANK_FILE,
            "This is not a pain.002 status report or a camt.054/camt.053 file from the bank.",
            filename,
        )
    try:
        rows = _read_pain002(company, data, user) if kind == "pain.002" else _read_camt(company, data, user)
    except PaymentError:
        raise
    except FakturaflytError as exc:
        raise PaymentError(PaymentCode.BAD_BANK_FILE, f"The {kind} file cannot be read: {exc}", filename) from exc
    except ImportError:
        raise PaymentError(PaymentCode.NO_ISO20022, "The ISO 20022 module is not installed.") from None
    changed = [r for r in rows if r["changed"]]
    summary: dict[str, Any] = {
        "kind": kind,
        "accepted": sum(1 for r in changed if r["status"] == PaymentState.ACCEPTED),
        "rejected": sum(1 for r in changed if r["status"] == PaymentState.REJECTED),
        "booked": sum(1 for r in changed if r["status"] == PaymentState.BOOKED),
        "unchanged": sum(1 for r in rows if not r["changed"] and r["payment"] is not None),
        "unknown": sum(1 for r in rows if r["payment"] is None),
        "payments": rows,
    }
    _close_finished_runs(
        set(Payment.objects.filter(pk__in=[r["payment"] for r in changed]).values_list("run_id", flat=True))
    )
    stored = storage.store(data, filename=filename or f"{kind}.xml", content_type="application/xml")
    BankFileImport.objects.create(
        company=company,
        file=stored,
        kind=kind,
        imported_by=user if getattr(user, "is_authenticated", False) else None,
        summary={k: v for k, v in summary.items() if k != "payments"},
    )
    if changed:
        audit.record(
            company,
            user,
            "payments.bankfile.imported",
            None,
            kind=kind,
            sha256=stored.sha256,
            **{k: v for k, v in summary.items() if k not in ("payments", "kind")},
        )
    return summary
