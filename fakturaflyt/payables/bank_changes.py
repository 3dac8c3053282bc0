"""Dual control of suppliers' bank accounts: one person asks for a change, a different person approves it.

Norwegian accountants know the rule as "endring av kontonummer krever godkjenning av en annen":
a changed account on a supplier is the classic road of invoice and CEO fraud (a forged letter
"we have changed banks", a hijacked supplier mailbox), and internal control under
bokføringsforskriften § 3-1 / the accountant's own routines expects segregation of duties.

Every road that changes an existing supplier's account goes through :func:`request_change`,
which only records a :class:`~.models.SupplierBankAccountChange` in state ``pending``:

* the supplier page and the API (an accountant or administrator),
* the supplier portal and a supplier contact's API token (the supplier's own contact: still
  approved inside the company),
* the Django admin shows the account read-only for an existing supplier.

:func:`approve` puts the new account on the supplier. It must be a *different* user than the
requester with ``manage_suppliers`` (``FF-SUP-BANK-SAME-PERSON`` otherwise). Until then the
supplier keeps its old account and payment proposals pay there; an invoice that asks for
payment to another account is held by :func:`fakturaflyt.payments.services.creditor_of`.

Accepted without a second person, by decision: a **new** supplier registered with its account
by a trusted path (the demo loader, a new supplier in the Django admin, the SAF-T import, which
registers suppliers without accounts), and the **first** account of a supplier that has none,
learnt from its own invoice by the intake (``supplier.bank_account_learned``, an info problem
on the document): it replaces nothing, and an invoice to another account is then held.
Every request, approval and rejection is an audit event in the company's hash chain.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from fakturaflyt.companies.models import Company
from fakturaflyt.core.errors import FakturaflytError
from fakturaflyt.core.identifiers import normalise_bic, normalise_iban, normalise_kontonr
from fakturaflyt.ledger import audit
from fakturaflyt.payables.error_codes import BankChangeCode, PayablesError
from fakturaflyt.payables.models import BankChangeStatus, Supplier, SupplierBankAccountChange

__all__ = ["approve", "pending_count", "pending_for", "reject", "request_change"]


def _user(actor: Any) -> Any:
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def _accounts(obj: Any, prefix: str = "") -> dict[str, str]:
    return {
        "bank_account": getattr(obj, f"{prefix}bank_account"),
        "iban": getattr(obj, f"{prefix}iban"),
        "bic": getattr(obj, f"{prefix}bic"),
    }


def _clean(bank_account: str, iban: str, bic: str) -> tuple[str, str, str]:
    """The account in stored form (11-digit kontonr, compact IBAN and BIC), or FF-KONTONR/IBAN/BIC-INVALID."""
    bank_account = (bank_account or "").strip()
    iban = (iban or "").strip()
    bic = (bic or "").strip()
    if not bank_account and not iban:
        raise PayablesError(
            BankChangeCode.NO_ACCOUNT, "Give the new Norwegian account number or the IBAN.", "bank_account"
        )
    return (
        normalise_kontonr(bank_account) if bank_account else "",
        normalise_iban(iban) if iban else "",
        normalise_bic(bic) if bic else "",
    )


def pending_for(supplier: Supplier) -> SupplierBankAccountChange | None:
    return supplier.bank_changes.filter(status=BankChangeStatus.PENDING).first()


def pending_count(company: Company) -> int:
    """How many bank account changes wait for a second person in ``company`` (shown on the supplier list)."""
    return SupplierBankAccountChange.objects.filter(company=company, status=BankChangeStatus.PENDING).count()


def request_change(
    supplier: Supplier,
    actor: Any,
    *,
    bank_account: str = "",
    iban: str = "",
    bic: str = "",
    reason: str = "",
    via: str = "ui",
) -> SupplierBankAccountChange:
    """Ask for ``supplier``'s account to become the given one: a pending change, the supplier unchanged."""
    new_account, new_iban, new_bic = _clean(bank_account, iban, bic)
    with transaction.atomic():
        supplier = Supplier.objects.select_for_update().get(pk=supplier.pk)
        if (new_account, new_iban, new_bic or supplier.bic) == (supplier.bank_account, supplier.iban, supplier.bic):
            raise PayablesError(
                BankChangeCode.UNCHANGED,
                f"Supplier {supplier.name} already has this bank account; nothing to change.",
                "bank_account",
            )
        if pending_for(supplier) is not None:
            raise PayablesError(
                BankChangeCode.PENDING,
                f"A change of the bank account of {supplier.name} already waits for approval: approve or reject it "
                "first.",
                "bank_account",
            )
        change = SupplierBankAccountChange.objects.create(
            company=supplier.company,
            supplier=supplier,
            old_bank_account=supplier.bank_account,
            old_iban=supplier.iban,
            old_bic=supplier.bic,
            new_bank_account=new_account,
            new_iban=new_iban,
            new_bic=new_bic or (supplier.bic if new_iban and new_iban == supplier.iban else ""),
            reason=(reason or "").strip()[:2000],
            via=via[:20],
            requested_by=_user(actor),
            requested_at=timezone.now(),
        )
        audit.record(
            supplier.company,
            actor,
            "supplier.bank_change_requested",
            supplier,
            before=_accounts(change, "old_"),
            after=_accounts(change, "new_"),
            change=change.pk,
            reason=change.reason,
            via=change.via,
        )
    return change


def _locked_pending(change: SupplierBankAccountChange) -> SupplierBankAccountChange:
    change = SupplierBankAccountChange.objects.select_for_update().select_related("supplier").get(pk=change.pk)
    if change.status != BankChangeStatus.PENDING:
        raise PayablesError(
            BankChangeCode.NOT_PENDING,
            f"This bank account change was already {change.get_status_display().lower()}.",
            "status",
        )
    return change


def approve(change: SupplierBankAccountChange, actor: Any) -> SupplierBankAccountChange:
    """The second person approves: the new account goes on the supplier (the caller checked ``manage_suppliers``)."""
    user = _user(actor)
    with transaction.atomic():
        change = _locked_pending(change)
        if user is None or (change.requested_by_id is not None and change.requested_by_id == user.pk):
            raise PayablesError(
                BankChangeCode.SAME_PERSON,
                "You asked for this bank account change yourself; another person with the right to manage "
                "suppliers must approve it.",
                "decided_by",
            )
        supplier = Supplier.objects.select_for_update().get(pk=change.supplier_id)
        if _accounts(supplier) != _accounts(change, "old_"):
            raise PayablesError(
                BankChangeCode.STALE,
                f"The bank account of {supplier.name} changed after this request was made; reject it and ask again.",
                "bank_account",
            )
        supplier.bank_account = change.new_bank_account
        supplier.iban = change.new_iban
        supplier.bic = change.new_bic
        supplier.save(update_fields=["bank_account", "iban", "bic"])
        change.status = BankChangeStatus.APPROVED
        change.decided_by = user
        change.decided_at = timezone.now()
        change.save(update_fields=["status", "decided_by", "decided_at"])
        audit.record(
            supplier.company,
            actor,
            "supplier.bank_account_changed",
            supplier,
            before=_accounts(change, "old_"),
            after=_accounts(change, "new_"),
            change=change.pk,
            requested_by=audit.actor_label(change.requested_by),
            approved_by=audit.actor_label(user),
        )
    return change


def reject(change: SupplierBankAccountChange, actor: Any, reason: str) -> SupplierBankAccountChange:
    """Refuse (or, by the requester, withdraw) a change: the supplier keeps its account."""
    reason = (reason or "").strip()
    if not reason:
        raise PayablesError(BankChangeCode.REASON_REQUIRED, "Say why the change is rejected.", "reason")
    with transaction.atomic():
        change = _locked_pending(change)
        change.status = BankChangeStatus.REJECTED
        change.decided_by = _user(actor)
        change.decided_at = timezone.now()
        change.decision_note = reason[:2000]
        change.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        audit.record(
            change.company,
            actor,
            "supplier.bank_change_rejected",
            change.supplier,
            before=_accounts(change, "old_"),
            after=_accounts(change, "new_"),
            change=change.pk,
            reason=change.decision_note,
        )
    return change


def error_message(exc: FakturaflytError) -> str:
    return "; ".join(p.message for p in exc.problems) or str(exc)
