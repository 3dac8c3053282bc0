"""Accounts payable: suppliers (leverandører), received files, and the supplier documents in the inbox.

Nothing received is ever lost: the bytes are stored content-addressed (:class:`StoredFile`,
SHA-256) with how and when they came (:class:`Receipt`) before anything reads them; each
receipt becomes one :class:`SupplierDocument` that moves through the pipeline states or ends in
quarantine with its problems, from where it can be retried.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fakturaflyt.companies.models import validate_kontonr, validate_orgnr


class Supplier(models.Model):
    """A supplier of one company, identified by org.nr when Norwegian."""

    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="suppliers")
    number = models.PositiveIntegerField(_("supplier number"))
    name = models.CharField(_("name"), max_length=200)
    orgnr = models.CharField(_("organisation number"), max_length=9, blank=True, validators=[validate_orgnr])
    vat_id = models.CharField(_("VAT number"), max_length=30, blank=True)
    address_line = models.CharField(_("address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=2, default="NO")
    email = models.EmailField(_("e-mail"), blank=True)
    bank_account = models.CharField(_("bank account"), max_length=11, blank=True, validators=[validate_kontonr])
    iban = models.CharField("IBAN", max_length=34, blank=True)
    bic = models.CharField("BIC", max_length=11, blank=True)
    payment_terms_days = models.PositiveSmallIntegerField(_("payment terms (days)"), default=30)
    default_account = models.CharField(_("default expense account"), max_length=6, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")
        ordering = ["company", "name"]
        constraints = [
            models.UniqueConstraint(fields=["company", "number"], name="uniq_supplier_number"),
            models.UniqueConstraint(
                fields=["company", "orgnr"], condition=~models.Q(orgnr=""), name="uniq_supplier_orgnr"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class StoredFile(models.Model):
    """Received bytes, stored once by their SHA-256 under ``MEDIA_ROOT/received/``. Never deleted by users."""

    sha256 = models.CharField(max_length=64, unique=True)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(_("content type"), max_length=100)
    path = models.CharField(max_length=200, help_text=_("Relative to MEDIA_ROOT."))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("stored file")
        verbose_name_plural = _("stored files")

    def __str__(self) -> str:
        return f"{self.sha256[:12]}… ({self.size} bytes)"


class Channel(models.TextChoices):
    UPLOAD = "upload", _("Upload")
    PORTAL = "portal", _("Supplier portal")
    API = "api", _("API")
    EMAIL = "email", _("E-mail")
    FOLDER = "folder", _("Watched folder")
    PEPPOL = "peppol", _("Peppol access point")
    CLI = "cli", _("Command line")


class Receipt(models.Model):
    """One arrival of one file for one company: by which channel, from whom, when, as which file name."""

    company = models.ForeignKey("companies.Company", on_delete=models.PROTECT, related_name="receipts")
    file = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="receipts")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    sender = models.CharField(
        _("sender"), max_length=300, blank=True, help_text=_("E-mail address, user or access point.")
    )
    filename = models.CharField(_("file name"), max_length=300, blank=True)
    received_at = models.DateTimeField(_("received at"))
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    supplier = models.ForeignKey(
        Supplier,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The supplier that sent it, when known from the channel (the supplier portal)."),
    )
    container = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="parts",
        help_text=_("The e-mail or zip file this file came in."),
    )
    message_id = models.CharField(_("message id"), max_length=300, blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    skipped = models.JSONField(
        _("skipped parts"),
        default=list,
        blank=True,
        help_text=_("For an e-mail or zip file: the parts that were not taken as invoices, and why."),
    )

    class Meta:
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["company", "received_at"])]

    def __str__(self) -> str:
        return f"{self.get_channel_display()}: {self.filename or self.file.sha256[:12]}"


class DocumentState(models.TextChoices):
    RECEIVED = "received", _("Received")
    INTERPRETED = "interpreted", _("Interpreted")
    NEEDS_REVIEW = "needs_review", _("Needs review")
    READY_FOR_CODING = "ready_for_coding", _("Ready for coding")
    CODED = "coded", _("Coded")
    IN_APPROVAL = "in_approval", _("In approval")
    RETURNED = "returned", _("Returned to the accountant")
    APPROVED = "approved", _("Approved and posted")
    QUARANTINED = "quarantined", _("Quarantined")
    REJECTED = "rejected", _("Rejected")
    DUPLICATE = "duplicate", _("Duplicate")


class PaymentStatus(models.TextChoices):
    """Where an approved invoice is on its way to being paid (credit notes: set off)."""

    UNPAID = "unpaid", _("Unpaid")
    SCHEDULED = "scheduled", _("Scheduled for payment")
    PAID = "paid", _("Paid")
    SET_OFF = "set_off", _("Set off against a credit note")


class DocumentFormat(models.TextChoices):
    UNKNOWN = "unknown", _("Unknown")
    EHF = "ehf", _("EHF (Peppol BIS 3)")
    PDF = "pdf", _("PDF")
    IMAGE = "image", _("Image (scan or photo)")


class SupplierDocument(models.Model):
    """A received supplier invoice or credit note in the inbox (one per receipt), and what was read from it."""

    company = models.ForeignKey("companies.Company", on_delete=models.PROTECT, related_name="supplier_documents")
    receipt = models.OneToOneField(Receipt, on_delete=models.PROTECT, related_name="document")
    file = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="documents")
    state = models.CharField(_("state"), max_length=20, choices=DocumentState.choices, default=DocumentState.RECEIVED)
    format = models.CharField(
        _("format"), max_length=10, choices=DocumentFormat.choices, default=DocumentFormat.UNKNOWN
    )
    is_credit_note = models.BooleanField(_("credit note"), default=False)
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, null=True, blank=True, related_name="documents")
    invoice_number = models.CharField(_("invoice number"), max_length=100, blank=True)
    issue_date = models.DateField(_("invoice date"), null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    net_total = models.DecimalField(_("amount excl. VAT"), max_digits=18, decimal_places=2, null=True, blank=True)
    vat_total = models.DecimalField(_("VAT"), max_digits=18, decimal_places=2, null=True, blank=True)
    total = models.DecimalField(_("amount incl. VAT"), max_digits=18, decimal_places=2, null=True, blank=True)
    kid = models.CharField("KID", max_length=25, blank=True)
    bank_account = models.CharField(_("bank account"), max_length=11, blank=True)
    iban = models.CharField("IBAN", max_length=34, blank=True)
    order_reference = models.CharField(_("order reference"), max_length=100, blank=True)
    credited_invoice_number = models.CharField(_("credits invoice"), max_length=100, blank=True)
    fields = models.JSONField(
        _("extracted fields"),
        default=dict,
        blank=True,
        help_text=_("Per field: value, confidence (0-1), source and, for PDFs, page and position."),
    )
    ehf = models.JSONField(_("EHF model"), null=True, blank=True)
    extraction_engine = models.CharField(max_length=10, blank=True)
    problems = models.JSONField(_("problems"), default=list, blank=True)
    payment_blocked = models.BooleanField(
        _("payment blocked"),
        default=False,
        help_text=_("Set when the bank account differs from the supplier's known one."),
    )
    duplicate_of = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="duplicates")
    duplicate_dismissed = models.BooleanField(
        _("not a duplicate"),
        default=False,
        help_text=_("An accountant confirmed that a same-amount, same-date invoice is a separate invoice."),
    )
    credits = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_notes",
        help_text=_("For a credit note: the received invoice it credits."),
    )
    visual = models.ForeignKey(
        StoredFile,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("For an EHF: the embedded PDF of the invoice (its visual presentation), stored on its own."),
    )
    attachments = models.JSONField(
        _("attachments"),
        default=list,
        blank=True,
        help_text=_("Embedded files of an EHF: index, name, type, size and the SHA-256 of the stored bytes."),
    )
    rejected_reason = models.CharField(_("reason for rejection"), max_length=300, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Who ordered it (from the purchase order or set by the accountant); may not approve it."),
    )
    voucher = models.OneToOneField(
        "ledger.Voucher",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supplier_document",
        help_text=_("The voucher the approved invoice or credit note was posted with."),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    payment_status = models.CharField(
        _("payment"), max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.UNPAID
    )
    paid_at = models.DateField(_("paid on"), null=True, blank=True)
    on_hold = models.BooleanField(
        _("on hold"), default=False, help_text=_("Disputed or held: left out of payment proposals.")
    )
    hold_reason = models.CharField(_("reason for hold"), max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    processing_since = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("When a worker started reading the file; another worker leaves it alone until the lease ends."),
    )
    processed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("supplier document")
        verbose_name_plural = _("supplier documents")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["company", "state"]),
            models.Index(fields=["company", "supplier", "invoice_number"]),
            models.Index(fields=["company", "payment_status", "due_date"]),
        ]

    def __str__(self) -> str:
        return f"{self.invoice_number or self.receipt.filename or self.pk} ({self.get_state_display()})"


class SupplierLayout(models.Model):
    """What was learnt from corrections about where a supplier's PDF invoices put each field."""

    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="+")
    supplier = models.OneToOneField(Supplier, on_delete=models.CASCADE, related_name="layout")
    layout = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("supplier layout")
        verbose_name_plural = _("supplier layouts")

    def __str__(self) -> str:
        return f"layout of {self.supplier}"


class MailboxCursor(models.Model):
    """How far an IMAP intake mailbox has been read: the UIDVALIDITY and the highest UID taken in."""

    key = models.CharField(max_length=300, unique=True, help_text=_("The mailbox, as user@host/folder."))
    uidvalidity = models.BigIntegerField(default=0)
    last_uid = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("mailbox cursor")
        verbose_name_plural = _("mailbox cursors")

    def __str__(self) -> str:
        return f"{self.key} at UID {self.last_uid}"


class BankChangeStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class SupplierBankAccountChange(models.Model):
    """A requested change of a supplier's bank account: in force only once a second person approves it.

    "Endring av kontonummer krever godkjenning av en annen": a changed account on a supplier is
    the classic route of invoice and CEO fraud, so the person who asks for the change (an
    accountant, or the supplier's own contact in the portal) cannot also approve it. Until a
    different user with ``manage_suppliers`` approves, :class:`Supplier` keeps the old account
    and payments go there. The old values are kept as they were when the change was asked for,
    so an approval that would overwrite a different account is refused.
    """

    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="+")
    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="bank_changes")
    old_bank_account = models.CharField(_("old bank account"), max_length=11, blank=True)
    old_iban = models.CharField(_("old IBAN"), max_length=34, blank=True)
    old_bic = models.CharField(_("old BIC"), max_length=11, blank=True)
    new_bank_account = models.CharField(_("new bank account"), max_length=11, blank=True)
    new_iban = models.CharField(_("new IBAN"), max_length=34, blank=True)
    new_bic = models.CharField(_("new BIC"), max_length=11, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    via = models.CharField(_("requested via"), max_length=20, default="ui")
    status = models.CharField(
        _("status"), max_length=10, choices=BankChangeStatus.choices, default=BankChangeStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        verbose_name = _("bank account change")
        verbose_name_plural = _("bank account changes")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["supplier"], condition=models.Q(status="pending"), name="uniq_pending_bank_change"
            ),
        ]
        indexes = [models.Index(fields=["company", "status"], name="bank_change_company_status")]

    def __str__(self) -> str:
        return (
            f"{self.supplier_id}: {self.old_bank_account or self.old_iban} → {self.new_bank_account or self.new_iban}"
        )
