"""Admin for the coding engine: rules and settings editable (audited), lines and the learning log read-only.

Lines are coded through the coding queue (which validates, learns and audits); the admin only
shows them, so nothing the model learnt from can be changed behind its back.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from fakturaflyt.coding.models import CodingLine, CodingRule, CodingSettings, LearnEvent, ModelSnapshot
from fakturaflyt.ledger.admin_audit import AuditedAdmin


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CodingRule)
class CodingRuleAdmin(AuditedAdmin):
    list_display = [
        "__str__",
        "kind",
        "keyword",
        "supplier",
        "account",
        "vat_code",
        "department",
        "project",
        "company",
        "is_active",
    ]
    list_filter = ["company", "kind", "is_active"]
    search_fields = ["keyword", "supplier__name", "account"]
    raw_id_fields = ["supplier", "created_by"]


@admin.register(CodingSettings)
class CodingSettingsAdmin(AuditedAdmin):
    list_display = ["company", "mode", "target_precision", "fixed_threshold", "window_days", "min_rows", "measured_at"]
    readonly_fields = ["measured", "measured_at"]


@admin.register(CodingLine)
class CodingLineAdmin(ReadOnly):
    list_display = [
        "pk",
        "line_date",
        "supplier",
        "description",
        "amount",
        "account",
        "vat_code",
        "state",
        "confidence",
        "company",
    ]
    list_filter = ["company", "state", "source"]
    search_fields = ["description", "supplier__name", "source_ref"]
    date_hierarchy = "line_date"


@admin.register(LearnEvent)
class LearnEventAdmin(ReadOnly):
    list_display = ["pk", "company", "line", "coding", "created_at"]
    list_filter = ["company"]


@admin.register(ModelSnapshot)
class ModelSnapshotAdmin(ReadOnly):
    list_display = ["company", "last_event_id", "refitted_at"]
