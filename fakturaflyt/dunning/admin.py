"""Admin for the dunning settings and the legal rate tables; notices and cases are read-only records."""

from typing import Any

from django.contrib import admin

from fakturaflyt.dunning.models import (
    CollectionCase,
    DunningNotice,
    DunningSettings,
    LateInterestRate,
    ReminderFeeRate,
)


@admin.register(DunningSettings)
class DunningSettingsAdmin(admin.ModelAdmin):
    list_display = ("company", "enabled", "fee_amount", "charge_interest", "channel", "agency_name")


@admin.register(ReminderFeeRate)
class ReminderFeeRateAdmin(admin.ModelAdmin):
    list_display = ("valid_from", "inkassosats", "fee_fraction", "max_fee", "source")


@admin.register(LateInterestRate)
class LateInterestRateAdmin(admin.ModelAdmin):
    list_display = ("valid_from", "valid_to", "rate", "source")


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(DunningNotice)
class DunningNoticeAdmin(ReadOnly):
    list_display = ("sent_on", "company", "invoice", "step", "fee", "interest", "deadline", "channel", "status")
    list_filter = ("status", "step", "company")


@admin.register(CollectionCase)
class CollectionCaseAdmin(ReadOnly):
    list_display = ("handed_over_on", "company", "invoice", "agency_name", "principal", "fees", "interest", "status")
