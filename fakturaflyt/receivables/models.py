"""Accounts receivable (kundereskontro): customers, products, invoice settings and the customer invoices.

A :class:`SalesInvoice` starts as a *draft* that anyone with receivables rights may change.
Issuing it (``services.issue``) is one transaction that freezes it for good: the next number
of the company's gapless invoice series (bokføringsforskriften § 5-1-1 nr. 1: system-assigned,
not editable), the KID, the due date from the terms, the buyer as he was that day, the totals,
and the posted voucher (1500 receivable, revenue per account, output VAT per code). From then
on it is only ever *sent*, *paid* or *credited*; a correction is a credit note that refers to
it (§ 5-2-6), never an edit.

Amounts are stored in the invoice currency; ``exchange_rate`` (NOK per unit) and the ``*_nok``
totals carry what the voucher posts and what the invoice must state in NOK (§ 5-1-1 nr. 6:
VAT in NOK). Status as the accountant sees it (draft, sent, delivered, paid, overdue,
credited) is :meth:`SalesInvoice.display_status`, computed from the stored ``status`` (the
document's life), ``settlement`` (its money) and the due date.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fakturaflyt.companies.models import validate_orgnr

MONEY = {"max_digits": 18, "decimal_places": 2}
PRECISE = {"max_digits": 18, "decimal_places": 4}


class DeliveryChannel(models.TextChoices):
    """How a customer wants its invoices (fakturakanal)."""

    EHF = "ehf", _("EHF (Peppol)")
    EMAIL = "email", _("PDF by e-mail")
    PRINT = "print", _("Print and post")
    EFAKTURA = "efaktura", _("eFaktura (online bank)")
    VIPPS = "vipps", _("Vipps eFaktura")


class Language(models.TextChoices):
    NB = "nb", _("Norwegian")
    EN = "en", _("English")


class Customer(models.Model):
    """A customer of one company; businesses by org.nr, consumers without."""

    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="customers")
    number = models.PositiveIntegerField(_("customer number"))
    name = models.CharField(_("name"), max_length=200)
    orgnr = models.CharField(_("organisation number"), max_length=9, blank=True, validators=[validate_orgnr])
    vat_id = models.CharField(
        _("VAT number"), max_length=30, blank=True, help_text=_("For customers abroad, e.g. SE556677889901.")
    )
    is_consumer = models.BooleanField(_("consumer"), default=False)
    address_line = models.CharField(_("address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=2, default="NO")
    email = models.EmailField(_("invoice e-mail"), blank=True)
    peppol_id = models.CharField(_("Peppol id"), max_length=50, blank=True, help_text=_("e.g. 0192:923609016"))
    channel = models.CharField(
        _("invoice channel"), max_length=10, choices=DeliveryChannel.choices, default=DeliveryChannel.EMAIL
    )
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, default=Language.NB)
    currency = models.CharField(_("currency"), max_length=3, default="NOK")
    payment_terms_days = models.PositiveSmallIntegerField(_("payment terms (days)"), default=14)
    reference = models.CharField(
        _("their reference"), max_length=100, blank=True, help_text=_("Deres ref.: EHF BuyerReference (BT-10).")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["company", "name"]
        constraints = [models.UniqueConstraint(fields=["company", "number"], name="uniq_customer_number")]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class Product(models.Model):
    """A product or service the company sells (vare/tjeneste), with its price, unit, revenue account and VAT code."""

    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="products")
    code = models.CharField(_("product number"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    description = models.CharField(_("description"), max_length=300, blank=True)
    unit_code = models.CharField(
        _("unit"), max_length=3, default="C62", help_text=_("UN/ECE Rec. 20: C62 piece, HUR hour, MON month, KGM kg.")
    )
    price = models.DecimalField(_("price excl. VAT"), **PRECISE)
    revenue_account = models.CharField(_("revenue account"), max_length=6, default="3000")
    vat_code = models.CharField(_("VAT code"), max_length=6, default="3")
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["company", "code"]
        constraints = [models.UniqueConstraint(fields=["company", "code"], name="uniq_product_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class KidMethod(models.TextChoices):
    MOD10 = "mod10", _("MOD10 (Luhn)")
    MOD11 = "mod11", _("MOD11")


class InvoiceSettings(models.Model):
    """A company's invoicing settings: the KID agreement with its bank, numbering, terms and the invoice's look.

    The KID is built from the customer number and the invoice number, each zero-padded to its
    number of digits (0 leaves it out), followed by the check digit of ``kid_method``; with a
    fixed ``kid_length`` the base is left-padded with zeros to one digit less than the length.
    MOD11 gives "-" for one base in eleven; when the agreement forbids it (``kid_allow_dash``
    off), that invoice number is skipped for KID purposes by adding a running digit (see
    ``core.invoicing.kid_for``).
    """

    company = models.OneToOneField("companies.Company", on_delete=models.CASCADE, related_name="invoice_settings")
    first_number = models.PositiveIntegerField(
        _("first invoice number"), default=10001, help_text=_("Used once, when the series has no invoice yet.")
    )
    kid_method = models.CharField(_("KID method"), max_length=5, choices=KidMethod.choices, default=KidMethod.MOD10)
    kid_length = models.PositiveSmallIntegerField(
        _("KID length"), default=0, help_text=_("0 for variable length; otherwise 2 to 25 digits incl. check digit.")
    )
    kid_customer_digits = models.PositiveSmallIntegerField(_("customer number digits in KID"), default=5)
    kid_invoice_digits = models.PositiveSmallIntegerField(_("invoice number digits in KID"), default=7)
    kid_allow_dash = models.BooleanField(_("MOD11 '-' allowed"), default=False)
    default_terms_days = models.PositiveSmallIntegerField(_("payment terms (days)"), default=14)
    attach_pdf_to_ehf = models.BooleanField(_("attach PDF to EHF"), default=True)
    accent_color = models.CharField(
        _("accent colour"),
        max_length=7,
        default="#1f4e79",
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", _("A colour as #rrggbb."))],
    )
    footer = models.CharField(_("invoice footer"), max_length=300, blank=True)
    efaktura_agreement = models.CharField(
        _("eFaktura agreement id"), max_length=50, blank=True, help_text=_("Empty: eFaktura is not configured.")
    )
    vipps_agreement = models.CharField(
        _("Vipps agreement id"), max_length=50, blank=True, help_text=_("Empty: Vipps is not configured.")
    )

    class Meta:
        verbose_name = _("invoice settings")
        verbose_name_plural = _("invoice settings")

    def __str__(self) -> str:
        return f"{_('Invoice settings')} {self.company}"


class InvoiceNumberCounter(models.Model):
    """The last invoice number used by a company; locked FOR UPDATE while an invoice is issued (gapless)."""

    company = models.OneToOneField("companies.Company", on_delete=models.CASCADE, related_name="+")
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.company_id}: {self.last_number}"


class DocumentType(models.TextChoices):
    INVOICE = "invoice", _("Invoice")
    CREDIT_NOTE = "credit_note", _("Credit note")


class InvoiceStatus(models.TextChoices):
    """The document's life: made, issued (numbered and posted), handed to a channel, confirmed delivered."""

    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Issued")
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    SEND_FAILED = "send_failed", _("Sending failed")


class Settlement(models.TextChoices):
    """The invoice's money: open, partly paid, paid, or credited (fully, by credit notes)."""

    OPEN = "open", _("Open")
    PARTLY_PAID = "partly_paid", _("Partly paid")
    PAID = "paid", _("Paid")
    CREDITED = "credited", _("Credited")


class Source(models.TextChoices):
    MANUAL = "manual", _("Manual")
    ORDER = "order", _("Order")
    TIME = "time", _("Time")
    CONTRACT = "contract", _("Contract")
    SUBSCRIPTION = "subscription", _("Subscription")
    CREDIT = "credit", _("Credit")


class SalesInvoice(models.Model):
    """A customer invoice or credit note (utgående faktura / kreditnota)."""

    company = models.ForeignKey("companies.Company", on_delete=models.PROTECT, related_name="sales_invoices")
    document_type = models.CharField(
        _("document type"), max_length=12, choices=DocumentType.choices, default=DocumentType.INVOICE
    )
    number = models.PositiveIntegerField(_("invoice number"), null=True, blank=True, editable=False)
    status = models.CharField(_("status"), max_length=12, choices=InvoiceStatus.choices, default=InvoiceStatus.DRAFT)
    settlement = models.CharField(_("settlement"), max_length=12, choices=Settlement.choices, default=Settlement.OPEN)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="invoices")
    # the buyer as he was when the invoice was issued (the invoice never changes afterwards)
    buyer_name = models.CharField(_("buyer"), max_length=200, blank=True)
    buyer_orgnr = models.CharField(_("buyer org.nr"), max_length=9, blank=True)
    buyer_address = models.JSONField(_("buyer address"), default=dict, blank=True)
    issue_date = models.DateField(_("invoice date"), null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    delivery_date = models.DateField(_("delivery date"), null=True, blank=True)
    period_start = models.DateField(_("period from"), null=True, blank=True)
    period_end = models.DateField(_("period to"), null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="NOK")
    exchange_rate = models.DecimalField(
        _("exchange rate (NOK)"), max_digits=14, decimal_places=6, null=True, blank=True
    )
    kid = models.CharField("KID", max_length=25, blank=True)
    buyer_reference = models.CharField(_("their reference"), max_length=100, blank=True)
    seller_reference = models.CharField(_("our reference"), max_length=100, blank=True)
    order_reference = models.CharField(_("order reference"), max_length=100, blank=True)
    contract_reference = models.CharField(_("contract reference"), max_length=100, blank=True)
    note = models.TextField(_("note"), blank=True)
    credits = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_notes",
        verbose_name=_("credits invoice"),
    )
    credit_reason = models.CharField(_("reason for credit"), max_length=300, blank=True)
    source = models.CharField(_("source"), max_length=12, choices=Source.choices, default=Source.MANUAL)
    source_key = models.CharField(
        _("source key"), max_length=100, blank=True, help_text=_("What made it, so a run never makes it twice.")
    )
    channel = models.CharField(_("channel"), max_length=10, choices=DeliveryChannel.choices, blank=True)
    net_total = models.DecimalField(_("total excl. VAT"), default=Decimal("0.00"), **MONEY)
    vat_total = models.DecimalField(_("VAT"), default=Decimal("0.00"), **MONEY)
    rounding = models.DecimalField(_("rounding"), default=Decimal("0.00"), **MONEY)
    total = models.DecimalField(_("total"), default=Decimal("0.00"), **MONEY)
    total_nok = models.DecimalField(_("total in NOK"), default=Decimal("0.00"), **MONEY)
    vat_total_nok = models.DecimalField(_("VAT in NOK"), default=Decimal("0.00"), **MONEY)
    paid_amount = models.DecimalField(_("paid"), default=Decimal("0.00"), **MONEY)
    paid_on = models.DateField(_("paid on"), null=True, blank=True, help_text=_("When it was paid in full."))
    disputed = models.BooleanField(
        _("disputed"), default=False, help_text=_("The customer disputes it: no reminders until resolved.")
    )
    dispute_note = models.CharField(_("dispute note"), max_length=300, blank=True)
    voucher = models.OneToOneField(
        "ledger.Voucher", on_delete=models.PROTECT, null=True, blank=True, related_name="sales_invoice"
    )
    ehf_file = models.ForeignKey(
        "payables.StoredFile", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    pdf_file = models.ForeignKey(
        "payables.StoredFile", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)

    class Meta:
        verbose_name = _("customer invoice")
        verbose_name_plural = _("customer invoices")
        ordering = ["company", "-number", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "number"], condition=models.Q(number__isnull=False), name="uniq_sales_invoice_number"
            ),
            models.UniqueConstraint(
                fields=["company", "source", "source_key"],
                condition=~models.Q(source_key=""),
                name="uniq_sales_invoice_source",
            ),
        ]
        indexes = [models.Index(fields=["company", "status", "due_date"], name="sales_inv_status_due")]

    def __str__(self) -> str:
        label = _("Credit note") if self.is_credit_note else _("Invoice")
        return f"{label} {self.number}" if self.number else f"{label} ({_('draft')})"

    @property
    def is_credit_note(self) -> bool:
        return self.document_type == DocumentType.CREDIT_NOTE

    @property
    def is_draft(self) -> bool:
        return self.status == InvoiceStatus.DRAFT

    @property
    def open_amount(self) -> Decimal:
        return self.total - self.paid_amount

    def display_status(self, today: date | None = None) -> str:
        """draft, credited, paid, send_failed, overdue, or else issued/sent/delivered: what the list shows."""
        if self.status == InvoiceStatus.DRAFT:
            return "draft"
        if self.settlement == Settlement.CREDITED:
            return "credited"
        if self.settlement == Settlement.PAID:
            return "paid"
        if self.status == InvoiceStatus.SEND_FAILED:
            return "send_failed"  # the customer never got it: that is what to act on, not "overdue"
        if not self.is_credit_note and self.due_date is not None and self.due_date < (today or timezone.localdate()):
            return "overdue"
        return str(self.status)


class SalesInvoiceLine(models.Model):
    """One invoice line: what was supplied, how much, at what price, with its revenue account and VAT code."""

    invoice = models.ForeignKey(SalesInvoice, on_delete=models.CASCADE, related_name="lines")
    line_no = models.PositiveSmallIntegerField(_("line"))
    product = models.ForeignKey(Product, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    description = models.CharField(_("description"), max_length=300)
    quantity = models.DecimalField(_("quantity"), **PRECISE)
    unit_code = models.CharField(_("unit"), max_length=3, default="C62")
    unit_price = models.DecimalField(_("unit price"), **PRECISE)
    discount_percent = models.DecimalField(
        _("discount %"), max_digits=5, decimal_places=2, default=Decimal("0"), help_text=_("A line allowance.")
    )
    net_amount = models.DecimalField(_("amount excl. VAT"), default=Decimal("0.00"), **MONEY)
    vat_code = models.CharField(_("VAT code"), max_length=6)
    vat_rate = models.DecimalField(_("VAT rate"), max_digits=5, decimal_places=2, default=Decimal("0"))
    revenue_account = models.CharField(_("revenue account"), max_length=6)
    department = models.CharField(_("department"), max_length=20, blank=True)
    project = models.CharField(_("project"), max_length=20, blank=True)
    period_start = models.DateField(_("period from"), null=True, blank=True)
    period_end = models.DateField(_("period to"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    source_key = models.CharField(_("source key"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        ordering = ["invoice", "line_no"]
        constraints = [models.UniqueConstraint(fields=["invoice", "line_no"], name="uniq_sales_invoice_line")]

    def __str__(self) -> str:
        return f"{self.line_no}: {self.description}"


class PaymentSource(models.TextChoices):
    BANK = "bank", _("Bank file")
    MANUAL = "manual", _("Registered by hand")


class CustomerPayment(models.Model):
    """A payment from a customer (innbetaling), posted to the bank and allocated to its open invoices.

    What is not allocated to an invoice is a credit on the customer (``unallocated``): an
    overpayment, or a payment nobody could place yet. The voucher (series BANK) debits the bank
    account's ledger account and credits 1500 with the customer as partner.
    """

    company = models.ForeignKey("companies.Company", on_delete=models.PROTECT, related_name="customer_payments")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, null=True, blank=True, related_name="payments")
    paid_on = models.DateField(_("paid on"))
    amount = models.DecimalField(_("amount"), **MONEY)
    unallocated = models.DecimalField(_("not allocated"), default=Decimal("0.00"), **MONEY)
    source = models.CharField(_("source"), max_length=10, choices=PaymentSource.choices, default=PaymentSource.BANK)
    source_ref = models.CharField(
        _("bank reference"), max_length=200, blank=True, help_text=_("The bank entry it came from.")
    )
    payer_name = models.CharField(_("payer"), max_length=200, blank=True)
    payer_account = models.CharField(_("payer's account"), max_length=34, blank=True)
    kid = models.CharField("KID", max_length=25, blank=True)
    text = models.CharField(_("message"), max_length=500, blank=True)
    match_method = models.CharField(_("matched by"), max_length=20, blank=True)
    voucher = models.OneToOneField(
        "ledger.Voucher", on_delete=models.PROTECT, null=True, blank=True, related_name="customer_payment"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("customer payment")
        verbose_name_plural = _("customer payments")
        ordering = ["company", "-paid_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "source_ref"], condition=~models.Q(source_ref=""), name="uniq_customer_payment_ref"
            )
        ]

    def __str__(self) -> str:
        return f"{_('Payment')} {self.paid_on:%d.%m.%Y} {self.amount}"


class PaymentAllocation(models.Model):
    """The part of a customer payment that settles one invoice."""

    payment = models.ForeignKey(CustomerPayment, on_delete=models.PROTECT, related_name="allocations")
    invoice = models.ForeignKey(SalesInvoice, on_delete=models.PROTECT, related_name="allocations")
    amount = models.DecimalField(_("amount"), **MONEY)

    class Meta:
        verbose_name = _("payment allocation")
        verbose_name_plural = _("payment allocations")
        constraints = [models.UniqueConstraint(fields=["payment", "invoice"], name="uniq_payment_allocation")]

    def __str__(self) -> str:
        return f"{self.invoice} ← {self.amount}"
