from django.contrib import admin

from fakturaflyt.ledger.admin import ReadOnlyAdmin
from fakturaflyt.ledger.admin_audit import AuditedAdmin
from fakturaflyt.receivables.models import Customer, InvoiceSettings, Product, SalesInvoice


@admin.register(Customer)
class CustomerAdmin(AuditedAdmin):
    list_display = ["number", "name", "orgnr", "channel", "company", "is_active"]
    list_filter = ["company", "channel", "is_active"]
    search_fields = ["name", "orgnr"]


@admin.register(Product)
class ProductAdmin(AuditedAdmin):
    list_display = ["code", "name", "price", "unit_code", "vat_code", "revenue_account", "company", "is_active"]
    list_filter = ["company", "is_active"]
    search_fields = ["code", "name"]


@admin.register(InvoiceSettings)
class InvoiceSettingsAdmin(AuditedAdmin):
    list_display = ["company", "kid_method", "kid_length", "default_terms_days", "attach_pdf_to_ehf"]


@admin.register(SalesInvoice)
class SalesInvoiceAdmin(ReadOnlyAdmin):
    """Issued invoices never change (bokføringsforskriften § 5-2-6); the admin only shows them."""

    list_display = ["number", "document_type", "customer", "issue_date", "due_date", "total", "status", "company"]
    list_filter = ["company", "document_type", "status", "settlement"]
    search_fields = ["number", "kid", "buyer_name"]
