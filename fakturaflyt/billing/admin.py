"""Admin for the billing sources (master data); the run itself is a service, not an admin action."""

from django.contrib import admin

from fakturaflyt.billing.models import (
    BilledPeriod,
    BillingRun,
    Contract,
    ContractMilestone,
    CpiIndex,
    SalesOrder,
    SalesOrderLine,
    Subscription,
    SubscriptionChange,
    SubscriptionPlan,
    TimeEntry,
)


class SalesOrderLineInline(admin.TabularInline):
    model = SalesOrderLine
    extra = 0
    exclude = ("company",)


@admin.register(SalesOrder)
class SalesOrderAdmin(admin.ModelAdmin):
    list_display = ("number", "company", "customer", "order_date", "delivery_date", "invoice_on", "status")
    list_filter = ("status", "company")
    search_fields = ("number", "customer__name")
    readonly_fields = ("invoice",)
    inlines = [SalesOrderLineInline]


@admin.register(TimeEntry)
class TimeEntryAdmin(admin.ModelAdmin):
    list_display = ("date", "company", "customer", "project", "person", "hours", "hourly_rate", "billable", "invoice")
    list_filter = ("billable", "company")
    search_fields = ("person", "customer__name", "description")
    readonly_fields = ("invoice", "invoice_line")


class ContractMilestoneInline(admin.TabularInline):
    model = ContractMilestone
    extra = 0
    exclude = ("company",)
    readonly_fields = ("invoice",)


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin):
    list_display = ("number", "title", "company", "customer", "start_date", "end_date", "status")
    list_filter = ("status", "company")
    inlines = [ContractMilestoneInline]


@admin.register(SubscriptionPlan)
class SubscriptionPlanAdmin(admin.ModelAdmin):
    list_display = ("name", "company", "price", "interval", "in_advance", "is_active")
    list_filter = ("interval", "in_advance", "company")


class SubscriptionChangeInline(admin.TabularInline):
    model = SubscriptionChange
    extra = 0
    exclude = ("company",)
    readonly_fields = ("created_by",)


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ("customer", "plan", "company", "quantity", "start", "trial_end", "end", "cpi_month", "status")
    list_filter = ("status", "company")
    search_fields = ("customer__name",)
    inlines = [SubscriptionChangeInline]


@admin.register(CpiIndex)
class CpiIndexAdmin(admin.ModelAdmin):
    list_display = ("year", "month", "value", "source")


@admin.register(BilledPeriod)
class BilledPeriodAdmin(admin.ModelAdmin):
    list_display = ("key", "subscription", "kind", "period_start", "period_end", "amount", "invoice")
    list_filter = ("kind",)

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # the run's record of what it invoiced


@admin.register(BillingRun)
class BillingRunAdmin(admin.ModelAdmin):
    list_display = ("run_date", "company", "status", "created_count", "skipped_count", "problem_count", "actor")
    list_filter = ("status", "company")

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
