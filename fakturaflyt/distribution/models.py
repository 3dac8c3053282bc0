"""Invoice distribution: each send of a customer invoice by its channel, with status and retries.

A :class:`Dispatch` is one attempt to get one issued invoice to its customer by one channel
(EHF via Peppol, PDF by e-mail, print, eFaktura, Vipps). It lives through::

    queued ─► sending ─► sent ─► delivered          (delivered: the channel confirmed receipt)
                 │  └──► temporary_failure ─► sending ... (retried with back-off)
                 └─────► failed                     (hard failure: the accountant is told)
    sent ─► rejected                                (a Peppol receipt said no: also a hard failure)

Each try is logged as a :class:`DispatchAttempt`. A printed invoice lands in the company's
:class:`PrintBatch` of the day (one merged PDF to print and post).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fakturaflyt.receivables.models import DeliveryChannel


class DispatchStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    TEMPORARY_FAILURE = "temporary_failure", _("Temporary failure (will retry)")
    FAILED = "failed", _("Failed")
    REJECTED = "rejected", _("Rejected by the receiver")


SUCCESS = (DispatchStatus.SENT, DispatchStatus.DELIVERED)
PENDING = (DispatchStatus.QUEUED, DispatchStatus.SENDING, DispatchStatus.TEMPORARY_FAILURE)
HARD_FAILURE = (DispatchStatus.FAILED, DispatchStatus.REJECTED)


class Dispatch(models.Model):
    """One send of one invoice by one channel, with its outcome."""

    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="dispatches")
    invoice = models.ForeignKey("receivables.SalesInvoice", on_delete=models.PROTECT, related_name="dispatches")
    channel = models.CharField(_("channel"), max_length=10, choices=DeliveryChannel.choices)
    requested_channel = models.CharField(
        _("requested channel"), max_length=10, choices=DeliveryChannel.choices, blank=True
    )
    fallback_reason = models.CharField(_("why another channel"), max_length=300, blank=True)
    recipient = models.CharField(_("recipient"), max_length=254, blank=True, help_text=_("Peppol id or e-mail."))
    status = models.CharField(
        _("status"), max_length=20, choices=DispatchStatus.choices, default=DispatchStatus.QUEUED, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True, help_text=_("When the current attempt started."))
    error_code = models.CharField(_("error code"), max_length=40, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    message_id = models.CharField(_("message id"), max_length=300, blank=True)
    file_name = models.CharField(
        _("file"), max_length=300, blank=True, help_text=_("Outbox file, relative to the outbox (EHF).")
    )
    document = models.ForeignKey(
        "payables.StoredFile", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    detail = models.CharField(_("detail"), max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    failed_at = models.DateTimeField(_("failed"), null=True, blank=True)
    resolved_at = models.DateTimeField(
        _("resolved"), null=True, blank=True, help_text=_("A failure the accountant has dealt with.")
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("dispatch")
        verbose_name_plural = _("dispatches")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="dispatch_retry_due"),
            models.Index(fields=["company", "status"], name="dispatch_company_status"),
        ]

    def __str__(self) -> str:
        return f"{self.invoice} – {self.get_channel_display()} – {self.get_status_display()}"

    @property
    def is_success(self) -> bool:
        return self.status in SUCCESS

    @property
    def is_hard_failure(self) -> bool:
        return self.status in HARD_FAILURE


class DispatchAttempt(models.Model):
    """One try of a dispatch: when, and what came of it."""

    dispatch = models.ForeignKey(Dispatch, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveSmallIntegerField()
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=DispatchStatus.choices)
    error_code = models.CharField(max_length=40, blank=True)
    detail = models.TextField(blank=True)

    class Meta:
        ordering = ["dispatch", "number"]
        constraints = [models.UniqueConstraint(fields=["dispatch", "number"], name="uniq_dispatch_attempt")]

    def __str__(self) -> str:
        return f"{self.dispatch_id}#{self.number} {self.outcome}"


class PrintBatch(models.Model):
    """The invoices of one company to print and post on one day; open until someone marks it printed."""

    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="print_batches")
    day = models.DateField(_("day"))
    created_at = models.DateTimeField(auto_now_add=True)
    printed_at = models.DateTimeField(_("printed"), null=True, blank=True)
    printed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("print batch")
        verbose_name_plural = _("print batches")
        ordering = ["-day", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "day"], condition=models.Q(printed_at__isnull=True), name="uniq_open_print_batch"
            )
        ]

    def __str__(self) -> str:
        return f"{_('Print batch')} {self.day:%d.%m.%Y} ({self.company})"


class PrintBatchItem(models.Model):
    """One invoice PDF in a print batch, in the order it came."""

    batch = models.ForeignKey(PrintBatch, on_delete=models.CASCADE, related_name="items")
    dispatch = models.OneToOneField(Dispatch, on_delete=models.CASCADE, related_name="print_item")
    pdf = models.ForeignKey("payables.StoredFile", on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["batch", "id"]

    def __str__(self) -> str:
        return f"{self.batch_id}: {self.dispatch.invoice}"
