from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from fakturaflyt.distribution.models import Dispatch, DispatchAttempt, PrintBatch, PrintBatchItem


class DispatchAttemptInline(admin.TabularInline):
    model = DispatchAttempt
    extra = 0
    can_delete = False
    readonly_fields = ["number", "started_at", "finished_at", "outcome", "error_code", "detail"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Dispatch)
class DispatchAdmin(admin.ModelAdmin):
    """The send log, read-only: dispatches change only through the distribution services."""

    list_display = ["invoice", "company", "channel", "recipient", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "channel", "company"]
    search_fields = ["recipient", "message_id", "file_name", "invoice__number"]
    inlines = [DispatchAttemptInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class PrintBatchItemInline(admin.TabularInline):
    model = PrintBatchItem
    extra = 0
    can_delete = False
    readonly_fields = ["dispatch", "pdf", "added_at"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PrintBatch)
class PrintBatchAdmin(admin.ModelAdmin):
    list_display = ["day", "company", "printed_at", "printed_by"]
    list_filter = ["company"]
    readonly_fields = ["company", "day", "printed_at", "printed_by"]
    inlines = [PrintBatchItemInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
