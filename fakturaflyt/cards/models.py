"""Company-card charges, the shop orders behind them, and each charge's split into coded lines (issue 9).

* :class:`CardImport`: one received file, a card statement (CSV or camt.053/054 card entries)
  or a shop's order report (Amazon Business, Amazon consumer export, ...). The bytes are kept
  (:class:`~fakturaflyt.payables.models.StoredFile`) before anything is read, also when the
  file is refused.
* :class:`CardCharge`: one card transaction of a statement. Its ``external_id`` (the
  statement's reference, else a stable hash of the row) is unique per company, so importing
  the same statement again adds nothing.
* :class:`ShopOrderLine`: one item row of a shop's report (one item in one shipment), unique
  per company by ``line_key`` (a hash of what identifies the row), so re-importing a report,
  or a later report overlapping an earlier one, adds nothing twice.
* :class:`ChargeLine`: one line of a charge's split: the order line it came from, its part of
  the charge (net, VAT, shipping share, total in the charge's currency; total in NOK), and its
  :class:`~fakturaflyt.coding.models.CodingLine` (account, VAT code, department, project,
  suggestion with confidence and reasons; corrections teach the company's coding model).

A charge is *unmatched* (no order lines found: a person assigns lines or codes it as one
line), *ambiguous* (two equally good sets of shipments: a person chooses), *matched* (split
and coded, waiting for acceptance), *posted* (voucher in series CARD) or *ignored* (with a
reason: a private purchase, a duplicate on the statement).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

MONEY = {"max_digits": 18, "decimal_places": 2}


class CardSettings(models.Model):
    """A company's card accounts: where the card debt, currency differences and unsplit charges go."""

    company = models.OneToOneField("companies.Company", on_delete=models.CASCADE, related_name="card_settings")
    card_account = models.CharField(
        _("card account"),
        max_length=6,
        default="2990",
        help_text=_("Credited with each charge: the debt to the card issuer until its invoice is paid."),
    )
    currency_gain_account = models.CharField(_("currency gain account"), max_length=6, default="8060")
    currency_loss_account = models.CharField(_("currency loss account"), max_length=6, default="8160")
    window_days = models.PositiveSmallIntegerField(
        _("matching window (days)"),
        default=7,
        help_text=_("How many days before the card date a shipment may have been charged."),
    )

    class Meta:
        verbose_name = _("card settings")
        verbose_name_plural = _("card settings")

    def __str__(self) -> str:
        return f"card settings of {self.company}"


class ImportKind(models.TextChoices):
    STATEMENT = "statement", _("Card statement")
    ORDERS = "orders", _("Order report")


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    IMPORTED = "imported", _("Imported")
    FAILED = "failed", _("Refused")


class CardImport(models.Model):
    """One received card statement or order report and what its import did (the file is kept)."""

    company = models.ForeignKey("companies.Company", on_delete=models.PROTECT, related_name="card_imports")
    file = models.ForeignKey("payables.StoredFile", on_delete=models.PROTECT, related_name="+")
    filename = models.CharField(_("file name"), max_length=255, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=ImportKind.choices, blank=True)
    format = models.CharField(
        _("format"),
        max_length=40,
        blank=True,
        help_text=_("Preset or layout read: default, camt.053, amazon-business…"),
    )
    shop = models.CharField(_("shop"), max_length=20, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    rows = models.PositiveIntegerField(_("rows read"), default=0)
    added = models.PositiveIntegerField(_("added"), default=0)
    duplicates = models.PositiveIntegerField(_("already there"), default=0)
    problems = models.JSONField(_("problems"), default=list, blank=True)

    class Meta:
        verbose_name = _("card file import")
        verbose_name_plural = _("card file imports")
        ordering = ["company", "-imported_at", "-id"]

    def __str__(self) -> str:
        return f"{self.filename or self.kind} {self.imported_at:%d.%m.%Y %H:%M}"


class ChargeStatus(models.TextChoices):
    UNMATCHED = "unmatched", pgettext_lazy("card charge", "Unmatched")
    AMBIGUOUS = "ambiguous", _("Ambiguous")
    MATCHED = "matched", _("Split, to accept")
    POSTED = "posted", _("Posted")
    IGNORED = "ignored", _("Ignored")


OPEN_STATUSES = (ChargeStatus.UNMATCHED, ChargeStatus.AMBIGUOUS, ChargeStatus.MATCHED)


class CardCharge(models.Model):
    """One card transaction (a purchase, or a refund with a negative amount)."""

    company = models.ForeignKey("companies.Company", on_delete=models.PROTECT, related_name="card_charges")
    card_import = models.ForeignKey(CardImport, on_delete=models.PROTECT, related_name="charges")
    external_id = models.CharField(_("statement reference"), max_length=100)
    booked_at = models.DateTimeField(_("card date"))
    merchant = models.CharField(_("merchant"), max_length=200)
    amount = models.DecimalField(_("amount"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3, default="NOK")
    amount_nok = models.DecimalField(_("amount in NOK"), null=True, blank=True, **MONEY)
    card_holder = models.CharField(_("card holder"), max_length=100, blank=True)
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    merchant_payment_ref = models.CharField(
        _("shop payment reference"), max_length=40, blank=True, help_text=_("From the merchant text: AMZN MKTP DE*…")
    )
    status = models.CharField(_("status"), max_length=10, choices=ChargeStatus.choices, default=ChargeStatus.UNMATCHED)
    match_method = models.CharField(
        _("matched by"), max_length=10, blank=True, help_text=_("reference, amount, subset or manual")
    )
    match_note = models.TextField(_("matching note"), blank=True)
    candidates = models.JSONField(
        _("candidates"), default=list, blank=True, help_text=_("Ambiguous: the competing sets of order-line ids.")
    )
    confidence = models.FloatField(_("confidence"), null=True, blank=True, help_text=_("The lowest of its lines."))
    voucher = models.OneToOneField(
        "ledger.Voucher", on_delete=models.PROTECT, null=True, blank=True, related_name="card_charge"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    ignore_reason = models.CharField(_("reason for ignoring"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("card charge")
        verbose_name_plural = _("card charges")
        ordering = ["company", "-booked_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["company", "external_id"], name="uniq_card_charge_ref"),
        ]
        indexes = [
            models.Index(fields=["company", "status", "booked_at"]),
            models.Index(fields=["company", "card_holder"]),
        ]

    def __str__(self) -> str:
        return f"{self.merchant} {self.amount} {self.currency} ({self.booked_at:%d.%m.%Y})"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class ShopOrderLine(models.Model):
    """One item row of a shop's order report (see :class:`fakturaflyt.core.cards.orders.OrderLine`)."""

    company = models.ForeignKey("companies.Company", on_delete=models.PROTECT, related_name="shop_order_lines")
    card_import = models.ForeignKey(CardImport, on_delete=models.PROTECT, related_name="order_lines")
    shop = models.CharField(_("shop"), max_length=20)
    line_key = models.CharField(_("row key"), max_length=64, help_text=_("Hash of what identifies the row."))
    charge = models.ForeignKey(CardCharge, on_delete=models.SET_NULL, null=True, blank=True, related_name="order_lines")
    order_id = models.CharField(_("order number"), max_length=60)
    title = models.CharField(_("item"), max_length=500)
    net = models.DecimalField(_("net"), **MONEY)
    vat = models.DecimalField(_("VAT"), default=Decimal("0.00"), **MONEY)
    shipping = models.DecimalField(_("shipping and fees"), default=Decimal("0.00"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3, default="NOK")
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3, default=Decimal(1))
    shipment_id = models.CharField(_("shipment"), max_length=80, blank=True)
    payment_ref = models.CharField(_("payment reference"), max_length=60, blank=True)
    payment_amount = models.DecimalField(_("payment amount"), null=True, blank=True, **MONEY)
    payment_date = models.DateField(_("payment date"), null=True, blank=True)
    payment_instrument = models.CharField(_("payment instrument"), max_length=60, blank=True)
    buyer = models.CharField(pgettext_lazy("card order", "buyer"), max_length=100, blank=True)
    category = models.CharField(_("category"), max_length=200, blank=True)
    gl_code = models.CharField(_("GL code (buyer)"), max_length=40, blank=True)
    cost_center = models.CharField(_("cost center (buyer)"), max_length=60, blank=True)
    department = models.CharField(_("department (buyer)"), max_length=60, blank=True)
    project = models.CharField(_("project (buyer)"), max_length=60, blank=True)
    order_date = models.DateField(_("order date"), null=True, blank=True)
    ship_date = models.DateField(_("ship date"), null=True, blank=True)
    item_id = models.CharField(_("item id"), max_length=60, blank=True)
    source_row = models.PositiveIntegerField(_("row in file"), default=0)

    class Meta:
        verbose_name = _("shop order line")
        verbose_name_plural = _("shop order lines")
        ordering = ["company", "order_id", "source_row"]
        constraints = [
            models.UniqueConstraint(fields=["company", "shop", "line_key"], name="uniq_shop_order_line"),
        ]
        indexes = [
            models.Index(fields=["company", "charge"]),
            models.Index(fields=["company", "payment_ref"]),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.title[:60]}"


class ChargeLine(models.Model):
    """One line of a charge's split: its part of the charge and its coding (see the module docstring)."""

    charge = models.ForeignKey(CardCharge, on_delete=models.CASCADE, related_name="lines")
    line_no = models.PositiveIntegerField(_("line"))
    order_line = models.ForeignKey(
        ShopOrderLine, on_delete=models.PROTECT, null=True, blank=True, related_name="charge_lines"
    )
    title = models.CharField(_("item"), max_length=500)
    net = models.DecimalField(_("net"), **MONEY)
    vat = models.DecimalField(_("VAT"), **MONEY)
    shipping_share = models.DecimalField(_("shipping share"), **MONEY)
    total = models.DecimalField(_("total"), **MONEY)
    total_nok = models.DecimalField(_("total in NOK"), null=True, blank=True, **MONEY)
    vat_rule = models.CharField(
        _("VAT rule"), max_length=200, blank=True, help_text=_("Why this VAT code: domestic, import, reverse charge…")
    )
    coding_line = models.OneToOneField(
        "coding.CodingLine", on_delete=models.PROTECT, null=True, blank=True, related_name="charge_line"
    )

    class Meta:
        verbose_name = _("charge line")
        verbose_name_plural = _("charge lines")
        ordering = ["charge", "line_no"]
        constraints = [
            models.UniqueConstraint(fields=["charge", "line_no"], name="uniq_charge_line_no"),
        ]

    def __str__(self) -> str:
        return f"{self.charge_id}/{self.line_no} {self.title[:40]} {self.total}"
