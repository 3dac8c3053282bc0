"""Admin for master data. Vouchers and the audit log are shown read-only: no add, change or delete."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from fakturaflyt.ledger.admin_audit import AuditedAdmin
from fakturaflyt.ledger.models import (
    Account,
    AuditEvent,
    Department,
    ExchangeRate,
    NumberSeries,
    Posting,
    Project,
    VatCode,
    Voucher,
)


@admin.register(Account)
class AccountAdmin(AuditedAdmin):
    list_display = ["number", "name", "company", "account_type", "standard_account", "default_vat_code", "is_active"]
    list_filter = ["company", "account_type", "is_active"]
    search_fields = ["number", "name"]


@admin.register(VatCode)
class VatCodeAdmin(AuditedAdmin):
    list_display = ["code", "name", "rate", "direction", "standard_tax_code", "company"]
    list_filter = ["company", "direction"]


@admin.register(Department, Project)
class DimensionAdmin(AuditedAdmin):
    list_display = ["code", "name", "company", "is_active"]
    list_filter = ["company", "is_active"]


@admin.register(NumberSeries)
class NumberSeriesAdmin(AuditedAdmin):
    list_display = ["code", "name", "company"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class PostingInline(admin.TabularInline):
    model = Posting
    extra = 0
    can_delete = False
    fields = ["line", "account", "description", "debit", "credit", "vat_code", "department", "project"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Voucher)
class VoucherAdmin(ReadOnlyAdmin):
    list_display = ["label", "date", "description", "company", "source", "posted_by", "posted_at"]
    list_filter = ["company", "series", "year", "source"]
    search_fields = ["description", "number"]
    inlines = [PostingInline]
    actions = None


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["seq", "company", "at", "actor_label", "action", "object_type", "object_id"]
    list_filter = ["company", "action"]
    actions = None


@admin.register(ExchangeRate)
class ExchangeRateAdmin(ReadOnlyAdmin):
    """Norges Bank's reference rates as imported (``fakturaflyt rates import``, the daily task); read-only."""

    list_display = ["day", "currency", "rate", "source", "created_at"]
    list_filter = ["currency", "source"]
    date_hierarchy = "day"
    ordering = ["-day", "currency"]
    actions = None
