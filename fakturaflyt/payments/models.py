"""Payments out: payment runs (betalingsforslag) and the payments in them.

A :class:`PaymentRun` gathers approved, unpaid supplier invoices due up to a date; once
approved by someone with payment rights it is exported as an ISO 20022 pain.001 file for
the bank. Each :class:`Payment` pays one supplier invoice (net of any credit notes set off
against it) and follows the bank's answers: pain.002 (accepted or rejected) and camt.054 or
camt.053 (booked, which posts the payment voucher).

The same invoice can never be paid twice: a partial unique constraint allows at most one
*live* payment (proposed, exported, accepted or booked) per supplier document, so even two
proposals made at the same moment cannot both take it. A rejected or cancelled payment frees
the invoice for the next proposal.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RunStatus(models.TextChoices):
    DRAFT = "draft", _("Proposed")
    APPROVED = "approved", _("Approved")
    EXPORTED = "exported", _("Sent to the bank")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_RUN_STATUSES = (RunStatus.DRAFT, RunStatus.APPROVED, RunStatus.EXPORTED)


class PaymentFormat(models.TextChoices):
    PAIN_001_09 = "pain.001.001.09", "pain.001.001.09"
    PAIN_001_03 = "pain.001.001.03", "pain.001.001.03"


class PaymentRun(models.Model):
    """A payment proposal and, once approved and exported, the payment file sent to the bank."""

    company = models.ForeignKey("companies.Company", on_delete=models.PROTECT, related_name="payment_runs")
    number = models.PositiveIntegerField(_("number"))
    status = models.CharField(_("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.DRAFT)
    until = models.DateField(_("due until"))
    debtor_account = models.ForeignKey(
        "companies.CompanyBankAccount", on_delete=models.PROTECT, related_name="+", verbose_name=_("pay from")
    )
    held = models.JSONField(
        _("held"),
        default=list,
        blank=True,
        help_text=_("Invoices that were due but left out, each with the reason."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    exported_at = models.DateTimeField(_("exported at"), null=True, blank=True)
    format = models.CharField(_("format"), max_length=20, choices=PaymentFormat.choices, blank=True)
    message_id = models.CharField(_("message id"), max_length=35, blank=True)
    file = models.ForeignKey("payables.StoredFile", on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("payment run")
        verbose_name_plural = _("payment runs")
        ordering = ["company", "-number"]
        constraints = [models.UniqueConstraint(fields=["company", "number"], name="uniq_payment_run_number")]

    def __str__(self) -> str:
        return f"{_('Payment run')} {self.number}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_RUN_STATUSES


class PaymentState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    EXPORTED = "exported", _("Sent to the bank")
    ACCEPTED = "accepted", _("Accepted by the bank")
    REJECTED = "rejected", _("Rejected by the bank")
    BOOKED = "booked", _("Paid")
    CANCELLED = "cancelled", _("Cancelled")


# A payment in one of these states holds its invoice: no other payment of it may exist.
LIVE_STATES = (PaymentState.PROPOSED, PaymentState.EXPORTED, PaymentState.ACCEPTED, PaymentState.BOOKED)


class Payment(models.Model):
    """One credit transfer: one supplier invoice paid (less the credit notes set off against it)."""

    company = models.ForeignKey("companies.Company", on_delete=models.PROTECT, related_name="payments")
    run = models.ForeignKey(PaymentRun, on_delete=models.PROTECT, related_name="payments")
    document = models.ForeignKey(
        "payables.SupplierDocument", on_delete=models.PROTECT, related_name="payments", verbose_name=_("invoice")
    )
    supplier = models.ForeignKey("payables.Supplier", on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(_("amount"), max_digits=18, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="NOK")
    due_date = models.DateField(_("due date"))
    requested_date = models.DateField(_("payment date"))
    kid = models.CharField("KID", max_length=25, blank=True)
    message = models.CharField(_("message"), max_length=140, blank=True)
    creditor_account = models.CharField(_("account"), max_length=11, blank=True)
    creditor_iban = models.CharField("IBAN", max_length=34, blank=True)
    creditor_bic = models.CharField("BIC", max_length=11, blank=True)
    end_to_end_id = models.CharField(_("end-to-end id"), max_length=35, unique=True)
    status = models.CharField(_("status"), max_length=10, choices=PaymentState.choices, default=PaymentState.PROPOSED)
    status_reason = models.CharField(_("reason"), max_length=300, blank=True)
    set_off = models.JSONField(
        _("credit notes set off"),
        default=list,
        blank=True,
        help_text=_("The credit notes deducted from this payment: document id, number and amount."),
    )
    warning = models.CharField(_("warning"), max_length=300, blank=True)
    booked_on = models.DateField(_("booked on"), null=True, blank=True)
    voucher = models.OneToOneField(
        "ledger.Voucher", on_delete=models.PROTECT, null=True, blank=True, related_name="payment"
    )

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["run", "requested_date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["document"],
                condition=models.Q(status__in=["proposed", "exported", "accepted", "booked"]),
                name="uniq_live_payment_per_document",
            )
        ]

    def __str__(self) -> str:
        return f"{self.end_to_end_id} {self.amount} {self.currency}"


class BankFileImport(models.Model):
    """A bank file (pain.002 or camt.05x) read for payments out; the same bytes are read once."""

    company = models.ForeignKey("companies.Company", on_delete=models.PROTECT, related_name="+")
    file = models.ForeignKey("payables.StoredFile", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20)
    imported_at = models.DateTimeField(auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    summary = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("bank status file")
        verbose_name_plural = _("bank status files")
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.imported_at:%Y-%m-%d %H:%M}"
