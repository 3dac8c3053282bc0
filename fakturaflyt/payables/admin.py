from django.contrib import admin

from fakturaflyt.ledger.admin_audit import AuditedAdmin
from fakturaflyt.payables.models import Supplier


@admin.register(Supplier)
class SupplierAdmin(AuditedAdmin):
    list_display = ["number", "name", "orgnr", "company", "is_active"]
    list_filter = ["company", "is_active"]
    search_fields = ["name", "orgnr"]
