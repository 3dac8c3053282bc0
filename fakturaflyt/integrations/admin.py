"""Admin for the export: connections (keys never shown), id mappings (overridable), export records (reset)."""

from __future__ import annotations

from django.contrib import admin

from fakturaflyt.integrations.models import Connection, ExternalRef, JournalLayout, VoucherExport


@admin.register(Connection)
class ConnectionAdmin(admin.ModelAdmin):
    list_display = ("company", "system", "configured_at", "configured_by")
    list_filter = ("system",)
    # The encrypted keys are not editable and not shown; companies enter keys on the Integrations page.
    readonly_fields = ("hints", "configured_at", "configured_by")
    exclude = ("secrets",)


@admin.register(ExternalRef)
class ExternalRefAdmin(admin.ModelAdmin):
    list_display = ("company", "system", "kind", "key", "external_id", "manual", "updated_at")
    list_filter = ("system", "kind", "manual")
    search_fields = ("key", "external_id")


@admin.register(VoucherExport)
class VoucherExportAdmin(admin.ModelAdmin):
    list_display = ("voucher", "target", "status", "attempts", "last_attempt_at", "sent_at", "error_code")
    list_filter = ("target", "status")
    # A record left "sending" is reset to "failed" here after checking the other system, so it is retried.
    fields = ("status", "external_id", "attempts", "last_attempt_at", "sent_at", "error_code", "error_message")
    readonly_fields = ("attempts", "last_attempt_at", "sent_at", "error_code", "error_message")


@admin.register(JournalLayout)
class JournalLayoutAdmin(admin.ModelAdmin):
    list_display = ("company", "name")
