"""Reminders (purring), collection notices (inkassovarsel) and handover to collection, by Norwegian law.

* :class:`DunningSettings`: a company's schedule (days before/after the due date), its reminder
  fee (capped by law), whether it charges late-payment interest, the accounts fees and interest
  are posted to, and its collection agency.
* :class:`ReminderFeeRate` and :class:`LateInterestRate`: the dated tables the law is applied
  from (the inkassosats with the fee fraction of inkassoforskriften § 1-2; the forsinkelsesrente
  per half-year). Seeded by a data migration with the figures we could verify; an accountant
  adds each new half-year's rate in the admin.
* :class:`DunningNotice`: one notice sent for one invoice and step, with the fee and interest it
  charged, its deadline, channel, letter and voucher. Unique per invoice and step among those
  sent, so no step is ever sent twice.
* :class:`CollectionCase`: an invoice handed over to a collection agency, with the export file.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

MONEY = {"max_digits": 18, "decimal_places": 2}


class Channel(models.TextChoices):
    EMAIL = "email", _("PDF by e-mail")
    PRINT = "print", _("Print and post")


class DunningSettings(models.Model):
    """A company's dunning schedule and choices. Empty day fields leave that step out."""

    company = models.OneToOneField("companies.Company", on_delete=models.CASCADE, related_name="dunning_settings")
    enabled = models.BooleanField(_("send reminders"), default=True)
    courtesy_days_before = models.PositiveSmallIntegerField(
        _("courtesy notice, days before due"), null=True, blank=True, default=3
    )
    notice_on_due_date = models.BooleanField(_("notice on the due date"), default=True)
    reminder_days = models.PositiveSmallIntegerField(_("reminder, days after due"), null=True, blank=True, default=7)
    fee_reminder_days = models.PositiveSmallIntegerField(
        _("reminder with fee, days after due"),
        null=True,
        blank=True,
        default=14,
        help_text=_("A fee is only charged from 14 days after the due date, whatever is set here."),
    )
    collection_notice_days = models.PositiveSmallIntegerField(
        _("inkassovarsel, days after due"), null=True, blank=True, default=28
    )
    reminder_deadline_days = models.PositiveSmallIntegerField(_("days to pay a reminder"), default=14)
    collection_deadline_days = models.PositiveSmallIntegerField(
        _("days to pay an inkassovarsel"),
        default=14,
        validators=[MinValueValidator(14)],
        help_text=_("At least 14 days (inkassoloven § 9)."),
    )
    fee_amount = models.DecimalField(
        _("reminder fee"),
        null=True,
        blank=True,
        help_text=_("Empty: the legal maximum of the day. A higher amount is cut to the legal maximum."),
        **MONEY,
    )
    charge_interest = models.BooleanField(_("charge late-payment interest"), default=True)
    fee_account = models.CharField(_("account for reminder fees"), max_length=6, default="3900")
    interest_account = models.CharField(_("account for late-payment interest"), max_length=6, default="8055")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    agency_name = models.CharField(_("collection agency"), max_length=200, blank=True)
    agency_email = models.EmailField(_("collection agency e-mail"), blank=True)

    class Meta:
        verbose_name = _("dunning settings")
        verbose_name_plural = _("dunning settings")

    def __str__(self) -> str:
        return f"{_('Dunning settings')} {self.company}"


class ReminderFeeRate(models.Model):
    """The inkassosats from a date, and the fraction of it a reminder fee may be at most."""

    valid_from = models.DateField(_("valid from"), unique=True)
    inkassosats = models.DecimalField(_("inkassosats"), **MONEY)
    fee_fraction = models.DecimalField(
        _("fee fraction"), max_digits=5, decimal_places=4, help_text=_("0.1000 = 1/10; 0.0500 = 1/20.")
    )
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("reminder fee rate")
        verbose_name_plural = _("reminder fee rates")
        ordering = ["-valid_from"]

    @property
    def max_fee(self) -> Decimal:
        from fakturaflyt.core.money import ore

        return ore(self.inkassosats * self.fee_fraction)

    def __str__(self) -> str:
        return f"{self.valid_from:%d.%m.%Y}: {self.inkassosats} × {self.fee_fraction}"


class LateInterestRate(models.Model):
    """The forsinkelsesrente (percent p.a.) of one half-year; an open end means "until a newer one"."""

    valid_from = models.DateField(_("valid from"), unique=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    rate = models.DecimalField(_("rate % p.a."), max_digits=6, decimal_places=3)
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("late-payment interest rate")
        verbose_name_plural = _("late-payment interest rates")
        ordering = ["-valid_from"]

    def __str__(self) -> str:
        return f"{self.valid_from:%d.%m.%Y}: {self.rate} %"


class NoticeStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Sending failed")


class DunningNotice(models.Model):
    """One notice for one invoice and step: the fee and interest it charged, its deadline and letter."""

    company = models.ForeignKey("companies.Company", on_delete=models.PROTECT, related_name="dunning_notices")
    invoice = models.ForeignKey("receivables.SalesInvoice", on_delete=models.PROTECT, related_name="dunning_notices")
    step = models.CharField(_("step"), max_length=30)
    kind = models.CharField(_("kind"), max_length=20)
    sent_on = models.DateField(_("sent on"))
    fee = models.DecimalField(_("fee"), default=Decimal("0.00"), **MONEY)
    interest = models.DecimalField(_("interest"), default=Decimal("0.00"), **MONEY)
    interest_until = models.DateField(_("interest until"), null=True, blank=True)
    principal = models.DecimalField(_("open amount"), default=Decimal("0.00"), **MONEY)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    email = models.EmailField(_("e-mail"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=NoticeStatus.choices, default=NoticeStatus.SENT)
    error = models.CharField(_("error"), max_length=500, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    document = models.ForeignKey(
        "payables.StoredFile", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    voucher = models.OneToOneField(
        "ledger.Voucher", on_delete=models.PROTECT, null=True, blank=True, related_name="dunning_notice"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("dunning notice")
        verbose_name_plural = _("dunning notices")
        ordering = ["company", "-sent_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["invoice", "step"], condition=models.Q(status="sent"), name="uniq_dunning_step_sent"
            )
        ]

    def __str__(self) -> str:
        return f"{self.invoice} {self.step} {self.sent_on:%d.%m.%Y}"

    @property
    def charged(self) -> Decimal:
        return self.fee + self.interest


class CaseStatus(models.TextChoices):
    SENT = "sent_to_collection", _("Sent to collection")


class CollectionCase(models.Model):
    """An invoice handed over to a collection agency after the inkassovarsel's deadline passed unpaid."""

    company = models.ForeignKey("companies.Company", on_delete=models.PROTECT, related_name="collection_cases")
    invoice = models.OneToOneField("receivables.SalesInvoice", on_delete=models.PROTECT, related_name="collection_case")
    handed_over_on = models.DateField(_("handed over on"))
    agency_name = models.CharField(_("collection agency"), max_length=200, blank=True)
    agency_email = models.EmailField(_("collection agency e-mail"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.SENT)
    principal = models.DecimalField(_("principal"), **MONEY)
    fees = models.DecimalField(_("fees"), **MONEY)
    interest = models.DecimalField(_("interest"), **MONEY)
    export_json = models.ForeignKey(
        "payables.StoredFile", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    export_csv = models.ForeignKey(
        "payables.StoredFile", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("collection case")
        verbose_name_plural = _("collection cases")
        ordering = ["company", "-handed_over_on", "-id"]

    def __str__(self) -> str:
        return f"{self.invoice} → {self.agency_name or _('collection')}"
