"""Admin: imports and entries are read only (they come from bank files); the threshold is audited master data."""

from django.contrib import admin

from fakturaflyt.banking.models import BankEntry, BankStatementImport, ReconciliationSettings
from fakturaflyt.ledger.admin_audit import AuditedAdmin


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(BankStatementImport)
class BankStatementImportAdmin(ReadOnlyAdmin):
    list_display = ("company", "filename", "format", "status", "imported_at", "entries", "matched_auto", "for_review")
    list_filter = ("status", "format")


@admin.register(BankEntry)
class BankEntryAdmin(ReadOnlyAdmin):
    list_display = ("company", "booking_date", "amount", "direction", "kid", "counterparty_name", "state")
    list_filter = ("state", "direction")
    search_fields = ("ref", "kid", "counterparty_name", "text")


@admin.register(ReconciliationSettings)
class ReconciliationSettingsAdmin(AuditedAdmin):
    list_display = ("company", "auto_threshold")
