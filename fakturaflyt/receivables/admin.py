from django.contrib import admin

from fakturaflyt.receivables.models import Customer


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "orgnr", "company", "is_active"]
    list_filter = ["company", "is_active"]
    search_fields = ["name", "orgnr"]
