from django.contrib import admin

from fakturaflyt.payables.models import Supplier


@admin.register(Supplier)
class SupplierAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "orgnr", "company", "is_active"]
    list_filter = ["company", "is_active"]
    search_fields = ["name", "orgnr"]
