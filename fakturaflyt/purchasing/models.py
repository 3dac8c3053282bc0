"""Purchase orders (innkjøpsordrer), goods receipts (varemottak) and how supplier invoices matched them.

A :class:`PurchaseOrder` has lines with the ordered quantity, unit price and the coding the
invoice takes (account, VAT code, department, project). A :class:`GoodsReceipt` records what
arrived, per line; once an order has a receipt, its invoices are matched three-way (against
what was received) instead of two-way (against what was ordered). Each invoice matched to an
order gets one :class:`InvoiceMatch` with the outcome per line; what it invoiced is counted per
order line in :class:`InvoicedQuantity`, so the next invoice is checked against what is still
open (partial invoicing). Tolerances are per company, and per supplier where set
(:class:`MatchTolerance`). The rules are :mod:`fakturaflyt.core.matching.purchase`.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OrderStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


class PurchaseOrder(models.Model):
    """An order to a supplier; its number is what the supplier quotes as the invoice's order reference."""

    company = models.ForeignKey("companies.Company", on_delete=models.PROTECT, related_name="purchase_orders")
    number = models.CharField(_("order number"), max_length=50)
    supplier = models.ForeignKey("payables.Supplier", on_delete=models.PROTECT, related_name="purchase_orders")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Who ordered it; may not approve the invoice."),
    )
    order_date = models.DateField(_("order date"))
    currency = models.CharField(_("currency"), max_length=3, default="NOK")
    status = models.CharField(_("status"), max_length=10, choices=OrderStatus.choices, default=OrderStatus.OPEN)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("purchase order")
        verbose_name_plural = _("purchase orders")
        ordering = ["company", "-order_date", "-pk"]
        constraints = [models.UniqueConstraint(fields=["company", "number"], name="uniq_purchase_order_number")]

    def __str__(self) -> str:
        return f"{self.number} ({self.supplier.name})"


class PurchaseOrderLine(models.Model):
    """One ordered item: quantity, unit (UN/ECE Rec 20), price and coding; with what was received and invoiced."""

    order = models.ForeignKey(PurchaseOrder, on_delete=models.CASCADE, related_name="lines")
    line_no = models.PositiveIntegerField(_("line"))
    item_id = models.CharField(_("item number"), max_length=100, blank=True)
    description = models.CharField(_("description"), max_length=300)
    quantity = models.DecimalField(_("quantity"), max_digits=18, decimal_places=4)
    unit = models.CharField(_("unit"), max_length=3, default="EA")
    unit_price = models.DecimalField(_("unit price"), max_digits=18, decimal_places=4)
    account = models.CharField(_("account"), max_length=6, blank=True)
    vat_code = models.CharField(_("VAT code"), max_length=6, blank=True)
    department = models.CharField(_("department"), max_length=20, blank=True)
    project = models.CharField(_("project"), max_length=20, blank=True)
    quantity_received = models.DecimalField(
        _("quantity received"), max_digits=18, decimal_places=4, default=Decimal("0")
    )
    quantity_invoiced = models.DecimalField(
        _("quantity invoiced"), max_digits=18, decimal_places=4, default=Decimal("0")
    )

    class Meta:
        verbose_name = _("purchase order line")
        verbose_name_plural = _("purchase order lines")
        ordering = ["order", "line_no"]
        constraints = [models.UniqueConstraint(fields=["order", "line_no"], name="uniq_purchase_order_line")]

    def __str__(self) -> str:
        return f"{self.order.number}/{self.line_no} {self.description}"

    @property
    def amount(self) -> Decimal:
        return (self.quantity * self.unit_price).quantize(Decimal("0.01"))

    @property
    def remaining(self) -> Decimal:
        """Ordered and not yet invoiced."""
        return self.quantity - self.quantity_invoiced

    def coding(self) -> dict[str, str]:
        return {
            "account": self.account,
            "vat_code": self.vat_code,
            "department": self.department,
            "project": self.project,
        }


class GoodsReceipt(models.Model):
    """One delivery received against an order (varemottak): when, by whom, and how much of which lines."""

    company = models.ForeignKey("companies.Company", on_delete=models.PROTECT, related_name="goods_receipts")
    order = models.ForeignKey(PurchaseOrder, on_delete=models.PROTECT, related_name="receipts")
    received_on = models.DateField(_("received on"))
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("goods receipt")
        verbose_name_plural = _("goods receipts")
        ordering = ["order", "received_on", "pk"]

    def __str__(self) -> str:
        return f"{self.order.number} received {self.received_on}"


class GoodsReceiptLine(models.Model):
    receipt = models.ForeignKey(GoodsReceipt, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(PurchaseOrderLine, on_delete=models.PROTECT, related_name="receipt_lines")
    quantity = models.DecimalField(_("quantity"), max_digits=18, decimal_places=4)

    class Meta:
        verbose_name = _("goods receipt line")
        verbose_name_plural = _("goods receipt lines")

    def __str__(self) -> str:
        return f"{self.order_line} × {self.quantity}"


class MatchTolerance(models.Model):
    """How far an invoice may differ from its order: the company's default (no supplier) or one supplier's."""

    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="match_tolerances")
    supplier = models.ForeignKey(
        "payables.Supplier", on_delete=models.CASCADE, null=True, blank=True, related_name="match_tolerances"
    )
    price_pct = models.DecimalField(
        _("price deviation (%)"), max_digits=7, decimal_places=2, null=True, blank=True, default=Decimal("2")
    )
    price_abs = models.DecimalField(
        _("price deviation (amount)"), max_digits=18, decimal_places=2, null=True, blank=True, default=Decimal("50")
    )
    quantity_pct = models.DecimalField(
        _("quantity deviation (%)"), max_digits=7, decimal_places=2, null=True, blank=True, default=Decimal("0")
    )
    total_pct = models.DecimalField(
        _("total deviation (%)"), max_digits=7, decimal_places=2, null=True, blank=True, default=Decimal("1")
    )
    total_abs = models.DecimalField(
        _("total deviation (amount)"), max_digits=18, decimal_places=2, null=True, blank=True, default=Decimal("100")
    )

    class Meta:
        verbose_name = _("match tolerance")
        verbose_name_plural = _("match tolerances")
        constraints = [
            models.UniqueConstraint(fields=["company", "supplier"], name="uniq_match_tolerance_supplier"),
            models.UniqueConstraint(
                fields=["company"], condition=models.Q(supplier__isnull=True), name="uniq_match_tolerance_default"
            ),
        ]

    def __str__(self) -> str:
        return f"tolerance of {self.supplier or self.company}"


class MatchMode(models.TextChoices):
    TWO_WAY = "two_way", _("Two-way (invoice and order)")
    THREE_WAY = "three_way", _("Three-way (invoice, order and goods receipt)")


class MatchOutcome(models.TextChoices):
    MATCHED = "matched", _("Matched")
    WITHIN_TOLERANCE = "within_tolerance", _("Within tolerance")
    DEVIATION = "deviation", _("Deviation")
    UNMATCHED = "unmatched", _("Unmatched")


class InvoiceMatch(models.Model):
    """A supplier invoice matched with its purchase order: the outcome, per line, and the deviations."""

    company = models.ForeignKey("companies.Company", on_delete=models.PROTECT, related_name="+")
    document = models.OneToOneField("payables.SupplierDocument", on_delete=models.CASCADE, related_name="po_match")
    order = models.ForeignKey(PurchaseOrder, on_delete=models.PROTECT, related_name="matches")
    mode = models.CharField(_("matching"), max_length=10, choices=MatchMode.choices)
    outcome = models.CharField(_("outcome"), max_length=20, choices=MatchOutcome.choices)
    within_tolerance = models.BooleanField(_("within tolerance"), default=False)
    lines = models.JSONField(_("lines"), default=list, help_text=_("Per invoice line: the order line and outcome."))
    deviations = models.JSONField(_("deviations"), default=list)
    total = models.JSONField(_("total"), default=dict, help_text=_("Expected and invoiced total, difference."))
    matched_at = models.DateTimeField(_("matched at"))

    class Meta:
        verbose_name = _("invoice match")
        verbose_name_plural = _("invoice matches")
        ordering = ["-matched_at"]

    def __str__(self) -> str:
        return f"{self.document} ↔ {self.order.number}: {self.outcome}"


class InvoicedQuantity(models.Model):
    """How much of an order line one invoice (or credit note: negative) invoiced, and for how much."""

    order_line = models.ForeignKey(PurchaseOrderLine, on_delete=models.CASCADE, related_name="invoiced")
    document = models.ForeignKey("payables.SupplierDocument", on_delete=models.CASCADE, related_name="+")
    quantity = models.DecimalField(_("quantity"), max_digits=18, decimal_places=4)
    amount = models.DecimalField(_("amount"), max_digits=18, decimal_places=2)

    class Meta:
        verbose_name = _("invoiced quantity")
        verbose_name_plural = _("invoiced quantities")
        constraints = [
            models.UniqueConstraint(fields=["order_line", "document"], name="uniq_invoiced_quantity_line_document")
        ]

    def __str__(self) -> str:
        return f"{self.order_line} invoiced {self.quantity}"
