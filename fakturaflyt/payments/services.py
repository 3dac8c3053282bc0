"""Payments out: propose a run, approve it, export its pain.001 file, cancel it; read the bank's answers.

One function per business action, each in one transaction with an audit event.

Double payment is made impossible in two layers: proposing locks the company row (so two
proposals for one company run one after the other) and the candidate invoices
(``SELECT ... FOR UPDATE``), and the database refuses a second *live* payment of one invoice
(``uniq_live_payment_per_document``). A rejected or cancelled payment frees its invoice.

Rules of a proposal (issue 6 point 6):

- approved (and posted) invoices, unpaid, not on hold, not credit notes, due on or before
  ``until`` (overdue included), in due-date order;
- payment date = the due date, or today when that has passed;
- message: the KID when its check digit holds (``Strd/CdtrRefInf`` SCOR in the file), else
  "Faktura <nr>";
- the account on the invoice must be the supplier's known account: a different account, or
  an invoice marked ``payment_blocked``, is held out of the run with the reason;
- credit notes of the same supplier (crediting an invoice in the run, or not tied to an
  invoice still waiting) are set off: the payment is reduced and the credit note marked
  ``set_off``; a supplier whose credit notes cover its invoices is held.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from fakturaflyt.companies.models import Company, CompanyBankAccount
from fakturaflyt.companies.permissions import require
from fakturaflyt.companies.roles import Perm
from fakturaflyt.core.errors import FakturaflytError, FormatError
from fakturaflyt.core.identifiers import normalise_iban, normalise_kontonr, validate_kid
from fakturaflyt.faultpoints import crash_point
from fakturaflyt.ledger import audit
from fakturaflyt.payables import storage
from fakturaflyt.payables.models import DocumentState, PaymentStatus, SupplierDocument
from fakturaflyt.payments.error_codes import PaymentCode, PaymentError
from fakturaflyt.payments.models import (
    LIVE_STATES,
    Payment,
    PaymentFormat,
    PaymentRun,
    PaymentState,
    RunStatus,
)

ZERO = Decimal("0.00")


# ----------------------------------------------------------------------------------- helpers


def _same_account(a: str, b: str, normalise: Any) -> bool:
    try:
        return bool(normalise(a) == normalise(b))
    except FormatError:
        return a.replace(" ", "").replace(".", "") == b.replace(" ", "").replace(".", "")


def debtor_account_of(company: Company) -> CompanyBankAccount:
    """The company's default bank account (the one payments go out from)."""
    account = CompanyBankAccount.objects.filter(company=company).order_by("-is_default", "pk").first()
    if account is None:
        raise PaymentError(
            PaymentCode.NO_BANK_ACCOUNT,
            "The company has no bank account to pay from. Add one under the company's settings.",
            "debtor_account",
        )
    return account


def message_for(document: SupplierDocument) -> tuple[str, str, str]:
    """``(kid, message, warning)``: the KID when its check digit holds, else "Faktura <nr>"."""
    kid = (document.kid or "").strip()
    if kid:
        try:
            return validate_kid(kid), "", ""
        except FormatError:
            return (
                "",
                f"Faktura {document.invoice_number}"[:140],
                f"{PaymentCode.KID_INVALID}: KID {kid} has a wrong check digit; paid with the invoice number.",
            )
    return "", f"Faktura {document.invoice_number}"[:140], ""


def _hold(document: SupplierDocument, code: PaymentCode, reason: str) -> dict[str, Any]:
    return {
        "document": document.pk,
        "supplier": document.supplier.name if document.supplier else "",
        "invoice_number": document.invoice_number,
        "amount": str(document.total if document.total is not None else ""),
        "currency": document.currency or "NOK",
        "due_date": document.due_date.isoformat() if document.due_date else None,
        "code": str(code),
        "reason": reason,
    }


def creditor_of(document: SupplierDocument) -> tuple[dict[str, str], str, dict[str, Any] | None]:
    """``(account fields, warning, hold)``: where to pay ``document``, checked against the supplier's known account."""
    supplier = document.supplier
    assert supplier is not None
    if document.payment_blocked:
        return (
            {},
            "",
            _hold(
                document,
                PaymentCode.PAYMENT_BLOCKED,
                "The bank account on the invoice differs from the supplier's known account: confirm it with the "
                "supplier (by phone, from a known number) before paying.",
            ),
        )
    if (
        document.bank_account
        and supplier.bank_account
        and not _same_account(document.bank_account, supplier.bank_account, normalise_kontonr)
    ):
        return (
            {},
            "",
            _hold(
                document,
                PaymentCode.BANK_ACCOUNT_CHANGED,
                f"The invoice asks for payment to {document.bank_account}, but the supplier's known account is "
                f"{supplier.bank_account}. Confirm the change with the supplier before paying.",
            ),
        )
    if document.iban and supplier.iban and not _same_account(document.iban, supplier.iban, normalise_iban):
        return (
            {},
            "",
            _hold(
                document,
                PaymentCode.BANK_ACCOUNT_CHANGED,
                f"The invoice asks for payment to IBAN {document.iban}, but the supplier's known IBAN is "
                f"{supplier.iban}. Confirm the change with the supplier before paying.",
            ),
        )
    account = supplier.bank_account or document.bank_account
    # Never the invoice's IBAN beside a known (approved) supplier account: that is an unapproved account.
    iban = supplier.iban or ("" if supplier.bank_account else document.iban)
    warning = ""
    if not supplier.bank_account and not supplier.iban and (document.bank_account or document.iban):
        warning = (
            f"{PaymentCode.ACCOUNT_UNKNOWN}: the supplier has no known account to check against; "
            "paid to the account on the invoice."
        )
    currency = (document.currency or "NOK").upper()
    if (not account and not iban) or (currency != "NOK" and not iban):
        return (
            {},
            "",
            _hold(
                document,
                PaymentCode.NO_CREDITOR_ACCOUNT,
                "There is no account to pay to"
                + (" (an IBAN is needed for a payment in another currency)" if currency != "NOK" else "")
                + ". Add the supplier's bank account.",
            ),
        )
    fields = {
        "creditor_account": account if currency == "NOK" else "",
        "creditor_iban": iban,
        "creditor_bic": supplier.bic,
    }
    return fields, warning, None


@dataclass
class _Planned:
    document: SupplierDocument
    amount: Decimal
    account: dict[str, str]
    warning: str
    set_off: list[dict[str, Any]] = field(default_factory=list)


def _net_supplier(
    invoices: list[tuple[SupplierDocument, dict[str, str], str]],
    credit_notes: list[SupplierDocument],
    open_invoice_ids: set[int],
) -> tuple[list[_Planned], list[SupplierDocument], list[dict[str, Any]]]:
    """Set one supplier's credit notes off against its invoices: ``(payments, credit notes used, held)``."""
    planned = [_Planned(doc, Decimal(doc.total or 0), acc, warn) for doc, acc, warn in invoices]
    by_id = {p.document.pk: p for p in planned}
    usable = [
        cn
        for cn in credit_notes
        if cn.credits_id is None or cn.credits_id in by_id or cn.credits_id not in open_invoice_ids
    ]
    credit_total = sum((abs(Decimal(cn.total or 0)) for cn in usable), ZERO)
    if not usable:
        return planned, [], []
    net = sum((p.amount for p in planned), ZERO) - credit_total
    if net <= 0:
        reason = (
            f"The supplier's credit notes ({credit_total}) cover its invoices due ({credit_total + net}): "
            "nothing to pay. Ask the supplier to refund the difference or wait for new invoices."
        )
        return [], [], [_hold(p.document, PaymentCode.CREDIT_EXCEEDS, reason) for p in planned]
    # A credit note goes first against the invoice it credits; the rest in due-date order.
    pool: list[tuple[SupplierDocument, Decimal]] = []
    for cn in usable:
        remaining = abs(Decimal(cn.total or 0))
        target = by_id.get(cn.credits_id) if cn.credits_id else None
        if target is not None:
            used = min(remaining, target.amount)
            if used:
                target.amount -= used
                target.set_off.append({"document": cn.pk, "invoice_number": cn.invoice_number, "amount": str(used)})
            remaining -= used
        if remaining:
            pool.append((cn, remaining))
    for cn, remaining in pool:
        for p in planned:
            if not remaining:
                break
            used = min(remaining, p.amount)
            if used:
                p.amount -= used
                p.set_off.append({"document": cn.pk, "invoice_number": cn.invoice_number, "amount": str(used)})
                remaining -= used
    return planned, usable, []


def _release(payment: Payment) -> None:
    """A payment that will not happen: its invoice and the credit notes set off in it become unpaid again."""
    ids = [payment.document_id, *(int(s["document"]) for s in payment.set_off)]
    SupplierDocument.objects.filter(pk__in=ids).update(payment_status=PaymentStatus.UNPAID)


def run_snapshot(run: PaymentRun) -> dict[str, Any]:
    payments = list(run.payments.all())
    return {
        "run": run.number,
        "status": run.status,
        "until": run.until.isoformat(),
        "count": len(payments),
        "total": str(sum((p.amount for p in payments), ZERO)),
        "held": len(run.held),
    }


# ----------------------------------------------------------------------------------- actions


@transaction.atomic
def propose(
    company: Company,
    until: date,
    user: Any,
    *,
    today: date | None = None,
    debtor_account: CompanyBankAccount | None = None,
) -> PaymentRun:
    """Create a payment proposal of the approved, unpaid invoices due on or before ``until``."""
    today = today or timezone.localdate()
    Company.objects.select_for_update().filter(pk=company.pk).first()  # one proposal per company at a time
    account = debtor_account or debtor_account_of(company)
    base = SupplierDocument.objects.select_for_update().filter(
        company=company,
        state=DocumentState.APPROVED,
        payment_status=PaymentStatus.UNPAID,
        on_hold=False,
        supplier__isnull=False,
    )
    live = Payment.objects.filter(company=company, status__in=LIVE_STATES).values("document_id")
    candidates = list(
        base.filter(is_credit_note=False, due_date__lte=until).exclude(pk__in=live).order_by("due_date", "pk")
    )
    credit_notes = list(base.filter(is_credit_note=True).exclude(pk__in=live).order_by("issue_date", "pk"))
    # Invoices still waiting (not in this proposal): a credit note tied to one waits for it.
    open_invoice_ids = set(
        SupplierDocument.objects.filter(
            company=company, is_credit_note=False, payment_status__in=[PaymentStatus.UNPAID, PaymentStatus.SCHEDULED]
        )
        .exclude(state__in=[DocumentState.REJECTED, DocumentState.DUPLICATE])
        .values_list("pk", flat=True)
    )
    held: list[dict[str, Any]] = []
    per_supplier: dict[int, list[tuple[SupplierDocument, dict[str, str], str]]] = defaultdict(list)
    for doc in candidates:
        if doc.total is None or doc.total <= 0:
            held.append(_hold(doc, PaymentCode.NO_AMOUNT, "The invoice has no amount to pay; check it in the inbox."))
            continue
        acc, warning, hold = creditor_of(doc)
        if hold:
            held.append(hold)
        else:
            per_supplier[doc.supplier_id].append((doc, acc, warning))  # type: ignore[index]
    notes_by_supplier: dict[int, list[SupplierDocument]] = defaultdict(list)
    for cn in credit_notes:
        notes_by_supplier[cn.supplier_id].append(cn)  # type: ignore[index]

    planned: list[_Planned] = []
    used_notes: list[SupplierDocument] = []
    for supplier_id, invoices in per_supplier.items():
        # Credit notes are set off only within one currency.
        currency = (invoices[0][0].currency or "NOK").upper()
        same_currency = [inv for inv in invoices if (inv[0].currency or "NOK").upper() == currency]
        other = [inv for inv in invoices if inv not in same_currency]
        notes = [cn for cn in notes_by_supplier.get(supplier_id, []) if (cn.currency or "NOK").upper() == currency]
        p, used, h = _net_supplier(same_currency, notes, open_invoice_ids - {i[0].pk for i in invoices})
        planned += p + [_Planned(doc, Decimal(doc.total or 0), acc, warn) for doc, acc, warn in other]
        used_notes += used
        held += h
    fully_set_off = [p for p in planned if p.amount <= 0]
    planned = [p for p in planned if p.amount > 0]
    if not planned and not held and not fully_set_off:
        raise PaymentError(
            PaymentCode.NOTHING_DUE, f"No approved, unpaid supplier invoice is due on or before {until:%d.%m.%Y}."
        )

    number = (PaymentRun.objects.filter(company=company).aggregate(n=Max("number"))["n"] or 0) + 1
    run = PaymentRun.objects.create(
        company=company,
        number=number,
        until=until,
        debtor_account=account,
        held=held,
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    payments = []
    for p in sorted(planned, key=lambda p: (p.document.due_date, p.document.pk)):
        doc = p.document
        kid, message, kid_warning = message_for(doc)
        payments.append(
            Payment(
                company=company,
                run=run,
                document=doc,
                supplier_id=doc.supplier_id,
                amount=p.amount,
                currency=(doc.currency or "NOK").upper(),
                due_date=doc.due_date,
                requested_date=max(doc.due_date, today),  # type: ignore[type-var]
                kid=kid,
                message=message,
                end_to_end_id=f"FF-{company.pk}-{run.number}-{doc.pk}",
                warning="; ".join(w for w in (p.warning, kid_warning) if w)[:300],
                set_off=p.set_off,
                **p.account,
            )
        )
    Payment.objects.bulk_create(payments)
    SupplierDocument.objects.filter(pk__in=[p.document.pk for p in planned]).update(
        payment_status=PaymentStatus.SCHEDULED
    )
    settled = [cn.pk for cn in used_notes] + [p.document.pk for p in fully_set_off]
    SupplierDocument.objects.filter(pk__in=settled).update(payment_status=PaymentStatus.SET_OFF)
    audit.record(company, user, "payments.run.proposed", run, after=run_snapshot(run))
    return run


def _locked(run: PaymentRun) -> PaymentRun:
    return PaymentRun.objects.select_for_update().select_related("company").get(pk=run.pk)


@transaction.atomic
def approve_run(run: PaymentRun, user: Any, *, automated: bool = False) -> PaymentRun:
    """Approve a proposed run (payment rights needed).

    The person who made the proposal may not approve it (two people see every payment), except
    for an automated run: ``fakturaflyt payments propose --approve --user EMAIL`` proposes and
    approves in one step as that user (``automated=True``), for a scheduled run.
    """
    run = _locked(run)
    require(user, run.company, Perm.MANAGE_PAYMENTS)
    if run.status != RunStatus.DRAFT:
        raise PaymentError(
            PaymentCode.NOT_DRAFT, f"Payment run {run.number} is {run.get_status_display().lower()}, not proposed."
        )
    if not automated and run.created_by_id is not None and run.created_by_id == user.pk:
        raise PaymentError(
            PaymentCode.SELF_APPROVAL,
            f"You proposed payment run {run.number}; another person with payment rights must approve it.",
        )
    if not run.payments.filter(status=PaymentState.PROPOSED).exists():
        raise PaymentError(PaymentCode.EMPTY_RUN, f"Payment run {run.number} has no payments to approve.")
    before = run_snapshot(run)
    run.status = RunStatus.APPROVED
    run.approved_by = user
    run.approved_at = timezone.now()
    run.save(update_fields=["status", "approved_by", "approved_at"])
    audit.record(
        run.company, user, "payments.run.approved", run, before=before, after=run_snapshot(run), automated=automated
    )
    return run


@transaction.atomic
def cancel_run(run: PaymentRun, user: Any, reason: str = "") -> PaymentRun:
    """Cancel a run not yet sent to the bank: its invoices and credit notes go back to unpaid."""
    run = _locked(run)
    if run.status not in (RunStatus.DRAFT, RunStatus.APPROVED):
        raise PaymentError(
            PaymentCode.NOT_OPEN,
            f"Payment run {run.number} is {run.get_status_display().lower()} and can no longer be cancelled"
            + (": the file has gone to the bank; stop payments there." if run.status == RunStatus.EXPORTED else "."),
        )
    before = run_snapshot(run)
    for payment in run.payments.select_for_update().filter(status=PaymentState.PROPOSED):
        _release(payment)
        payment.status = PaymentState.CANCELLED
        payment.status_reason = reason[:300]
        payment.save(update_fields=["status", "status_reason"])
    run.status = RunStatus.CANCELLED
    run.save(update_fields=["status"])
    audit.record(
        run.company, user, "payments.run.cancelled", run, before=before, after=run_snapshot(run), reason=reason
    )
    return run


def _iso() -> Any:
    try:
        from fakturaflyt.core.iso20022 import pain001
    except ImportError:  # pragma: no cover - the core ships with the app
        raise PaymentError(PaymentCode.NO_ISO20022, "The ISO 20022 module is not installed.") from None
    return pain001


def build_initiation(run: PaymentRun, message_id: str, created_at: Any) -> Any:
    """The run as the core's ``PaymentInitiation`` (debtor = the company's account, one transfer per payment)."""
    pain001 = _iso()
    company = run.company
    acct = run.debtor_account
    debtor = pain001.Debtor(
        name=company.name, orgnr=company.orgnr, account=acct.account_number, iban=acct.iban, bic=acct.bic
    )
    transfers = [
        pain001.CreditTransfer(
            end_to_end_id=p.end_to_end_id,
            amount=p.amount,
            currency=p.currency,
            creditor_name=p.supplier.name,
            requested_date=p.requested_date,
            creditor_account=p.creditor_account,
            creditor_iban=p.creditor_iban,
            creditor_bic=p.creditor_bic,
            creditor_country=p.supplier.country or "NO",
            kid=p.kid,
            message=p.message,
            instruction_id=p.end_to_end_id,
        )
        for p in run.payments.select_related("supplier").filter(
            status__in=[PaymentState.PROPOSED, PaymentState.EXPORTED]
        )
    ]
    return pain001.PaymentInitiation(message_id=message_id, created_at=created_at, debtor=debtor, transfers=transfers)


@transaction.atomic
def export_run(run: PaymentRun, version: str = PaymentFormat.PAIN_001_09, user: Any = None) -> bytes:
    """Write the approved run's pain.001 file, check it, store it and mark the payments sent.

    Exporting an exported run again gives the same stored file (the same message id, so the
    bank refuses a second submission rather than paying twice).
    """
    if version not in PaymentFormat.values:
        raise PaymentError(
            PaymentCode.BAD_FORMAT, f"Unknown format {version}; use pain.001.001.09 or pain.001.001.03.", "format"
        )
    run = _locked(run)
    if run.status in (RunStatus.EXPORTED, RunStatus.CLOSED) and run.file_id:
        if run.format != version:
            raise PaymentError(
                PaymentCode.ALREADY_EXPORTED,
                f"Payment run {run.number} was exported as {run.format}; download that file.",
                "format",
            )
        return storage.read(run.file)
    if run.status != RunStatus.APPROVED:
        raise PaymentError(
            PaymentCode.NOT_APPROVED,
            f"Payment run {run.number} is {run.get_status_display().lower()}; only an approved run can be exported.",
        )
    pain001 = _iso()
    now = timezone.now()
    message_id = f"FF{run.company.orgnr}-{run.number}-{now:%y%m%d%H%M%S}"[:30]
    initiation = build_initiation(run, message_id, now)
    if not initiation.transfers:
        raise PaymentError(PaymentCode.EMPTY_RUN, f"Payment run {run.number} has no payments.")
    try:
        data: bytes = pain001.write_pain001(initiation, version=version)
    except FakturaflytError as exc:
        raise PaymentError(
            PaymentCode.INVALID_FILE,
            f"The payment file cannot be written: {exc.problems[0].message}",
            exc.problems[0].location,
        ) from exc
    problems = [p for p in pain001.validate_pain001(data) if getattr(p, "severity", "fatal") == "fatal"]
    if problems:
        raise PaymentError(
            PaymentCode.INVALID_FILE,
            f"The payment file failed validation: {problems[0]}",
        )
    stored = storage.store(data, filename=f"betaling-{run.number}.xml", content_type="application/xml")
    crash_point("payments.export.stored")
    before = run_snapshot(run)
    run.status = RunStatus.EXPORTED
    run.exported_at = now
    run.format = version
    run.message_id = message_id
    run.file = stored
    run.save(update_fields=["status", "exported_at", "format", "message_id", "file"])
    run.payments.filter(status=PaymentState.PROPOSED).update(status=PaymentState.EXPORTED)
    audit.record(
        run.company,
        user,
        "payments.run.exported",
        run,
        before=before,
        after=run_snapshot(run),
        format=version,
        message_id=message_id,
        sha256=stored.sha256,
    )
    return data


def import_bank_file(company: Company, data: bytes, user: Any, *, filename: str = "") -> dict[str, Any]:
    """Read a pain.002 status report or a camt.054/053 file (detected by content): see :mod:`.bankfiles`."""
    from fakturaflyt.payments.bankfiles import import_bank_file as _import

    return _import(company, data, user, filename=filename)
