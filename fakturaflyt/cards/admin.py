"""Admin of the card app: received files, charges, order lines and splits are read only (they come from
files and are posted through the card inbox); the card settings are audited master data."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from fakturaflyt.cards.models import CardCharge, CardImport, CardSettings, ChargeLine, ShopOrderLine
from fakturaflyt.ledger.admin_audit import AuditedAdmin


class ReadOnly:
    """No add, change or delete: what a file brought in and what was posted is changed by the services only."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CardSettings)
class CardSettingsAdmin(AuditedAdmin):
    list_display = ("company", "card_account", "currency_gain_account", "currency_loss_account", "window_days")


@admin.register(CardImport)
class CardImportAdmin(ReadOnly, admin.ModelAdmin):
    list_display = (
        "company",
        "filename",
        "kind",
        "format",
        "shop",
        "status",
        "imported_at",
        "rows",
        "added",
        "duplicates",
    )
    list_filter = ("kind", "status", "shop")
    search_fields = ("filename",)
    list_select_related = ("company",)


class ChargeLineInline(ReadOnly, admin.TabularInline):
    model = ChargeLine
    fields = ("line_no", "title", "net", "vat", "shipping_share", "total", "total_nok", "vat_rule", "coding_line")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False


@admin.register(CardCharge)
class CardChargeAdmin(ReadOnly, admin.ModelAdmin):
    list_display = (
        "company",
        "booked_at",
        "merchant",
        "amount",
        "currency",
        "amount_nok",
        "card_holder",
        "status",
        "match_method",
        "voucher",
    )
    list_filter = ("status", "match_method", "currency")
    search_fields = ("external_id", "merchant", "card_holder", "reference", "merchant_payment_ref")
    list_select_related = ("company", "voucher")
    date_hierarchy = "booked_at"
    inlines = (ChargeLineInline,)


@admin.register(ShopOrderLine)
class ShopOrderLineAdmin(ReadOnly, admin.ModelAdmin):
    list_display = (
        "company",
        "shop",
        "order_id",
        "title",
        "net",
        "vat",
        "shipping",
        "currency",
        "payment_ref",
        "charge",
    )
    list_filter = ("shop", "currency")
    search_fields = ("order_id", "title", "payment_ref", "shipment_id", "buyer")
    list_select_related = ("company", "charge")
