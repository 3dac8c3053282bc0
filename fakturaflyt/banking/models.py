"""Bank statements and notifications (camt.053/054, Nets OCR giro), their entries and the reconciliation.

A received bank file is a :class:`BankStatementImport` (the stored bytes, what was read, the
counts). Its statements are :class:`BankStatement` rows and each movement a :class:`BankEntry`:
one per booked entry, or, for a batched entry (an OCR giro settlement with many payments), one
per transaction inside it. Every entry has a bank reference that is unique per company
(``ref``), so importing the same file, or another file holding the same entry, adds nothing.

An incoming entry is *posted* when it became a :class:`~fakturaflyt.receivables.models.CustomerPayment`
(automatically, at or above the company's :class:`ReconciliationSettings.auto_threshold`, or
confirmed on the reconciliation screen), *matched* when candidates were found but left for a
person to confirm, *unmatched* when nothing was found, *ignored* with a reason. Outgoing
(debit) entries are *outgoing*: our own payment runs book them (issue 6).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

MONEY = {"max_digits": 18, "decimal_places": 2}


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    IMPORTED = "imported", _("Imported")
    FAILED = "failed", _("Refused")


class BankStatementImport(models.Model):
    """One received bank file and what its import did (the file is kept, also when it was refused)."""

    company = models.ForeignKey("companies.Company", on_delete=models.PROTECT, related_name="bank_imports")
    file = models.ForeignKey("payables.StoredFile", on_delete=models.PROTECT, related_name="+")
    filename = models.CharField(_("file name"), max_length=255, blank=True)
    format = models.CharField(_("format"), max_length=20, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    entries = models.PositiveIntegerField(_("entries"), default=0)
    matched_auto = models.PositiveIntegerField(_("matched automatically"), default=0)
    for_review = models.PositiveIntegerField(_("for review"), default=0)
    duplicates = models.PositiveIntegerField(_("duplicates skipped"), default=0)
    outgoing = models.PositiveIntegerField(_("outgoing"), default=0)
    problems = models.JSONField(_("problems"), default=list, blank=True)

    class Meta:
        verbose_name = _("bank file import")
        verbose_name_plural = _("bank file imports")
        ordering = ["company", "-imported_at", "-id"]

    def __str__(self) -> str:
        return f"{self.filename or self.format} {self.imported_at:%d.%m.%Y %H:%M}"


class BankStatement(models.Model):
    """A statement (camt.053), a notification (camt.054) or an OCR giro assignment, per account."""

    company = models.ForeignKey("companies.Company", on_delete=models.PROTECT, related_name="bank_statements")
    bank_import = models.ForeignKey(BankStatementImport, on_delete=models.PROTECT, related_name="statements")
    statement_id = models.CharField(_("statement id"), max_length=200, blank=True)
    account = models.CharField(_("account"), max_length=34, blank=True)
    bank_account = models.ForeignKey(
        "companies.CompanyBankAccount", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    currency = models.CharField(_("currency"), max_length=3, default="NOK")
    opening_balance = models.DecimalField(_("opening balance"), null=True, blank=True, **MONEY)
    closing_balance = models.DecimalField(_("closing balance"), null=True, blank=True, **MONEY)

    class Meta:
        verbose_name = _("bank statement")
        verbose_name_plural = _("bank statements")

    def __str__(self) -> str:
        return f"{self.statement_id} {self.account}"


class EntryState(models.TextChoices):
    UNMATCHED = "unmatched", _("Not matched")
    MATCHED = "matched", _("To confirm")
    POSTED = "posted", _("Posted")
    IGNORED = "ignored", _("Ignored")
    OUTGOING = "outgoing", _("Outgoing")


#: The states the reconciliation screen shows: left for a person.
OPEN_STATES = (EntryState.UNMATCHED, EntryState.MATCHED)


class Direction(models.TextChoices):
    CREDIT = "credit", _("In")
    DEBIT = "debit", _("Out")


class BankEntry(models.Model):
    """One movement on the account: a booked entry, or one payment of a batched entry."""

    company = models.ForeignKey("companies.Company", on_delete=models.PROTECT, related_name="bank_entries")
    statement = models.ForeignKey(BankStatement, on_delete=models.PROTECT, related_name="entries")
    ref = models.CharField(_("bank reference"), max_length=200)
    entry_ref = models.CharField(_("entry reference"), max_length=200, blank=True)
    booking_date = models.DateField(_("booking date"), null=True, blank=True)
    value_date = models.DateField(_("value date"), null=True, blank=True)
    amount = models.DecimalField(_("amount"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3, default="NOK")
    direction = models.CharField(_("direction"), max_length=6, choices=Direction.choices)
    kid = models.CharField("KID", max_length=25, blank=True)
    reference = models.CharField(_("reference"), max_length=200, blank=True)
    text = models.CharField(_("message"), max_length=500, blank=True)
    counterparty_name = models.CharField(_("counterparty"), max_length=200, blank=True)
    counterparty_account = models.CharField(_("counterparty account"), max_length=34, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=EntryState.choices, default=EntryState.UNMATCHED)
    match_method = models.CharField(_("matched by"), max_length=20, blank=True)
    confidence = models.DecimalField(_("confidence"), max_digits=4, decimal_places=3, null=True, blank=True)
    candidates = models.JSONField(_("candidates"), default=list, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    payment = models.OneToOneField(
        "receivables.CustomerPayment", on_delete=models.PROTECT, null=True, blank=True, related_name="bank_entry"
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("bank entry")
        verbose_name_plural = _("bank entries")
        ordering = ["company", "booking_date", "id"]
        constraints = [models.UniqueConstraint(fields=["company", "ref"], name="uniq_bank_entry_ref")]
        indexes = [models.Index(fields=["company", "state"], name="bank_entry_state")]

    def __str__(self) -> str:
        return f"{self.booking_date} {self.amount} {self.counterparty_name}".strip()

    @property
    def date(self) -> date | None:  # the date the money moved, for display and posting
        return self.booking_date or self.value_date


class ReconciliationSettings(models.Model):
    """Per company: from which confidence a match is posted without a person (0 to 1)."""

    company = models.OneToOneField("companies.Company", on_delete=models.CASCADE, related_name="reconciliation")
    auto_threshold = models.DecimalField(
        _("post automatically from confidence"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.900"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )

    class Meta:
        verbose_name = _("reconciliation settings")
        verbose_name_plural = _("reconciliation settings")

    def __str__(self) -> str:
        return f"{self.company}: {self.auto_threshold}"
