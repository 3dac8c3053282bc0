from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from fakturaflyt.ledger.admin_audit import AuditedAdmin
from fakturaflyt.payables.models import Supplier, SupplierBankAccountChange

#: A supplier's account changes only through a request another person approves (:mod:`.bank_changes`).
BANK_FIELDS = ("bank_account", "iban", "bic")


@admin.register(Supplier)
class SupplierAdmin(AuditedAdmin):
    list_display = ["number", "name", "orgnr", "company", "is_active"]
    list_filter = ["company", "is_active"]
    search_fields = ["name", "orgnr"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        """The account of an existing supplier is read-only here: change it on the supplier page (two people)."""
        fields = tuple(super().get_readonly_fields(request, obj))
        return fields + BANK_FIELDS if obj is not None and obj.pk else fields


@admin.register(SupplierBankAccountChange)
class SupplierBankAccountChangeAdmin(admin.ModelAdmin):
    """Read-only: requests are decided on the supplier page or through the API, never edited here."""

    list_display = ["supplier", "status", "new_bank_account", "new_iban", "requested_by", "requested_at", "decided_by"]
    list_filter = ["status", "company"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
