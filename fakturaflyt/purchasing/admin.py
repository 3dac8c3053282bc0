from django.contrib import admin

from fakturaflyt.purchasing.models import (
    GoodsReceipt,
    GoodsReceiptLine,
    InvoicedQuantity,
    InvoiceMatch,
    MatchTolerance,
    PurchaseOrder,
    PurchaseOrderLine,
)


class PurchaseOrderLineInline(admin.TabularInline):
    model = PurchaseOrderLine
    extra = 0
    readonly_fields = ("quantity_received", "quantity_invoiced")


@admin.register(PurchaseOrder)
class PurchaseOrderAdmin(admin.ModelAdmin):
    list_display = ("number", "company", "supplier", "order_date", "status", "requested_by")
    list_filter = ("status", "company")
    search_fields = ("number", "supplier__name")
    inlines = [PurchaseOrderLineInline]


class GoodsReceiptLineInline(admin.TabularInline):
    model = GoodsReceiptLine
    extra = 0


@admin.register(GoodsReceipt)
class GoodsReceiptAdmin(admin.ModelAdmin):
    list_display = ("order", "received_on", "received_by")
    inlines = [GoodsReceiptLineInline]


@admin.register(MatchTolerance)
class MatchToleranceAdmin(admin.ModelAdmin):
    list_display = ("company", "supplier", "price_pct", "price_abs", "quantity_pct", "total_pct", "total_abs")


@admin.register(InvoiceMatch)
class InvoiceMatchAdmin(admin.ModelAdmin):
    list_display = ("document", "order", "mode", "outcome", "within_tolerance", "matched_at")
    list_filter = ("outcome", "mode")
    readonly_fields = [f.name for f in InvoiceMatch._meta.fields]


@admin.register(InvoicedQuantity)
class InvoicedQuantityAdmin(admin.ModelAdmin):
    list_display = ("order_line", "document", "quantity", "amount")
